package connectd

import (
	"context"
	"time"
)

// chainReader is what PrepareContact reads, inside the unit of work of a
// new contact, to link it to the contacts it names (chainSource over a Tx,
// or a test's fixed chains). Both methods see only live contacts of the
// caller's instance.
type chainReader interface {
	// PreviousChain returns the chain that a new contact naming previousID
	// joins (its initial contact id and shared map) and how many live
	// contacts already name previousID; ENOTFOUND if there is no such
	// contact. A store shared by many processes locks the rows it read
	// here, so that the count and the map stay current until it commits.
	PreviousChain(ctx context.Context, previousID string) (initialID string, chain Attributes, siblings int, err error)
	// RelatedAttributes returns the chain map of the contact relatedID, or
	// ENOTFOUND.
	RelatedAttributes(ctx context.Context, relatedID string) (Attributes, error)
}

// PrepareContact applies the rules of a new contact to in at now (see
// Service.CreateContact) and returns the contact to insert. The caller has
// checked the instance, the ClientToken and the id already.
//
//   - Timestamps are kept to the millisecond; a zero InitiationTimestamp is
//     now, and one already past retention is EINVALID (the contact would be
//     gone at once).
//   - PreviousContactID joins that contact's chain (EQUOTA past
//     MaxTasksPerPreviousContact); RelatedContactID copies the related
//     chain's map once; in.Attributes are merged on top (Merge's rules).
//
// joinsWithAttributes reports that the new contact joins another contact's
// chain and brings attributes to it: the caller must then write
// c.Attributes as that chain's map (on the initial contact's row). When
// the new contact starts its own chain, c.Attributes is its own map.
func PrepareContact(ctx context.Context, src chainReader, in *Contact, now time.Time) (c *Contact, joinsWithAttributes bool, err error) {
	// The stores keep and compare times in milliseconds, so the cutoff is
	// truncated as theirs are.
	cutoff := toMillis(RetentionCutoff(now))
	out := *in
	c = &out
	c.InitiationTimestamp = toMillis(c.InitiationTimestamp)
	if c.InitiationTimestamp.IsZero() {
		c.InitiationTimestamp = toMillis(now)
	}
	if c.InitiationTimestamp.Before(cutoff) {
		return nil, false, Errorf(EINVALID, "InitiationTimestamp %s is older than the %d-month retention period.",
			c.InitiationTimestamp.Format("2006-01-02T15:04:05.000Z"), RetentionMonths)
	}
	c.ScheduledTimestamp, c.DisconnectTimestamp = toMillis(c.ScheduledTimestamp), toMillis(c.DisconnectTimestamp)
	c.LastUpdateTimestamp = toMillis(now)

	// The chain: its own, or the previous contact's. base is the map the
	// new contact starts from before its own attributes are merged on top.
	c.InitialContactID = c.ID
	base := Attributes{}
	if c.PreviousContactID != "" {
		var siblings int
		if c.InitialContactID, base, siblings, err = src.PreviousChain(ctx, c.PreviousContactID); err != nil {
			return nil, false, err
		}
		if siblings >= MaxTasksPerPreviousContact {
			return nil, false, Errorf(EQUOTA, "Contact %s already has the maximum of %d contacts linked to it as PreviousContactId.",
				c.PreviousContactID, MaxTasksPerPreviousContact)
		}
	}
	if c.RelatedContactID != "" {
		related, err := src.RelatedAttributes(ctx, c.RelatedContactID)
		if err != nil {
			return nil, false, err
		}
		// A one-time copy: from here on the maps are independent.
		if base, err = Merge(base, related); err != nil {
			return nil, false, err
		}
	}
	if c.Attributes, err = Merge(base, in.Attributes); err != nil {
		return nil, false, err
	}
	joins := !c.IsInitial() && (len(in.Attributes) > 0 || c.RelatedContactID != "")
	return c, joins, nil
}

// toMillis truncates t to the millisecond in UTC, the precision every store
// keeps; the zero time stays zero.
func toMillis(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Truncate(time.Millisecond).UTC()
}
