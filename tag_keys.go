package connectd

import (
	"maps"
	"slices"
	"strings"
)

// reservedTagPrefix is the prefix AWS keeps for its own tags. The model's
// patterns (ContactTagKey, TagKey) refuse only a lowercase "aws:", but AWS's
// tagging rules reserve it in every letter case ("You can't use aws:, AWS:,
// or any upper or lowercase combination of such as a prefix for either keys
// or values", Tagging AWS resources, tag naming limits), so connectd applies
// that one rule to every tag it keeps: contacts, instances and any other
// resource.
const reservedTagPrefix = "aws:"

// CheckTagKeys returns EINVALID naming the first key (in byte order) of
// tags that uses the reserved prefix in any letter case.
func CheckTagKeys(tags map[string]string) error {
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		if err := CheckTagKey(k); err != nil {
			return err
		}
	}
	return nil
}

// CheckTagKey returns EINVALID if key uses the reserved prefix in any
// letter case.
func CheckTagKey(key string) error {
	if len(key) >= len(reservedTagPrefix) && strings.EqualFold(key[:len(reservedTagPrefix)], reservedTagPrefix) {
		return Errorf(EINVALID, "Tag key %q uses the reserved prefix aws: (in any letter case).", key)
	}
	return nil
}
