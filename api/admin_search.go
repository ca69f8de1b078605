package api

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/connectd/connectd"
)

// searchableKeysView is the body of the searchable-attributes endpoint:
// the keys SearchContacts may use in the instance, and whether that is
// every key (the default, with Keys empty).
type searchableKeysView struct {
	InstanceId string   `json:"InstanceId"`
	Keys       []string `json:"Keys"`
	AllKeys    bool     `json:"AllKeys"`
}

// searchableAdminRoute serves /_connectd/instances/{InstanceId}/searchable-attributes:
// GET shows the instance's searchable keys, PUT {"Keys": [...]} restricts
// searches to them (an empty or absent list allows every key), DELETE
// allows every key again. Amazon Connect configures searchable keys in its
// admin website, with no API, so this is connectd's own endpoint.
//
// The instance is looked up by id across accounts, like the rest of the
// control plane (reset, import, export), which is unsigned and sees every
// account: instance ids are unique across accounts, being part of the ARN.
// It returns nil for any other path.
func (s *Server) searchableAdminRoute(method, path string) adminHandler {
	rest, ok := strings.CutPrefix(path, "/_connectd/instances/")
	if !ok {
		return nil
	}
	id, ok := strings.CutSuffix(rest, "/searchable-attributes")
	if !ok || id == "" || strings.Contains(id, "/") {
		return nil
	}
	switch method {
	case http.MethodGet:
		return func(ctx context.Context, _ *http.Request) (any, error) { return s.searchableKeys(ctx, id) }
	case http.MethodPut:
		return func(ctx context.Context, r *http.Request) (any, error) {
			var in struct{ Keys []string }
			if err := decodeAdmin(r, &in); err != nil {
				return nil, err
			}
			keys, err := checkSearchableKeys(in.Keys)
			if err != nil {
				return nil, err
			}
			if err := s.cfg.Service.SetSearchableKeys(ctx, id, keys); err != nil {
				return nil, err
			}
			return s.searchableKeys(ctx, id)
		}
	case http.MethodDelete:
		return func(ctx context.Context, _ *http.Request) (any, error) {
			if err := s.cfg.Service.SetSearchableKeys(ctx, id, nil); err != nil {
				return nil, err
			}
			return s.searchableKeys(ctx, id)
		}
	}
	return nil
}

func (s *Server) searchableKeys(ctx context.Context, id string) (any, error) {
	keys, err := s.cfg.Service.SearchableKeys(ctx, id)
	if err != nil {
		return nil, err
	}
	return searchableKeysView{InstanceId: id, Keys: append([]string{}, keys...), AllKeys: keys == nil}, nil
}

// checkSearchableKeys validates keys (the attribute key rule, and the
// model's 100-character limit on a searched key) and returns them sorted,
// without duplicates. A bad key is 400 InvalidRequestException, the
// control plane's answer to a bad request.
func checkSearchableKeys(keys []string) ([]string, error) {
	for _, k := range keys {
		if err := connectd.ValidateAttributeKey(k); err != nil {
			return nil, connectd.Errorf(connectd.EINVALIDREQUEST, "Keys: %s", connectd.ErrorMessage(err))
		}
		if n := utf8.RuneCountInString(k); n > 100 {
			return nil, connectd.Errorf(connectd.EINVALIDREQUEST,
				"Keys: key %q has %d characters; SearchContacts takes keys of at most 100.", k, n)
		}
	}
	keys = slices.Clone(keys)
	slices.Sort(keys)
	return slices.Compact(keys), nil
}
