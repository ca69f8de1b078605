package cli

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/spf13/cobra"
)

func (a *app) contactCommand() *cobra.Command {
	return group("contact", "Start, describe, stop and search contacts",
		"  connectd contact start-task --name callback --flow any --attr tier=gold\n"+
			"  connectd contact describe 2c6f3a0e-8f1b-4c1e-9d2a-5b7e4f6a8c90",
		a.startTaskCommand(), a.startChatCommand(), a.contactDescribeCommand(),
		a.contactStopCommand(), a.contactSearchCommand(), a.contactFlowLogCommand())
}

func (a *app) contactDescribeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "describe CONTACT",
		Short: "Describe a contact and its attributes (DescribeContact)",
		Long: `Describe a contact (DescribeContact): its fields, then its attributes (the
contact chain's). Long values are cut; -o json shows them in full.`,
		Example: "  connectd contact describe 2c6f3a0e-8f1b-4c1e-9d2a-5b7e4f6a8c90 --instance $INSTANCE",
		Args:    cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			instance, client, err := a.contactClient()
			if err != nil {
				return err
			}
			out, err := client.DescribeContact(a.ctx, &connect.DescribeContactInput{
				InstanceId: aws.String(instance), ContactId: aws.String(args[0]),
			})
			if err != nil {
				return err
			}
			if a.output == "json" {
				return a.writeJSON(shape(out))
			}
			if out.Contact == nil {
				return nil
			}
			fields := *out.Contact
			fields.Attributes = nil // shown in a table of their own
			rows := map[string]string{}
			flatten("", shape(&fields), rows)
			if err := writePairs(a.stdout, [2]string{"FIELD", "VALUE"}, rows); err != nil {
				return err
			}
			fmt.Fprintln(a.stdout)
			return a.writeAttributes(out.Contact.Attributes)
		}),
	}
}

func (a *app) contactStopCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "stop CONTACT",
		Short:   "End a contact (StopContact)",
		Long:    "End a contact (StopContact). Its attributes stay readable and updatable.",
		Example: "  connectd contact stop 2c6f3a0e-8f1b-4c1e-9d2a-5b7e4f6a8c90",
		Args:    cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			instance, client, err := a.contactClient()
			if err != nil {
				return err
			}
			out, err := client.StopContact(a.ctx, &connect.StopContactInput{
				InstanceId: aws.String(instance), ContactId: aws.String(args[0]),
			})
			if err != nil {
				return err
			}
			return a.say(out, "Stopped contact %s.", args[0])
		}),
	}
}

// contactClient returns the instance and the client that the contact and
// attribute commands need.
func (a *app) contactClient() (string, *connect.Client, error) {
	instance, err := a.instanceID()
	if err != nil {
		return "", nil, err
	}
	client, err := a.connect()
	return instance, client, err
}
