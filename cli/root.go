package cli

import (
	"strings"

	"github.com/spf13/cobra"
)

// rootCommand builds the command tree of one invocation. Every command has a
// short description and an example (help_test.go checks).
func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "connectd",
		Short: "Work with connectd or Amazon Connect from the terminal",
		Long: `connectd is an Amazon Connect–compatible contact service. "connectd serve" runs
the server and "connectd version" prints its version; the commands below are a
client for a running connectd or for real Amazon Connect.

The endpoint is --endpoint-url, else $AWS_ENDPOINT_URL_CONNECT, else
$AWS_ENDPOINT_URL, else http://127.0.0.1:4566. Credentials and region come from
the standard AWS chain (environment, shared config, --profile); against a local
connectd, throwaway credentials and us-east-1 stand in when there are none.`,
		Example: `  export CONNECTD_INSTANCE=$(connectd instance create --alias demo --output json | jq -r .Id)
  connectd contact start-task --name callback --flow any --attr tier=gold
  connectd attrs get 2c6f3a0e-...`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usagef("missing command: instance, contact, attrs or admin")
		},
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return a.checkGlobals(cmd)
		},
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err.Error()} })
	root.SetHelpCommand(helpCommand())

	f := root.PersistentFlags()
	f.StringVar(&a.endpointFlag, "endpoint-url", "", "service URL (default $AWS_ENDPOINT_URL_CONNECT, $AWS_ENDPOINT_URL, http://127.0.0.1:4566)")
	f.StringVar(&a.profile, "profile", "", "AWS shared-config profile (default $AWS_PROFILE)")
	f.StringVar(&a.region, "region", "", "AWS region (default $AWS_REGION, the profile's, or us-east-1 for a local connectd)")
	f.StringVar(&a.instance, "instance", "", "Amazon Connect instance id (default $CONNECTD_INSTANCE)")
	f.StringVarP(&a.output, "output", "o", "table", "output format: table or json")

	root.AddCommand(a.instanceCommand(), a.contactCommand(), a.attrsCommand(), a.adminCommand())
	return root
}

// checkGlobals validates the global flags and fills in defaults from the
// environment.
func (a *app) checkGlobals(cmd *cobra.Command) error {
	if a.output != "table" && a.output != "json" {
		return usagef("--output must be table or json, not %q", a.output)
	}
	if !cmd.Flags().Changed("instance") {
		a.instance = a.getenv("CONNECTD_INSTANCE")
	}
	return nil
}

// group returns a command that only holds subcommands: run alone, or with
// an unknown subcommand, it is a usage error.
func group(use, short, example string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use: use, Short: short, Example: example,
		Args: cobra.NoArgs,
	}
	c.RunE = func(cmd *cobra.Command, args []string) error {
		var names []string
		for _, s := range cmd.Commands() {
			names = append(names, s.Name())
		}
		return usagef("%s needs a subcommand: %s", cmd.CommandPath(), strings.Join(names, ", "))
	}
	c.AddCommand(subs...)
	return c
}

// helpCommand replaces cobra's default help command, so that it too has an
// example and reports an unknown topic as a usage error.
func helpCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "help [command]",
		Short:   "Help about any command",
		Example: "  connectd help attrs set",
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				return usagef("unknown help topic %q", strings.Join(args, " "))
			}
			cmd.InitDefaultHelpFlag()
			return cmd.Help()
		},
	}
}
