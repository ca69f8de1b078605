package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// parsePairs reads key=value arguments into a map. A value "-" is read from
// standard input (once per command), a value "@FILE" from the file, and
// "@@..." stands for a value that starts with a literal "@". One trailing
// newline of a value read from a file or stdin is dropped, as a shell's
// $(...) would. A repeated key is a usage error.
func (a *app) parsePairs(args []string) (map[string]string, error) {
	m := make(map[string]string, len(args))
	for _, arg := range args {
		k, v, ok := strings.Cut(arg, "=")
		if !ok || k == "" {
			return nil, usagef("%q is not key=value", arg)
		}
		if _, dup := m[k]; dup {
			return nil, usagef("key %q is given twice", k)
		}
		v, err := a.value(k, v)
		if err != nil {
			return nil, err
		}
		m[k] = v
	}
	return m, nil
}

// value resolves the value v given for key k (see parsePairs).
func (a *app) value(k, v string) (string, error) {
	var b []byte
	var err error
	switch {
	case v == "-":
		if a.stdinUsed {
			return "", usagef("only one value can be read from stdin (key %q)", k)
		}
		a.stdinUsed = true
		b, err = io.ReadAll(a.stdin)
		if err != nil {
			return "", fmt.Errorf("read the value of %q from stdin: %w", k, err)
		}
	case strings.HasPrefix(v, "@@"):
		return v[1:], nil
	case strings.HasPrefix(v, "@"):
		b, err = os.ReadFile(v[1:])
		if err != nil {
			return "", usagef("read the value of %q: %v", k, err)
		}
	default:
		return v, nil
	}
	s := strings.TrimSuffix(string(b), "\n")
	return strings.TrimSuffix(s, "\r"), nil
}
