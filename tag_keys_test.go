package connectd

import "testing"

func TestCheckTagKey(t *testing.T) {
	for key, reserved := range map[string]bool{
		"aws:x": true, "AWS:x": true, "Aws:Team": true, "aWs:": true,
		"aws": false, "awsx:y": false, "team": false, "x-aws:y": false, "": false,
	} {
		err := CheckTagKey(key)
		if got := err != nil; got != reserved {
			t.Errorf("CheckTagKey(%q) = %v; want reserved %v", key, err, reserved)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("CheckTagKey(%q) code = %s", key, ErrorCode(err))
		}
	}
}
