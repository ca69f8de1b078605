package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/connectd/connectd"
)

// Target is where a contact record goes: a storage config's destination.
type Target struct {
	// Type is "KINESIS_STREAM" or "KINESIS_FIREHOSE".
	Type string
	// ARN is the stream's or delivery stream's ARN.
	ARN string
}

// The target types records can go to (the model's StorageType values).
const (
	TargetKinesisStream   = "KINESIS_STREAM"
	TargetKinesisFirehose = "KINESIS_FIREHOSE"
)

// Targets tells the Deliverer where an instance's contact records go: the
// destinations of its CONTACT_TRACE_RECORDS storage configs, or none.
type Targets func(ctx context.Context, instanceID string) ([]Target, error)

// Sinks are the clients the Deliverer sends through. A nil member is a
// destination that is off: records with no Targets, events when contact
// events are not enabled, are set aside as NO_DESTINATION.
type Sinks struct {
	Kinesis     RecordSink
	Firehose    RecordSink
	EventBridge EventSink
}

// RecordSink sends one contact record to a stream.
type RecordSink interface {
	PutRecord(ctx context.Context, arn string, e *connectd.OutboxEntry) error
}

// EventSink sends one contact event.
type EventSink interface {
	PutEvent(ctx context.Context, e *connectd.OutboxEntry) error
}

// Config sets a Deliverer's pace and bounds. Zero members take the
// defaults.
type Config struct {
	// Poll is how often the outbox is read for new entries (200 ms).
	Poll time.Duration
	// Batch is how many pending entries one pass reads (500).
	Batch int
	// Workers is how many contacts are delivered at once (8).
	Workers int
	// Timeout bounds one call to a sink, so that a sink that hangs holds
	// back only its own contact, and only for this long (10 s).
	Timeout time.Duration
	// MinBackoff and MaxBackoff bound the wait before a failed entry is
	// tried again; it doubles with each failure (1 s, 5 min).
	MinBackoff, MaxBackoff time.Duration
	// Cap is how many entries the outbox keeps (connectd.DefaultOutboxCap).
	Cap int
	// Observer, if set, counts deliveries, failures and drops (package
	// metrics is one).
	Observer Observer
}

// Observer is told what a Deliverer does, for metrics. kind is an
// OutboxKind (CONTACT_RECORD, CONTACT_EVENT).
type Observer interface {
	OutboxDelivered(kind string)
	OutboxFailed(kind string)
	OutboxDropped(n int)
	// OutboxPending reports n entries of kind left undelivered by a
	// pass, of those it read (at most Config.Batch in all).
	OutboxPending(kind string, n int)
}

type noObserver struct{}

func (noObserver) OutboxDelivered(string)    {}
func (noObserver) OutboxFailed(string)       {}
func (noObserver) OutboxDropped(int)         {}
func (noObserver) OutboxPending(string, int) {}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.Poll, 200*time.Millisecond)
	def(&c.Timeout, 10*time.Second)
	def(&c.MinBackoff, time.Second)
	def(&c.MaxBackoff, 5*time.Minute)
	if c.Batch <= 0 {
		c.Batch = 500
	}
	if c.Workers <= 0 {
		c.Workers = 8
	}
	if c.Cap <= 0 {
		c.Cap = connectd.DefaultOutboxCap
	}
	if c.Observer == nil {
		c.Observer = noObserver{}
	}
	return c
}

// Deliverer sends the outbox's entries. It is safe to run one per process;
// processes sharing a PostgreSQL database each run one, and an entry may
// then be delivered by more than one of them (at least once, which
// consumers already handle: README, Behaviour).
type Deliverer struct {
	svc     *connectd.Service
	targets Targets
	sinks   Sinks
	clock   connectd.Clock
	log     *slog.Logger
	cfg     Config
	dropped atomic.Int64
	sent    atomic.Int64
}

// New returns a Deliverer of svc's outbox.
func New(svc *connectd.Service, targets Targets, sinks Sinks, clock connectd.Clock, log *slog.Logger, cfg Config) *Deliverer {
	return &Deliverer{svc: svc, targets: targets, sinks: sinks, clock: clock, log: log, cfg: cfg.withDefaults()}
}

// Dropped returns how many undelivered entries the cap has dropped.
func (d *Deliverer) Dropped() int64 { return d.dropped.Load() }

// Delivered returns how many entries this Deliverer has delivered.
func (d *Deliverer) Delivered() int64 { return d.sent.Load() }

// Run delivers until ctx is done. A pass that fails (the store is away) is
// logged and tried again at the next tick.
func (d *Deliverer) Run(ctx context.Context) {
	t := time.NewTicker(d.cfg.Poll)
	defer t.Stop()
	for n := 0; ; n++ {
		if err := d.pass(ctx, n%trimEvery == 0); err != nil && ctx.Err() == nil {
			d.log.Warn("outbox: delivery pass failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// trimEvery is how many of Run's passes go by between two trims: a trim
// is a write of the store (on SQLite a commit), too dear for every poll of
// an idle server, and the cap may be overshot by what five seconds bring.
const trimEvery = 25

// Pass trims the outbox to its cap, then delivers what is due of up to
// Batch pending entries and stores their new states.
func (d *Deliverer) Pass(ctx context.Context) error { return d.pass(ctx, true) }

func (d *Deliverer) pass(ctx context.Context, trim bool) error {
	if trim {
		n, err := d.svc.TrimOutbox(ctx, d.cfg.Cap)
		if err != nil {
			return fmt.Errorf("trim outbox: %w", err)
		}
		if n > 0 {
			total := d.dropped.Add(int64(n))
			d.cfg.Observer.OutboxDropped(n)
			d.log.Warn("outbox: over its cap, dropped the oldest undelivered entries",
				"dropped", n, "dropped_total", total, "cap", d.cfg.Cap)
		}
	}
	pending, err := d.svc.PendingOutbox(ctx, d.cfg.Batch)
	if err != nil {
		return fmt.Errorf("read outbox: %w", err)
	}
	var (
		order   []string
		byOwner = map[string][]*connectd.OutboxEntry{}
	)
	for _, e := range pending {
		// Order holds per contact and per kind: each sink sees a
		// contact's entries in order, and an EventBridge that is down
		// does not hold back the records on their way to Kinesis.
		k := string(e.Kind) + "/" + e.InstanceID + "/" + e.ContactID
		if _, ok := byOwner[k]; !ok {
			order = append(order, k)
		}
		byOwner[k] = append(byOwner[k], e)
	}
	var (
		mu      sync.Mutex
		changed []*connectd.OutboxEntry
		wg      sync.WaitGroup
		slots   = make(chan struct{}, d.cfg.Workers)
	)
	for _, k := range order {
		wg.Add(1)
		slots <- struct{}{}
		go func(es []*connectd.OutboxEntry) {
			defer func() { <-slots; wg.Done() }()
			done := d.contact(ctx, es)
			mu.Lock()
			changed = append(changed, done...)
			mu.Unlock()
		}(byOwner[k])
	}
	wg.Wait()
	// A fresh context: what was sent must be recorded even as ctx ends,
	// or it is sent again after the restart (harmless, at least once).
	mark, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := d.svc.MarkOutbox(mark, changed); err != nil {
		return fmt.Errorf("mark outbox: %w", err)
	}
	d.reportPending(pending)
	return nil
}

// reportPending tells the Observer how many of the entries a pass read are
// still PENDING after it (contact marks the others in place), by kind;
// a kind with none reports 0, so the gauge falls back as a sink recovers.
func (d *Deliverer) reportPending(read []*connectd.OutboxEntry) {
	left := map[connectd.OutboxKind]int{connectd.OutboxRecord: 0, connectd.OutboxEvent: 0}
	for _, e := range read {
		if e.State == connectd.OutboxPending {
			left[e.Kind]++
		}
	}
	for k, n := range left {
		d.cfg.Observer.OutboxPending(string(k), n)
	}
}

// contact delivers one contact's due entries in order, stopping at the
// first that fails or is not due, and returns those whose state changed.
func (d *Deliverer) contact(ctx context.Context, es []*connectd.OutboxEntry) []*connectd.OutboxEntry {
	var changed []*connectd.OutboxEntry
	for _, e := range es {
		now := d.clock.Now()
		if e.NextAttempt.After(now) || ctx.Err() != nil {
			break
		}
		delivered, err := d.deliver(ctx, e)
		changed = append(changed, e)
		if err != nil {
			e.Attempts++
			e.LastError = err.Error()
			e.NextAttempt = now.Add(d.backoff(e.Attempts))
			d.cfg.Observer.OutboxFailed(string(e.Kind))
			d.log.Info("outbox: delivery failed; will retry", "seq", e.Seq, "kind", e.Kind,
				"contact", e.ContactID, "attempts", e.Attempts, "next", e.NextAttempt, "err", err)
			break
		}
		e.LastError, e.NextAttempt = "", time.Time{}
		if delivered {
			e.State, e.DeliveredAt = connectd.OutboxDelivered, now
			d.sent.Add(1)
			d.cfg.Observer.OutboxDelivered(string(e.Kind))
		} else {
			e.State = connectd.OutboxNoDestination
		}
	}
	return changed
}

// deliver sends e to its destinations and reports whether it had any.
func (d *Deliverer) deliver(ctx context.Context, e *connectd.OutboxEntry) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
	defer cancel()
	if e.Kind == connectd.OutboxEvent {
		if d.sinks.EventBridge == nil {
			return false, nil
		}
		return true, d.sinks.EventBridge.PutEvent(ctx, e)
	}
	var targets []Target
	if d.targets != nil {
		var err error
		if targets, err = d.targets(ctx, e.InstanceID); err != nil {
			return false, fmt.Errorf("read storage configs: %w", err)
		}
	}
	sent := false
	for _, t := range targets {
		sink := d.sinks.Kinesis
		if t.Type == TargetKinesisFirehose {
			sink = d.sinks.Firehose
		}
		if sink == nil {
			continue
		}
		// A record with two destinations is sent to both each attempt,
		// so a retry after a partial failure repeats the one that worked:
		// at least once, as Amazon Connect delivers.
		if err := sink.PutRecord(ctx, t.ARN, e); err != nil {
			return false, fmt.Errorf("%s %s: %w", t.Type, t.ARN, err)
		}
		sent = true
	}
	return sent, nil
}

// backoff is the wait after the n-th failure in a row: MinBackoff doubled
// n-1 times, at most MaxBackoff.
func (d *Deliverer) backoff(n int) time.Duration {
	b := d.cfg.MinBackoff
	for i := 1; i < n && b < d.cfg.MaxBackoff; i++ {
		b *= 2
	}
	return min(b, d.cfg.MaxBackoff)
}
