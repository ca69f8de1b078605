package cli

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestEveryCommandHasHelp walks the command tree: every command needs a
// short description and an example, and every flag a description.
func TestEveryCommandHasHelp(t *testing.T) {
	t.Parallel()
	a := &app{getenv: func(string) string { return "" }}
	root := a.rootCommand()
	root.InitDefaultHelpCmd()
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		n++
		path := c.CommandPath()
		if strings.TrimSpace(c.Short) == "" {
			t.Errorf("%s has no short help text", path)
		}
		if !strings.Contains(c.Example, "connectd ") {
			t.Errorf("%s has no example", path)
		}
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if strings.TrimSpace(f.Usage) == "" {
				t.Errorf("%s: flag --%s has no description", path, f.Name)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if n < 20 {
		t.Errorf("walked %d commands; the tree has more", n)
	}
}

// TestCommandOf tells main which command lines are the client's, global
// flags before the command included.
func TestCommandOf(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"instance", "list"}, "instance"},
		{[]string{"contact"}, "contact"},
		{[]string{"--endpoint-url", "https://x", "--profile", "prod", "--instance", "i", "contact", "search"}, "contact"},
		{[]string{"-o", "json", "attrs", "get", "c"}, "attrs"},
		{[]string{"-ojson", "admin", "reset"}, "admin"},
		{[]string{"--output=json", "instance", "list"}, "instance"},
		{[]string{"--region", "eu-west-2", "--", "attrs"}, "attrs"},
		{[]string{"--help", "attrs"}, "attrs"},
		// A flag's value is not a command, even when it is spelled like one.
		{[]string{"--profile", "admin", "serve"}, ""},
		{[]string{"serve"}, ""},
		{[]string{"version"}, ""},
		{[]string{"help", "attrs"}, ""},
		{[]string{"--endpoint-url"}, ""},
		{[]string{}, ""},
		{[]string{"attr"}, ""},
	} {
		if got := CommandOf(c.args); got != c.want {
			t.Errorf("CommandOf(%q) = %q, want %q", c.args, got, c.want)
		}
	}
	// Every top-level command of the tree is one CommandOf knows.
	a := &app{getenv: func(string) string { return "" }}
	for _, c := range a.rootCommand().Commands() {
		if c.Name() != "help" && CommandOf([]string{c.Name()}) != c.Name() {
			t.Errorf("CommandOf(%q) misses a command of the tree", c.Name())
		}
	}
}
