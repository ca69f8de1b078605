package connectd

import (
	"context"
	"strings"
)

// InstanceSettings is connectd's own configuration of one instance, for
// what Amazon Connect decides through a service-quota request or its admin
// website rather than an API. The zero value is Amazon Connect's default.
type InstanceSettings struct {
	// AllowUKMobileDestinations lets StartOutboundVoiceContact call UK
	// mobile numbers (+447…), which Amazon Connect refuses "by default"
	// until a quota request allows them (StartOutboundVoiceContact API
	// reference: "UK numbers with a 447 prefix are not allowed by default.
	// Before you can dial these UK mobile numbers, you must submit a
	// service quota increase request").
	AllowUKMobileDestinations bool
	// AnalyticsDataSets are the instance's analytics data set associations
	// (AssociateAnalyticsDataSet).
	AnalyticsDataSets []AnalyticsDataSet
}

// AnalyticsDataSet is one data set of the instance shared with an account.
type AnalyticsDataSet struct {
	DataSetID       string
	TargetAccountID string
}

// SettingsTx is the part of Tx that keeps InstanceSettings.
type SettingsTx interface {
	// InstanceSettings returns the settings of instance id; nil when none
	// were ever saved (the defaults).
	InstanceSettings(ctx context.Context, instanceID string) (*InstanceSettings, error)
	// SaveInstanceSettings stores s as the settings of instance id.
	SaveInstanceSettings(ctx context.Context, instanceID string, s *InstanceSettings) error
	// SetInstanceTags stores tags (nil or empty: none) as the tags of
	// instance id.
	SetInstanceTags(ctx context.Context, instanceID string, tags map[string]string) error
	// LockInstance holds off, until the unit ends, every other unit that
	// locks the same instance. The Service takes it before a
	// read-modify-write of the instance's own documents (its flows, a
	// flow's name, its tags, its settings, its Lambda associations), so
	// that units on replicas sharing a store neither both take one flow
	// name nor lose each other's changes. A store that runs one write at
	// a time needs no lock.
	LockInstance(ctx context.Context, instanceID string) error
}

// ukMobilePrefix is the E.164 prefix of UK mobile numbers.
const ukMobilePrefix = "+447"

// CheckDestination returns EDESTINATION for a destination phone number the
// instance's settings do not allow.
func (s *InstanceSettings) CheckDestination(phone string) error {
	if strings.HasPrefix(phone, ukMobilePrefix) && (s == nil || !s.AllowUKMobileDestinations) {
		return Errorf(EDESTINATION, "Outbound calls to UK mobile numbers (+447) are not allowed for this instance by default; "+
			"allow them with PUT /_connectd/instances/{InstanceId}/settings {\"AllowUKMobileDestinations\": true}.")
	}
	return nil
}
