package connectd

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// PurgeExpired deletes at most limit contacts initiated before the
// retention cutoff and reports how many it deleted, in one short unit of
// work, so that the sweeper never holds the store for long. Correctness
// does not depend on it: every read already hides expired contacts.
func (s *Service) PurgeExpired(ctx context.Context, limit int) (int, error) {
	if limit < 1 {
		return 0, nil
	}
	var n int
	err := s.port.Update(ctx, "purge expired contacts", func(tx Tx) error {
		var err error
		n, err = tx.DeleteExpired(ctx, limit)
		return err
	})
	return n, err
}

// Reset deletes every instance, contact and flow of every account.
func (s *Service) Reset(ctx context.Context) error {
	return s.port.Update(ctx, "reset", func(tx Tx) error { return tx.DeleteAll(ctx) })
}

// Export returns every instance and every live contact, each chain's map
// on its initial contact, ordered so that Import accepts it.
func (s *Service) Export(ctx context.Context) (*Snapshot, error) {
	var snap *Snapshot
	err := s.port.View(ctx, "export", func(tx Tx) error {
		snap = &Snapshot{}
		var err error
		if snap.Instances, err = tx.AllInstances(ctx); err != nil {
			return err
		}
		if snap.Settings, err = exportSettings(ctx, tx, snap.Instances); err != nil {
			return err
		}
		if snap.SearchableKeys, err = exportSearchableKeys(ctx, tx, snap.Instances); err != nil {
			return err
		}
		if snap.Contacts, err = tx.AllContacts(ctx); err != nil {
			return err
		}
		if err := exportStates(ctx, tx, snap.Contacts); err != nil {
			return err
		}
		for _, inst := range snap.Instances {
			scs, err := tx.StorageConfigs(ctx, inst.ID, "")
			if err != nil {
				return err
			}
			snap.StorageConfigs = append(snap.StorageConfigs, scs...)
		}
		snap.Flows, snap.LambdaFunctions, err = exportFlows(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return snap, nil
}

// Import stores snap, after Snapshot.Validate, atomically: an id that
// already exists, or a reference to an instance or contact found neither in
// the snapshot nor in the store, is EINVALID naming the record, and then
// nothing is imported. Every instance goes in first, then every contact
// row, then every contact's links, so the order of records in the snapshot
// does not matter.
func (s *Service) Import(ctx context.Context, snap *Snapshot) error {
	if err := snap.Validate(s.clock.Now()); err != nil {
		return err
	}
	err := s.port.Update(ctx, "import", func(tx Tx) error {
		for i, inst := range snap.Instances {
			if err := s.importInstance(ctx, tx, inst); err != nil {
				return recordError(fmt.Sprintf("Instances[%d] (Id %q)", i, inst.ID), err)
			}
		}
		for i, sc := range snap.StorageConfigs {
			if err := importStorageConfig(ctx, tx, sc); err != nil {
				return recordError(fmt.Sprintf("StorageConfigs[%d] (AssociationId %q)", i, sc.AssociationID), err)
			}
		}
		if err := importSettings(ctx, tx, snap); err != nil {
			return err
		}
		// Before the contacts, so that the index's triggers index their
		// pairs of these keys as they go in.
		if err := importSearchableKeys(ctx, tx, snap); err != nil {
			return err
		}
		for i, c := range snap.Contacts {
			if err := s.importContact(ctx, tx, c); err != nil {
				return recordError(fmt.Sprintf("Contacts[%d] (Id %q)", i, c.ID), err)
			}
		}
		for i, c := range snap.Contacts {
			if err := s.linkImported(ctx, tx, c); err != nil {
				return recordError(fmt.Sprintf("Contacts[%d] (Id %q)", i, c.ID), err)
			}
		}
		if err := importStates(ctx, tx, snap.Contacts); err != nil {
			return err
		}
		return s.importFlows(ctx, tx, snap)
	})
	return err
}

// importInstance inserts an imported instance; a taken id or alias is
// EINVALID.
func (s *Service) importInstance(ctx context.Context, tx Tx, inst *Instance) error {
	if inst.CreatedTime.IsZero() {
		inst.CreatedTime = s.clock.Now()
	}
	inst.CreatedTime = toMillis(inst.CreatedTime)
	if inst.Status == "" {
		inst.Status = InstanceStatusActive
	}
	err := insertInstance(ctx, tx, inst, instanceMessages{
		idTaken: Errorf(EINVALID, "an instance with this Id already exists."),
		aliasTaken: func(other string) error {
			return Errorf(EINVALID, "the alias %q is already used by instance %s.", inst.Alias, other)
		},
	})
	switch conflictOf(err) {
	case ConflictInstanceID:
		return Errorf(EINVALID, "an instance with this Id already exists.")
	case ConflictAlias:
		return Errorf(EINVALID, "the alias %q is already in use.", inst.Alias)
	}
	return err
}

// importContact inserts an imported contact's row with an empty map and its
// details; linkImported fills chain maps once every row is in.
func (s *Service) importContact(ctx context.Context, tx Tx, in *Contact) error {
	exists, err := tx.InstanceIDTaken(ctx, in.InstanceID)
	if err != nil {
		return err
	}
	if !exists {
		return Errorf(EINVALID, "instance %s exists neither in the import nor in the store.", in.InstanceID)
	}
	if err := claimContactID(ctx, tx, in.InstanceID, in.ID, s.cutoff()); err != nil {
		return err
	}
	if in.ClientToken != "" {
		// A token names one contact of an instance.
		held, err := tx.TokenHolder(ctx, in.InstanceID, in.ClientToken)
		if err != nil {
			return err
		}
		if held != nil && held.InitiationTimestamp.Before(s.cutoff()) {
			// Expired and gone, as in createContact.
			if err := tx.DeleteContact(ctx, in.InstanceID, held.ID); err != nil {
				return err
			}
		} else if held != nil {
			return Errorf(EINVALID, "ClientToken %q is already used by another contact of instance %s.", in.ClientToken, in.InstanceID)
		}
	}
	c := *in
	c.InitiationTimestamp, c.ScheduledTimestamp = toMillis(c.InitiationTimestamp), toMillis(c.ScheduledTimestamp)
	c.DisconnectTimestamp, c.LastUpdateTimestamp = toMillis(c.DisconnectTimestamp), toMillis(c.LastUpdateTimestamp)
	if c.LastUpdateTimestamp.IsZero() {
		c.LastUpdateTimestamp = c.InitiationTimestamp
	}
	err = tx.InsertContact(ctx, &c, nil)
	switch conflictOf(err) {
	case ConflictClientToken:
		return Errorf(EINVALID, "ClientToken %q is already used by another contact of instance %s.", in.ClientToken, in.InstanceID)
	case ConflictContactID:
		// A concurrent unit (another import, on another replica) took
		// the id after claimContactID looked: the same answer as if it
		// had been there before (TestConcurrentImportsOfTheSameContacts).
		return contactExists(in.ID, in.InstanceID)
	}
	if err != nil || (len(c.References) == 0 && len(c.Tags) == 0) {
		return err
	}
	return saveDetails(ctx, tx, &c)
}

// linkImported checks an imported contact's references against the store
// (the import itself included) and merges its attributes into its chain's
// map, with the API's rules: every id it names exists, InitialContactId is
// the initial contact of its chain, PreviousContactId is of the same chain
// and named by at most MaxTasksPerPreviousContact contacts, and the merged
// map obeys Merge. Errors are EINVALID, for Import to name the record.
func (s *Service) linkImported(ctx context.Context, tx Tx, c *Contact) error {
	refs := []struct{ what, id string }{
		{"InitialContactId", c.InitialContactID}, {"PreviousContactId", c.PreviousContactID}, {"RelatedContactId", c.RelatedContactID},
	}
	cutoff := s.cutoff()
	for _, ref := range refs {
		if ref.id == "" || ref.id == c.ID {
			continue
		}
		row, err := tx.ContactRow(ctx, c.InstanceID, ref.id)
		switch {
		case err != nil:
			return err
		case row == nil || row.InitiationTimestamp.Before(cutoff):
			return Errorf(EINVALID, "%s %s exists neither in the import nor in the store.", ref.what, ref.id)
		case ref.what == "InitialContactId" && row.InitialContactID != ref.id:
			return Errorf(EINVALID, "InitialContactId %s is not the initial contact of its chain.", ref.id)
		case ref.what == "PreviousContactId" && row.InitialContactID != c.InitialContactID:
			return Errorf(EINVALID, "PreviousContactId %s belongs to another chain.", ref.id)
		}
	}
	if c.PreviousContactID != "" {
		n, err := tx.CountPrevious(ctx, c.InstanceID, c.PreviousContactID)
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
	current, _, err := tx.LockChain(ctx, c.InstanceID, c.InitialContactID)
	if err != nil {
		return err
	}
	merged, err := Merge(current, c.Attributes)
	if err != nil {
		return err
	}
	return tx.SetChainMap(ctx, c.InstanceID, c.InitialContactID, merged, time.Time{})
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

// importStorageConfig stores an imported storage config after the rules
// AssociateStorageConfig applies; its instance must exist by now (in the
// snapshot, imported first, or in the store).
func importStorageConfig(ctx context.Context, tx Tx, sc *StorageConfig) error {
	if sc.AssociationID == "" || sc.ResourceType == "" || sc.StorageType == "" {
		return Errorf(EINVALID, "AssociationId, ResourceType and StorageConfig.StorageType are required.")
	}
	if err := checkStorageConfig(sc); err != nil {
		return Errorf(EINVALID, "%s", ErrorMessage(err))
	}
	ok, err := tx.InstanceIDTaken(ctx, sc.InstanceID)
	if err != nil {
		return err
	}
	if !ok {
		return Errorf(EINVALID, "instance %s is neither in the snapshot nor in the store.", sc.InstanceID)
	}
	return tx.PutStorageConfig(ctx, sc)
}
