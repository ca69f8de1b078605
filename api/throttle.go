package api

import (
	"sync"

	"github.com/connectd/connectd"
	"golang.org/x/time/rate"
)

// quota is an operation's default rate (requests per second) and burst in
// Amazon Connect, per account and region ("by account, and per Region, not
// by user and not by instance"; docs/connect-api.md §7, from the Service
// Quotas defaults).
type quota struct {
	rate  rate.Limit
	burst int
}

// quotaFor returns op's default quota. "All other operations" get 2 RPS with
// a burst of 5 (Amazon Connect service quotas page).
func quotaFor(op string) quota {
	switch op {
	case "UpdateContactAttributes", "GetContactAttributes", "DescribeContact", "StopContact",
		"UpdateContact", "ListContactReferences":
		return quota{10, 15}
	case "StartChatContact", "StartContactStreaming", "StopContactStreaming", "GetMetricData", "GetCurrentMetricData":
		return quota{5, 8}
	case "SearchContacts":
		return quota{0.5, 1}
	case "StartTaskContact", "StartOutboundVoiceContact", "StartWebRTCContact", "TransferContact":
		// L-E704D621, L-4E9BCC96, L-5CFC10A5, L-43B4F8CE: the default rate,
		// named for the record (StartEmailContact, TagContact and
		// UntagContact have no published quota and get the default too).
		return quota{2, 5}
	case "CreateInstance", "DeleteInstance":
		return quota{0.1, 1}
	default:
		return quota{2, 5}
	}
}

// throttleException returns the exception a throttled op answers with:
// ThrottlingException where the operation models it, else
// TooManyRequestsException, the name Amazon Connect's front door uses
// ("API TPS throttling returns a TooManyRequests exception",
// StartChatContact). Both are 429s that every SDK retries.
func (m *wireModel) throttleException(op string) string {
	if m.models(op, excThrottling) {
		return excThrottling
	}
	return excTooManyRequests
}

// throttler keeps one token bucket per (account, region, operation).
type throttler struct {
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

// allow takes a token for op from the owner's bucket.
func (t *throttler) allow(owner connectd.Owner, op string) bool {
	key := owner.AccountID + "/" + owner.Region + "/" + op
	t.mu.Lock()
	l, ok := t.buckets[key]
	if !ok {
		q := quotaFor(op)
		l = rate.NewLimiter(q.rate, q.burst)
		t.buckets[key] = l
	}
	t.mu.Unlock()
	return l.Allow()
}
