package flow

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/connectd/connectd"
)

// data is the flow data a JSONPath reference reads: the contact as it is
// now, the run's flow attributes and the last Lambda result.
type data struct {
	c         *connectd.Contact
	owner     connectd.Owner
	flowAttrs map[string]string
	external  map[string]any
	// queue is the contact's TargetQueue, "" for none.
	queue string
}

// lookup resolves one reference such as $.Attributes.tier,
// $.External.score, $.FlowAttributes.x, $.ContactId or $.Channel
// ("JSONPath reference", Amazon Connect Administrator Guide). A reference
// to nothing resolves to "" and ok false.
func (d *data) lookup(ref string) (string, bool) {
	path := strings.TrimPrefix(ref, "$.")
	head, rest, _ := strings.Cut(path, ".")
	switch head {
	case "Attributes":
		v, ok := d.c.Attributes[rest]
		return v, ok
	case "FlowAttributes":
		v, ok := d.flowAttrs[rest]
		return v, ok
	case "External":
		var cur any = d.external
		for _, key := range strings.Split(rest, ".") {
			m, isMap := cur.(map[string]any)
			if !isMap {
				return "", false
			}
			if cur, isMap = m[key]; !isMap {
				return "", false
			}
		}
		return text(cur), true
	}
	inst := &connectd.Instance{ID: d.c.InstanceID, Owner: d.owner}
	fields := map[string]string{
		"ContactId": d.c.ID, "InitialContactId": d.c.InitialContactID, "PreviousContactId": d.c.PreviousContactID,
		"Channel": string(d.c.Channel), "InitiationMethod": string(d.c.InitiationMethod),
		"InstanceARN": inst.ARN(), "Name": d.c.Name, "Description": d.c.Description,
	}
	v, ok := fields[path]
	return v, ok && v != ""
}

// text is a JSON value as a flow sees it in a string: strings as they
// are, anything else in its JSON form.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case json.Number:
		return x.String()
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// resolve returns v with every string that is a reference ("$." ...)
// replaced by its value; static values stay as they are.
func (d *data) resolve(v any) any {
	switch x := v.(type) {
	case string:
		if strings.HasPrefix(x, "$.") {
			s, _ := d.lookup(x)
			return s
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = d.resolve(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = d.resolve(e)
		}
		return out
	}
	return v
}

// stringMap returns an object parameter resolved to strings, keys resolved
// too ("Both the key and value may be defined statically or dynamically").
func (d *data) stringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	out := make(map[string]string, len(m))
	for k, e := range m {
		if strings.HasPrefix(k, "$.") {
			k, _ = d.lookup(k)
		}
		out[k] = text(d.resolve(e))
	}
	return out
}
