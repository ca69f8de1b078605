package connectd

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// actionSpec is what validation knows of one action type: the parameters
// its page in the Flow language reference marks as required, and any
// further static checks.
type actionSpec struct {
	required []string
	check    func(params map[string]any) []string
}

// actionSpecs are the action types of the Flow language that validation
// knows. connectd's interpreter runs some of them (flow.Emulated); the rest
// validate, and at run time take their error branch, logged as not
// emulated.
func actionSpecs() map[string]actionSpec {
	none := actionSpec{}
	return map[string]actionSpec{
		// Actions the interpreter runs.
		"UpdateContactAttributes":  {required: []string{"Attributes"}, check: objectParam("Attributes")},
		"UpdateFlowAttributes":     {required: []string{"FlowAttributes"}, check: objectParam("FlowAttributes")},
		"Compare":                  {required: []string{"ComparisonValue"}},
		"InvokeLambdaFunction":     {required: []string{"LambdaFunctionARN"}, check: lambdaParams},
		"TransferToFlow":           {required: []string{"ContactFlowId"}},
		"EndFlowExecution":         none,
		"DisconnectParticipant":    none,
		"UpdateContactTargetQueue": {check: targetQueueParams},
		"TransferContactToQueue":   none,
		"TagContact":               {required: []string{"Tags"}, check: objectParam("Tags")},
		"UnTagContact":             {required: []string{"TagKeys"}},
		"MessageParticipant":       none,
		"Wait":                     {required: []string{"TimeoutSeconds"}, check: waitParams},
		"DistributeByPercentage":   none,
		"Loop":                     {required: []string{"LoopCount"}},
		"CheckHoursOfOperation":    none,
		// Actions that validate but are not emulated.
		"GetParticipantInput":                        none,
		"ConnectParticipantWithLexBot":               none,
		"CreateTask":                                 none,
		"CreateCallbackContact":                      none,
		"CheckMetricData":                            none,
		"GetMetricData":                              none,
		"CheckVoiceId":                               none,
		"StartVoiceIdStream":                         none,
		"CheckOutboundCallStatus":                    none,
		"UpdateFlowLoggingBehavior":                  none,
		"UpdateRoutingCriteria":                      none,
		"UpdateContactRecordingBehavior":             none,
		"UpdateContactRecordingAndAnalyticsBehavior": none,
		"UpdateContactEventHooks":                    none,
		"UpdateContactTextToSpeechVoice":             none,
		"UpdateContactRoutingBehavior":               none,
		"UpdateContactData":                          none,
		"UpdateContactCallbackNumber":                none,
		"UpdateContactMediaProcessing":               none,
		"UpdatePreviousContactParticipantState":      none,
		"UpdateContactMediaStreamingBehavior":        none,
		"TransferParticipantToThirdParty":            none,
		"ResumeContact":                              none,
		"InvokeFlowModule":                           none,
		"EndFlowModuleExecution":                     none,
		"SetVoiceId":                                 none,
	}
}

// objectParam checks that parameter name is a JSON object.
func objectParam(name string) func(map[string]any) []string {
	return func(p map[string]any) []string {
		if v, ok := p[name]; ok {
			if _, isObject := v.(map[string]any); !isObject {
				return []string{fmt.Sprintf("the parameter %s must be an object.", name)}
			}
		}
		return nil
	}
}

// lambdaParams checks InvokeLambdaFunction's static parameters:
// "InvocationTimeLimitSeconds ... Must be greater than 0, no larger than 8,
// and an integer. Must be set statically", and ResponseType STRING_MAP or
// JSON (interactions-invokelambdafunction).
func lambdaParams(p map[string]any) []string {
	var out []string
	if v, ok := p["InvocationTimeLimitSeconds"]; ok {
		if _, err := LambdaTimeLimit(v); err != nil {
			out = append(out, err.Error())
		}
	}
	if rv, ok := p["ResponseValidation"]; ok {
		m, isObject := rv.(map[string]any)
		if !isObject {
			out = append(out, "the parameter ResponseValidation must be an object.")
		} else if t := fmt.Sprint(m["ResponseType"]); t != "STRING_MAP" && t != "JSON" {
			out = append(out, fmt.Sprintf("ResponseValidation.ResponseType must be STRING_MAP or JSON; got %q.", t))
		}
	}
	if v, ok := p["InvocationType"]; ok && v != "SYNCHRONOUS" && v != "ASYNCHRONOUS" {
		out = append(out, fmt.Sprintf("InvocationType must be SYNCHRONOUS or ASYNCHRONOUS; got %v.", v))
	}
	return out
}

// MaxWaitSeconds is Wait's longest TimeoutSeconds: "no greater than
// 604800 (seven days)".
const MaxWaitSeconds = 604800

// waitParams checks Wait's static parameters: TimeoutSeconds "either
// statically defined, or a single valid JSONPath identifier", and Events
// "must be defined statically", from "CustomerReturned" and
// "BotParticipantDisconnected" (flow-control-actions-wait).
func waitParams(p map[string]any) []string {
	var out []string
	if v, ok := p["TimeoutSeconds"]; ok && !isReference(v) {
		if _, err := WaitTimeout(v); err != nil {
			out = append(out, err.Error())
		}
	}
	if v, ok := p["Events"]; ok {
		list, isList := v.([]any)
		if !isList {
			out = append(out, "the parameter Events must be a list.")
		}
		for _, e := range list {
			if e != "CustomerReturned" && e != "BotParticipantDisconnected" {
				out = append(out, fmt.Sprintf("Events may hold only CustomerReturned and BotParticipantDisconnected; got %v.", e))
			}
		}
	}
	return out
}

// WaitTimeout reads Wait's TimeoutSeconds (a number or a numeral string):
// an integer from 1 to MaxWaitSeconds.
func WaitTimeout(v any) (int, error) {
	s := numeral(v)
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxWaitSeconds {
		return 0, fmt.Errorf("TimeoutSeconds must be an integer from 1 to %d; got %q.", MaxWaitSeconds, s)
	}
	return n, nil
}

// targetQueueParams checks UpdateContactTargetQueue: "QueueId: [Optional]
// ... If AgentId is specified, this may not be specified", and the other
// way round; one of the two must name the queue.
func targetQueueParams(p map[string]any) []string {
	_, queue := p["QueueId"]
	_, agent := p["AgentId"]
	switch {
	case queue && agent:
		return []string{"UpdateContactTargetQueue may have QueueId or AgentId, not both."}
	case !queue && !agent:
		return []string{"UpdateContactTargetQueue needs the parameter QueueId or AgentId."}
	}
	return nil
}

// isReference reports whether v is a JSONPath reference ("$.…").
func isReference(v any) bool {
	s, ok := v.(string)
	return ok && strings.HasPrefix(s, "$.")
}

// numeral is a number parameter as text, as the flow designer writes it
// (a number or a numeral string).
func numeral(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// LambdaTimeLimit reads InvocationTimeLimitSeconds (a number or a numeral
// string, as the flow designer writes it): an integer from 1 to 8.
func LambdaTimeLimit(v any) (int, error) {
	s := numeral(v)
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 8 {
		return 0, fmt.Errorf("InvocationTimeLimitSeconds must be an integer from 1 to 8; got %q.", s)
	}
	return n, nil
}

// KnownFlowAction reports whether the Flow language has action type t.
func KnownFlowAction(t string) bool {
	_, ok := actionSpecs()[t]
	return ok
}
