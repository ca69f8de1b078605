package api

import (
	"context"
	"fmt"
	"time"
	"unicode"

	"github.com/connectd/connectd"
)

// maxScheduleAhead is how far ahead a task may be scheduled: "It must be
// within up to 6 days in future" (StartTaskContact ScheduledTime).
const maxScheduleAhead = 6 * 24 * time.Hour

func (s *Server) startTaskContact(ctx context.Context, c *call) (any, error) {
	var in struct {
		startCommon
		PreviousContactId *string
		ContactFlowId     *string
		ScheduledTime     *epoch
		TaskTemplateId    *string
		QuickConnectId    *string
		Attachments       []struct {
			FileName *string
			S3Url    *string
		}
	}
	if err := decodeBody(c.r.Body, &in); err != nil {
		return nil, err
	}
	var v validator
	s.checkCommon(&v, &in.startCommon)
	v.required("Name", in.Name != nil)
	v.optLength("PreviousContactId", in.PreviousContactId, 1, 256)
	v.optLength("ContactFlowId", in.ContactFlowId, 0, 500)
	v.optLength("TaskTemplateId", in.TaskTemplateId, 1, 500)
	if in.Attachments != nil && (len(in.Attachments) < 1 || len(in.Attachments) > 5) {
		v.fail("Member Attachments must have between 1 and 5 items; it has %d.", len(in.Attachments))
	}
	for i, a := range in.Attachments {
		v.reqLength(fmt.Sprintf("Attachments[%d].FileName", i), a.FileName, 1, 256)
		if a.FileName != nil && hasControl(*a.FileName) {
			v.fail("Member Attachments[%d].FileName must not contain control characters.", i)
		}
		v.reqLength(fmt.Sprintf("Attachments[%d].S3Url", i), a.S3Url, 1, 2000)
	}
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
	stored, err := s.cfg.Service.CreateContact(ctx, c.owner, ct)
	if err != nil {
		return nil, err
	}
	return struct {
		ContactId string `json:"ContactId"`
	}{stored.ID}, nil
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

// hasControl reports whether s has a character of Unicode category C
// (control, format, private use, surrogate), which the model's pattern
// ^\P{C}*$ forbids.
func hasControl(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.C) {
			return true
		}
	}
	return false
}
