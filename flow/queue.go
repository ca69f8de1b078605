package flow

import (
	"context"
	"fmt"
	"strings"

	"github.com/connectd/connectd"
)

// maxQueueIDLength bounds a bare queue id. The model's QueueId has no
// limit; Amazon Connect's ids are 36-character UUIDs, and connectd keeps
// what a flow sets, so it takes the length of the longest ids it has.
const maxQueueIDLength = 256

// setTargetQueue runs UpdateContactTargetQueue: "Sets the contact's
// TargetQueue", the queue TransferContactToQueue puts the contact in.
// connectd has no queue resource, so it cannot tell a queue that exists
// from one that does not; what it can check takes the error branch: a
// QueueId that resolves to nothing, an ARN that is not a queue ARN of the
// contact's own instance, a bare id with "/" or ":" in it or over 256
// characters. AgentId (an agent's queue) is not emulated: connectd has no
// agents.
func (x *execution) setTargetQueue(d *data, a *connectd.FlowAction) outcome {
	if v, ok := a.Parameters["AgentId"]; ok {
		params := map[string]any{"AgentId": text(d.resolve(v))}
		return outcome{params: params, errType: "NoMatchingError", message: "connectd has no agents, so agent queues (AgentId) are not emulated; use QueueId."}
	}
	ref := text(d.resolve(a.Parameters["QueueId"]))
	params := map[string]any{"QueueId": ref}
	id, problem := queueIDOf(d, ref)
	if problem != "" {
		return outcome{params: params, errType: "NoMatchingError", message: problem}
	}
	x.targetQueue = id
	return outcome{params: params, results: id}
}

// queueIDOf returns the queue id ref names (an id, or a queue ARN of the
// contact's instance), or why it names none.
func queueIDOf(d *data, ref string) (string, string) {
	if ref == "" {
		return "", "QueueId resolved to nothing; the target queue is unchanged."
	}
	id := ref
	if strings.HasPrefix(ref, "arn:") {
		prefix := (&connectd.Instance{ID: d.c.InstanceID, Owner: d.owner}).ARN() + "/queue/"
		var ok bool
		if id, ok = strings.CutPrefix(ref, prefix); !ok {
			return "", fmt.Sprintf("QueueId %q is not a queue ARN of this instance (%s…).", ref, prefix)
		}
	}
	switch {
	case id == "" || strings.ContainsAny(id, "/:"):
		return "", fmt.Sprintf("QueueId %q is neither a queue id nor a queue ARN.", ref)
	case len(id) > maxQueueIDLength:
		return "", fmt.Sprintf("QueueId has %d characters; connectd takes at most %d.", len(id), maxQueueIDLength)
	}
	return id, ""
}

// transferToQueue runs TransferContactToQueue: it "places a contact that
// is not already in a queue into the contact's TargetQueue" and, outside a
// customer queue flow, "places the current contact in a queue and ends
// current flow" (Transfer to queue block). DescribeContact then shows
// QueueInfo with its EnqueueTimestamp. No target queue, a contact already
// queued or ended: NoMatchingError. QueueAtCapacity never happens:
// connectd has no queue capacity.
func (x *execution) transferToQueue(ctx context.Context, d *data) outcome {
	if x.targetQueue == "" {
		return outcome{errType: "NoMatchingError", message: "The contact has no target queue; set one with UpdateContactTargetQueue first."}
	}
	params := map[string]any{"QueueId": x.targetQueue}
	if err := x.r.cfg.Service.EnqueueFromFlow(ctx, x.owner, d.c.InstanceID, d.c.ID, x.targetQueue); err != nil {
		return failed(params, err)
	}
	return outcome{params: params, results: x.targetQueue, end: true}
}
