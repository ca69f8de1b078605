package flow

import (
	"context"
	"fmt"
	"strconv"

	"github.com/connectd/connectd"
)

// loop runs Loop: "When the same action (the same Action Identifier) is
// run multiple times, this block returns a result of NotDone a number of
// times equal to the specified loop count, then Done once, then reset",
// taking the condition Equals ContinueLooping or Equals DoneLooping.
// LoopCount must be 0 to 100; anything else is the error branch.
func (x *execution) loop(d *data, a *connectd.FlowAction) outcome {
	raw := text(d.resolve(a.Parameters["LoopCount"]))
	params := map[string]any{"LoopCount": raw}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 || n > 100 {
		return outcome{params: params, errType: "NoMatchingError", message: fmt.Sprintf("LoopCount must be a number from 0 to 100; got %q.", raw)}
	}
	result := "ContinueLooping"
	if x.loops[a.Identifier] >= n {
		result = "DoneLooping"
		x.loops[a.Identifier] = 0
	} else {
		x.loops[a.Identifier]++
	}
	return outcome{params: params, results: result, next: conditionFor(a, result)}
}

// conditionFor returns the NextAction of a's condition Equals value.
func conditionFor(a *connectd.FlowAction, value string) string {
	for _, c := range a.Transitions.Conditions {
		if c.Condition.Operator == "Equals" && len(c.Condition.Operands) == 1 && c.Condition.Operands[0] == value {
			return c.NextAction
		}
	}
	return ""
}

// distribute runs DistributeByPercentage: a number from 1 to 100, drawn
// from the Runner's source (seeded by --seed), is compared with each
// condition in turn (NumberLessThan 34, ...); none matching is
// NoMatchingCondition, the default branch.
func (x *execution) distribute(a *connectd.FlowAction) outcome {
	n := x.r.draw()
	value := strconv.Itoa(n)
	for _, cond := range a.Transitions.Conditions {
		if len(cond.Condition.Operands) == 1 && holds(cond.Condition.Operator, value, cond.Condition.Operands[0]) {
			return outcome{next: cond.NextAction, results: value}
		}
	}
	return outcome{errType: "NoMatchingCondition", results: value}
}

// checkHours runs CheckHoursOfOperation: "True or False based on whether
// the hours of operation object specified is in hours", taken from what
// the control plane set for the instance (in hours unless set), since
// connectd has no hours-of-operation resource.
func (x *execution) checkHours(ctx context.Context, d *data, a *connectd.FlowAction) outcome {
	params, _ := d.resolve(a.Parameters).(map[string]any)
	in, err := x.r.cfg.Service.InHours(ctx, d.c.InstanceID)
	if err != nil {
		return failed(params, err)
	}
	result := map[bool]string{true: "True", false: "False"}[in]
	next := conditionFor(a, result)
	if next == "" {
		return outcome{params: params, results: result, errType: "NoMatchingError", message: "No condition Equals " + result + "."}
	}
	return outcome{params: params, results: result, next: next}
}
