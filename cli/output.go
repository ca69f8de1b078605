package cli

import "fmt"

// show prints out, an SDK output value: as JSON with --output json, else
// with table.
func (a *app) show(out any, table func() error) error {
	if a.output == "json" {
		return a.writeJSON(shape(out))
	}
	return table()
}

// showFields prints out as JSON, or as a FIELD/VALUE table of its members
// (nested ones flattened, see flatten), sorted; skip names members the
// table leaves out.
func (a *app) showFields(out any, skip ...string) error {
	return a.show(out, func() error {
		rows := map[string]string{}
		flatten("", shape(out), rows)
		for _, k := range skip {
			delete(rows, k)
		}
		return writePairs(a.stdout, [2]string{"FIELD", "VALUE"}, rows)
	})
}

// say prints a confirmation line in table mode, or out (usually the SDK's
// empty output, {}) with --output json.
func (a *app) say(out any, format string, args ...any) error {
	return a.show(out, func() error {
		_, err := fmt.Fprintf(a.stdout, format+"\n", args...)
		return err
	})
}
