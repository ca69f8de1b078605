package api

import (
	"context"
	"math"
	"net/http"
	"time"

	"github.com/connectd/connectd"
)

// clockBody is the control plane's clock: its reading, and whether it
// stands still (PUT with "Frozen": true freezes it at Now).
type clockBody struct {
	Now    *epoch `json:"Now"`
	Frozen bool   `json:"Frozen"`
}

func (s *Server) clock() (connectd.MovableClock, error) {
	c, ok := s.cfg.Clock.(connectd.MovableClock)
	if !ok {
		return nil, connectd.Errorf(connectd.EINVALIDREQUEST, "This server's clock cannot be moved.")
	}
	return c, nil
}

func (s *Server) getClock(ctx context.Context, r *http.Request) (any, error) {
	c, _ := s.cfg.Clock.(connectd.MovableClock)
	return clockBody{Now: epochOf(s.cfg.Clock.Now()), Frozen: c != nil && c.Frozen()}, nil
}

// setClock sets the service's clock to {"Now": epoch seconds}; it keeps
// running from there, or stands still with "Frozen": true.
func (s *Server) setClock(ctx context.Context, r *http.Request) (any, error) {
	c, err := s.clock()
	if err != nil {
		return nil, err
	}
	var in clockBody
	if err := decodeAdmin(r, &in); err != nil {
		return nil, err
	}
	if in.Now == nil {
		return nil, connectd.Errorf(connectd.EINVALID, "Member Now (epoch seconds) is required.")
	}
	if err := checkClockTime("Now", in.Now.Time()); err != nil {
		return nil, err
	}
	move := c.Set
	if in.Frozen {
		move = c.Freeze
	}
	if err := move(in.Now.Time()); err != nil {
		return nil, err
	}
	return s.getClock(ctx, r)
}

// The clock's range: the instants a time.Duration away from any system
// time between now and the 2200s can reach. connectd's OffsetClock keeps
// an offset from the system time, and time.Time.Sub saturates, so an
// instant beyond it was silently replaced by another ("Now": 1e300 set
// the clock to 1734; found by the issue 14 audit). Tests need years
// around now, which this range keeps with room to spare.
const (
	minClockSeconds = 0          // 1970-01-01T00:00:00Z
	maxClockSeconds = 7258118400 // 2200-01-01T00:00:00Z
)

// checkClockTime refuses a clock reading outside the clock's range.
func checkClockTime(member string, t time.Time) error {
	if t.Before(time.Unix(minClockSeconds, 0)) || !t.Before(time.Unix(maxClockSeconds, 0)) {
		return connectd.Errorf(connectd.EINVALID, "Member %s must move the clock to an instant from 1970-01-01 to 2200-01-01 (epoch seconds %d to %d); it would be %s.",
			member, minClockSeconds, maxClockSeconds, t.UTC().Format(time.RFC3339))
	}
	return nil
}

// advanceClock moves the clock by {"Seconds": n} (negative moves it back).
func (s *Server) advanceClock(ctx context.Context, r *http.Request) (any, error) {
	c, err := s.clock()
	if err != nil {
		return nil, err
	}
	var in struct {
		Seconds *float64 `json:"Seconds"`
	}
	if err := decodeAdmin(r, &in); err != nil {
		return nil, err
	}
	if in.Seconds == nil {
		return nil, connectd.Errorf(connectd.EINVALID, "Member Seconds is required.")
	}
	// Bound the seconds before converting: float64 to Duration wraps
	// ("advance 9e18" moved the clock backwards).
	const limit = maxClockSeconds - minClockSeconds
	if math.Abs(*in.Seconds) > float64(limit) {
		return nil, connectd.Errorf(connectd.EINVALID, "Member Seconds must be between %d and %d.", -limit, limit)
	}
	d := time.Duration(*in.Seconds * float64(time.Second))
	if err := checkClockTime("Seconds", s.cfg.Clock.Now().Add(d)); err != nil {
		return nil, err
	}
	if err := c.Advance(d); err != nil {
		return nil, err
	}
	return s.getClock(ctx, r)
}

// resetClock returns the clock to the system time.
func (s *Server) resetClock(ctx context.Context, r *http.Request) (any, error) {
	c, err := s.clock()
	if err != nil {
		return nil, err
	}
	if err := c.Reset(); err != nil {
		return nil, err
	}
	return s.getClock(ctx, r)
}
