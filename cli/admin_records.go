package cli

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/spf13/cobra"
)

// outboxPage is one page of GET /_connectd/outbox, as the CLI reads it.
type outboxPage struct {
	Entries []struct {
		Seq        int64
		InstanceId string
		ContactId  string
		Kind       string
		State      string
		Attempts   int
		LastError  string
		Payload    map[string]any
	}
	NextAfter *int64
}

func (a *app) adminRecordsCommand() *cobra.Command {
	var instance string
	var events, all bool
	c := &cobra.Command{
		Use:   "records",
		Short: "List the contact records (CTRs) and contact events in the outbox, with their delivery state",
		Long: `List what connectd wrote to its outbox, oldest first: contact records (what
Kinesis or Firehose receives), or with --events the contact events (what
EventBridge receives), or with --all both; each with its delivery state
(PENDING, DELIVERED, NO_DESTINATION), attempts and last error. With
--output json the entries are printed whole, payload included.`,
		Example: "  connectd admin records\n  connectd admin records --instance-id ID --events\n  connectd admin records --all --output json",
		Args:    cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			kind := "CONTACT_RECORD"
			switch {
			case all:
				kind = ""
			case events:
				kind = "CONTACT_EVENT"
			}
			var entries []map[string]any
			var rows [][]string
			after := int64(0)
			for {
				q := url.Values{"After": {strconv.FormatInt(after, 10)}}
				if instance != "" {
					q.Set("InstanceId", instance)
				}
				if kind != "" {
					q.Set("Kind", kind)
				}
				var page outboxPage
				if err := a.controlJSON("GET", "/_connectd/outbox?"+q.Encode(), nil, &page); err != nil {
					return err
				}
				for _, e := range page.Entries {
					what := "record"
					if e.Kind == "CONTACT_EVENT" {
						what, _ = e.Payload["detail"].(map[string]any)["eventType"].(string)
					}
					rows = append(rows, []string{strconv.FormatInt(e.Seq, 10), e.InstanceId, e.ContactId, what,
						e.State, strconv.Itoa(e.Attempts), e.LastError})
					entries = append(entries, map[string]any{"Seq": e.Seq, "InstanceId": e.InstanceId,
						"ContactId": e.ContactId, "Kind": e.Kind, "State": e.State, "Attempts": e.Attempts,
						"LastError": e.LastError, "Payload": e.Payload})
				}
				if page.NextAfter == nil {
					break
				}
				after = *page.NextAfter
			}
			if entries == nil {
				entries = []map[string]any{}
			}
			return a.show(map[string]any{"Entries": entries}, func() error {
				if len(rows) == 0 {
					_, err := fmt.Fprintln(a.stdout, "No entries.")
					return err
				}
				return writeTable(a.stdout, []string{"SEQ", "INSTANCE", "CONTACT", "WHAT", "STATE", "ATTEMPTS", "LAST ERROR"}, rows)
			})
		}),
	}
	c.Flags().StringVar(&instance, "instance-id", "", "only this instance's entries")
	c.Flags().BoolVar(&events, "events", false, "list contact events instead of records")
	c.Flags().BoolVar(&all, "all", false, "list records and events")
	return c
}
