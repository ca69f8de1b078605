// Command connectd-image writes a container image of connectd as a tarball
// that `docker load` (or `podman load`) reads, without a container engine
// and without pulling a base image:
//
//	go run ./cmd/connectd-image -o connectd.tar
//	docker load -i connectd.tar
//	docker run -p 4566:4566 -v connectd:/data connectd:latest
//
// The image holds one file, a static connectd (CGO_ENABLED=0, pure Go)
// built with its own CA roots and time zone data, plus an empty /data. Its
// configuration listens on 0.0.0.0:4566 (CONNECTD_ADDR), keeps the SQLite
// database in the /data volume (CONNECTD_DATA), exposes 4566/tcp, and
// checks its health with `connectd health`.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
)

func main() {
	var o options
	flag.StringVar(&o.out, "o", "connectd.tar", "write the image tarball to this `file`")
	flag.StringVar(&o.tag, "tag", "connectd:latest", "the image's `name:tag` in the tarball, as docker load names it")
	flag.StringVar(&o.arch, "arch", runtime.GOARCH, "the image's CPU `architecture` (GOARCH: amd64, arm64, ...)")
	flag.StringVar(&o.pkg, "pkg", "github.com/connectd/connectd/cmd/connectd", "the Go `package` to build (run from inside the connectd module)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: go run ./cmd/connectd-image [flags]\n\nWrites a docker-loadable image of connectd; no container engine needed. Flags:\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "connectd-image: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	digest, err := write(ctx, o, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "connectd-image:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s: %s (%s); load it with: docker load -i %s\n", o.out, o.tag, digest, o.out)
}
