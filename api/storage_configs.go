package api

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/connectd/connectd"
)

// storageConfigWire is the model's InstanceStorageConfig. The members
// connectd does not act on (S3Config, KinesisVideoStreamConfig) are kept
// as sent and given back by Describe and List.
type storageConfigWire struct {
	AssociationId            string          `json:"AssociationId,omitempty"`
	StorageType              string          `json:"StorageType"`
	S3Config                 json.RawMessage `json:"S3Config,omitempty"`
	KinesisVideoStreamConfig json.RawMessage `json:"KinesisVideoStreamConfig,omitempty"`
	KinesisStreamConfig      *struct {
		StreamArn string `json:"StreamArn"`
	} `json:"KinesisStreamConfig,omitempty"`
	KinesisFirehoseConfig *struct {
		FirehoseArn string `json:"FirehoseArn"`
	} `json:"KinesisFirehoseConfig,omitempty"`
}

// toStorageConfig converts a request's config to the domain's.
func toStorageConfig(w storageConfigWire, instanceID, associationID, resourceType string) (*connectd.StorageConfig, error) {
	w.AssociationId = ""
	doc, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("encode storage config: %w", err)
	}
	sc := &connectd.StorageConfig{InstanceID: instanceID, AssociationID: associationID, ResourceType: resourceType,
		StorageType: w.StorageType, Document: doc}
	if w.KinesisStreamConfig != nil {
		sc.StreamARN = w.KinesisStreamConfig.StreamArn
	}
	if w.KinesisFirehoseConfig != nil {
		sc.FirehoseARN = w.KinesisFirehoseConfig.FirehoseArn
	}
	return sc, nil
}

// toWireStorageConfig is the config as Describe and List answer it.
func toWireStorageConfig(sc *connectd.StorageConfig) (storageConfigWire, error) {
	var w storageConfigWire
	if err := json.Unmarshal(sc.Document, &w); err != nil {
		return w, fmt.Errorf("decode stored storage config %s: %w", sc.AssociationID, err)
	}
	w.AssociationId = sc.AssociationID
	return w, nil
}

type associateStorageConfigInput struct {
	InstanceId    string
	ResourceType  string
	StorageConfig storageConfigWire
	ClientToken   *string
}

// associateStorageConfig serves AssociateInstanceStorageConfig (PUT
// /instance/{InstanceId}/storage-config). The ClientToken is accepted and
// not remembered: a retried associate makes a second config.
func (s *Server) associateStorageConfig(ctx context.Context, c *call, in *associateStorageConfigInput) (any, error) {
	sc, err := toStorageConfig(in.StorageConfig, in.InstanceId, s.cfg.NewID(), in.ResourceType)
	if err != nil {
		return nil, err
	}
	if err := s.cfg.Service.AssociateStorageConfig(ctx, c.owner, sc); err != nil {
		return nil, err
	}
	return struct {
		AssociationId string `json:"AssociationId"`
	}{sc.AssociationID}, nil
}

type storageConfigRef struct {
	InstanceId, AssociationId, ResourceType string
	ClientToken                             *string
}

// describeStorageConfig serves DescribeInstanceStorageConfig (GET
// /instance/{InstanceId}/storage-config/{AssociationId}?resourceType=).
func (s *Server) describeStorageConfig(ctx context.Context, c *call, in *storageConfigRef) (any, error) {
	sc, err := s.cfg.Service.DescribeStorageConfig(ctx, c.owner, in.InstanceId, in.AssociationId, in.ResourceType)
	if err != nil {
		return nil, err
	}
	w, err := toWireStorageConfig(sc)
	if err != nil {
		return nil, err
	}
	return struct {
		StorageConfig storageConfigWire `json:"StorageConfig"`
	}{w}, nil
}

type updateStorageConfigInput struct {
	InstanceId, AssociationId, ResourceType string
	StorageConfig                           storageConfigWire
	ClientToken                             *string
}

// updateStorageConfig serves UpdateInstanceStorageConfig (POST
// /instance/{InstanceId}/storage-config/{AssociationId}?resourceType=).
func (s *Server) updateStorageConfig(ctx context.Context, c *call, in *updateStorageConfigInput) (any, error) {
	sc, err := toStorageConfig(in.StorageConfig, in.InstanceId, in.AssociationId, in.ResourceType)
	if err != nil {
		return nil, err
	}
	return nil, s.cfg.Service.UpdateStorageConfig(ctx, c.owner, sc)
}

// disassociateStorageConfig serves DisassociateInstanceStorageConfig
// (DELETE /instance/{InstanceId}/storage-config/{AssociationId}?resourceType=).
func (s *Server) disassociateStorageConfig(ctx context.Context, c *call, in *storageConfigRef) (any, error) {
	return nil, s.cfg.Service.DisassociateStorageConfig(ctx, c.owner, in.InstanceId, in.AssociationId, in.ResourceType)
}

type listStorageConfigsInput struct {
	InstanceId, ResourceType string
	MaxResults               *int64
	NextToken                *string
}

// listStorageConfigs serves ListInstanceStorageConfigs (GET
// /instance/{InstanceId}/storage-configs?resourceType=), in AssociationId
// order, at most 10 a page (MaxResult10).
func (s *Server) listStorageConfigs(ctx context.Context, c *call, in *listStorageConfigsInput) (any, error) {
	limit, after, err := pageOf(in.MaxResults, in.NextToken, connectd.MaxStorageConfigsPage, "ListInstanceStorageConfigs")
	if err != nil {
		return nil, err
	}
	scs, more, err := s.cfg.Service.ListStorageConfigs(ctx, c.owner, in.InstanceId, in.ResourceType, after, limit)
	if err != nil {
		return nil, err
	}
	out := struct {
		StorageConfigs []storageConfigWire `json:"StorageConfigs"`
		NextToken      string              `json:"NextToken,omitempty"`
	}{StorageConfigs: []storageConfigWire{}}
	for _, sc := range scs {
		w, err := toWireStorageConfig(sc)
		if err != nil {
			return nil, err
		}
		out.StorageConfigs = append(out.StorageConfigs, w)
	}
	if more {
		out.NextToken = encodeToken(scs[len(scs)-1].AssociationID)
	}
	return out, nil
}
