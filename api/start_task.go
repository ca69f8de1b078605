package api

import (
	"context"
	"time"

	"github.com/connectd/connectd"
)

// maxScheduleAhead is how far ahead a task may be scheduled: "It must be
// within up to 6 days in future" (StartTaskContact ScheduledTime).
const maxScheduleAhead = 6 * 24 * time.Hour

type startTaskContactInput struct {
	startCommon
	PreviousContactId *string
	ScheduledTime     *epoch
	TaskTemplateId    *string
	QuickConnectId    *string
}

func (s *Server) startTaskContact(ctx context.Context, c *call, in *startTaskContactInput) (any, error) {
	var v validator
	for _, k := range sortedKeys(in.References) {
		// "ATTACHMENT is not a supported reference type during task creation."
		if t := in.References[k].Type; t != nil && *t == "ATTACHMENT" {
			v.fail("Reference %q has Type ATTACHMENT, which StartTaskContact does not accept.", k)
		}
	}
	// "include only one of these parameters: ContactFlowID, QuickConnectID,
	// or TaskTemplateID ... If more than one parameter is specified ... the
	// request returns an error because Amazon Connect cannot identify the
	// unique flow to run". With none, there is no flow to run either.
	switch n := count(in.ContactFlowId, in.QuickConnectId, in.TaskTemplateId); {
	case n > 1:
		v.fail("Only one of ContactFlowId, QuickConnectId and TaskTemplateId may be given.")
	case n == 0:
		v.fail("One of ContactFlowId, QuickConnectId or TaskTemplateId is required.")
	}
	now := s.cfg.Clock.Now()
	if t := in.ScheduledTime.Time(); in.ScheduledTime != nil {
		if t.Before(now.Add(-time.Minute)) || t.After(now.Add(maxScheduleAhead)) {
			v.fail("Member ScheduledTime must not be in the past and at most 6 days ahead.")
		}
	}
	if v.err != nil {
		return nil, v.err
	}
	ct := s.newContact(c, &in.startCommon, connectd.ChannelTask, connectd.InitiationAPI)
	ct.PreviousContactID = deref(in.PreviousContactId)
	ct.ScheduledTimestamp = in.ScheduledTime.Time()
	return s.startContact(ctx, c, ct)
}

// count returns how many of ptrs were sent.
func count(ptrs ...*string) int {
	n := 0
	for _, p := range ptrs {
		if p != nil {
			n++
		}
	}
	return n
}
