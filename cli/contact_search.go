package cli

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/spf13/cobra"
)

func (a *app) contactSearchCommand() *cobra.Command {
	var attrs []string
	var since string
	c := &cobra.Command{
		Use:   "search [--attr KEY=VALUE]... [--since DURATION]",
		Short: "Search contacts by attributes and initiation time (SearchContacts)",
		Long: `Search the contacts initiated in the last DURATION (default 24h) whose
attributes match every --attr (SearchContacts, every page). DURATION takes Go's
units plus d (24 hours) and y (calendar years): 90m, 36h, 7d, 1y.`,
		Example: "  connectd contact search --attr tier=gold --since 24h",
		Args:    cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			sp, err := parseSpan(since)
			if err != nil {
				return err
			}
			if sp.years < 0 || sp.fixed < 0 {
				return usagef("--since must not be negative")
			}
			m, err := a.parsePairs(attrs)
			if err != nil {
				return err
			}
			instance, client, err := a.contactClient()
			if err != nil {
				return err
			}
			now := a.now().UTC()
			start := sp.neg().from(now)
			in := &connect.SearchContactsInput{
				InstanceId: aws.String(instance),
				TimeRange: &types.SearchContactsTimeRange{
					Type: types.SearchContactsTimeRangeTypeInitiationTimestamp, StartTime: &start, EndTime: &now,
				},
			}
			if len(m) > 0 {
				crit := make([]types.SearchableContactAttributesCriteria, 0, len(m))
				for _, k := range sortedKeys(m) {
					crit = append(crit, types.SearchableContactAttributesCriteria{Key: aws.String(k), Values: []string{m[k]}})
				}
				in.SearchCriteria = &types.SearchCriteria{SearchableContactAttributes: &types.SearchableContactAttributes{
					Criteria: crit, MatchType: types.SearchContactsMatchTypeMatchAll,
				}}
			}
			all := &connect.SearchContactsOutput{Contacts: []types.ContactSearchSummary{}}
			for p := connect.NewSearchContactsPaginator(client, in); p.HasMorePages(); {
				page, err := p.NextPage(a.ctx)
				if err != nil {
					return err
				}
				all.Contacts = append(all.Contacts, page.Contacts...)
			}
			all.TotalCount = aws.Int64(int64(len(all.Contacts)))
			return a.show(all, func() error {
				rows := make([][]string, len(all.Contacts))
				for i, s := range all.Contacts {
					rows[i] = []string{aws.ToString(s.Id), string(s.Channel), string(s.InitiationMethod),
						timeCell(s.InitiationTimestamp), timeCell(s.DisconnectTimestamp)}
				}
				return writeTable(a.stdout, []string{"ID", "CHANNEL", "METHOD", "INITIATED", "DISCONNECTED"}, rows)
			})
		}),
	}
	c.Flags().StringArrayVar(&attrs, "attr", nil, "attribute KEY=VALUE that must match (repeatable)")
	c.Flags().StringVar(&since, "since", "24h", "how far back to search")
	return c
}

// neg returns the span backwards.
func (sp span) neg() span { return span{-sp.years, -sp.fixed} }
