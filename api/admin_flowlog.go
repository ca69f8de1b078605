package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/connectd/connectd"
)

// maxFlowLogWait bounds ?wait= on the flow-log route.
const maxFlowLogWait = 60 * time.Second

// flowLogRoute serves GET /_connectd/instances/{id}/contacts/{contact}/flow-log:
// the contact's flow run (connectd.FlowRun, its Status and one entry per
// action). With ?wait=SECONDS (at most 60) it answers once the run has
// stopped (ended, or paused in a Wait the clock has not passed:
// connectd.FlowRun.Stopped), or with the run as it stands when the wait is
// over: flows run asynchronously, as in Amazon Connect, and this is how a
// test waits.
func (s *Server) flowLogRoute(method, path string) adminHandler {
	rest, ok := strings.CutPrefix(path, "/_connectd/instances/")
	if !ok {
		return nil
	}
	if id, ok := strings.CutSuffix(rest, "/hours-of-operation"); ok && method == http.MethodPut && id != "" && !strings.Contains(id, "/") {
		return s.putHours(id)
	}
	if method != http.MethodGet {
		return nil
	}
	rest, ok = strings.CutSuffix(rest, "/flow-log")
	instanceID, contactID, found := strings.Cut(rest, "/contacts/")
	if !ok || !found || instanceID == "" || contactID == "" || strings.Contains(contactID, "/") {
		return nil
	}
	return func(ctx context.Context, r *http.Request) (any, error) {
		wait := time.Duration(0)
		if v := r.URL.Query().Get("wait"); v != "" {
			secs, err := strconv.ParseFloat(v, 64)
			if err != nil || secs < 0 || time.Duration(secs*float64(time.Second)) > maxFlowLogWait {
				return nil, connectd.Errorf(connectd.EINVALID, "wait must be a number of seconds from 0 to 60; got %q.", v)
			}
			wait = time.Duration(secs * float64(time.Second))
		}
		if wait == 0 {
			return s.cfg.Service.FlowRunOf(ctx, instanceID, contactID)
		}
		wctx, cancel := context.WithTimeout(ctx, wait)
		defer cancel()
		run, err := s.cfg.Service.WaitFlowRun(wctx, instanceID, contactID)
		if run != nil && wctx.Err() != nil {
			return run, nil // still running: the caller reads Status
		}
		return run, err
	}
}

// putHours serves PUT /_connectd/instances/{id}/hours-of-operation
// {"InHours": false}: what the instance's CheckHoursOfOperation actions
// answer (in hours until set).
func (s *Server) putHours(instanceID string) adminHandler {
	return func(ctx context.Context, r *http.Request) (any, error) {
		var in struct{ InHours *bool }
		if err := decodeAdmin(r, &in); err != nil {
			return nil, err
		}
		if in.InHours == nil {
			return nil, connectd.Errorf(connectd.EINVALID, "InHours (true or false) is required.")
		}
		if err := s.cfg.Service.SetInHours(ctx, instanceID, *in.InHours); err != nil {
			return nil, err
		}
		return struct{ InHours bool }{*in.InHours}, nil
	}
}
