package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/connectd/connectd"
)

// settingsView is the body of the settings endpoint.
type settingsView struct {
	InstanceId                string `json:"InstanceId"`
	AllowUKMobileDestinations bool   `json:"AllowUKMobileDestinations"`
}

// settingsAdminRoute serves /_connectd/instances/{InstanceId}/settings:
// GET shows connectd's own settings of the instance, PUT changes the
// members it names ({"AllowUKMobileDestinations": true} lets
// StartOutboundVoiceContact call +447 numbers, which Amazon Connect allows
// only after a service-quota request, an AWS process connectd has no API
// for). It returns nil for any other path.
func (s *Server) settingsAdminRoute(method, path string) adminHandler {
	rest, ok := strings.CutPrefix(path, "/_connectd/instances/")
	if !ok {
		return nil
	}
	id, ok := strings.CutSuffix(rest, "/settings")
	if !ok || id == "" || strings.Contains(id, "/") {
		return nil
	}
	view := func(st *connectd.InstanceSettings) settingsView {
		return settingsView{InstanceId: id, AllowUKMobileDestinations: st.AllowUKMobileDestinations}
	}
	switch method {
	case http.MethodGet:
		return func(ctx context.Context, _ *http.Request) (any, error) {
			st, err := s.cfg.Service.InstanceSettings(ctx, id)
			if err != nil {
				return nil, err
			}
			return view(st), nil
		}
	case http.MethodPut:
		return func(ctx context.Context, r *http.Request) (any, error) {
			var in struct{ AllowUKMobileDestinations *bool }
			if err := decodeAdmin(r, &in); err != nil {
				return nil, err
			}
			st, err := s.cfg.Service.ChangeInstanceSettings(ctx, id, func(st *connectd.InstanceSettings) {
				if in.AllowUKMobileDestinations != nil {
					st.AllowUKMobileDestinations = *in.AllowUKMobileDestinations
				}
			})
			if err != nil {
				return nil, err
			}
			return view(st), nil
		}
	}
	return nil
}
