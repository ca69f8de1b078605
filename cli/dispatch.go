package cli

import (
	"strings"

	"github.com/spf13/pflag"
)

// topLevel reports whether name is one of the client's top-level commands.
func topLevel(name string) bool {
	switch name {
	case "instance", "contact", "attrs", "admin":
		return true
	}
	return false
}

// CommandOf returns the client command that args (without the program
// name) run, so that main can hand the line to Run: the first word that is
// neither a global flag nor a global flag's value, if it is one of the
// client's top-level commands (instance, contact, attrs, admin), else "".
// Global flags may come before the command ("connectd --profile prod -o
// json contact search"), as with the AWS CLI.
func CommandOf(args []string) string {
	flags := (&app{getenv: func(string) string { return "" }}).rootCommand().PersistentFlags()
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			if i+1 < len(args) && topLevel(args[i+1]) {
				return args[i+1]
			}
			return ""
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			if topLevel(arg) {
				return arg
			}
			return ""
		}
		if takesValue(flags, arg) {
			i++ // the flag's value is the next word
		}
	}
	return ""
}

// takesValue reports whether the flag word arg ("--profile", "-o") is a
// global flag whose value is the next word: not "--flag=value", not "-ojson",
// not a boolean.
func takesValue(flags *pflag.FlagSet, arg string) bool {
	var f *pflag.Flag
	switch {
	case strings.HasPrefix(arg, "--"):
		if strings.Contains(arg, "=") {
			return false
		}
		f = flags.Lookup(arg[2:])
	case len(arg) == 2:
		f = flags.ShorthandLookup(arg[1:])
	default:
		return false // -ojson or -o=json carries its value
	}
	return f != nil && f.NoOptDefVal == ""
}
