package connectd

import (
	"context"
	"log/slog"
	"time"
)

// RetentionMonths is how long a contact and its attributes are kept, counted
// from its InitiationTimestamp: "Contact attributes are available ... for 24
// months, and are then deleted" (UpdateContactAttributes API reference).
const RetentionMonths = 24

// RetentionCutoff returns the oldest InitiationTimestamp still retained at
// now. Contacts initiated before it are gone: every read treats them as
// absent, whether or not the sweeper has deleted them yet.
func RetentionCutoff(now time.Time) time.Time {
	return now.AddDate(0, -RetentionMonths, 0)
}

// APIRelease returns the day UpdateContactAttributes was released, 2018-09-12
// (UTC). Until 2022 the API reference said "You cannot use the operation to
// update attributes for contacts that occurred prior to the release of the
// API ... a 400 error is returned".
func APIRelease() time.Time {
	return time.Date(2018, time.September, 12, 0, 0, 0, 0, time.UTC)
}

// Purger deletes expired contacts; the Service is one.
type Purger interface {
	// PurgeExpired deletes at most limit contacts initiated before the
	// retention cutoff and reports how many it deleted.
	PurgeExpired(ctx context.Context, limit int) (int, error)
}

// Sweep deletes expired contacts every interval, in batches of at most batch
// contacts so that no single transaction holds the store for long, until ctx
// ends. Errors are logged and retried at the next tick.
func Sweep(ctx context.Context, p Purger, interval time.Duration, batch int, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for {
			n, err := p.PurgeExpired(ctx, batch)
			if err != nil {
				switch {
				case ctx.Err() != nil:
				case ErrorCode(err) == EBUSY: // an overloaded store: the next tick tries again
					log.Warn("retention sweep put off: the store is busy", "err", err)
				default:
					log.Error("retention sweep failed", "err", err)
				}
				break
			}
			if n > 0 {
				log.Info("retention sweep deleted expired contacts", "count", n)
			}
			if n < batch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
