package connectd

import (
	"context"
	"errors"
	"fmt"
)

// ImportLinks is what LinkImported reads and writes inside a store's import
// transaction, once every row of the import has been inserted.
type ImportLinks interface {
	// InitialOf returns the initial contact id of the chain of the live
	// contact id of the instance; found is false if there is none.
	InitialOf(ctx context.Context, instanceID, id string) (initial string, found bool, err error)
	// CountPrevious returns how many live contacts name previousID as
	// their PreviousContactId.
	CountPrevious(ctx context.Context, instanceID, previousID string) (int, error)
	// ChainMap returns the map of the chain whose initial contact is
	// initialID (locking it, where the store must).
	ChainMap(ctx context.Context, instanceID, initialID string) (Attributes, error)
	// SetChainMap stores m as that chain's map.
	SetChainMap(ctx context.Context, instanceID, initialID string, m Attributes) error
}

// LinkImported checks an imported contact's references against the store
// (the import itself included) and merges its attributes into its chain's
// map, with the API's rules: every id it names exists, InitialContactId is
// the initial contact of its chain, PreviousContactId is of the same chain
// and named by at most MaxTasksPerPreviousContact contacts, and the merged
// map obeys Merge. Errors are EINVALID, for Import to name the record.
func LinkImported(ctx context.Context, links ImportLinks, c *Contact) error {
	refs := []struct{ what, id string }{
		{"InitialContactId", c.InitialContactID}, {"PreviousContactId", c.PreviousContactID}, {"RelatedContactId", c.RelatedContactID},
	}
	for _, ref := range refs {
		if ref.id == "" || ref.id == c.ID {
			continue
		}
		initial, found, err := links.InitialOf(ctx, c.InstanceID, ref.id)
		switch {
		case err != nil:
			return err
		case !found:
			return Errorf(EINVALID, "%s %s exists neither in the import nor in the store.", ref.what, ref.id)
		case ref.what == "InitialContactId" && initial != ref.id:
			return Errorf(EINVALID, "InitialContactId %s is not the initial contact of its chain.", ref.id)
		case ref.what == "PreviousContactId" && initial != c.InitialContactID:
			return Errorf(EINVALID, "PreviousContactId %s belongs to another chain.", ref.id)
		}
	}
	if c.PreviousContactID != "" {
		n, err := links.CountPrevious(ctx, c.InstanceID, c.PreviousContactID)
		if err != nil {
			return err
		}
		if n > MaxTasksPerPreviousContact {
			return Errorf(EINVALID, "more than %d contacts name PreviousContactId %s.", MaxTasksPerPreviousContact, c.PreviousContactID)
		}
	}
	if len(c.Attributes) == 0 {
		return nil
	}
	current, err := links.ChainMap(ctx, c.InstanceID, c.InitialContactID)
	if err != nil {
		return err
	}
	merged, err := Merge(current, c.Attributes)
	if err != nil {
		return err
	}
	return links.SetChainMap(ctx, c.InstanceID, c.InitialContactID, merged)
}

// ImportWriter is a store's import transaction: the rows of a snapshot
// go in first, then LinkImported checks each contact's references.
type ImportWriter interface {
	ImportLinks
	// InsertInstance stores an imported instance; an id already taken is
	// EINVALID.
	InsertInstance(ctx context.Context, inst *Instance) error
	// InsertContact stores an imported contact's row with an empty map.
	InsertContact(ctx context.Context, c *Contact) error
}

// ImportSnapshot writes snap through w: every instance, every contact row,
// then every contact's links, so the order of records in the snapshot does
// not matter. The first failure is returned, a domain error turned into
// EINVALID naming the record ("Contacts[3] (Id "c9"): ..."); the store's
// transaction then rolls everything back.
func ImportSnapshot(ctx context.Context, w ImportWriter, snap *Snapshot) error {
	for i, inst := range snap.Instances {
		if err := w.InsertInstance(ctx, inst); err != nil {
			return recordError(fmt.Sprintf("Instances[%d] (Id %q)", i, inst.ID), err)
		}
	}
	for i, c := range snap.Contacts {
		if err := w.InsertContact(ctx, c); err != nil {
			return recordError(fmt.Sprintf("Contacts[%d] (Id %q)", i, c.ID), err)
		}
	}
	for i, c := range snap.Contacts {
		if err := LinkImported(ctx, w, c); err != nil {
			return recordError(fmt.Sprintf("Contacts[%d] (Id %q)", i, c.ID), err)
		}
	}
	return nil
}

// recordError turns a domain error about one record into an EINVALID that
// names it; other errors pass through.
func recordError(where string, err error) error {
	var de *Error
	if errors.As(err, &de) {
		return Errorf(EINVALID, "%s: %s", where, de.Message)
	}
	return err
}
