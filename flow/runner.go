// Package flow runs contact flows: an interpreter of the Amazon Connect
// Flow language for TASK and CHAT contacts. It is a connectd.FlowStarter:
// the Service hands it each new contact whose flow should run, and it runs
// the flow in its own goroutine, calling the Service (never a store) for
// every effect, and storing the run's log after every action.
package flow

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/connectd/connectd"
)

// DefaultMaxSteps is how many actions one run may take before it is
// stopped as an infinite loop.
const DefaultMaxSteps = 1000

// Config is what a Runner needs.
type Config struct {
	Service *connectd.Service
	Logger  *slog.Logger
	// Lambda invokes InvokeLambdaFunction's functions; nil takes every
	// invocation's error branch, with NoLambdaReason in the log.
	Lambda Invoker
	// NoLambdaReason says why Lambda is nil.
	NoLambdaReason string
	// MaxSteps bounds a run (DefaultMaxSteps if zero).
	MaxSteps int
	// Clock stamps the log (connectd.SystemClock if nil).
	Clock connectd.Clock
	// Seed, if set, makes DistributeByPercentage's draws a fixed sequence
	// (connectd serve --seed).
	Seed *uint64
	// Observer, if set, is told of each run's end (package metrics is
	// one).
	Observer Observer
	// SweepEvery is how often the Runner has the Service mark the runs of
	// processes that shared the store and stopped without closing it
	// (Service.InterruptGoneProcessRuns); 0 never does.
	SweepEvery time.Duration
}

// Observer is told how each run ended, for metrics: its outcome (one of
// the Outcome constants) and how long it took. It must be safe for
// concurrent use.
type Observer interface {
	FlowRunEnded(outcome string, took time.Duration)
}

// The outcomes of a run an Observer is told of.
const (
	OutcomeCompleted   = "completed"
	OutcomeFailed      = "failed"
	OutcomeInterrupted = "interrupted"
	// OutcomeStepBudget is a FAILED run stopped after MaxSteps actions.
	OutcomeStepBudget = "step_budget"
)

type noObserver struct{}

func (noObserver) FlowRunEnded(string, time.Duration) {}

// Runner runs flows. Close stops it.
type Runner struct {
	cfg    Config
	mu     sync.Mutex // guards rnd
	rnd    *rand.Rand
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // the runs
	// sweeping is the sweep's goroutine (SweepEvery), apart from the runs
	// that Wait waits for.
	sweeping sync.WaitGroup
}

// New returns a Runner; register it with Service.SetFlowStarter.
func New(cfg Config) *Runner {
	if cfg.MaxSteps == 0 {
		cfg.MaxSteps = DefaultMaxSteps
	}
	if cfg.Clock == nil {
		cfg.Clock = connectd.SystemClock{}
	}
	if cfg.Observer == nil {
		cfg.Observer = noObserver{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	seed := rand.Uint64()
	if cfg.Seed != nil {
		seed = *cfg.Seed
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Runner{cfg: cfg, ctx: ctx, cancel: cancel, rnd: rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))}
	if cfg.SweepEvery > 0 {
		r.sweeping.Add(1)
		go func() {
			defer r.sweeping.Done()
			r.sweep(cfg.SweepEvery)
		}()
	}
	return r
}

// sweep marks the runs of gone processes every interval until Close. It
// reads time from the system, not from the Service's clock: a replica is
// gone by how long the database has not heard from it, whatever the
// control plane does to the clock.
func (r *Runner) sweep(interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-t.C:
		}
		n, err := r.cfg.Service.InterruptGoneProcessRuns(r.ctx)
		switch {
		case r.ctx.Err() != nil:
			return
		case err != nil:
			r.cfg.Logger.Warn("flows: marking the runs of replicas gone", "err", err)
		case n > 0:
			r.cfg.Logger.Warn("flow runs interrupted: the replica that ran them stopped without closing its store", "runs", n)
		}
	}
}

// StartFlow runs flow for contact in a new goroutine (connectd.FlowStarter).
func (r *Runner) StartFlow(owner connectd.Owner, contact *connectd.Contact, flow *connectd.Flow, run *connectd.FlowRun) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		x := &execution{r: r, began: time.Now(), owner: owner, contact: contact, flow: flow, log: run,
			flowAttrs: map[string]string{}, external: map[string]any{}, targetQueue: contact.QueueID}
		x.run(r.ctx)
	}()
}

// Close stops every run and waits for them: a run stopped mid-way is
// stored as INTERRUPTED.
func (r *Runner) Close() {
	r.cancel()
	r.wg.Wait()
	r.sweeping.Wait()
}

// draw returns the next number from 1 to 100 for DistributeByPercentage.
func (r *Runner) draw() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return 1 + r.rnd.IntN(100)
}

// Wait waits until every run started so far has stopped, for tests.
func (r *Runner) Wait() { r.wg.Wait() }

// now is the clock's reading for log timestamps.
func (r *Runner) now() time.Time { return r.cfg.Clock.Now().UTC().Truncate(time.Millisecond) }
