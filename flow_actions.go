package connectd

import (
	"encoding/json"
	"fmt"
	"strconv"
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
		"UpdateContactTargetQueue": {required: []string{"QueueId"}},
		"TransferContactToQueue":   none,
		"TagContact":               {required: []string{"Tags"}, check: objectParam("Tags")},
		"UnTagContact":             {required: []string{"TagKeys"}},
		"MessageParticipant":       none,
		"Wait":                     none,
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

// LambdaTimeLimit reads InvocationTimeLimitSeconds (a number or a numeral
// string, as the flow designer writes it): an integer from 1 to 8.
func LambdaTimeLimit(v any) (int, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	default:
		s = fmt.Sprint(x)
	}
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
