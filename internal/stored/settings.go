package stored

import (
	"encoding/json"
	"fmt"

	"github.com/connectd/connectd"
)

// settingsDoc is the stored form of connectd.InstanceSettings; its own
// type, so that renaming a domain field cannot silently change what is on
// disk.
type settingsDoc struct {
	AllowUKMobile bool         `json:"allow_uk_mobile,omitempty"`
	DataSets      []dataSetDoc `json:"analytics_data_sets,omitempty"`
}

type dataSetDoc struct {
	DataSetID       string `json:"data_set_id"`
	TargetAccountID string `json:"target_account_id"`
}

// Settings encodes s for the instance_settings table.
func Settings(s *connectd.InstanceSettings) ([]byte, error) {
	d := settingsDoc{AllowUKMobile: s.AllowUKMobileDestinations}
	for _, ds := range s.AnalyticsDataSets {
		d.DataSets = append(d.DataSets, dataSetDoc{DataSetID: ds.DataSetID, TargetAccountID: ds.TargetAccountID})
	}
	return json.Marshal(d)
}

// ParseSettings decodes a document Settings wrote.
func ParseSettings(doc []byte) (*connectd.InstanceSettings, error) {
	var d settingsDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("decode instance settings: %w", err)
	}
	s := &connectd.InstanceSettings{AllowUKMobileDestinations: d.AllowUKMobile}
	for _, ds := range d.DataSets {
		s.AnalyticsDataSets = append(s.AnalyticsDataSets, connectd.AnalyticsDataSet{DataSetID: ds.DataSetID, TargetAccountID: ds.TargetAccountID})
	}
	return s, nil
}
