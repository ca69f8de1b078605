package api

import (
	"encoding/json"
	"time"

	"github.com/connectd/connectd"
)

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

// wireSnapshotState is a contact's connectd.ContactState in the import and
// export format.
type wireSnapshotState struct {
	Paused                     bool            `json:"Paused,omitempty"`
	LastPausedTimestamp        *epoch          `json:"LastPausedTimestamp,omitempty"`
	TotalPauseCount            int             `json:"TotalPauseCount,omitempty"`
	TotalPauseDurationInMillis int64           `json:"TotalPauseDurationInMillis,omitempty"`
	QueuePriority              *int64          `json:"QueuePriority,omitempty"`
	QueueTimeAdjustmentSeconds *int64          `json:"QueueTimeAdjustmentSeconds,omitempty"`
	RoutingSteps               json.RawMessage `json:"RoutingSteps,omitempty"`
	RoutingSetTimestamp        *epoch          `json:"RoutingSetTimestamp,omitempty"`
	EmailSentTimestamp         *epoch          `json:"EmailSentTimestamp,omitempty"`
	EmailSentClientToken       string          `json:"EmailSentClientToken,omitempty"`
	RedactedContactFields      []string        `json:"RedactedContactFields,omitempty"`
	ContinuedFromContactId     string          `json:"ContinuedFromContactId,omitempty"`
	PersistentSourceContactId  string          `json:"PersistentSourceContactId,omitempty"`
	// How the contact ended, as its first contact record said (and the
	// records sent again after a change say).
	DisconnectReason           string `json:"DisconnectReason,omitempty"`
	NextContactId              string `json:"NextContactId,omitempty"`
	TransferCompletedTimestamp *epoch `json:"TransferCompletedTimestamp,omitempty"`
}

func (w *wireSnapshotState) domain() *connectd.ContactState {
	if w == nil {
		return nil
	}
	st := &connectd.ContactState{Paused: w.Paused, LastPausedAt: w.LastPausedTimestamp.Time(), PauseCount: w.TotalPauseCount,
		PausedFor:   time.Duration(w.TotalPauseDurationInMillis) * time.Millisecond,
		EmailSentAt: w.EmailSentTimestamp.Time(), EmailSentToken: w.EmailSentClientToken, Redacted: w.RedactedContactFields,
		ContinuedFrom: w.ContinuedFromContactId, PersistentSource: w.PersistentSourceContactId,
		Ended: connectd.RecordFacts{DisconnectReason: w.DisconnectReason, NextContactID: w.NextContactId,
			TransferCompleted: w.TransferCompletedTimestamp.Time()}}
	if w.QueuePriority != nil || w.QueueTimeAdjustmentSeconds != nil || w.RoutingSteps != nil {
		st.Routing = &connectd.RoutingData{QueuePriority: w.QueuePriority, QueueTimeAdjustmentSeconds: w.QueueTimeAdjustmentSeconds,
			RoutingSteps: w.RoutingSteps, RoutingSetAt: w.RoutingSetTimestamp.Time()}
	}
	return st
}

func snapshotState(st *connectd.ContactState) *wireSnapshotState {
	if st == nil {
		return nil
	}
	w := &wireSnapshotState{Paused: st.Paused, LastPausedTimestamp: epochOf(st.LastPausedAt), TotalPauseCount: st.PauseCount,
		TotalPauseDurationInMillis: st.PausedFor.Milliseconds(),
		EmailSentTimestamp:         epochOf(st.EmailSentAt), EmailSentClientToken: st.EmailSentToken,
		RedactedContactFields: st.Redacted, ContinuedFromContactId: st.ContinuedFrom, PersistentSourceContactId: st.PersistentSource,
		DisconnectReason: st.Ended.DisconnectReason, NextContactId: st.Ended.NextContactID,
		TransferCompletedTimestamp: epochOf(st.Ended.TransferCompleted)}
	if r := st.Routing; r != nil {
		w.QueuePriority, w.QueueTimeAdjustmentSeconds, w.RoutingSteps = r.QueuePriority, r.QueueTimeAdjustmentSeconds, r.RoutingSteps
		w.RoutingSetTimestamp = epochOf(r.RoutingSetAt)
	}
	return w
}
