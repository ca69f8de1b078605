package main

import (
	"archive/tar"
	"context"
	"debug/buildinfo"
	"debug/elf"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// TestImage writes the image tarball as `go run ./cmd/connectd-image`
// would, reads it back as docker load does (manifest.json, config, layer),
// checks the configuration, then extracts connectd from the layer and runs
// it with the image's environment (but on a free port) until its health
// check passes. No container engine runs here, so `docker load` itself is
// not exercised.
func TestImage(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the image's binary is for linux; it can only be run on linux")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "connectd.tar")
	o := options{out: out, tag: "connectd:test", arch: runtime.GOARCH, pkg: "github.com/connectd/connectd/cmd/connectd"}
	var log strings.Builder
	if _, err := write(context.Background(), o, &log); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}

	tag, _ := name.NewTag("connectd:test")
	img, err := tarball.ImageFromPath(out, &tag)
	if err != nil {
		t.Fatalf("read the tarball back: %v", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c := cf.Config
	env := strings.Join(c.Env, " ")
	switch {
	case cf.OS != "linux" || cf.Architecture != runtime.GOARCH:
		t.Errorf("platform %s/%s", cf.OS, cf.Architecture)
	case strings.Join(c.Entrypoint, " ") != "/connectd" || strings.Join(c.Cmd, " ") != "serve":
		t.Errorf("entrypoint %q cmd %q", c.Entrypoint, c.Cmd)
	case !strings.Contains(env, "CONNECTD_ADDR=0.0.0.0:4566") || !strings.Contains(env, "CONNECTD_DATA=/data"):
		t.Errorf("env %q", c.Env)
	case len(c.ExposedPorts) != 1 || c.Volumes == nil:
		t.Errorf("exposed ports %v, volumes %v", c.ExposedPorts, c.Volumes)
	case c.Healthcheck == nil || strings.Join(c.Healthcheck.Test, " ") != "CMD /connectd health":
		t.Errorf("healthcheck %+v", c.Healthcheck)
	case c.User != "65532:65532":
		t.Errorf("user %q", c.User)
	}
	if _, ok := c.ExposedPorts["4566/tcp"]; !ok {
		t.Errorf("4566/tcp not exposed: %v", c.ExposedPorts)
	}
	if _, ok := c.Volumes["/data"]; !ok {
		t.Errorf("/data is no volume: %v", c.Volumes)
	}

	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("layers: %d, %v", len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	bin := filepath.Join(dir, "connectd")
	files := map[string]*tar.Header{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		files[h.Name] = h
		if h.Name == "connectd" {
			f, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(f, tr); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
	}
	if h := files["data/"]; h == nil || h.Uid != 65532 {
		t.Errorf("/data missing or not owned by the image's user: %+v", h)
	}
	if len(files) != 3 {
		t.Errorf("layer holds %d entries, want connectd, data/, tmp/: %v", len(files), files)
	}
	checkStatic(t, bin)

	// Run the binary as the image would, on a free port instead of 4566,
	// and wait for it as Docker would: with the HEALTHCHECK's command.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	data := t.TempDir()
	imageEnv := append(os.Environ(), "CONNECTD_DATA="+data, "CONNECTD_ADDR="+addr)
	cmd := exec.Command(bin, c.Cmd...)
	cmd.Env = imageEnv
	var serveLog strings.Builder
	cmd.Stderr = &serveLog
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		hc := exec.Command(bin, c.Healthcheck.Test[2:]...)
		hc.Env = imageEnv
		out, err := hc.CombinedOutput()
		if err == nil && strings.Contains(string(out), `"Status":"running"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("connectd health still failing after a minute: %v\n%s", err, out)
		}
	}
	if _, err := os.Stat(filepath.Join(data, "connectd.db")); err != nil {
		t.Errorf("no database in CONNECTD_DATA: %v", err)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	hc := exec.Command(bin, "health", "--url", "http://"+addr, "--timeout", "2s")
	if err := hc.Run(); err == nil {
		t.Error("connectd health passed with the server stopped")
	}
}

// checkStatic checks that bin needs no dynamic loader and was built from
// pure Go with the image's embedded roots and time zone data.
func checkStatic(t *testing.T, bin string) {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary has a program interpreter: it is not static")
		}
	}
	bi, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	if settings["CGO_ENABLED"] != "0" || settings["-tags"] != "connectd_image" {
		t.Errorf("build settings %v, want CGO_ENABLED=0 and -tags=connectd_image", settings)
	}
	roots := false
	for _, d := range bi.Deps {
		roots = roots || d.Path == "golang.org/x/crypto/x509roots/fallback"
	}
	if !roots {
		t.Error("the binary lacks the embedded CA roots (golang.org/x/crypto/x509roots/fallback)")
	}
}
