package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// readLuaTable parses what writeLuaTable writes, as Lua would: the
// string literals of the `t[#t+1] = "..."` lines, with Lua 5.1's
// escapes. It refuses anything else, so a change of format fails here.
func readLuaTable(t *testing.T, src string) [][]byte {
	t.Helper()
	var reqs [][]byte
	for n, line := range strings.Split(src, "\n") {
		lit, ok := strings.CutPrefix(line, "t[#t+1] = ")
		if !ok {
			switch line {
			case "", "local t = {}", "local function add(f) f() end", "add(function()", "end)", "return t":
			default:
				if !strings.HasPrefix(line, "--") {
					t.Fatalf("line %d: unexpected %q", n+1, line)
				}
			}
			continue
		}
		if len(lit) < 2 || lit[0] != '"' || lit[len(lit)-1] != '"' {
			t.Fatalf("line %d: not a string literal: %.40q", n+1, lit)
		}
		var b []byte
		for i := 1; i < len(lit)-1; i++ {
			c := lit[i]
			switch {
			case c == '"':
				t.Fatalf("line %d: unescaped quote at %d", n+1, i)
			case c != '\\':
				b = append(b, c)
			case lit[i+1] == '"' || lit[i+1] == '\\':
				b = append(b, lit[i+1])
				i++
			default:
				v, err := strconv.Atoi(lit[i+1 : i+4])
				if err != nil || v > 255 {
					t.Fatalf("line %d: bad escape %q", n+1, lit[i:i+4])
				}
				b = append(b, byte(v))
				i += 3
			}
		}
		reqs = append(reqs, b)
	}
	return reqs
}

// TestWrkTableHoldsSignedRequests writes the Lua table for each operation
// against an in-process connectd that verifies SigV4, reads it back as
// Lua would, and replays every entry: each must be answered 200, so a
// request mangled by the quoting or badly signed fails the test.
func TestWrkTableHoldsSignedRequests(t *testing.T) {
	for _, op := range []string{"update", "get"} {
		t.Run(op, func(t *testing.T) {
			var out bytes.Buffer
			c := config{op: op, auth: "sigv4", contacts: 2, attrs: 3, requests: 2*luaChunk + 1, accessKey: "AKIDLOADTEST", secretKey: "load-test-secret"}
			url, stop, err := startConnectd(t.Context(), c, &out)
			if err != nil {
				t.Fatal(err)
			}
			defer stop()
			c.endpoint, c.wrkTable = url, filepath.Join(t.TempDir(), op+".lua")
			c.connections, c.duration = 64, 10e9
			if err := writeTable(t.Context(), c, &out); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "wrk -t1 -c64 -d10s -s ") {
				t.Errorf("no wrk command printed:\n%s", out.String())
			}
			src, err := os.ReadFile(c.wrkTable)
			if err != nil {
				t.Fatal(err)
			}
			reqs := readLuaTable(t, string(src))
			if len(reqs) != c.requests {
				t.Fatalf("table holds %d requests, want %d", len(reqs), c.requests)
			}
			conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			br := bufio.NewReader(conn)
			// The first, one across each chunk boundary, and the last.
			for _, i := range []int{0, luaChunk - 1, luaChunk, 2 * luaChunk, len(reqs) - 1} {
				if !bytes.Contains(reqs[i], []byte("Authorization: AWS4-HMAC-SHA256 ")) {
					t.Fatalf("request %d is not signed:\n%s", i, reqs[i])
				}
				status, err := roundTrip(conn, br, reqs[i])
				if err != nil || status != http.StatusOK {
					t.Fatalf("request %d: %d, %v", i, status, err)
				}
			}
		})
	}
}

func TestParseWrk(t *testing.T) {
	const sample = `Running 10s test @ http://127.0.0.1:4566
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.12ms    2.01ms  40.11ms   80.00%
    Req/Sec    12.5k     1.1k   14.0k    70.00%
  124512 requests in 10.00s, 20.1MB read
  Non-2xx or 3xx responses: 17
Requests/sec:  12451.20
Transfer/sec:      2.01MB
`
	r, err := parseWrk(sample)
	if err != nil {
		t.Fatal(err)
	}
	if r.rps != 12451.20 || r.reqs != 124512 || r.non2xx != 17 || r.latency != "5.12ms/2.01ms/40.11ms" {
		t.Errorf("parseWrk = %+v", r)
	}
	if _, err := parseWrk("unable to connect to 127.0.0.1:1 Connection refused\n"); err == nil {
		t.Error("parseWrk accepted output without Requests/sec")
	}
}

// TestMixedSmoke runs a tiny mixed load against an in-process connectd:
// every operation of the mix is sent and answered 200 (a request the
// server refused as malformed would show as "other").
func TestMixedSmoke(t *testing.T) {
	var out, errOut bytes.Buffer
	args := []string{"-op", "mixed", "-duration", "500ms", "-contacts", "8", "-n", "10", "-c", "4", "-timeout", "20s"}
	if err := run(t.Context(), args, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s%s", err, out.String(), errOut.String())
	}
	got := out.String()
	for k := range mixKinds {
		name := mixName(k)
		var sent, ok, r429, r503, other int
		found := false
		for line := range strings.Lines(got) {
			if strings.HasPrefix(line, name+" ") {
				_, err := fmt.Sscan(strings.TrimPrefix(line, name), &sent, &ok, &r429, &r503, &other)
				if err != nil {
					t.Fatalf("%s: %v in %q", name, err, line)
				}
				found = true
			}
		}
		if !found || sent == 0 || ok != sent {
			t.Errorf("%s: sent %d, 200 %d (found %v):\n%s", name, sent, ok, found, got)
		}
	}
	if !strings.Contains(got, "waits over 5s:") {
		t.Errorf("no summary:\n%s", got)
	}
}
