package connectd

import (
	"context"
	"crypto/rand"
)

// Processes is what a store that several processes share (PostgreSQL's
// replicas) tells the Service about them, so that a process does not take
// the flow runs of another, still running, for runs that a stopped
// process left behind. A Port without it is open in one process at a time
// (the SQLite store holds a lock on its file), whose runs are the only
// live ones.
type Processes interface {
	// ProcessID is this process's id among those sharing the store.
	ProcessID() string
	// LiveProcesses returns the ids of the processes that have shown life
	// lately, this one included, and those of the processes whose last
	// sign of life is too old: stopped without closing the store (killed,
	// or cut off from the database).
	LiveProcesses(ctx context.Context) (live map[string]bool, gone []string, err error)
	// ForgetProcesses drops the records of processes found gone, once
	// their runs are marked, unless one has shown life again meanwhile.
	ForgetProcesses(ctx context.Context, ids []string) error
}

// newProcessID is the id of a process whose store is not shared: random,
// so that runs stored by an earlier process never pass for this one's.
func newProcessID() string { return rand.Text() }

// liveProcesses is the set of processes whose runs are under way (this
// one's always), and the processes gone.
func (s *Service) liveProcesses(ctx context.Context) (map[string]bool, []string, error) {
	p, ok := s.port.(Processes)
	if !ok {
		return map[string]bool{s.process: true}, nil, nil
	}
	live, gone, err := p.LiveProcesses(ctx)
	if err != nil {
		return nil, nil, err
	}
	if live == nil {
		live = map[string]bool{}
	}
	live[s.process] = true
	return live, gone, nil
}

// InterruptGoneProcessRuns marks INTERRUPTED the runs of processes that
// shared the store and stopped without closing it, which no process
// starting after them has marked (InterruptFlowRuns), and then forgets
// those processes. A process that shares its store calls it now and then;
// it does nothing on a store no other process shares, nor while no
// process is found gone (a run whose process left no record at all, one
// stored by an earlier version, waits for the next start). It returns how
// many runs it marked.
func (s *Service) InterruptGoneProcessRuns(ctx context.Context) (int, error) {
	p, ok := s.port.(Processes)
	if !ok {
		return 0, nil
	}
	_, gone, err := s.liveProcesses(ctx)
	if err != nil || len(gone) == 0 {
		return 0, err
	}
	n, err := s.InterruptFlowRuns(ctx)
	if err != nil {
		return n, err
	}
	return n, p.ForgetProcesses(ctx, gone)
}
