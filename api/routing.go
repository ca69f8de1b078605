package api

import (
	"context"
	"encoding/json"

	"github.com/connectd/connectd"
)

type updateContactScheduleInput struct {
	InstanceId, ContactId string
	ScheduledTime         *epoch
}

func (s *Server) updateContactSchedule(ctx context.Context, c *call, in *updateContactScheduleInput) (any, error) {
	return struct{}{}, s.cfg.Service.UpdateContactSchedule(ctx, c.owner, in.InstanceId, in.ContactId, in.ScheduledTime.Time())
}

type updateContactRoutingDataInput struct {
	InstanceId, ContactId      string
	QueueTimeAdjustmentSeconds *int64
	QueuePriority              *int64
	RoutingCriteria            *struct{ Steps json.RawMessage }
}

func (s *Server) updateContactRoutingData(ctx context.Context, c *call, in *updateContactRoutingDataInput) (any, error) {
	r := connectd.RoutingData{QueuePriority: in.QueuePriority, QueueTimeAdjustmentSeconds: in.QueueTimeAdjustmentSeconds}
	if rc := in.RoutingCriteria; rc != nil {
		// The steps are kept as the model checked them; an absent Steps is
		// an empty list.
		r.RoutingSteps = []byte("[]")
		if len(rc.Steps) > 0 && string(rc.Steps) != "null" {
			r.RoutingSteps = rc.Steps
		}
	}
	return struct{}{}, s.cfg.Service.UpdateContactRoutingData(ctx, c.owner, in.InstanceId, in.ContactId, r)
}
