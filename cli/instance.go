package cli

import (
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/spf13/cobra"
)

func (a *app) instanceCommand() *cobra.Command {
	return group("instance", "Create, list, describe and delete Amazon Connect instances",
		"  connectd instance create --alias demo\n  connectd instance list",
		a.instanceCreateCommand(), a.instanceListCommand(),
		a.instanceDescribeCommand(), a.instanceDeleteCommand())
}

func (a *app) instanceCreateCommand() *cobra.Command {
	var alias, idType, directory string
	var inbound, outbound bool
	c := &cobra.Command{
		Use:   "create --alias ALIAS",
		Short: "Create an instance (CreateInstance)",
		Long: `Create an instance (CreateInstance) and print its id and ARN.
connectd makes new instances ACTIVE at once; Amazon Connect takes a while.`,
		Example: "  connectd instance create --alias demo\n" +
			"  export CONNECTD_INSTANCE=$(connectd instance create --alias demo -o json | jq -r .Id)",
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			client, err := a.connect()
			if err != nil {
				return err
			}
			in := &connect.CreateInstanceInput{
				IdentityManagementType: types.DirectoryType(idType),
				InboundCallsEnabled:    aws.Bool(inbound),
				OutboundCallsEnabled:   aws.Bool(outbound),
			}
			if alias != "" {
				in.InstanceAlias = aws.String(alias)
			}
			if directory != "" {
				in.DirectoryId = aws.String(directory)
			}
			out, err := client.CreateInstance(a.ctx, in)
			if err != nil {
				return err
			}
			return a.showFields(out)
		}),
	}
	f := c.Flags()
	f.StringVar(&alias, "alias", "", "instance alias (required for CONNECT_MANAGED and SAML)")
	f.StringVar(&idType, "identity-management-type", "CONNECT_MANAGED", "CONNECT_MANAGED, SAML or EXISTING_DIRECTORY")
	f.StringVar(&directory, "directory-id", "", "directory id, for EXISTING_DIRECTORY")
	f.BoolVar(&inbound, "inbound-calls", true, "enable inbound calls")
	f.BoolVar(&outbound, "outbound-calls", true, "enable outbound calls")
	return c
}

func (a *app) instanceListCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "List the instances (ListInstances, every page), by alias",
		Example: "  connectd instance list\n  connectd instance list -o json | jq -r '.InstanceSummaryList[].Id'",
		Args:    cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			client, err := a.connect()
			if err != nil {
				return err
			}
			all := &connect.ListInstancesOutput{InstanceSummaryList: []types.InstanceSummary{}}
			for p := connect.NewListInstancesPaginator(client, &connect.ListInstancesInput{}); p.HasMorePages(); {
				page, err := p.NextPage(a.ctx)
				if err != nil {
					return err
				}
				all.InstanceSummaryList = append(all.InstanceSummaryList, page.InstanceSummaryList...)
			}
			list := all.InstanceSummaryList
			sort.SliceStable(list, func(i, j int) bool {
				return aws.ToString(list[i].InstanceAlias) < aws.ToString(list[j].InstanceAlias)
			})
			return a.show(all, func() error {
				rows := make([][]string, len(list))
				for i, s := range list {
					rows[i] = []string{aws.ToString(s.Id), aws.ToString(s.InstanceAlias),
						string(s.InstanceStatus), timeCell(s.CreatedTime)}
				}
				return writeTable(a.stdout, []string{"ID", "ALIAS", "STATUS", "CREATED"}, rows)
			})
		}),
	}
}

func (a *app) instanceDescribeCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "describe [INSTANCE]",
		Short:   "Describe an instance (DescribeInstance); default --instance",
		Example: "  connectd instance describe 3f0c9e4e-6a43-4b5e-9a55-0e1d5c0f3b7a\n  CONNECTD_INSTANCE=3f0c9e4e-... connectd instance describe",
		Args:    cobra.MaximumNArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, client, err := a.instanceClient(args)
			if err != nil {
				return err
			}
			out, err := client.DescribeInstance(a.ctx, &connect.DescribeInstanceInput{InstanceId: aws.String(id)})
			if err != nil {
				return err
			}
			if a.output == "json" {
				return a.writeJSON(shape(out))
			}
			return a.showFields(out.Instance)
		}),
	}
}

func (a *app) instanceDeleteCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "delete [INSTANCE]",
		Short:   "Delete an instance and its contacts (DeleteInstance); default --instance",
		Example: "  connectd instance delete 3f0c9e4e-6a43-4b5e-9a55-0e1d5c0f3b7a",
		Args:    cobra.MaximumNArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, client, err := a.instanceClient(args)
			if err != nil {
				return err
			}
			out, err := client.DeleteInstance(a.ctx, &connect.DeleteInstanceInput{InstanceId: aws.String(id)})
			if err != nil {
				return err
			}
			return a.say(out, "Deleted instance %s.", id)
		}),
	}
}

// instanceArg returns the instance named by the optional argument, else by
// --instance or CONNECTD_INSTANCE.
// instanceClient returns the instance an instance command names (its
// argument, else --instance) and the client, as contactClient does for the
// contact commands.
func (a *app) instanceClient(args []string) (string, *connect.Client, error) {
	id, err := a.instanceArg(args)
	if err != nil {
		return "", nil, err
	}
	client, err := a.connect()
	return id, client, err
}

func (a *app) instanceArg(args []string) (string, error) {
	if len(args) > 0 {
		return args[0], nil
	}
	return a.instanceID()
}

// instanceID returns --instance (or CONNECTD_INSTANCE), which the contact
// and attribute commands need.
func (a *app) instanceID() (string, error) {
	if a.instance == "" {
		return "", usagef("no instance: pass --instance ID or set CONNECTD_INSTANCE")
	}
	return a.instance, nil
}
