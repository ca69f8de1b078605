package connectd

import "context"

// InstanceSettings returns connectd's own settings of instance id (of any
// owner: the control plane's view), the defaults when none were saved.
// ENOTFOUND for an unknown instance.
func (s *Service) InstanceSettings(ctx context.Context, instanceID string) (*InstanceSettings, error) {
	var out *InstanceSettings
	err := s.port.View(ctx, "instance settings", func(tx Tx) error {
		var err error
		out, err = settingsOf(ctx, tx, instanceID)
		return err
	})
	return out, err
}

// ChangeInstanceSettings applies change to the settings of instance id
// (of any owner) in one unit of work and returns them as saved.
// ENOTFOUND for an unknown instance.
func (s *Service) ChangeInstanceSettings(ctx context.Context, instanceID string, change func(*InstanceSettings)) (*InstanceSettings, error) {
	var out *InstanceSettings
	err := s.port.Update(ctx, "change instance settings", func(tx Tx) error {
		if err := tx.LockInstance(ctx, instanceID); err != nil { // a read-modify-write (SettingsTx.LockInstance)
			return err
		}
		var err error
		if out, err = settingsOf(ctx, tx, instanceID); err != nil {
			return err
		}
		change(out)
		return tx.SaveInstanceSettings(ctx, instanceID, out)
	})
	return out, err
}

// settingsOf reads the settings of an instance of any owner, never nil.
func settingsOf(ctx context.Context, tx Tx, instanceID string) (*InstanceSettings, error) {
	ok, err := tx.InstanceIDTaken(ctx, instanceID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, instanceNotFound(instanceID)
	}
	st, err := tx.InstanceSettings(ctx, instanceID)
	if st == nil && err == nil {
		st = &InstanceSettings{}
	}
	return st, err
}

// StartOutboundVoiceContact is CreateContact for an outbound call to
// destination: EDESTINATION for a number the instance may not call
// (InstanceSettings.CheckDestination), checked after the instance exists.
func (s *Service) StartOutboundVoiceContact(ctx context.Context, owner Owner, c *Contact, destination string) (*Contact, error) {
	return s.startContact(ctx, owner, c, func(tx Tx) error {
		ok, err := tx.InstanceExists(ctx, owner, c.InstanceID)
		if err != nil || !ok {
			if err == nil {
				err = instanceNotFound(c.InstanceID)
			}
			return err
		}
		st, err := tx.InstanceSettings(ctx, c.InstanceID)
		if err != nil {
			return err
		}
		return st.CheckDestination(destination)
	})
}

// exportSettings reads the saved settings of instances.
func exportSettings(ctx context.Context, tx Tx, instances []*Instance) (map[string]*InstanceSettings, error) {
	out := map[string]*InstanceSettings{}
	for _, inst := range instances {
		st, err := tx.InstanceSettings(ctx, inst.ID)
		if err != nil {
			return nil, err
		}
		if st != nil {
			out[inst.ID] = st
		}
	}
	return out, nil
}

// importSettings saves the settings of snap's instances, once they are
// in; settings of an instance the snapshot does not hold are EINVALID.
func importSettings(ctx context.Context, tx Tx, snap *Snapshot) error {
	held := map[string]bool{}
	for _, inst := range snap.Instances {
		held[inst.ID] = true
	}
	for id, st := range snap.Settings {
		if !held[id] {
			return Errorf(EINVALID, "Settings of instance %q: the snapshot has no such instance.", id)
		}
		if err := tx.SaveInstanceSettings(ctx, id, st); err != nil {
			return err
		}
	}
	return nil
}
