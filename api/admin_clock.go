package api

import (
	"context"
	"net/http"
	"time"

	"github.com/connectd/connectd"
)

type clockBody struct {
	Now *epoch `json:"Now"`
}

func (s *Server) clock() (controllableClock, error) {
	c, ok := s.cfg.Clock.(controllableClock)
	if !ok {
		return nil, connectd.Errorf(connectd.EINVALIDREQUEST, "This server's clock cannot be moved.")
	}
	return c, nil
}

func (s *Server) getClock(ctx context.Context, r *http.Request) (any, error) {
	return clockBody{Now: epochOf(s.cfg.Clock.Now())}, nil
}

// setClock sets the service's clock to {"Now": epoch seconds}; it keeps
// running from there.
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
	c.Set(in.Now.Time())
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
	c.Advance(time.Duration(*in.Seconds * float64(time.Second)))
	return s.getClock(ctx, r)
}

// resetClock returns the clock to the system time.
func (s *Server) resetClock(ctx context.Context, r *http.Request) (any, error) {
	c, err := s.clock()
	if err != nil {
		return nil, err
	}
	c.Reset()
	return s.getClock(ctx, r)
}
