package connectd

import (
	"context"
	"slices"
)

// instanceOf fails with instanceNotFound unless the owner has the instance.
func instanceOf(ctx context.Context, tx Tx, owner Owner, instanceID string) error {
	ok, err := tx.InstanceExists(ctx, owner, instanceID)
	if err == nil && !ok {
		err = instanceNotFound(instanceID)
	}
	return err
}

// storageConfig returns the instance's config associationID of
// resourceType, or ENOTFOUND: a config is found only under the resource
// type it was associated with, as Amazon Connect's operations all take
// both.
func storageConfig(ctx context.Context, tx Tx, owner Owner, instanceID, associationID, resourceType string) (*StorageConfig, error) {
	if err := instanceOf(ctx, tx, owner, instanceID); err != nil {
		return nil, err
	}
	scs, err := tx.StorageConfigs(ctx, instanceID, resourceType)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(scs, func(sc *StorageConfig) bool { return sc.AssociationID == associationID })
	if i < 0 {
		return nil, Errorf(ENOTFOUND, "Storage config %s of resource type %s not found in instance %s.",
			associationID, resourceType, instanceID)
	}
	return scs[i], nil
}

// AssociateStorageConfig stores sc (its AssociationID chosen by the
// caller) in the owner's instance: ENOTFOUND for an unknown instance,
// EINVALIDREQUEST for a config checkStorageConfig refuses. An instance may
// stream contact records to more than one destination; each receives
// every record.
func (s *Service) AssociateStorageConfig(ctx context.Context, owner Owner, sc *StorageConfig) error {
	if err := checkStorageConfig(sc); err != nil {
		return err
	}
	return s.port.Update(ctx, "associate storage config", func(tx Tx) error {
		if err := instanceOf(ctx, tx, owner, sc.InstanceID); err != nil {
			return err
		}
		return tx.PutStorageConfig(ctx, sc)
	})
}

// UpdateStorageConfig replaces an existing config with sc (ENOTFOUND if
// there is none under sc.ResourceType; checkStorageConfig's rules).
func (s *Service) UpdateStorageConfig(ctx context.Context, owner Owner, sc *StorageConfig) error {
	if err := checkStorageConfig(sc); err != nil {
		return err
	}
	return s.port.Update(ctx, "update storage config", func(tx Tx) error {
		if _, err := storageConfig(ctx, tx, owner, sc.InstanceID, sc.AssociationID, sc.ResourceType); err != nil {
			return err
		}
		return tx.PutStorageConfig(ctx, sc)
	})
}

// DescribeStorageConfig returns a config (ENOTFOUND as UpdateStorageConfig).
func (s *Service) DescribeStorageConfig(ctx context.Context, owner Owner, instanceID, associationID, resourceType string) (*StorageConfig, error) {
	var sc *StorageConfig
	err := s.port.View(ctx, "describe storage config", func(tx Tx) error {
		var err error
		sc, err = storageConfig(ctx, tx, owner, instanceID, associationID, resourceType)
		return err
	})
	return sc, err
}

// DisassociateStorageConfig removes a config (ENOTFOUND as
// UpdateStorageConfig).
func (s *Service) DisassociateStorageConfig(ctx context.Context, owner Owner, instanceID, associationID, resourceType string) error {
	return s.port.Update(ctx, "disassociate storage config", func(tx Tx) error {
		if _, err := storageConfig(ctx, tx, owner, instanceID, associationID, resourceType); err != nil {
			return err
		}
		_, err := tx.DeleteStorageConfig(ctx, instanceID, associationID)
		return err
	})
}

// ListStorageConfigs returns up to limit configs of resourceType with
// AssociationID after `after`, in AssociationID order, and whether more
// follow. ENOTFOUND for an unknown instance.
func (s *Service) ListStorageConfigs(ctx context.Context, owner Owner, instanceID, resourceType, after string, limit int) ([]*StorageConfig, bool, error) {
	var page []*StorageConfig
	more := false
	err := s.port.View(ctx, "list storage configs", func(tx Tx) error {
		if err := instanceOf(ctx, tx, owner, instanceID); err != nil {
			return err
		}
		scs, err := tx.StorageConfigs(ctx, instanceID, resourceType)
		if err != nil {
			return err
		}
		for _, sc := range scs {
			if sc.AssociationID > after {
				page = append(page, sc)
			}
		}
		if len(page) > limit {
			page, more = page[:limit], true
		}
		return nil
	})
	return page, more, err
}

// RecordTargets returns the instance's CONTACT_TRACE_RECORDS configs, of
// whatever owner: where the deliverer sends its contact records.
func (s *Service) RecordTargets(ctx context.Context, instanceID string) ([]*StorageConfig, error) {
	var scs []*StorageConfig
	err := s.port.View(ctx, "read record destinations", func(tx Tx) error {
		var err error
		scs, err = tx.StorageConfigs(ctx, instanceID, ResourceContactTraceRecords)
		return err
	})
	return scs, err
}
