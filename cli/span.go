package cli

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// span is a length of time given on the command line: Go's duration units
// (h, m, s, ms, us, ns) plus d, a day of exactly 24 hours, and y, a calendar
// year. "2y" from 2026-11-23T10:00:00Z is 2028-11-23T10:00:00Z (731 days,
// across a leap day), so that "advance 2y" crosses connectd's 24-month
// retention exactly as the calendar does. Units combine: "1y12d6h", and a
// leading "-" goes backwards.
type span struct {
	years int
	fixed time.Duration
}

var spanPart = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|y|d|h|m|s)`)

// parseSpan parses a span such as "2y", "36h", "1d12h" or "-90m".
func parseSpan(s string) (span, error) {
	rest, neg := strings.CutPrefix(s, "-")
	rest = strings.TrimPrefix(rest, "+")
	var sp span
	if rest == "" {
		return sp, usagef("invalid duration %q: use e.g. 90m, 36h, 2d or 2y", s)
	}
	for rest != "" {
		m := spanPart.FindStringSubmatch(rest)
		if m == nil {
			return sp, usagef("invalid duration %q: use e.g. 90m, 36h, 2d or 2y", s)
		}
		rest = rest[len(m[0]):]
		switch m[2] {
		case "y":
			n, err := strconv.Atoi(m[1])
			if err != nil {
				return sp, usagef("invalid duration %q: years must be whole", s)
			}
			sp.years += n
		case "d":
			n, _ := strconv.ParseFloat(m[1], 64)
			sp.fixed += time.Duration(n * float64(24*time.Hour))
		default:
			d, err := time.ParseDuration(m[0])
			if err != nil {
				return sp, usagef("invalid duration %q: %v", s, err)
			}
			sp.fixed += d
		}
	}
	if neg {
		sp.years, sp.fixed = -sp.years, -sp.fixed
	}
	return sp, nil
}

// from returns t moved by the span (in UTC, so that years are calendar
// years in UTC).
func (sp span) from(t time.Time) time.Time {
	return t.UTC().AddDate(sp.years, 0, 0).Add(sp.fixed)
}

// parseInstant parses TIME for "admin clock set": RFC 3339
// (2028-01-01T09:00:00Z), a date (2028-01-01, midnight UTC) or epoch seconds
// (1830297600, fractions allowed).
func parseInstant(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return epochTime(f), nil
	}
	return time.Time{}, usagef("invalid time %q: use RFC 3339 (2028-01-01T09:00:00Z), a date (2028-01-01) or epoch seconds", s)
}

// epochTime converts epoch seconds, as the control plane sends them, with
// millisecond precision.
func epochTime(f float64) time.Time {
	return time.UnixMilli(int64(f*1000 + copysign(0.5, f))).UTC()
}

// epochSeconds is t as the control plane takes it.
func epochSeconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func copysign(x, sign float64) float64 {
	if sign < 0 {
		return -x
	}
	return x
}

// String shows the span as it was meant, for messages.
func (sp span) String() string {
	switch {
	case sp.years == 0:
		return sp.fixed.String()
	case sp.fixed == 0:
		return fmt.Sprintf("%dy", sp.years)
	default:
		return fmt.Sprintf("%dy%s", sp.years, sp.fixed)
	}
}
