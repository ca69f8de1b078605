package connectd

import (
	"context"
	"maps"
	"slices"
	"strings"
)

// MaxResourceTags is how many tags a resource may have: the model's TagMap
// holds 1 to 50, and connectd holds a resource's total to that too.
const MaxResourceTags = 50

// taggedResource is a resource whose tags TagResource, UntagResource and
// ListTagsForResource reach: an instance, or a flow of one when flowID is
// set (CreateContactFlow keeps its Tags on the stored flow).
type taggedResource struct{ instanceID, flowID string }

// resourceOfARN returns the resource of an instance or contact-flow ARN of
// owner (arn:…:instance/ID or arn:…:instance/ID/contact-flow/ID), or
// ENOTFOUND for an ARN of another owner or of a resource connectd keeps no
// tags for (contacts have TagContact).
func resourceOfARN(owner Owner, arn string) (taggedResource, error) {
	prefix := (&Instance{Owner: owner}).ARN() // "arn:…:instance/"
	rest, ok := strings.CutPrefix(arn, prefix)
	parts := strings.Split(rest, "/")
	switch {
	case ok && len(parts) == 1 && parts[0] != "":
		return taggedResource{instanceID: parts[0]}, nil
	case ok && len(parts) == 3 && parts[0] != "" && parts[1] == "contact-flow" && parts[2] != "":
		return taggedResource{instanceID: parts[0], flowID: parts[2]}, nil
	}
	return taggedResource{}, Errorf(ENOTFOUND, "Resource %s not found: connectd keeps tags on the instance and contact-flow ARNs of this account and region.", arn)
}

// tags returns the resource's tags and a function that stores new ones,
// or ENOTFOUND for an unknown instance or flow.
func (r taggedResource) tags(ctx context.Context, tx Tx, owner Owner) (map[string]string, func(map[string]string) error, error) {
	if r.flowID != "" {
		f, err := loadFlow(ctx, tx, owner, r.instanceID, r.flowID)
		if err != nil {
			return nil, nil, err
		}
		return f.Tags, func(tags map[string]string) error {
			f.Tags = tags
			return putFlow(ctx, tx, f)
		}, nil
	}
	inst, err := tx.Instance(ctx, owner, r.instanceID)
	if err != nil {
		return nil, nil, err
	}
	if inst == nil {
		return nil, nil, instanceNotFound(r.instanceID)
	}
	return inst.Tags, func(tags map[string]string) error {
		return tx.SetInstanceTags(ctx, r.instanceID, tags)
	}, nil
}

// ResourceTags returns the tags of the resource arn.
func (s *Service) ResourceTags(ctx context.Context, owner Owner, arn string) (map[string]string, error) {
	r, err := resourceOfARN(owner, arn)
	if err != nil {
		return nil, err
	}
	var tags map[string]string
	err = s.port.View(ctx, "list resource tags", func(tx Tx) error {
		tags, _, err = r.tags(ctx, tx, owner)
		return err
	})
	return tags, err
}

// TagResource adds or replaces tags on the resource arn: EINVALID for a
// reserved key (CheckTagKeys) or a total over MaxResourceTags, ENOTFOUND
// for an unknown resource.
func (s *Service) TagResource(ctx context.Context, owner Owner, arn string, tags map[string]string) error {
	return s.changeResourceTags(ctx, owner, arn, func(cur map[string]string) (map[string]string, error) {
		if err := CheckTagKeys(tags); err != nil {
			return nil, err
		}
		out := maps.Clone(cur)
		if out == nil {
			out = map[string]string{}
		}
		maps.Copy(out, tags)
		if len(out) > MaxResourceTags {
			return nil, Errorf(EINVALID, "A resource can have at most %d tags; this request would give it %d.", MaxResourceTags, len(out))
		}
		return out, nil
	})
}

// UntagResource removes keys from the resource arn's tags; keys it lacks
// are ignored.
func (s *Service) UntagResource(ctx context.Context, owner Owner, arn string, keys []string) error {
	return s.changeResourceTags(ctx, owner, arn, func(cur map[string]string) (map[string]string, error) {
		out := maps.Clone(cur)
		maps.DeleteFunc(out, func(k, _ string) bool { return slices.Contains(keys, k) })
		return out, nil
	})
}

func (s *Service) changeResourceTags(ctx context.Context, owner Owner, arn string, change func(map[string]string) (map[string]string, error)) error {
	r, err := resourceOfARN(owner, arn)
	if err != nil {
		return err
	}
	return s.port.Update(ctx, "change resource tags", func(tx Tx) error {
		// save writes the whole tag map (or flow) back: SettingsTx.LockInstance.
		if err := tx.LockInstance(ctx, r.instanceID); err != nil {
			return err
		}
		cur, save, err := r.tags(ctx, tx, owner)
		if err != nil {
			return err
		}
		tags, err := change(cur)
		if err != nil {
			return err
		}
		return save(tags)
	})
}

// AssociateAnalyticsDataSets associates each of dataSets with the owner's
// instance for targetAccount (the owner's own account when empty) and
// returns the associations; an existing one is kept as it is. ENOTFOUND for
// an unknown instance.
func (s *Service) AssociateAnalyticsDataSets(ctx context.Context, owner Owner, instanceID, targetAccount string, dataSets []string) ([]AnalyticsDataSet, error) {
	if targetAccount == "" {
		targetAccount = owner.AccountID
	}
	var out []AnalyticsDataSet
	err := s.changeDataSets(ctx, owner, instanceID, func(st *InstanceSettings) {
		for _, d := range dataSets {
			a := AnalyticsDataSet{DataSetID: d, TargetAccountID: targetAccount}
			if !slices.Contains(st.AnalyticsDataSets, a) {
				st.AnalyticsDataSets = append(st.AnalyticsDataSets, a)
			}
			out = append(out, a)
		}
	})
	return out, err
}

// DisassociateAnalyticsDataSets removes the associations of dataSets for
// targetAccount (the owner's when empty) and returns the data set ids it
// removed; the others are returned in missing, each with EINVALID.
func (s *Service) DisassociateAnalyticsDataSets(ctx context.Context, owner Owner, instanceID, targetAccount string, dataSets []string) (removed []string, missing []string, err error) {
	if targetAccount == "" {
		targetAccount = owner.AccountID
	}
	err = s.changeDataSets(ctx, owner, instanceID, func(st *InstanceSettings) {
		removed, missing = nil, nil // a retried unit starts over
		for _, d := range dataSets {
			a := AnalyticsDataSet{DataSetID: d, TargetAccountID: targetAccount}
			if i := slices.Index(st.AnalyticsDataSets, a); i >= 0 {
				st.AnalyticsDataSets = slices.Delete(st.AnalyticsDataSets, i, i+1)
				removed = append(removed, d)
			} else {
				missing = append(missing, d)
			}
		}
	})
	return removed, missing, err
}

// AnalyticsDataSets returns the owner's instance's associations, those of
// dataSet only when it is set, ordered by data set id and target account.
func (s *Service) AnalyticsDataSets(ctx context.Context, owner Owner, instanceID, dataSet string) ([]AnalyticsDataSet, error) {
	var out []AnalyticsDataSet
	err := s.port.View(ctx, "list analytics data associations", func(tx Tx) error {
		st, err := ownedSettings(ctx, tx, owner, instanceID)
		if err != nil {
			return err
		}
		for _, a := range st.AnalyticsDataSets {
			if dataSet == "" || a.DataSetID == dataSet {
				out = append(out, a)
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b AnalyticsDataSet) int {
		return strings.Compare(a.DataSetID+"\x00"+a.TargetAccountID, b.DataSetID+"\x00"+b.TargetAccountID)
	})
	return out, err
}

func (s *Service) changeDataSets(ctx context.Context, owner Owner, instanceID string, change func(*InstanceSettings)) error {
	return s.port.Update(ctx, "change analytics data sets", func(tx Tx) error {
		if err := tx.LockInstance(ctx, instanceID); err != nil { // a read-modify-write of the settings
			return err
		}
		st, err := ownedSettings(ctx, tx, owner, instanceID)
		if err != nil {
			return err
		}
		change(st)
		return tx.SaveInstanceSettings(ctx, instanceID, st)
	})
}

// ownedSettings is settingsOf for an instance of owner only.
func ownedSettings(ctx context.Context, tx Tx, owner Owner, instanceID string) (*InstanceSettings, error) {
	ok, err := tx.InstanceExists(ctx, owner, instanceID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, instanceNotFound(instanceID)
	}
	return settingsOf(ctx, tx, instanceID)
}
