package api

import "github.com/connectd/connectd"

// wireSnapshotSettings is an instance's connectd.InstanceSettings in the
// import and export format.
type wireSnapshotSettings struct {
	AllowUKMobileDestinations bool                       `json:"AllowUKMobileDestinations,omitempty"`
	AnalyticsDataSets         []wireSnapshotDataSetAssoc `json:"AnalyticsDataSets,omitempty"`
}

type wireSnapshotDataSetAssoc struct {
	DataSetId       string `json:"DataSetId"`
	TargetAccountId string `json:"TargetAccountId"`
}

func (w *wireSnapshotSettings) domain() *connectd.InstanceSettings {
	st := &connectd.InstanceSettings{AllowUKMobileDestinations: w.AllowUKMobileDestinations}
	for _, d := range w.AnalyticsDataSets {
		st.AnalyticsDataSets = append(st.AnalyticsDataSets, connectd.AnalyticsDataSet{DataSetID: d.DataSetId, TargetAccountID: d.TargetAccountId})
	}
	return st
}

// snapshotSettings is the export form of st; nil for none.
func snapshotSettings(st *connectd.InstanceSettings) *wireSnapshotSettings {
	if st == nil {
		return nil
	}
	w := &wireSnapshotSettings{AllowUKMobileDestinations: st.AllowUKMobileDestinations}
	for _, d := range st.AnalyticsDataSets {
		w.AnalyticsDataSets = append(w.AnalyticsDataSets, wireSnapshotDataSetAssoc{DataSetId: d.DataSetID, TargetAccountId: d.TargetAccountID})
	}
	return w
}
