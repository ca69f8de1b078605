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

// TestIsCommand tells main which first arguments are the client's.
func TestIsCommand(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"instance", "contact", "attrs", "admin"} {
		if !IsCommand(name) {
			t.Errorf("IsCommand(%q) = false", name)
		}
	}
	for _, name := range []string{"serve", "version", "help", "", "-h", "attr"} {
		if IsCommand(name) {
			t.Errorf("IsCommand(%q) = true", name)
		}
	}
	// Every top-level command of the tree is one IsCommand knows.
	a := &app{getenv: func(string) string { return "" }}
	for _, c := range a.rootCommand().Commands() {
		if c.Name() != "help" && !IsCommand(c.Name()) {
			t.Errorf("IsCommand(%q) = false for a command of the tree", c.Name())
		}
	}
}
