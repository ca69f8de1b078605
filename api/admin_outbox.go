package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/connectd/connectd"
)

// outboxEntryView is one outbox entry on the control plane: what was (or
// will be) delivered, in Payload as the JSON object itself, and where its
// delivery stands. Times are epoch seconds, as elsewhere on the wire.
type outboxEntryView struct {
	Seq         int64           `json:"Seq"`
	InstanceId  string          `json:"InstanceId"`
	ContactId   string          `json:"ContactId"`
	Kind        string          `json:"Kind"`
	State       string          `json:"State"`
	Attempts    int             `json:"Attempts"`
	LastError   string          `json:"LastError,omitempty"`
	CreatedTime *epoch          `json:"CreatedTime"`
	NextAttempt *epoch          `json:"NextAttemptTime,omitempty"`
	Delivered   *epoch          `json:"DeliveredTime,omitempty"`
	Payload     json.RawMessage `json:"Payload"`
}

// maxOutboxPage bounds one page of GET /_connectd/outbox.
const maxOutboxPage = 1000

// outbox serves GET /_connectd/outbox?InstanceId=&Kind=&After=&MaxResults=:
// the contact records (Kind CONTACT_RECORD) and contact events
// (CONTACT_EVENT) of one instance, or of all, oldest first, with their
// delivery state, so that tests can assert on them without any Kinesis or
// EventBridge. NextAfter, when present, is the After of the next page.
func (s *Server) outbox(ctx context.Context, r *http.Request) (any, error) {
	q := r.URL.Query()
	kind := q.Get("Kind")
	if kind != "" && kind != string(connectd.OutboxRecord) && kind != string(connectd.OutboxEvent) {
		return nil, connectd.Errorf(connectd.EINVALIDREQUEST, "Kind must be CONTACT_RECORD or CONTACT_EVENT, not %q.", kind)
	}
	after, err := queryInt(q.Get("After"), 0, 0)
	if err != nil {
		return nil, connectd.Errorf(connectd.EINVALIDREQUEST, "After must be a non-negative integer (a Seq): %q.", q.Get("After"))
	}
	limit, err := queryInt(q.Get("MaxResults"), maxOutboxPage, 1)
	if err != nil || limit > maxOutboxPage {
		return nil, connectd.Errorf(connectd.EINVALIDREQUEST, "MaxResults must be an integer from 1 to %d: %q.", maxOutboxPage, q.Get("MaxResults"))
	}
	es, err := s.cfg.Service.Outbox(ctx, q.Get("InstanceId"), after, int(limit))
	if err != nil {
		return nil, err
	}
	out := struct {
		Entries   []outboxEntryView `json:"Entries"`
		NextAfter *int64            `json:"NextAfter,omitempty"`
	}{Entries: []outboxEntryView{}}
	for _, e := range es {
		if kind != "" && string(e.Kind) != kind {
			continue
		}
		out.Entries = append(out.Entries, outboxEntryView{
			Seq: e.Seq, InstanceId: e.InstanceID, ContactId: e.ContactID, Kind: string(e.Kind), State: string(e.State),
			Attempts: e.Attempts, LastError: e.LastError, CreatedTime: epochOf(e.CreatedAt),
			NextAttempt: epochOf(e.NextAttempt), Delivered: epochOf(e.DeliveredAt), Payload: e.Payload,
		})
	}
	if len(es) == int(limit) {
		out.NextAfter = &es[len(es)-1].Seq
	}
	return out, nil
}

// queryInt parses an optional integer query parameter of at least lowest.
func queryInt(s string, fallback, lowest int64) (int64, error) {
	if s == "" {
		return fallback, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err == nil && n < lowest {
		err = strconv.ErrRange
	}
	return n, err
}
