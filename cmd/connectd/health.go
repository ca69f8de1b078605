package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// healthCommand asks a running connectd whether it is healthy, for a container's
// HEALTHCHECK (the image has no shell and no curl): exit 0 if
// /_connectd/health answers 200, else 1 with the reason.
func healthCommand(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	def := localURL(e.getenv("CONNECTD_ADDR"))
	url := fs.String("url", def, "`URL` of the connectd to ask (default from CONNECTD_ADDR, else http://127.0.0.1:4566)")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for the answer, as a Go `duration`")
	fs.Usage = func() {
		fmt.Fprint(e.stderr, "Usage: connectd health [flags]\n\nExits 0 if the connectd at --url is healthy, 1 if not. Flags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(*url, "/")+"/_connectd/health", nil)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: %s answered %s: %s", *url, resp.Status, strings.TrimSpace(string(body)))
	}
	fmt.Fprintln(e.stdout, strings.TrimSpace(string(body)))
	return nil
}

// localURL turns a listen address (CONNECTD_ADDR) into the URL to reach it
// on this machine: a wildcard host becomes 127.0.0.1.
func localURL(addr string) string {
	if addr == "" {
		return "http://127.0.0.1:4566"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://127.0.0.1:4566"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
