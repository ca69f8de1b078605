package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/connectd/connectd"
)

// wireSnapshot is the import and export format: the API's PascalCase member
// names and epoch-second timestamps, with explicit ids, owners and times.
type wireSnapshot struct {
	Instances      []wireSnapshotInstance      `json:"Instances"`
	Contacts       []wireSnapshotContact       `json:"Contacts"`
	StorageConfigs []wireSnapshotStorageConfig `json:"StorageConfigs,omitempty"`
	// ContactFlows and LambdaFunctions: admin_flows.go.
	ContactFlows    []wireSnapshotFlow   `json:"ContactFlows,omitempty"`
	LambdaFunctions []wireSnapshotLambda `json:"LambdaFunctions,omitempty"`
}

// wireSnapshotStorageConfig is an instance storage config in the import
// and export format: the operations' members, with the AssociationId.
type wireSnapshotStorageConfig struct {
	InstanceId    string            `json:"InstanceId"`
	AssociationId string            `json:"AssociationId"`
	ResourceType  string            `json:"ResourceType"`
	StorageConfig storageConfigWire `json:"StorageConfig"`
}

type wireSnapshotInstance struct {
	Id                     string            `json:"Id"`
	InstanceAlias          string            `json:"InstanceAlias,omitempty"`
	AccountId              string            `json:"AccountId,omitempty"`
	Region                 string            `json:"Region,omitempty"`
	IdentityManagementType string            `json:"IdentityManagementType,omitempty"`
	DirectoryId            string            `json:"DirectoryId,omitempty"`
	InboundCallsEnabled    *bool             `json:"InboundCallsEnabled,omitempty"`
	OutboundCallsEnabled   *bool             `json:"OutboundCallsEnabled,omitempty"`
	CreatedTime            *epoch            `json:"CreatedTime,omitempty"`
	Tags                   map[string]string `json:"Tags,omitempty"`
	// Settings are connectd's own (admin_settings.go), absent for defaults.
	Settings *wireSnapshotSettings `json:"Settings,omitempty"`
	// SearchableKeys are the keys searches may use (admin_search.go),
	// absent for every key.
	SearchableKeys []string `json:"SearchableKeys,omitempty"`
}

type wireSnapshotContact struct {
	InstanceId          string `json:"InstanceId"`
	Id                  string `json:"Id"`
	InitialContactId    string `json:"InitialContactId,omitempty"`
	PreviousContactId   string `json:"PreviousContactId,omitempty"`
	RelatedContactId    string `json:"RelatedContactId,omitempty"`
	Channel             string `json:"Channel"`
	InitiationMethod    string `json:"InitiationMethod,omitempty"`
	InitiationTimestamp *epoch `json:"InitiationTimestamp,omitempty"`
	DisconnectTimestamp *epoch `json:"DisconnectTimestamp,omitempty"`
	LastUpdateTimestamp *epoch `json:"LastUpdateTimestamp,omitempty"`
	ScheduledTimestamp  *epoch `json:"ScheduledTimestamp,omitempty"`
	Name                string `json:"Name,omitempty"`
	Description         string `json:"Description,omitempty"`
	QueueId             string `json:"QueueId,omitempty"`
	// EnqueueTimestamp is when a flow queued the contact in QueueId.
	EnqueueTimestamp *epoch            `json:"EnqueueTimestamp,omitempty"`
	Attributes       map[string]string `json:"Attributes,omitempty"`
	// References and Tags are the contact's own (contact_details.go).
	References map[string]wireSnapshotReference `json:"References,omitempty"`
	Tags       map[string]string                `json:"Tags,omitempty"`
	// State is the contact's pause state and routing data
	// (admin_data_settings.go), if it has any.
	State *wireSnapshotState `json:"State,omitempty"`
}

// importData imports fixtures atomically: every record passes the API's
// rules or nothing is imported, and the 400's message names the bad record.
// Members left out get the defaults a fixture author would expect: the
// default account, the server's region, a CONNECT_MANAGED instance with
// calls enabled, API-initiated contacts, timestamps of now.
func (s *Server) importData(ctx context.Context, r *http.Request) (any, error) {
	var in wireSnapshot
	if err := decodeAdmin(r, &in); err != nil {
		return nil, err
	}
	return s.importSnapshot(ctx, in)
}

// Import imports a document in the format of POST /_connectd/import, as
// `connectd serve --init FILE` does at start-up.
func (s *Server) Import(ctx context.Context, doc io.Reader) error {
	var in wireSnapshot
	b, err := io.ReadAll(doc)
	if err != nil {
		return fmt.Errorf("read import document: %w", err)
	}
	if err := checkText(b); err != nil {
		return fmt.Errorf("decode import document: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return fmt.Errorf("decode import document: %w", err)
	}
	_, err = s.importSnapshot(ctx, in)
	return err
}

func (s *Server) importSnapshot(ctx context.Context, in wireSnapshot) (any, error) {
	now := s.cfg.Clock.Now()
	snap := &connectd.Snapshot{}
	for i, wi := range in.Instances {
		// The API's model rules on an alias and tags, as CreateInstance applies them.
		if err := s.checkImportedInstance(wi.InstanceAlias, wi.Tags); err != nil {
			return nil, connectd.Errorf(connectd.EINVALID, "Instances[%d] (Id %q): %s", i, wi.Id, connectd.ErrorMessage(err))
		}
		inst := &connectd.Instance{
			ID: wi.Id, Alias: wi.InstanceAlias, IdentityManagementType: wi.IdentityManagementType,
			Owner:       connectd.Owner{AccountID: wi.AccountId, Region: wi.Region},
			DirectoryID: wi.DirectoryId, InboundCallsEnabled: boolOr(wi.InboundCallsEnabled, true),
			OutboundCallsEnabled: boolOr(wi.OutboundCallsEnabled, true), Status: connectd.InstanceStatusActive,
			CreatedTime: timeOr(wi.CreatedTime, now), Tags: wi.Tags,
		}
		if inst.Owner.AccountID == "" {
			inst.Owner.AccountID = connectd.DefaultAccountID
		}
		if inst.Owner.Region == "" {
			inst.Owner.Region = s.cfg.Region
		}
		if inst.IdentityManagementType == "" {
			inst.IdentityManagementType = connectd.IdentityConnectManaged
		}
		snap.Instances = append(snap.Instances, inst)
		if wi.SearchableKeys != nil {
			keys, err := checkSearchableKeys(wi.SearchableKeys)
			if err != nil {
				return nil, connectd.Errorf(connectd.EINVALID, "Instances[%d] (Id %q): SearchableKeys: %s", i, wi.Id, connectd.ErrorMessage(err))
			}
			if snap.SearchableKeys == nil {
				snap.SearchableKeys = map[string][]string{}
			}
			snap.SearchableKeys[inst.ID] = keys
		}
		if wi.Settings != nil {
			if snap.Settings == nil {
				snap.Settings = map[string]*connectd.InstanceSettings{}
			}
			snap.Settings[inst.ID] = wi.Settings.domain()
		}
	}
	for _, wc := range in.Contacts {
		c := &connectd.Contact{
			InstanceID: wc.InstanceId, ID: wc.Id, InitialContactID: wc.InitialContactId,
			PreviousContactID: wc.PreviousContactId, RelatedContactID: wc.RelatedContactId,
			Channel: connectd.Channel(wc.Channel), InitiationMethod: connectd.InitiationMethod(wc.InitiationMethod),
			InitiationTimestamp: timeOr(wc.InitiationTimestamp, now), DisconnectTimestamp: wc.DisconnectTimestamp.Time(),
			LastUpdateTimestamp: wc.LastUpdateTimestamp.Time(), ScheduledTimestamp: wc.ScheduledTimestamp.Time(),
			EnqueueTimestamp: wc.EnqueueTimestamp.Time(),
			Name:             wc.Name, Description: wc.Description, QueueID: wc.QueueId, Attributes: wc.Attributes,
			Tags: wc.Tags,
		}
		c.References = importedReferences(wc.References)
		c.State = wc.State.domain()
		if err := s.checkImportedDetails(wc.References, wc.Tags); err != nil {
			return nil, connectd.Errorf(connectd.EINVALID, "Contacts[%d] (Id %q): %s", len(snap.Contacts), wc.Id, connectd.ErrorMessage(err))
		}
		if c.InitiationMethod == "" {
			c.InitiationMethod = connectd.InitiationAPI
		}
		snap.Contacts = append(snap.Contacts, c)
	}
	for _, w := range in.StorageConfigs {
		sc, err := toStorageConfig(w.StorageConfig, w.InstanceId, w.AssociationId, w.ResourceType)
		if err != nil {
			return nil, err
		}
		snap.StorageConfigs = append(snap.StorageConfigs, sc)
	}
	snap.Flows, snap.LambdaFunctions = importedFlows(in)
	// Import validates the snapshot (Snapshot.Validate) before it writes.
	if err := s.cfg.Service.Import(ctx, snap); err != nil {
		return nil, err
	}
	return struct {
		Instances int `json:"Instances"`
		Contacts  int `json:"Contacts"`
	}{len(snap.Instances), len(snap.Contacts)}, nil
}

// exportData returns every instance and live contact in the import format.
func (s *Server) exportData(ctx context.Context, r *http.Request) (any, error) {
	snap, err := s.cfg.Service.Export(ctx)
	if err != nil {
		return nil, err
	}
	out := wireSnapshot{Instances: []wireSnapshotInstance{}, Contacts: []wireSnapshotContact{}}
	for _, i := range snap.Instances {
		out.Instances = append(out.Instances, wireSnapshotInstance{
			Id: i.ID, InstanceAlias: i.Alias, AccountId: i.Owner.AccountID, Region: i.Owner.Region,
			IdentityManagementType: i.IdentityManagementType, DirectoryId: i.DirectoryID,
			InboundCallsEnabled: &i.InboundCallsEnabled, OutboundCallsEnabled: &i.OutboundCallsEnabled,
			CreatedTime: epochOf(i.CreatedTime), Tags: i.Tags, Settings: snapshotSettings(snap.Settings[i.ID]),
			SearchableKeys: snap.SearchableKeys[i.ID],
		})
	}
	for _, c := range snap.Contacts {
		wc := wireSnapshotContact{
			InstanceId: c.InstanceID, Id: c.ID, InitialContactId: c.InitialContactID,
			PreviousContactId: c.PreviousContactID, RelatedContactId: c.RelatedContactID,
			Channel: string(c.Channel), InitiationMethod: string(c.InitiationMethod),
			InitiationTimestamp: epochOf(c.InitiationTimestamp), DisconnectTimestamp: epochOf(c.DisconnectTimestamp),
			LastUpdateTimestamp: epochOf(c.LastUpdateTimestamp), ScheduledTimestamp: epochOf(c.ScheduledTimestamp),
			EnqueueTimestamp: epochOf(c.EnqueueTimestamp),
			Name:             c.Name, Description: c.Description, QueueId: c.QueueID, Attributes: c.Attributes,
			References: snapshotReferences(c.References), Tags: c.Tags, State: snapshotState(c.State),
		}
		if len(wc.Tags) == 0 {
			wc.Tags = nil
		}
		if len(wc.Attributes) == 0 {
			wc.Attributes = nil
		}
		out.Contacts = append(out.Contacts, wc)
	}
	for _, sc := range snap.StorageConfigs {
		w, err := toWireStorageConfig(sc)
		if err != nil {
			return nil, err
		}
		w.AssociationId = ""
		out.StorageConfigs = append(out.StorageConfigs, wireSnapshotStorageConfig{
			InstanceId: sc.InstanceID, AssociationId: sc.AssociationID, ResourceType: sc.ResourceType, StorageConfig: w})
	}
	out.ContactFlows, out.LambdaFunctions = exportedFlows(snap)
	return out, nil
}

func boolOr(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

func timeOr(e *epoch, def time.Time) time.Time {
	if e == nil {
		return def
	}
	return e.Time()
}
