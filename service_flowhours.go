package connectd

import (
	"context"
	"encoding/json"
	"fmt"
)

// DocHours is the FlowDoc kind of an instance's CheckHoursOfOperation
// result (id "result"): connectd has no hours-of-operation resource, so a
// test sets what the check answers.
const DocHours = "hours"

// SetInHours sets what CheckHoursOfOperation answers in the instance
// (any owner's; a control-plane call): true for in hours, the default.
// ENOTFOUND for an unknown instance.
func (s *Service) SetInHours(ctx context.Context, instanceID string, inHours bool) error {
	return s.port.Update(ctx, "set hours result", func(tx Tx) error {
		inst, err := anyInstance(ctx, tx, instanceID)
		if err != nil {
			return err
		}
		if inst == nil {
			return instanceNotFound(instanceID)
		}
		b, err := encodeDoc(struct{ InHours bool }{inHours})
		if err != nil {
			return err
		}
		return tx.PutFlowDoc(ctx, FlowDoc{InstanceID: instanceID, Kind: DocHours, ID: "result", Doc: b})
	})
}

// InHours returns what CheckHoursOfOperation answers in the instance.
func (s *Service) InHours(ctx context.Context, instanceID string) (bool, error) {
	in := true
	err := s.port.View(ctx, "hours result", func(tx Tx) error {
		b, err := tx.FlowDoc(ctx, instanceID, DocHours, "result")
		if err != nil || b == nil {
			return err
		}
		var v struct{ InHours bool }
		if err := json.Unmarshal(b, &v); err != nil {
			return fmt.Errorf("decode hours result: %w", err)
		}
		in = v.InHours
		return nil
	})
	return in, err
}
