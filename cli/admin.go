package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

func (a *app) adminCommand() *cobra.Command {
	c := group("admin", "Control a connectd: reset, clock, import, export (not Amazon Connect)",
		"  connectd admin reset\n  connectd admin clock advance 2y\n  connectd admin export > fixtures.json",
		a.adminResetCommand(), a.clockCommand(), a.adminImportCommand(), a.adminExportCommand())
	c.Long = `Control a running connectd through its control plane under /_connectd/
at the endpoint URL. Requests are signed with the AWS credentials the other
commands use, which a connectd started with --auth sigv4 requires. These
commands are connectd's own: Amazon Connect has no such endpoints, and
"connectd serve --admin=false" turns them off.`
	return c
}

func (a *app) adminResetCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "reset",
		Short:   "Delete every instance and contact of every account",
		Example: "  connectd admin reset",
		Args:    cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			var out map[string]any
			if err := a.controlJSON("POST", "/_connectd/reset", nil, &out); err != nil {
				return err
			}
			return a.say(out, "Deleted every instance and contact.")
		}),
	}
}

func (a *app) adminImportCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Import fixtures (instances and contacts) from a JSON file, or - for stdin",
		Long: `Import fixtures from FILE ("-" for standard input), all or nothing. The
document is sent unchanged; its format is in the README ("Control plane").`,
		Example: "  connectd admin import fixtures.json\n  connectd admin export | connectd admin import -",
		Args:    cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			var doc []byte
			var err error
			if args[0] == "-" {
				doc, err = io.ReadAll(a.stdin)
			} else if doc, err = os.ReadFile(args[0]); err != nil {
				return usagef("%v", err)
			}
			if err != nil {
				return fmt.Errorf("read stdin: %w", err)
			}
			if doc == nil {
				doc = []byte{}
			}
			// Sent as is: the server's message about a bad record should
			// point into the file the user wrote.
			b, err := a.control("POST", "/_connectd/import", doc)
			if err != nil {
				return err
			}
			var out map[string]any
			if err := json.Unmarshal(b, &out); err != nil {
				return fmt.Errorf("import: unexpected answer %q: %w", b, err)
			}
			return a.show(out, func() error {
				_, err := fmt.Fprintf(a.stdout, "Imported %s and %s.\n",
					plural(count(out["Instances"]), "instance"), plural(count(out["Contacts"]), "contact"))
				return err
			})
		}),
	}
}

func (a *app) adminExportCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "export",
		Short: "Print every instance and live contact as JSON, in the import format",
		Long: `Print every instance and live contact as an indented JSON document, in the
format "admin import" reads (always JSON, whatever --output says).`,
		Example: "  connectd admin export > fixtures.json",
		Args:    cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			b, err := a.control("GET", "/_connectd/export", nil)
			if err != nil {
				return err
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, b, "", "  "); err != nil {
				return fmt.Errorf("export: the answer is not JSON: %w", err)
			}
			pretty.WriteByte('\n')
			_, err = a.stdout.Write(pretty.Bytes())
			return err
		}),
	}
}

// count reads a JSON number as an int (0 if it is not one).
func count(v any) int {
	f, _ := v.(float64)
	return int(f)
}
