package cli

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"
)

// flowRun is the control plane's flow log (connectd.FlowRun) as the CLI
// prints it.
type flowRun struct {
	ContactID, FlowID, FlowName, Status, Reason string
	Wait                                        *struct {
		Identifier, Until string
	}
	Entries []struct {
		Identifier, Type, Branch, Error, Message, Results string
		DurationMillis                                    int64
	}
}

func (a *app) contactFlowLogCommand() *cobra.Command {
	var wait float64
	cmd := &cobra.Command{
		Use:   "flow-log CONTACT",
		Short: "Show the log of a contact's flow run (control plane)",
		Long: `Show the log of the flow run of a contact started on a stored flow: one row per
action (identifier, type, branch taken, error, message), then the run's status
(RUNNING, WAITING, COMPLETED, FAILED or INTERRUPTED; a WAITING run is paused in
a Wait action until the clock passes the time shown). Flows run asynchronously;
--wait waits up to that many seconds for the run to stop or reach a Wait. -o json shows every entry
in full, resolved parameters and Lambda request and response included.`,
		Example: "  connectd contact flow-log 2c6f3a0e-8f1b-4c1e-9d2a-5b7e4f6a8c90 --wait 5",
		Args:    cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			instance, err := a.instanceID()
			if err != nil {
				return err
			}
			path := "/_connectd/instances/" + url.PathEscape(instance) + "/contacts/" + url.PathEscape(args[0]) + "/flow-log"
			if wait > 0 {
				path += fmt.Sprintf("?wait=%g", wait)
			}
			body, err := a.control("GET", path, nil)
			if err != nil {
				return err
			}
			if a.output == "json" {
				var v any
				if err := json.Unmarshal(body, &v); err != nil {
					return fmt.Errorf("read the flow log: %w", err)
				}
				return a.writeJSON(v)
			}
			var run flowRun
			if err := json.Unmarshal(body, &run); err != nil {
				return fmt.Errorf("read the flow log: %w", err)
			}
			rows := make([][]string, 0, len(run.Entries))
			for _, e := range run.Entries {
				note := e.Message
				if note == "" {
					note = e.Results
				}
				rows = append(rows, []string{cell(e.Identifier), e.Type, cell(e.Branch), e.Error, cell(note)})
			}
			if err := writeTable(a.stdout, []string{"ACTION", "TYPE", "NEXT", "ERROR", "NOTE"}, rows); err != nil {
				return err
			}
			status := strings.TrimSpace(run.Status + " " + run.Reason)
			if run.Wait != nil {
				status += fmt.Sprintf(" in Wait %q until %s", run.Wait.Identifier, run.Wait.Until)
			}
			_, err = fmt.Fprintf(a.stdout, "\nFlow %s (%s): %s\n", run.FlowName, run.FlowID, status)
			return err
		}),
	}
	cmd.Flags().Float64Var(&wait, "wait", 0, "seconds to wait for the run to stop (at most 60)")
	return cmd
}
