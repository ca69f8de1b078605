package api

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/connectd/connectd"
)

// values returns an SDK enum's values as strings.
func values[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	slices.Sort(out)
	return out
}

// sdkEnums are the Go SDK's Values() of every enum shape that an
// implemented operation's input reaches.
func sdkEnums() map[string][]string {
	return map[string][]string{
		"AiUseCase":               values(types.AiUseCase("").Values()),
		"AllowedUserAction":       values(types.AllowedUserAction("").Values()),
		"Channel":                 values(types.Channel("").Values()),
		"ContactInitiationMethod": values(types.ContactInitiationMethod("").Values()),
		// The SDK (v1.175.2) predates DeleteContactData and its enum:
		// the model's values are compared with the domain's list instead.
		"ContactField":                            values(connectd.ContactFields()),
		"OutboundMessageSourceType":               values(types.OutboundMessageSourceType("").Values()),
		"ContactFlowType":                         values(types.ContactFlowType("").Values()),
		"ContactFlowState":                        values(types.ContactFlowState("").Values()),
		"ContactFlowStatus":                       values(types.ContactFlowStatus("").Values()),
		"StringComparisonType":                    values(types.StringComparisonType("").Values()),
		"DirectoryType":                           values(types.DirectoryType("").Values()),
		"DisconnectOnCustomerExitParticipantType": values(types.DisconnectOnCustomerExitParticipantType("").Values()),
		"EmailHeaderType":                         values(types.EmailHeaderType("").Values()),
		"EncryptionType":                          values(types.EncryptionType("").Values()),
		"InstanceStorageResourceType":             values(types.InstanceStorageResourceType("").Values()),
		"StorageType":                             values(types.StorageType("").Values()),
		"EndpointType":                            values(types.EndpointType("").Values()),
		"InboundMessageSourceType":                values(types.InboundMessageSourceType("").Values()),
		"InitiateAs":                              values(types.InitiateAs("").Values()),
		"OutboundStrategyType":                    values(types.OutboundStrategyType("").Values()),
		"ParticipantRole":                         values(types.ParticipantRole("").Values()),
		"ReferenceStatus":                         values(types.ReferenceStatus("").Values()),
		"ReferenceType":                           values(types.ReferenceType("").Values()),
		"RehydrationType":                         values(types.RehydrationType("").Values()),
		"ResponseMode":                            values(types.ResponseMode("").Values()),
		"ScreenShareCapability":                   values(types.ScreenShareCapability("").Values()),
		"SearchContactsMatchType":                 values(types.SearchContactsMatchType("").Values()),
		"SearchContactsTimeRangeConditionType":    values(types.SearchContactsTimeRangeConditionType("").Values()),
		"SearchContactsTimeRangeType":             values(types.SearchContactsTimeRangeType("").Values()),
		"SortOrder":                               values(types.SortOrder("").Values()),
		"SortableFieldName":                       values(types.SortableFieldName("").Values()),
		"TrafficType":                             values(types.TrafficType("").Values()),
		"VideoCapability":                         values(types.VideoCapability("").Values()),
	}
}

// TestEnumsMatchTheSDK compares every enum that connectd's operations
// accept (from the generated tables) and every enum list of the domain with
// the Go SDK's Values(): a value the SDK sends that connectd would refuse,
// or one connectd accepts that no SDK knows, fails.
func TestEnumsMatchTheSDK(t *testing.T) {
	s := New(Config{})
	sdk := sdkEnums()
	seen := map[string]bool{}
	var walk func(string)
	walk = func(name string) {
		if name == "" || seen[name] {
			return
		}
		seen[name] = true
		sh := s.model.shapes[name]
		if len(sh.Enum) > 0 {
			want, ok := sdk[name]
			switch got := slices.Sorted(slices.Values(sh.Enum)); {
			case !ok:
				t.Errorf("enum %s is reached by an implemented operation but not compared: add it to sdkEnums", name)
			case !slices.Equal(got, want):
				t.Errorf("enum %s: model %v, SDK %v", name, got, want)
			}
		}
		for _, mb := range sh.Members {
			walk(mb.Shape)
		}
		walk(sh.Member)
		walk(sh.Key)
		walk(sh.Value)
	}
	for _, op := range s.Operations() {
		walk(s.model.ops[op].Input)
	}
	for name := range sdk {
		if !seen[name] {
			t.Errorf("sdkEnums has %s, which no implemented operation reaches", name)
		}
	}

	// The domain's own lists.
	for name, got := range map[string][]string{
		"Channel":                     values(connectd.Channels()),
		"ContactInitiationMethod":     values(connectd.InitiationMethods()),
		"SearchContactsTimeRangeType": values(connectd.TimeRangeTypes()),
		"SortableFieldName":           values(connectd.SortFields()),
		"DirectoryType":               values([]string{connectd.IdentitySAML, connectd.IdentityConnectManaged, connectd.IdentityExistingDirectory}),
	} {
		if !slices.Equal(got, sdk[name]) {
			t.Errorf("the domain's %s values %v, SDK %v", name, got, sdk[name])
		}
	}
	methods := sdk["ContactInitiationMethod"]
	var lists [][]string
	for _, ch := range connectd.Channels() {
		lists = append(lists, createContactMethods(ch))
	}
	for _, list := range lists {
		for _, m := range list {
			if !slices.Contains(methods, m) {
				t.Errorf("initiation method %s is not one of the SDK's", m)
			}
		}
	}
	for _, m := range []connectd.MatchType{connectd.MatchAll, connectd.MatchAny} {
		if !slices.Contains(sdk["SearchContactsMatchType"], string(m)) {
			t.Errorf("match type %s is not one of the SDK's", m)
		}
	}
}
