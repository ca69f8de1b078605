package flow

import (
	"context"
	"strconv"
	"strings"

	"github.com/connectd/connectd"
)

// Emulated are the action types the interpreter runs. Any other type takes
// its error branch, logged as not emulated.
func Emulated() []string {
	return []string{"UpdateContactAttributes", "UpdateFlowAttributes", "Compare", "EndFlowExecution",
		"DisconnectParticipant", "TransferToFlow", "InvokeLambdaFunction", "TagContact", "UnTagContact",
		"MessageParticipant", "Loop", "DistributeByPercentage", "CheckHoursOfOperation", "Wait",
		"UpdateContactTargetQueue", "TransferContactToQueue"}
}

// step runs one action and says where the run goes next.
func (x *execution) step(ctx context.Context, a *connectd.FlowAction) outcome {
	c, err := x.contactNow(ctx)
	if err != nil {
		return failed(nil, err)
	}
	d := &data{c: c, owner: x.owner, flowAttrs: x.flowAttrs, external: x.external, queue: x.targetQueue}
	switch a.Type {
	case "UpdateContactAttributes":
		return x.updateContactAttributes(ctx, d, a)
	case "UpdateFlowAttributes":
		return x.updateFlowAttributes(d, a)
	case "Compare":
		return compare(d, a)
	case "EndFlowExecution":
		return outcome{end: true}
	case "DisconnectParticipant":
		// Ends the contact (DisconnectTimestamp), as the customer hanging
		// up would; a contact that has already ended stays as it is. Its
		// record says CONTACT_FLOW_DISCONNECT, as Amazon Connect's does.
		err := x.r.cfg.Service.DisconnectFromFlow(ctx, x.owner, c.InstanceID, c.ID)
		if err != nil && connectd.ErrorCode(err) != connectd.ENOTACTIVE {
			return failed(nil, err)
		}
		return outcome{end: true}
	case "TransferToFlow":
		return x.transferToFlow(ctx, d, a)
	case "InvokeLambdaFunction":
		return x.invokeLambda(ctx, d, a)
	case "TagContact":
		params := d.resolve(a.Parameters).(map[string]any)
		if err := x.r.cfg.Service.TagContact(ctx, x.owner, c.InstanceID, c.ID, d.stringMap(a.Parameters["Tags"])); err != nil {
			return failed(params, err)
		}
		return outcome{params: params}
	case "UnTagContact":
		params := d.resolve(a.Parameters).(map[string]any)
		var keys []string
		if list, ok := params["TagKeys"].([]any); ok {
			for _, k := range list {
				keys = append(keys, text(k))
			}
		}
		if err := x.r.cfg.Service.UntagContact(ctx, x.owner, c.InstanceID, c.ID, keys); err != nil {
			return failed(params, err)
		}
		return outcome{params: params}
	case "CheckHoursOfOperation":
		return x.checkHours(ctx, d, a)
	case "Wait":
		return x.wait(ctx, d, a)
	case "UpdateContactTargetQueue":
		return x.setTargetQueue(d, a)
	case "TransferContactToQueue":
		return x.transferToQueue(ctx, d)
	case "Loop":
		return x.loop(d, a)
	case "DistributeByPercentage":
		return x.distribute(a)
	case "MessageParticipant":
		// connectd has no participant to send to: the message (after
		// resolution) is kept in the log, where a test reads it.
		params := d.resolve(a.Parameters).(map[string]any)
		if c.Channel != connectd.ChannelChat {
			return outcome{params: params, errType: "NoMatchingError", message: "MessageParticipant needs a CHAT contact in connectd."}
		}
		return outcome{params: params, results: text(params["Text"])}
	}
	return outcome{errType: "NoMatchingError", message: errNotEmulated, params: paramsOf(a)}
}

func paramsOf(a *connectd.FlowAction) map[string]any {
	if a.Parameters == nil {
		return nil
	}
	return a.Parameters
}

// updateContactAttributes sets the attributes all or nothing, through the
// Service's UpdateAttributes: the same merge and MaxAttributesBytes rule
// as the API. Over the limit is the error branch, as the Set contact
// attributes block documents. TargetContact "Related" is not emulated.
func (x *execution) updateContactAttributes(ctx context.Context, d *data, a *connectd.FlowAction) outcome {
	attrs := d.stringMap(a.Parameters["Attributes"])
	params := map[string]any{"Attributes": attrs}
	if t, ok := a.Parameters["TargetContact"]; ok {
		params["TargetContact"] = t
		if t != "Current" {
			return outcome{params: params, errType: "NoMatchingError", message: "connectd only emulates TargetContact Current."}
		}
	}
	if err := x.r.cfg.Service.UpdateAttributes(ctx, x.owner, d.c.InstanceID, d.c.InitialContactID, attrs); err != nil {
		return failed(params, err)
	}
	return outcome{params: params}
}

// updateFlowAttributes sets flow attributes, which last for the run. The
// parameter maps each name to {"Value": ...} (the flow designer's form)
// or to the value itself.
func (x *execution) updateFlowAttributes(d *data, a *connectd.FlowAction) outcome {
	m, _ := a.Parameters["FlowAttributes"].(map[string]any)
	set := map[string]string{}
	for k, v := range m {
		if obj, ok := v.(map[string]any); ok {
			v = obj["Value"]
		}
		set[k] = text(d.resolve(v))
	}
	for k, v := range set {
		x.flowAttrs[k] = v
	}
	return outcome{params: map[string]any{"FlowAttributes": set}}
}

// compare takes the first condition whose operator holds for the
// ComparisonValue, else the NoMatchingCondition error branch.
func compare(d *data, a *connectd.FlowAction) outcome {
	value := text(d.resolve(a.Parameters["ComparisonValue"]))
	params := map[string]any{"ComparisonValue": value}
	for _, cond := range a.Transitions.Conditions {
		if len(cond.Condition.Operands) == 1 && holds(cond.Condition.Operator, value, text(d.resolve(cond.Condition.Operands[0]))) {
			return outcome{next: cond.NextAction, results: value, params: params}
		}
	}
	return outcome{errType: "NoMatchingCondition", results: value, params: params}
}

// holds evaluates one operator. The Number operators need both sides to
// be numbers; otherwise the condition does not hold.
func holds(op, value, operand string) bool {
	switch op {
	case "Equals":
		return value == operand
	case "TextStartsWith":
		return strings.HasPrefix(value, operand)
	case "TextEndsWith":
		return strings.HasSuffix(value, operand)
	case "TextContains":
		return strings.Contains(value, operand)
	}
	v, err1 := strconv.ParseFloat(strings.TrimSpace(value), 64)
	o, err2 := strconv.ParseFloat(strings.TrimSpace(operand), 64)
	if err1 != nil || err2 != nil {
		return false
	}
	switch op {
	case "NumberLessThan":
		return v < o
	case "NumberLessOrEqualTo":
		return v <= o
	case "NumberGreaterThan":
		return v > o
	case "NumberGreaterOrEqualTo":
		return v >= o
	}
	return false
}

// transferToFlow continues the run at the start of another flow of the
// instance; an unknown flow is the error branch.
func (x *execution) transferToFlow(ctx context.Context, d *data, a *connectd.FlowAction) outcome {
	ref := text(d.resolve(a.Parameters["ContactFlowId"]))
	params := map[string]any{"ContactFlowId": ref}
	f, err := x.r.cfg.Service.FlowByRef(ctx, x.owner, d.c.InstanceID, ref)
	if err != nil {
		return failed(params, err)
	}
	if f == nil {
		return outcome{params: params, errType: "NoMatchingError", message: "No flow " + ref + " in the instance."}
	}
	return outcome{params: params, transfer: f}
}
