package postgres

import (
	"context"
	"crypto/rand"
	"time"

	"github.com/jackc/pgx/v5"
)

// Every replica records itself in the processes table (migration 0016)
// and says it lives every beatInterval, in the database's time (the
// Service's clock is the control plane's to move). A process silent for
// goneAfter is gone: the Service marks its flow runs INTERRUPTED
// (connectd.Processes). goneAfter is six beats, so that a replica behind a
// slow database or a long pause is not taken for gone; one cut off for
// longer finds its runs marked and goes on with them, storing them RUNNING
// again at its next action.
const (
	beatInterval = 5 * time.Second
	goneAfter    = 30 * time.Second
)

// ProcessID is this Store's id among the processes sharing the database
// (connectd.Processes).
func (s *Store) ProcessID() string { return s.process }

// LiveProcesses returns the processes heard from within goneAfter, this
// one included even before its first beat, and those silent for longer
// (connectd.Processes).
func (s *Store) LiveProcesses(ctx context.Context) (map[string]bool, []string, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, seen > now() - $1::interval FROM processes`, goneAfter)
	if err != nil {
		return nil, nil, s.fail("list processes", err)
	}
	live := map[string]bool{s.process: true}
	var gone []string
	var id string
	var alive bool
	_, err = pgx.ForEachRow(rows, []any{&id, &alive}, func() error {
		if alive {
			live[id] = true
		} else if id != s.process {
			gone = append(gone, id)
		}
		return nil
	})
	if err != nil {
		return nil, nil, s.fail("list processes", err)
	}
	return live, gone, nil
}

// ForgetProcesses deletes the records of ids that are still silent
// (connectd.Processes): one that beat again meanwhile stays.
func (s *Store) ForgetProcesses(ctx context.Context, ids []string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM processes WHERE id = ANY($1) AND seen <= now() - $2::interval`, ids, goneAfter)
	if err != nil {
		return s.fail("forget processes", err)
	}
	return nil
}

// beat records that this process lives.
func (s *Store) beat(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO processes (id, seen) VALUES ($1, now())
		ON CONFLICT (id) DO UPDATE SET seen = now()`, s.process)
	if err != nil {
		return s.fail("record this process", err)
	}
	return nil
}

// startBeating records this process and goes on beating until Close. A
// beat that fails (a DSN that reached a standby first, which serves reads
// and answers writes 503) does not stop the store: the next ones try
// again, and the first failure of a run of them is a WARN line.
func (s *Store) startBeating(ctx context.Context) {
	s.process = rand.Text()
	failing := false
	beat := func(ctx context.Context) {
		// At most a beat's interval: a beat that waits that long for a
		// connection (a pool saturated under load) gives way to the next,
		// and says so, well before goneAfter.
		ctx, cancel := context.WithTimeout(ctx, beatInterval)
		defer cancel()
		err := s.beat(ctx)
		switch {
		case err == nil:
			failing = false
		case context.Cause(ctx) == context.Canceled: // the store closes
		case !failing:
			failing = true
			s.log.Warn("cannot tell the other replicas this process lives; past "+goneAfter.String()+" they take its flow runs for interrupted", "err", err)
		}
	}
	beat(ctx)
	beatCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	s.stopBeat, s.beaten = stop, make(chan struct{})
	go func() {
		defer close(s.beaten)
		t := time.NewTicker(beatInterval)
		defer t.Stop()
		for {
			select {
			case <-beatCtx.Done():
				return
			case <-t.C:
				beat(beatCtx)
			}
		}
	}()
}

// stopBeating ends the beats and deletes this process's record, so that
// the others know at once that its runs are over (the flow Runner has
// stored them INTERRUPTED by then). A record the database does not
// delete (it is gone first, as in a failover) is harmless: it ages into
// gone, and the runs it names are over already.
func (s *Store) stopBeating() {
	if s.stopBeat == nil {
		return
	}
	s.stopBeat()
	<-s.beaten
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := s.pool.Exec(ctx, `DELETE FROM processes WHERE id = $1`, s.process); err != nil {
		s.log.Info("postgres: this process's record stays until it ages", "err", err)
	}
}
