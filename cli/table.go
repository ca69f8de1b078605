package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"
)

// MaxCellRunes is the widest a table cell gets; a longer value is cut and
// ends with CutMarker. --output json always shows values in full.
const MaxCellRunes = 60

// CutMarker ends a value that was cut to fit a table.
const CutMarker = "…"

// escaper makes control characters visible, so that a value stays on its
// row and in its column.
var escaper = strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`)

// cell returns v as a table shows it: control characters escaped, cut to
// MaxCellRunes.
func cell(v string) string {
	v = escaper.Replace(v)
	if utf8.RuneCountInString(v) <= MaxCellRunes {
		return v
	}
	r := []rune(v)
	return string(r[:MaxCellRunes-1]) + CutMarker
}

// writeTable prints rows under header, aligned in columns.
func writeTable(w io.Writer, header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				fmt.Fprint(tw, "\t")
			}
			fmt.Fprint(tw, cell(c))
		}
		fmt.Fprintln(tw)
	}
	line(header)
	for _, r := range rows {
		line(r)
	}
	return tw.Flush()
}

// writePairs prints a map as a two-column table under header, sorted by key.
func writePairs(w io.Writer, header [2]string, m map[string]string) error {
	keys := sortedKeys(m)
	rows := make([][]string, len(keys))
	for i, k := range keys {
		rows[i] = []string{k, m[k]}
	}
	return writeTable(w, header[:], rows)
}

// timeCell shows an optional timestamp.
func timeCell(t *time.Time) string {
	if t == nil {
		return ""
	}
	return formatTime(*t)
}
