package connectd

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// SearchCursor is where the next page of a search starts: after the
// contact whose sort key is (Num, Str) and whose id is ID (see SortKey).
// Paging by key rather than by offset means a contact inserted while a
// client pages can neither shift rows into a page already read (a
// duplicate) nor out of the next one (a gap).
type SearchCursor struct {
	Num int64  `json:"n,omitempty"`
	Str string `json:"s,omitempty"`
	ID  string `json:"i"`
}

// searchToken is what a NextToken carries: the cursor, and what it is
// bound to. The binding is a hash of the owner, instance and query, so a
// token only continues the search it came from.
type searchToken struct {
	Binding []byte       `json:"b"`
	After   SearchCursor `json:"a"`
}

// errBadToken is the answer to a NextToken that this store did not issue
// for this caller and query. It does not say which check failed.
func errBadToken() error {
	return Errorf(EINVALID, "The NextToken is not valid for this request; start the search again without it.")
}

// SealSearchToken returns the NextToken that continues q after the cursor,
// for owner. It is the cursor and a binding to (owner, q) with an
// HMAC-SHA256 over both under key, a secret of the store, so that a client
// can neither forge a token nor move one to another account, instance or
// query. Every replica sharing the store shares the key, so any of them
// accepts a token another issued.
func SealSearchToken(key []byte, owner Owner, q *SearchQuery, after SearchCursor) (string, error) {
	payload, err := json.Marshal(searchToken{Binding: searchBinding(owner, q), After: after})
	if err != nil {
		return "", fmt.Errorf("encode search token: %w", err)
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(tokenMAC(key, payload)), nil
}

// OpenSearchToken checks q.NextToken and returns its cursor, or nil when
// q has no NextToken. A token that was altered, or sealed for another
// owner, instance or query, is EINVALID.
func OpenSearchToken(key []byte, owner Owner, q *SearchQuery) (*SearchCursor, error) {
	if q.NextToken == "" {
		return nil, nil
	}
	enc := base64.RawURLEncoding
	p, m, ok := strings.Cut(q.NextToken, ".")
	payload, err1 := enc.DecodeString(p)
	mac, err2 := enc.DecodeString(m)
	if !ok || err1 != nil || err2 != nil || !hmac.Equal(mac, tokenMAC(key, payload)) {
		return nil, errBadToken()
	}
	var tok searchToken
	if err := json.Unmarshal(payload, &tok); err != nil || !hmac.Equal(tok.Binding, searchBinding(owner, q)) {
		return nil, errBadToken()
	}
	return &tok.After, nil
}

func tokenMAC(key, payload []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(payload)
	return h.Sum(nil)
}

// searchBinding hashes what a token may only be used with: the owner and
// every member of the query but the page size (a client may change
// MaxResults between pages) and the token itself. Each field is written
// with its length first, so that no two queries encode alike.
func searchBinding(owner Owner, q *SearchQuery) []byte {
	h := sha256.New()
	put := func(ss ...string) {
		for _, s := range ss {
			var n [8]byte
			binary.BigEndian.PutUint64(n[:], uint64(len(s)))
			h.Write(n[:])
			h.Write([]byte(s))
		}
	}
	list := func(name string, ss []string) {
		put(name, strconv.Itoa(len(ss)))
		put(ss...)
	}
	put("v1", owner.AccountID, owner.Region, q.InstanceID, string(q.TimeRange),
		strconv.FormatInt(q.Start.UnixMilli(), 10), strconv.FormatInt(q.End.UnixMilli(), 10),
		string(q.Sort), strconv.FormatBool(q.Descending))
	list("channels", asStrings(q.Channels))
	list("methods", asStrings(q.InitiationMethods))
	list("queues", q.QueueIDs)
	list("agents", q.AgentIDs)
	if q.Name != nil {
		put("name", string(q.Name.Match))
		list("texts", q.Name.Texts)
	}
	if q.Attributes != nil {
		put("attributes", string(q.Attributes.Match), strconv.Itoa(len(q.Attributes.Criteria)))
		for _, c := range q.Attributes.Criteria {
			put(c.Key)
			list("values", c.Values)
		}
	}
	if q.Tags != nil {
		q.Tags.binding(put)
	}
	return h.Sum(nil)[:16]
}

func asStrings[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}
