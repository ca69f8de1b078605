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

// instanceOfARN returns the instance id of an instance ARN of owner, or
// ENOTFOUND for an ARN of another owner or of a resource connectd keeps no
// tags for (it keeps them on instances; contacts have TagContact).
func instanceOfARN(owner Owner, arn string) (string, error) {
	prefix := (&Instance{Owner: owner}).ARN() // "arn:…:instance/"
	id, ok := strings.CutPrefix(arn, prefix)
	if !ok || id == "" || strings.Contains(id, "/") {
		return "", Errorf(ENOTFOUND, "Resource %s not found: connectd keeps tags on the instance ARNs of this account and region.", arn)
	}
	return id, nil
}

// ResourceTags returns the tags of the resource arn.
func (s *Service) ResourceTags(ctx context.Context, owner Owner, arn string) (map[string]string, error) {
	id, err := instanceOfARN(owner, arn)
	if err != nil {
		return nil, err
	}
	inst, err := s.FindInstance(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	return inst.Tags, nil
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
	id, err := instanceOfARN(owner, arn)
	if err != nil {
		return err
	}
	return s.port.Update(ctx, "change resource tags", func(tx Tx) error {
		inst, err := tx.Instance(ctx, owner, id)
		if err != nil {
			return err
		}
		if inst == nil {
			return instanceNotFound(id)
		}
		tags, err := change(inst.Tags)
		if err != nil {
			return err
		}
		return tx.SetInstanceTags(ctx, id, tags)
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
