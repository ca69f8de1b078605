package connectd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits of the Flow language ("Actions in the Amazon Connect Flow
// Language", "Example flow in Amazon Connect Flow language").
const (
	// FlowVersion is the only Version the Flow language has.
	FlowVersion = "2019-10-30"
	// MaxFlowActions is "A single Flow may have no more than 250 Actions".
	MaxFlowActions = 250
	// MaxIdentifierLength is "This Identifier can be up to 50 characters".
	MaxIdentifierLength = 50
	// MaxFlowContentBytes is the size of Content that Amazon Connect
	// accepts (256,000 characters, Amazon Connect service quotas).
	MaxFlowContentBytes = 256000
)

// FlowContent is a flow's Content parsed: the Flow language document.
type FlowContent struct {
	Version     string
	StartAction string
	Metadata    json.RawMessage `json:",omitempty"`
	Actions     []FlowAction
}

// FlowAction is one Action of the Flow language.
type FlowAction struct {
	Identifier  string
	Type        string
	Parameters  map[string]any
	Transitions FlowTransitions
}

// FlowTransitions says where a run goes after an action.
type FlowTransitions struct {
	NextAction string
	Errors     []FlowError
	Conditions []FlowCondition
}

// FlowError is a branch taken on an error of ErrorType.
type FlowError struct {
	NextAction string
	ErrorType  string
}

// FlowCondition is a branch taken when its Condition holds.
type FlowCondition struct {
	NextAction string
	Condition  struct {
		Operator string
		Operands []string
	}
}

// Action returns the action with identifier id, or nil.
func (c *FlowContent) Action(id string) *FlowAction {
	for i := range c.Actions {
		if c.Actions[i].Identifier == id {
			return &c.Actions[i]
		}
	}
	return nil
}

// ParseFlowContent parses content as the Flow language; the error is a
// problem's message.
func ParseFlowContent(content string) (*FlowContent, error) {
	dec := json.NewDecoder(strings.NewReader(content))
	dec.UseNumber()
	var c FlowContent
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("Content is not a Flow language JSON document: %v", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("Content has data after its JSON document")
	}
	return &c, nil
}

// identifierForbidden are the characters and names the Flow language
// refuses in an Identifier ("Actions in the Amazon Connect Flow Language").
const identifierForbidden = `%:(\/)=$,;[]{}`

func identifierNamesForbidden() []string {
	return []string{"__proto__", "constructor", "__defineGetter__", "__defineSetter__", "toString",
		"hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "valueOf"}
}

// ValidateFlowContent returns the problems of content, one message per
// problem, empty when it is valid. A SAVED flow's content (published
// false) must only parse and stay within the size limit: Amazon Connect
// keeps a draft as it is, unknown action types included; a PUBLISHED
// flow's must be a complete, runnable flow.
func ValidateFlowContent(content string, published bool) []string {
	if len(content) > MaxFlowContentBytes {
		return []string{fmt.Sprintf("Content is %d bytes; the limit is %d.", len(content), MaxFlowContentBytes)}
	}
	if !utf8.ValidString(content) {
		return []string{"Content is not valid UTF-8."}
	}
	trimmed := bytes.TrimSpace([]byte(content))
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return []string{"Content must be a JSON object."}
	}
	c, err := ParseFlowContent(content)
	if err != nil {
		return []string{err.Error()}
	}
	if !published {
		return nil
	}
	return c.problems()
}

func (c *FlowContent) problems() []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if c.Version != FlowVersion {
		add("Version must be %q; got %q.", FlowVersion, c.Version)
	}
	switch n := len(c.Actions); {
	case n == 0:
		add("Actions must hold at least one action.")
	case n > MaxFlowActions:
		add("Actions holds %d actions; a flow may have at most %d.", n, MaxFlowActions)
	}
	seen := map[string]bool{}
	for i, a := range c.Actions {
		where := fmt.Sprintf("Actions[%d] (Identifier %q)", i, a.Identifier)
		if p := identifierProblem(a.Identifier); p != "" {
			add("%s: %s", where, p)
		}
		if seen[a.Identifier] {
			add("%s: the Identifier is used by another action.", where)
		}
		seen[a.Identifier] = true
	}
	if c.StartAction == "" {
		add("StartAction is required.")
	} else if !seen[c.StartAction] {
		add("StartAction %q names no action.", c.StartAction)
	}
	for i, a := range c.Actions {
		where := fmt.Sprintf("Actions[%d] (Identifier %q)", i, a.Identifier)
		for _, next := range a.Transitions.targets() {
			if !seen[next] {
				add("%s: NextAction %q names no action.", where, next)
			}
		}
		spec, known := actionSpecs()[a.Type]
		if !known {
			add("%s: Type %q is not an action type of the Flow language.", where, a.Type)
			continue
		}
		for _, p := range spec.required {
			if _, ok := a.Parameters[p]; !ok {
				add("%s: %s needs the parameter %s.", where, a.Type, p)
			}
		}
		if spec.check != nil {
			for _, p := range spec.check(a.Parameters) {
				add("%s: %s", where, p)
			}
		}
		for j, cond := range a.Transitions.Conditions {
			if !slices.Contains(FlowOperators(), cond.Condition.Operator) {
				add("%s: Transitions.Conditions[%d]: Operator %q is not one of %s.", where, j, cond.Condition.Operator, strings.Join(FlowOperators(), ", "))
			}
			if len(cond.Condition.Operands) != 1 {
				add("%s: Transitions.Conditions[%d]: Operands must hold exactly one value.", where, j)
			}
		}
	}
	return out
}

// targets returns every NextAction of t.
func (t FlowTransitions) targets() []string {
	var out []string
	if t.NextAction != "" {
		out = append(out, t.NextAction)
	}
	for _, e := range t.Errors {
		out = append(out, e.NextAction)
	}
	for _, c := range t.Conditions {
		out = append(out, c.NextAction)
	}
	return out
}

func identifierProblem(id string) string {
	switch {
	case id == "":
		return "Identifier is required."
	case utf8.RuneCountInString(id) > MaxIdentifierLength:
		return fmt.Sprintf("Identifier may have at most %d characters.", MaxIdentifierLength)
	case strings.ContainsAny(id, identifierForbidden):
		return "Identifier may not contain any of " + identifierForbidden + "."
	case slices.Contains(identifierNamesForbidden(), id):
		return fmt.Sprintf("Identifier may not be %q.", id)
	}
	return ""
}

// FlowOperators are the condition operators of Compare
// ("Flow control actions", Compare and its conditions).
func FlowOperators() []string {
	return []string{"Equals", "NumberLessThan", "NumberLessOrEqualTo", "NumberGreaterThan",
		"NumberGreaterOrEqualTo", "TextStartsWith", "TextEndsWith", "TextContains"}
}
