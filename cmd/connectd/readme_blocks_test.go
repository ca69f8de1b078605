package main

import (
	"bufio"
	"os"
	"regexp"
	"strings"
)

// readmeBlock is one fenced shell block of the README.
type readmeBlock struct {
	lang string // "sh" or "console"
	line int    // the README line of its opening fence
	text string
	skip string // the reason of a <!-- readme-test: skip: REASON --> just above it
}

// step is one command of a console block and the output shown after it.
type step struct {
	cmd  string
	want []string
}

var skipMarker = regexp.MustCompile(`^<!-- readme-test: skip: (.+) -->$`)

// readmeBlocks returns the README's sh and console blocks.
func readmeBlocks(path string) ([]readmeBlock, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var blocks []readmeBlock
	var cur *readmeBlock
	prev := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur != nil && line == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.text += line + "\n"
		case line == "```sh" || line == "```console":
			cur = &readmeBlock{lang: strings.TrimPrefix(line, "```"), line: n}
			if m := skipMarker.FindStringSubmatch(prev); m != nil {
				cur.skip = m[1]
			}
		}
		if strings.TrimSpace(line) != "" {
			prev = line
		}
	}
	return blocks, sc.Err()
}

var heredoc = regexp.MustCompile(`<<-?'?"?([A-Za-z_]+)'?"?`)

// steps splits a console block into commands ("$ " lines, with their
// backslash continuations and here-documents) and the output after each.
func steps(text string) []step {
	var out []step
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if !strings.HasPrefix(line, "$ ") {
			if len(out) > 0 {
				out[len(out)-1].want = append(out[len(out)-1].want, line)
			}
			continue
		}
		cmd := strings.TrimPrefix(line, "$ ")
		for strings.HasSuffix(cmd, "\\") && i+1 < len(lines) {
			i++
			cmd += "\n" + lines[i]
		}
		if m := heredoc.FindStringSubmatch(cmd); m != nil {
			for i+1 < len(lines) {
				i++
				cmd += "\n" + lines[i]
				if lines[i] == m[1] {
					break
				}
			}
		}
		out = append(out, step{cmd: cmd})
	}
	return out
}

// tools returns which of the programs the README's blocks may need (aws,
// jq, curl) the shell text runs.
func tools(shell string) []string {
	var need []string
	for _, tool := range []string{"aws", "jq", "curl"} {
		if regexp.MustCompile(`(^|[\s|;&(])` + tool + `\s`).MatchString(shell) {
			need = append(need, tool)
		}
	}
	return need
}

// matches reports whether got shows want: lines compared after trimming
// trailing blanks, blank lines ignored, and "…" in want standing for any
// text.
func matches(want, got []string) bool {
	w, g := nonBlank(want), nonBlank(got)
	if len(w) != len(g) {
		return false
	}
	for i := range w {
		parts := strings.Split(w[i], "…")
		for j := range parts {
			parts[j] = regexp.QuoteMeta(parts[j])
		}
		if !regexp.MustCompile("^" + strings.Join(parts, ".*") + "$").MatchString(g[i]) {
			return false
		}
	}
	return true
}

func nonBlank(lines []string) []string {
	var out []string
	for _, l := range lines {
		if l = strings.TrimRight(l, " \t\r"); l != "" {
			out = append(out, l)
		}
	}
	return out
}
