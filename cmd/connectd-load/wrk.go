package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// luaChunk is how many requests one Lua function of the table holds:
// LuaJIT (wrk's Lua) limits the constants of one function, and a table of
// 20,000 signed requests in one constructor exceeds it.
const luaChunk = 1000

// writeLuaTable writes reqs as a Lua chunk that returns them as a list of
// strings, for wrk/replay.lua.
func writeLuaTable(w io.Writer, reqs [][]byte) error {
	bw := bufio.NewWriter(w)
	// Each chunk is a function passed to add, not a parenthesised
	// function called in place: a line that starts with "(" after a
	// string would read as a call of that string.
	fmt.Fprintf(bw, "-- %d pre-signed requests, written by connectd-load for wrk/replay.lua.\nlocal t = {}\nlocal function add(f) f() end\n", len(reqs))
	for i, r := range reqs {
		if i%luaChunk == 0 {
			if i > 0 {
				bw.WriteString("end)\n")
			}
			bw.WriteString("add(function()\n")
		}
		bw.WriteString("t[#t+1] = ")
		bw.WriteString(luaQuote(r))
		bw.WriteByte('\n')
	}
	if len(reqs) > 0 {
		bw.WriteString("end)\n")
	}
	bw.WriteString("return t\n")
	return bw.Flush()
}

// luaQuote writes b as a Lua 5.1 string literal: printable ASCII as is,
// anything else as a decimal escape (Lua 5.1, which LuaJIT follows, has no
// \x escapes).
func luaQuote(b []byte) string {
	var s strings.Builder
	s.Grow(len(b) + len(b)/8 + 2)
	s.WriteByte('"')
	for _, c := range b {
		switch {
		case c == '"' || c == '\\':
			s.WriteByte('\\')
			s.WriteByte(c)
		case c >= 0x20 && c < 0x7f:
			s.WriteByte(c)
		default:
			fmt.Fprintf(&s, "\\%03d", c)
		}
	}
	s.WriteByte('"')
	return s.String()
}

// wrkScript is where replay.lua is: beside this file, in the repository.
func wrkScript() (string, error) {
	for _, p := range []string{"cmd/connectd-load/wrk/replay.lua", "wrk/replay.lua"} {
		if _, err := os.Stat(p); err == nil {
			return filepath.Abs(p)
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		p := filepath.Join(filepath.Dir(file), "wrk", "replay.lua")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("wrk/replay.lua not found: run connectd-load from the repository's root")
}

// wrkResult is what a wrk run reported, and the server's CPU meanwhile.
type wrkResult struct {
	rps     float64
	non2xx  int
	latency string // wrk's "Latency" line: avg, stdev, max
	cpu     time.Duration
	reqs    int
}

func (r wrkResult) String() string {
	s := fmt.Sprintf("%9.0f req/s  non-2xx %d  latency avg/stdev/max %s", r.rps, r.non2xx, r.latency)
	if r.reqs > 0 && r.cpu > 0 {
		s += fmt.Sprintf("  server cpu/req %v", (r.cpu / time.Duration(r.reqs)).Round(time.Microsecond))
	}
	return s
}

// wrkRounds writes the requests for c.op, signed for the -server binary,
// as a Lua table and alternates wrk rounds (one thread, c.connections
// connections, c.duration) against the yardstick in this process and the
// binary, printing each wrk command and its figures. The server CPU of a
// yardstick round is this process's (nothing else runs in it then); of a
// connectd round, the binary's from /proc/PID/stat.
func wrkRounds(ctx context.Context, c config, srv server, out io.Writer) error {
	script, err := wrkScript()
	if err != nil {
		return err
	}
	reqs, err := prepare(ctx, c, srv.url)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "connectd-wrk-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	table := filepath.Join(dir, c.op+".lua")
	if err := writeTableFile(table, reqs); err != nil {
		return err
	}
	yard, stopYard, err := yardstick()
	if err != nil {
		return err
	}
	defer stopYard()
	fmt.Fprintf(out, "wrk op=%s connections=%d duration=%v contacts=%d attrs=%d indexed-keys=%d requests=%d rounds=%d\n",
		c.op, c.connections, c.duration, c.contacts, c.attrs, c.indexed, c.requests, c.rounds)
	var ratios []float64
	for round := 1; round <= c.rounds; round++ {
		y, err := runWrk(ctx, c, script, table, yard, cpuTime, out)
		if err != nil {
			return fmt.Errorf("yardstick: %w", err)
		}
		fmt.Fprintf(out, "round %d yardstick %v\n", round, y)
		r, err := runWrk(ctx, c, script, table, srv.url, srv.cpu, out)
		if err != nil {
			return fmt.Errorf("connectd: %w", err)
		}
		ratios = append(ratios, r.rps/y.rps)
		fmt.Fprintf(out, "round %d connectd  %v  ratio %.3f\n", round, r, r.rps/y.rps)
	}
	slices.Sort(ratios)
	fmt.Fprintf(out, "wrk ratio: median of rounds %.3f (min %.3f, max %.3f)\n", median(ratios), ratios[0], ratios[len(ratios)-1])
	return nil
}

// writeTableFile writes the Lua table of reqs to path.
func writeTableFile(path string, reqs [][]byte) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("lua table: %w", err)
	}
	if err := writeLuaTable(f, reqs); err != nil {
		f.Close()
		return fmt.Errorf("lua table: %w", err)
	}
	return f.Close()
}

// runWrk runs one wrk round against url and reads its summary.
func runWrk(ctx context.Context, c config, script, table, url string, cpu func() time.Duration, out io.Writer) (wrkResult, error) {
	args := []string{"-t1", fmt.Sprintf("-c%d", c.connections), fmt.Sprintf("-d%ds", int(c.duration.Seconds())),
		"-s", script, url, "--", table}
	fmt.Fprintf(out, "$ %s %s\n", c.wrk, strings.Join(args, " "))
	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, c.wrk, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stdout
	cpu0 := cpu()
	err := cmd.Run()
	used := cpu() - cpu0
	if err != nil {
		return wrkResult{}, fmt.Errorf("%s: %w: %s", c.wrk, err, stdout.String())
	}
	r, err := parseWrk(stdout.String())
	r.cpu = used
	return r, err
}

// parseWrk reads wrk's summary: "Requests/sec:", "N requests in",
// "Non-2xx or 3xx responses:" and the Latency line.
func parseWrk(s string) (wrkResult, error) {
	var r wrkResult
	found := false
	for line := range strings.Lines(s) {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return r, fmt.Errorf("wrk: %q: %w", line, err)
			}
			r.rps, found = v, true
		case len(f) >= 4 && f[0] == "Non-2xx":
			r.non2xx, _ = strconv.Atoi(f[len(f)-1])
		case len(f) >= 3 && f[1] == "requests" && f[2] == "in":
			r.reqs, _ = strconv.Atoi(f[0])
		case len(f) >= 4 && f[0] == "Latency":
			r.latency = f[1] + "/" + f[2] + "/" + f[3]
		}
	}
	if !found {
		return r, fmt.Errorf("wrk printed no Requests/sec: %s", s)
	}
	return r, nil
}

// writeTable writes the Lua table of c.requests requests for c.op, signed
// for the connectd at c.endpoint (whose instance and contacts it creates),
// to c.wrkTable, and prints the wrk command that replays it.
func writeTable(ctx context.Context, c config, out io.Writer) error {
	reqs, err := prepare(ctx, c, c.endpoint)
	if err != nil {
		return err
	}
	if err := writeTableFile(c.wrkTable, reqs); err != nil {
		return err
	}
	script, err := wrkScript()
	if err != nil {
		script = "cmd/connectd-load/wrk/replay.lua"
	}
	fmt.Fprintf(out, "wrote %d %s requests to %s, valid for %v:\nwrk -t1 -c%d -d%ds -s %s %s -- %s\n",
		len(reqs), c.op, c.wrkTable, maxSkew, c.connections, int(c.duration.Seconds()), script, c.endpoint, c.wrkTable)
	return nil
}

// serveYardstick serves the yardstick on addr until ctx ends, for wrk.
func serveYardstick(ctx context.Context, addr string, out io.Writer) error {
	url, stop, err := yardstickOn(addr)
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintf(out, "yardstick at %s (pid %d); interrupt to stop\n", url, os.Getpid())
	if os.Getenv(childEnv) == "1" {
		// Started by startYardstick: its end closes our standard input.
		closed := make(chan struct{})
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			close(closed)
		}()
		select {
		case <-ctx.Done():
		case <-closed:
		}
		return nil
	}
	<-ctx.Done()
	return nil
}

// median is the median of sorted xs: the mean of the middle two for an
// even count.
func median(xs []float64) float64 {
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}
