package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/aws/smithy-go/middleware"
)

func TestCell(t *testing.T) {
	t.Parallel()
	sixty := strings.Repeat("a", 60)
	tests := map[string]string{
		"":                                "",
		"gold":                            "gold",
		sixty:                             sixty,
		sixty + "b":                       strings.Repeat("a", 59) + "…",
		strings.Repeat("é", 61):           strings.Repeat("é", 59) + "…",
		"two\nlines\tand\rreturn":         `two\nlines\tand\rreturn`,
		strings.Repeat("\n", 40):          strings.Repeat(`\n`, 29) + `\…`,
		"{\"json\": [1, 2, 3], \"x\": 1}": "{\"json\": [1, 2, 3], \"x\": 1}",
	}
	for in, want := range tests {
		if got := cell(in); got != want {
			t.Errorf("cell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteTableAligns(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	if err := writePairs(&b, [2]string{"KEY", "VALUE"}, map[string]string{"b": "2", "a": "1", "long-key": "3"}); err != nil {
		t.Fatal(err)
	}
	want := "KEY       VALUE\na         1\nb         2\nlong-key  3\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestShape checks the JSON shape: unset members left out, timestamps in
// UTC whatever the SDK's location, ResultMetadata dropped.
func TestShape(t *testing.T) {
	t.Parallel()
	local := time.Date(2026, 11, 23, 11, 0, 0, 500e6, time.FixedZone("CET", 3600))
	out := &connect.DescribeContactOutput{
		Contact: &types.Contact{
			Id: aws.String("c1"), Channel: types.ChannelVoice, InitiationTimestamp: &local,
			Attributes: map[string]string{"a": "<b>"}, QueueInfo: &types.QueueInfo{Id: aws.String("q")},
		},
		ResultMetadata: middleware.Metadata{},
	}
	b, err := marshal(shape(out))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Contact":{"Attributes":{"a":"<b>"},"Channel":"VOICE","Id":"c1","InitiationTimestamp":"2026-11-23T10:00:00.5Z","QueueInfo":{"Id":"q"}}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	rows := map[string]string{}
	flatten("", shape(out), rows)
	if rows["Contact.QueueInfo.Id"] != "q" || rows["Contact.Attributes.a"] != "<b>" || len(rows) != 5 {
		t.Errorf("flatten: %v", rows)
	}
}

func TestParseSpan(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	tests := map[string]time.Time{
		"36h":     from.Add(36 * time.Hour),
		"90m":     from.Add(90 * time.Minute),
		"2d":      from.Add(48 * time.Hour),
		"1.5d":    from.Add(36 * time.Hour),
		"2y":      time.Date(2028, 11, 23, 10, 0, 0, 0, time.UTC),
		"1y30d6h": time.Date(2027, 12, 23, 16, 0, 0, 0, time.UTC),
		"-1y":     time.Date(2025, 11, 23, 10, 0, 0, 0, time.UTC),
		"+1d":     from.Add(24 * time.Hour),
		"1h30m":   from.Add(90 * time.Minute),
		"250ms":   from.Add(250 * time.Millisecond),
	}
	for in, want := range tests {
		sp, err := parseSpan(in)
		if err != nil {
			t.Errorf("parseSpan(%q): %v", in, err)
			continue
		}
		if got := sp.from(from); !got.Equal(want) {
			t.Errorf("parseSpan(%q) from %v = %v, want %v", in, from, got, want)
		}
	}
	if got := mustSpan(t, "2y").from(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)); !got.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("2y from a leap day = %v, want 2026-03-01 (Go's AddDate normalizes)", got)
	}
	for _, bad := range []string{"", "-", "2", "y", "1.5y", "2w", "1d2", "d2", "1 d", "1e3s", "--1d"} {
		if _, err := parseSpan(bad); err == nil {
			t.Errorf("parseSpan(%q) succeeded", bad)
		}
	}
}

func mustSpan(t *testing.T, s string) span {
	t.Helper()
	sp, err := parseSpan(s)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func TestParseInstant(t *testing.T) {
	t.Parallel()
	tests := map[string]time.Time{
		"2028-01-01T09:00:00Z":      time.Date(2028, 1, 1, 9, 0, 0, 0, time.UTC),
		"2028-01-01T10:00:00+01:00": time.Date(2028, 1, 1, 9, 0, 0, 0, time.UTC),
		"2028-01-01":                time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC),
		"1830330000":                time.Unix(1830330000, 0),
		"1830330000.25":             time.Unix(1830330000, 250e6),
		"0":                         time.Unix(0, 0),
	}
	for in, want := range tests {
		got, err := parseInstant(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseInstant(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "tomorrow", "2028-13-01", "01/01/2028"} {
		if _, err := parseInstant(bad); err == nil {
			t.Errorf("parseInstant(%q) succeeded", bad)
		}
	}
}
