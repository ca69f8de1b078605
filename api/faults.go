package api

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/connectd/connectd"
)

// faultRule is one rule of PUT /_connectd/faults: requests to Operation
// ("*" for every operation) fail with Error and/or are delayed by LatencyMs,
// each with Probability (1 when left out).
type faultRule struct {
	Operation   string     `json:"Operation"`
	Probability *float64   `json:"Probability,omitempty"`
	Error       *faultSpec `json:"Error,omitempty"`
	LatencyMs   int        `json:"LatencyMs,omitempty"`
}

// faultSpec is the AWS-shaped error an injected fault answers with.
type faultSpec struct {
	Code    string `json:"Code"`
	Status  int    `json:"Status,omitempty"`
	Message string `json:"Message,omitempty"`
}

type faultConfig struct {
	Seed  *uint64     `json:"Seed,omitempty"`
	Rules []faultRule `json:"Rules"`
}

// maxFaultLatency bounds an injected delay, so a typo cannot hang a test
// suite for hours.
const maxFaultLatency = 5 * time.Minute

// faults holds the active rules and the random source that decides which
// requests they hit. With a seed, the same sequence of requests meets the
// same faults in every run.
type faults struct {
	mu   sync.Mutex
	cfg  faultConfig
	rand *rand.Rand
}

// draw decides, for operation op, the latency and error to inject. The
// random source is consulted once per matching rule, in rule order, so the
// outcome depends only on the seed and the sequence of requests.
func (f *faults) draw(op string) (latency time.Duration, spec *faultSpec) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.cfg.Rules {
		if r.Operation != "*" && r.Operation != op {
			continue
		}
		p := 1.0
		if r.Probability != nil {
			p = *r.Probability
		}
		if f.rand.Float64() >= p {
			continue
		}
		latency += time.Duration(r.LatencyMs) * time.Millisecond
		if r.Error != nil && spec == nil {
			spec = r.Error
		}
	}
	return latency, spec
}

// inject applies the faults for op: it waits out any latency (or the
// client's giving up) and returns the error to send instead of serving the
// request, if any.
func (s *Server) inject(ctx context.Context, op string) error {
	latency, spec := s.faults.draw(op)
	if latency > 0 {
		s.observer().Fault(op, "latency")
		t := time.NewTimer(latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if spec == nil {
		return nil
	}
	s.observer().Fault(op, "error")
	msg := spec.Message
	if msg == "" {
		msg = "Injected fault."
	}
	return &wireError{exc: spec.Code, message: msg, status: spec.Status}
}

func (s *Server) getFaults(ctx context.Context, r *http.Request) (any, error) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	cfg := s.faults.cfg
	if cfg.Rules == nil {
		cfg.Rules = []faultRule{}
	}
	return cfg, nil
}

func (s *Server) putFaults(ctx context.Context, r *http.Request) (any, error) {
	var in faultConfig
	if err := decodeAdmin(r, &in); err != nil {
		return nil, err
	}
	for i, rule := range in.Rules {
		switch {
		case rule.Operation == "":
			return nil, connectd.Errorf(connectd.EINVALID, "Rules[%d]: Operation is required (an operation name or \"*\").", i)
		case rule.Operation != "*" && s.model.ops[rule.Operation] == nil:
			return nil, connectd.Errorf(connectd.EINVALID, "Rules[%d]: %q is not an Amazon Connect operation.", i, rule.Operation)
		case rule.Probability != nil && (*rule.Probability < 0 || *rule.Probability > 1):
			return nil, connectd.Errorf(connectd.EINVALID, "Rules[%d]: Probability must be between 0 and 1.", i)
		case rule.LatencyMs < 0 || int64(rule.LatencyMs) > maxFaultLatency.Milliseconds(): // compared in ms: a Duration of 9e18 ms wraps
			return nil, connectd.Errorf(connectd.EINVALID, "Rules[%d]: LatencyMs must be between 0 and %d.", i, maxFaultLatency.Milliseconds())
		case rule.Error == nil && rule.LatencyMs == 0:
			return nil, connectd.Errorf(connectd.EINVALID, "Rules[%d]: give an Error, a LatencyMs or both.", i)
		case rule.Error != nil && rule.Error.Code == "":
			return nil, connectd.Errorf(connectd.EINVALID, "Rules[%d]: Error.Code is required, e.g. InternalServiceException.", i)
		case rule.Error != nil && rule.Error.Status != 0 && (rule.Error.Status < 400 || rule.Error.Status > 599):
			return nil, connectd.Errorf(connectd.EINVALID, "Rules[%d]: Error.Status must be an HTTP error status (400-599).", i)
		}
		if rule.Error != nil && rule.Error.Status == 0 {
			in.Rules[i].Error.Status = s.model.status(rule.Error.Code)
		}
	}
	seed := rand.Uint64()
	if in.Seed != nil {
		seed = *in.Seed
	}
	s.faults.mu.Lock()
	s.faults.cfg = in
	s.faults.rand = rand.New(rand.NewPCG(seed, seed))
	s.faults.mu.Unlock()
	return s.getFaults(ctx, r)
}

func (s *Server) deleteFaults(ctx context.Context, r *http.Request) (any, error) {
	s.faults.mu.Lock()
	s.faults.cfg = faultConfig{}
	s.faults.mu.Unlock()
	return s.getFaults(ctx, r)
}
