package connectd

import "context"

// CreateInstance stores inst. A zero inst.CreatedTime is set to now and an
// empty inst.Status to ACTIVE, in inst itself, so the caller holds what was
// stored. An alias already used by another instance of the same owner is
// EINVALIDREQUEST; an id already in use (by any owner: the id is part of
// the ARN) is ECONFLICT.
func (s *Service) CreateInstance(ctx context.Context, inst *Instance) error {
	if inst.CreatedTime.IsZero() {
		inst.CreatedTime = s.clock.Now()
	}
	inst.CreatedTime = toMillis(inst.CreatedTime)
	if inst.Status == "" {
		inst.Status = InstanceStatusActive
	}
	err := s.port.Update(ctx, "create instance", func(tx Tx) error {
		return insertInstance(ctx, tx, inst, instanceMessages{
			idTaken: Errorf(ECONFLICT, "Instance %s already exists.", inst.ID),
			aliasTaken: func(other string) error {
				return Errorf(EINVALIDREQUEST, "The instance alias %q is already in use by instance %s.", inst.Alias, other)
			},
		})
	})
	switch conflictOf(err) {
	case ConflictInstanceID:
		return Errorf(ECONFLICT, "Instance %s already exists.", inst.ID)
	case ConflictAlias:
		return Errorf(EINVALIDREQUEST, "The instance alias %q is already in use.", inst.Alias)
	}
	return err
}

// instanceMessages are the errors of a taken id or alias, which differ
// between CreateInstance and Import.
type instanceMessages struct {
	idTaken    error
	aliasTaken func(other string) error
}

// insertInstance checks that inst's id and alias are free and inserts it.
// The checks give precise messages; a store shared by many processes
// decides a race with its unique indexes (a *Conflict).
func insertInstance(ctx context.Context, tx Tx, inst *Instance, msg instanceMessages) error {
	if err := CheckTagKeys(inst.Tags); err != nil {
		return err
	}
	taken, err := tx.InstanceIDTaken(ctx, inst.ID)
	if err != nil {
		return err
	}
	if taken {
		return msg.idTaken
	}
	if inst.Alias != "" {
		other, err := tx.InstanceWithAlias(ctx, inst.Owner, inst.Alias)
		if err != nil {
			return err
		}
		if other != "" {
			return msg.aliasTaken(other)
		}
	}
	return tx.InsertInstance(ctx, inst)
}

// FindInstance returns the owner's instance id, or ENOTFOUND.
func (s *Service) FindInstance(ctx context.Context, owner Owner, id string) (*Instance, error) {
	var inst *Instance
	err := s.port.View(ctx, "find instance", func(tx Tx) error {
		var err error
		if inst, err = tx.Instance(ctx, owner, id); err == nil && inst == nil {
			err = instanceNotFound(id)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return inst, nil
}

// ListInstances returns up to limit of the owner's instances with ids
// greater than after, in id order. A limit below 1 returns none.
func (s *Service) ListInstances(ctx context.Context, owner Owner, after string, limit int) ([]*Instance, error) {
	if limit < 1 {
		return nil, nil
	}
	var out []*Instance
	err := s.port.View(ctx, "list instances", func(tx Tx) error {
		var err error
		out, err = tx.Instances(ctx, owner, after, limit)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteInstance removes the owner's instance id and all its contacts, or
// returns ENOTFOUND.
func (s *Service) DeleteInstance(ctx context.Context, owner Owner, id string) error {
	return s.port.Update(ctx, "delete instance", func(tx Tx) error {
		found, err := tx.DeleteInstance(ctx, owner, id)
		if err == nil && !found {
			err = instanceNotFound(id)
		}
		return err
	})
}
