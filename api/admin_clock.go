package api

import (
	"context"
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
	move := c.Set
	if in.Frozen {
		move = c.Freeze
	}
	if err := move(in.Now.Time()); err != nil {
		return nil, err
	}
	return s.getClock(ctx, r)
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
	if err := c.Advance(time.Duration(*in.Seconds * float64(time.Second))); err != nil {
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
