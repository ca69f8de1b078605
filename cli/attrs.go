package cli

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/spf13/cobra"
)

func (a *app) attrsCommand() *cobra.Command {
	return group("attrs", "Get, set and unset a contact's user-defined attributes",
		"  connectd attrs get $CONTACT\n  connectd attrs set $CONTACT priority=high\n  connectd attrs unset $CONTACT priority",
		a.attrsGetCommand(), a.attrsSetCommand(), a.attrsUnsetCommand())
}

func (a *app) attrsGetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "get CONTACT",
		Short: "Print a contact's attributes (GetContactAttributes)",
		Long: `Print the attributes of a contact chain (GetContactAttributes), sorted by key.
CONTACT is the chain's initial contact id. Values longer than 60 characters are
cut with "…"; -o json prints them in full.`,
		Example: "  connectd attrs get 2c6f3a0e-8f1b-4c1e-9d2a-5b7e4f6a8c90\n" +
			"  connectd attrs get $CONTACT -o json | jq -r .Attributes.tier",
		Args: cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			instance, client, err := a.contactClient()
			if err != nil {
				return err
			}
			out, err := client.GetContactAttributes(a.ctx, &connect.GetContactAttributesInput{
				InstanceId: aws.String(instance), InitialContactId: aws.String(args[0]),
			})
			if err != nil {
				return err
			}
			return a.show(out, func() error { return a.writeAttributes(out.Attributes) })
		}),
	}
}

func (a *app) attrsSetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "set CONTACT KEY=VALUE...",
		Short: "Set attributes on a contact (UpdateContactAttributes)",
		Long: `Set attributes on a contact chain (UpdateContactAttributes); other keys are
kept. CONTACT is the chain's initial contact id.

A value "-" is read from standard input, "@FILE" from a file (one trailing
newline dropped), and "@@text" stands for the literal "@text".`,
		Example: "  connectd attrs set $CONTACT priority=high tier=gold\n" +
			"  connectd attrs set $CONTACT notes=@notes.txt\n" +
			"  jq -c .customer order.json | connectd attrs set $CONTACT customer=-",
		Args: cobra.MinimumNArgs(2),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			attrs, err := a.parsePairs(args[1:])
			if err != nil {
				return err
			}
			return a.updateAttributes(args[0], attrs, "Set")
		}),
	}
}

func (a *app) attrsUnsetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "unset CONTACT KEY...",
		Short: "Remove attributes from a contact (UpdateContactAttributes with empty values)",
		Long: `Remove attributes from a contact chain: UpdateContactAttributes with each key
set to "". connectd removes a key set to "".`,
		Example: "  connectd attrs unset $CONTACT priority notes",
		Args:    cobra.MinimumNArgs(2),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			attrs := map[string]string{}
			for _, k := range args[1:] {
				attrs[k] = ""
			}
			return a.updateAttributes(args[0], attrs, "Unset")
		}),
	}
}

// updateAttributes sends attrs to the contact and confirms.
func (a *app) updateAttributes(contact string, attrs map[string]string, verb string) error {
	instance, client, err := a.contactClient()
	if err != nil {
		return err
	}
	out, err := client.UpdateContactAttributes(a.ctx, &connect.UpdateContactAttributesInput{
		InstanceId: aws.String(instance), InitialContactId: aws.String(contact), Attributes: attrs,
	})
	if err != nil {
		return err
	}
	return a.say(out, "%s %s on contact %s.", verb, plural(len(attrs), "attribute"), contact)
}

// writeAttributes prints attributes as a KEY/VALUE table.
func (a *app) writeAttributes(attrs map[string]string) error {
	if len(attrs) == 0 {
		_, err := fmt.Fprintln(a.stdout, "No attributes.")
		return err
	}
	return writePairs(a.stdout, [2]string{"KEY", "VALUE"}, attrs)
}
