package cli

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/spf13/cobra"
)

// optional returns nil for "", so that unset flags stay unset members.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func (a *app) startTaskCommand() *cobra.Command {
	var name, description, flow, quickConnect, template, previous, related string
	var attrs []string
	c := &cobra.Command{
		Use:   "start-task --name NAME --flow FLOW",
		Short: "Start a task contact (StartTaskContact) and print its id",
		Long: `Start a task contact (StartTaskContact) and print its id. One of --flow,
--quick-connect and --task-template is required; connectd accepts any id.
--attr sets attributes (repeatable; values as in "attrs set").`,
		Example: "  connectd contact start-task --name callback --flow any --attr tier=gold --attr priority=high\n" +
			"  CONTACT=$(connectd contact start-task --name t --flow any -o json | jq -r .ContactId)",
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			m, err := a.parsePairs(attrs)
			if err != nil {
				return err
			}
			instance, client, err := a.contactClient()
			if err != nil {
				return err
			}
			out, err := client.StartTaskContact(a.ctx, &connect.StartTaskContactInput{
				InstanceId: aws.String(instance), Name: aws.String(name), Description: optional(description),
				ContactFlowId: optional(flow), QuickConnectId: optional(quickConnect), TaskTemplateId: optional(template),
				PreviousContactId: optional(previous), RelatedContactId: optional(related), Attributes: m,
			})
			if err != nil {
				return err
			}
			return a.showFields(out)
		}),
	}
	f := c.Flags()
	f.StringVar(&name, "name", "", "name of the task (required)")
	f.StringVar(&description, "description", "", "description of the task")
	f.StringVar(&flow, "flow", "", "contact flow id")
	f.StringVar(&quickConnect, "quick-connect", "", "quick connect id, instead of --flow")
	f.StringVar(&template, "task-template", "", "task template id, instead of --flow")
	f.StringVar(&previous, "previous-contact", "", "join this contact's chain (shares its attributes)")
	f.StringVar(&related, "related-contact", "", "copy this contact's attributes, start a new chain")
	f.StringArrayVar(&attrs, "attr", nil, "attribute KEY=VALUE (repeatable)")
	_ = c.MarkFlagRequired("name")
	return c
}

func (a *app) startChatCommand() *cobra.Command {
	var flow, displayName, message, related string
	var attrs []string
	c := &cobra.Command{
		Use:   "start-chat --flow FLOW",
		Short: "Start a chat contact (StartChatContact) and print its ids",
		Long: `Start a chat contact (StartChatContact) and print the contact id, participant
id and participant token. --attr sets attributes (repeatable; values as in
"attrs set").`,
		Example: "  connectd contact start-chat --flow any --display-name Ada --message 'Hello!' --attr tier=gold",
		Args:    cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			m, err := a.parsePairs(attrs)
			if err != nil {
				return err
			}
			instance, client, err := a.contactClient()
			if err != nil {
				return err
			}
			in := &connect.StartChatContactInput{
				InstanceId: aws.String(instance), ContactFlowId: aws.String(flow),
				ParticipantDetails: &types.ParticipantDetails{DisplayName: aws.String(displayName)},
				RelatedContactId:   optional(related), Attributes: m,
			}
			if message != "" {
				in.InitialMessage = &types.ChatMessage{ContentType: aws.String("text/plain"), Content: aws.String(message)}
			}
			out, err := client.StartChatContact(a.ctx, in)
			if err != nil {
				return err
			}
			return a.showFields(out)
		}),
	}
	f := c.Flags()
	f.StringVar(&flow, "flow", "", "contact flow id (required)")
	f.StringVar(&displayName, "display-name", "Customer", "the customer's display name")
	f.StringVar(&message, "message", "", "initial message from the customer (text/plain)")
	f.StringVar(&related, "related-contact", "", "copy this contact's attributes, start a new chain")
	f.StringArrayVar(&attrs, "attr", nil, "attribute KEY=VALUE (repeatable)")
	_ = c.MarkFlagRequired("flow")
	return c
}
