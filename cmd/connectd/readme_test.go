//go:build unix

package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestREADME runs every console block of the README, command by command,
// in bash, against a connectd built from this tree (and, for blocks that
// use the AWS CLI, once with each of the AWS CLI v1 and v2), and compares
// what each command prints with what the README shows after it. A block
// the test cannot run carries a <!-- readme-test: skip: REASON --> line.
// In CI (CI set), a missing tool (aws v1 or v2, jq, curl) fails the test;
// elsewhere it skips, naming the tool.
func TestREADME(t *testing.T) {
	blocks, err := readmeBlocks("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) < 5 {
		t.Fatalf("found %d shell blocks in the README; the parser is broken", len(blocks))
	}
	binDir := t.TempDir()
	if out, err := exec.Command("go", "build", "-o", filepath.Join(binDir, "connectd"), ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	clis := awsCLIs()
	ran := 0
	for _, b := range blocks {
		t.Run(fmt.Sprintf("line%d", b.line), func(t *testing.T) {
			if b.skip != "" {
				t.Skipf("README line %d: %s", b.line, b.skip)
			}
			if b.lang != "console" {
				t.Fatalf("README line %d: a %s block is not run; write it as a console block with its output, or give a readme-test skip reason", b.line, b.lang)
			}
			var cmds []string
			for _, s := range steps(b.text) {
				cmds = append(cmds, s.cmd)
			}
			need := tools(strings.Join(cmds, "\n"))
			for _, tool := range need {
				if _, err := exec.LookPath(tool); err != nil && tool != "aws" {
					missing(t, b, tool+" (Debian package "+tool+")")
				}
			}
			if !slices.Contains(need, "aws") {
				runConsole(t, b, binDir, "")
				ran++
				return
			}
			for _, v := range []string{"v1", "v2"} {
				t.Run("aws-cli-"+v, func(t *testing.T) {
					if clis[v] == "" {
						missing(t, b, "the AWS CLI "+v+" (v1: pip's awscli, on the machine image; v2: Debian's awscli)")
					}
					runConsole(t, b, binDir, clis[v])
					ran++
				})
			}
		})
	}
	if ran == 0 && !t.Failed() {
		t.Error("no README block ran")
	}
}

// missing fails (in CI) or skips (elsewhere) a block that needs a tool
// that is not installed.
func missing(t *testing.T, b readmeBlock, tool string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("README line %d needs %s, which is not installed; .ci/run should install it", b.line, tool)
	}
	t.Skipf("README line %d needs %s, which is not installed", b.line, tool)
}

// awsCLIs finds an AWS CLI v1 and a v2 among the aws programs on PATH and
// in the usual places: both are often installed, under the same name.
func awsCLIs() map[string]string {
	found := map[string]string{}
	cands := []string{"/usr/bin/aws", "/usr/local/bin/aws", filepath.Join(os.Getenv("HOME"), ".pyenv/shims/aws")}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		cands = append(cands, filepath.Join(dir, "aws"))
	}
	re := regexp.MustCompile(`aws-cli/(\d+)\.`)
	for _, c := range cands {
		if fi, err := os.Stat(c); err != nil || fi.IsDir() {
			continue
		}
		out, _ := exec.Command(c, "--version").CombinedOutput()
		if m := re.FindSubmatch(out); m != nil && found["v"+string(m[1])] == "" {
			found["v"+string(m[1])] = c
		}
	}
	return found
}

// readmePort returns the port the README's commands use, 4566, if it is
// free, else a free one (then the commands and outputs are rewritten).
func readmePort(t *testing.T) int {
	for _, addr := range []string{"127.0.0.1:4566", "127.0.0.1:0"} {
		if ln, err := net.Listen("tcp", addr); err == nil {
			port := ln.Addr().(*net.TCPAddr).Port
			ln.Close()
			return port
		}
	}
	t.Fatal("no free port")
	return 0
}

var serveStep = regexp.MustCompile(`^connectd serve(.*?)\s*&\s*(#.*)?$`)

// runConsole runs one console block in a fresh directory and compares each
// command's output with the README's.
func runConsole(t *testing.T, b readmeBlock, binDir, aws string) {
	dir := t.TempDir()
	toolDir := filepath.Join(dir, ".tools")
	if err := os.Mkdir(toolDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if aws != "" {
		if err := os.Symlink(aws, filepath.Join(toolDir, "aws")); err != nil {
			t.Fatal(err)
		}
	}
	port := readmePort(t)
	local := "127.0.0.1:" + strconv.Itoa(port)
	fix := func(s string) string { return strings.ReplaceAll(s, "127.0.0.1:4566", local) }
	all := steps(b.text)
	var script strings.Builder
	fmt.Fprintf(&script, `__wait() { for __i in $(seq 1 300); do connectd health --url http://%s >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "connectd did not start:"; cat .serve.log; return 1; }
__mark() { printf '\n\036%%d %%d\n' "$1" "$2"; }
`, local)
	serves := false
	for _, s := range all {
		serves = serves || serveStep.MatchString(s.cmd)
	}
	if !serves { // the block expects a connectd running, as after the quick start
		fmt.Fprintf(&script, "connectd serve --data :memory: --addr %s >.serve.log 2>&1 &\n__wait\n", local)
	}
	for i, s := range all {
		cmd := fix(s.cmd)
		if m := serveStep.FindStringSubmatch(cmd); m != nil {
			cmd = fmt.Sprintf("connectd serve%s --addr %s >.serve.log 2>&1 &\n__wait", m[1], local)
		}
		fmt.Fprintf(&script, "{ %s\n} 2>&1; __s=$?; __mark %d $__s; (exit $__s)\n", cmd, i)
	}
	script.WriteString("kill $(jobs -p) 2>/dev/null; wait 2>/dev/null\n")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-c", script.String())
	cmd.Dir = dir
	cmd.Env = readmeEnv(dir, binDir, toolDir, port)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	out, err := cmd.Output()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // a server the block left running
	}
	if ctx.Err() != nil {
		t.Fatalf("README line %d: timed out; output so far:\n%s", b.line, out)
	}
	_ = err // each command's status is in the output; the last may fail on purpose

	got := map[int][]string{}
	var chunk []string
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "\036") {
			i, _ := strconv.Atoi(strings.Fields(line[1:])[0])
			got[i], chunk = chunk, nil
			continue
		}
		chunk = append(chunk, line)
	}
	for i, s := range all {
		lines, ok := got[i]
		if !ok {
			t.Fatalf("README line %d: the block stopped before %q; output:\n%s", b.line, s.cmd, out)
		}
		want := make([]string, len(s.want))
		for j, w := range s.want {
			want[j] = fix(w)
		}
		if !matches(want, lines) {
			t.Errorf("README line %d: $ %s\nthe README shows:\n%s\nit printed:\n%s", b.line, s.cmd,
				strings.Join(want, "\n"), strings.Join(lines, "\n"))
		}
	}
}

// readmeEnv is a clean environment for a block: no AWS or connectd
// settings of the machine's, a home of its own, connectd and the chosen aws
// first on PATH, and the endpoint when connectd is not on port 4566.
func readmeEnv(home, binDir, toolDir string, port int) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "CONNECTD_") && !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	env = append(env, "HOME="+home, "PATH="+binDir+":"+toolDir+":"+os.Getenv("PATH"),
		"AWS_CONFIG_FILE="+filepath.Join(home, "no-config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, "no-credentials"),
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=")
	if port != 4566 {
		env = append(env, fmt.Sprintf("AWS_ENDPOINT_URL=http://127.0.0.1:%d", port))
	}
	return env
}
