package main

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// options are connectd-image's flags.
type options struct {
	out, tag, arch, pkg string
}

// Where things are in the image, and who runs connectd there: an
// unprivileged user (the "nonroot" id of distroless images), who owns
// /data, so that a named volume created from it is writable.
const (
	binaryPath = "/connectd"
	dataDir    = "/data"
	uid        = 65532
	port       = "4566/tcp"
)

// write builds connectd and writes the image tarball o.out; it returns the
// image's digest. The go command's output goes to log.
func write(ctx context.Context, o options, log io.Writer) (v1.Hash, error) {
	tag, err := name.NewTag(o.tag)
	if err != nil {
		return v1.Hash{}, fmt.Errorf("-tag %q: %w", o.tag, err)
	}
	bin, err := buildBinary(ctx, o, log)
	if err != nil {
		return v1.Hash{}, err
	}
	img, err := image(bin, o.arch)
	if err != nil {
		return v1.Hash{}, err
	}
	if err := tarball.WriteToFile(o.out, tag, img); err != nil {
		return v1.Hash{}, fmt.Errorf("write %s: %w", o.out, err)
	}
	return img.Digest()
}

// buildBinary builds a static connectd for linux/arch and returns its bytes.
func buildBinary(ctx context.Context, o options, log io.Writer) ([]byte, error) {
	dir, err := os.MkdirTemp("", "connectd-image")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "connectd")
	// -tags connectd_image embeds CA roots and time zone data (see
	// cmd/connectd/image.go); -trimpath keeps this machine's paths out.
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "connectd_image", "-trimpath", "-ldflags", "-s -w", "-o", out, o.pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+o.arch)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go build %s for linux/%s: %w", o.pkg, o.arch, err)
	}
	return os.ReadFile(out)
}

// image returns the image of one layer holding bin and /data.
func image(bin []byte, arch string) (v1.Image, error) {
	layer, err := layerOf(bin)
	if err != nil {
		return nil, err
	}
	cf, err := empty.Image.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", arch
	cf.Config = v1.Config{
		Entrypoint: []string{binaryPath},
		Cmd:        []string{"serve"},
		// Inside a container, listen on every interface: the port is only
		// reachable where `docker run -p` publishes it.
		Env:          []string{"CONNECTD_ADDR=0.0.0.0:4566", "CONNECTD_DATA=" + dataDir, "PATH=/"},
		ExposedPorts: map[string]struct{}{port: {}},
		Volumes:      map[string]struct{}{dataDir: {}},
		WorkingDir:   dataDir,
		User:         fmt.Sprintf("%d:%d", uid, uid),
		Healthcheck: &v1.HealthConfig{
			Test:     []string{"CMD", binaryPath, "health"},
			Interval: 10 * time.Second, Timeout: 5 * time.Second, StartPeriod: 10 * time.Second, Retries: 3,
		},
		Labels: map[string]string{
			"org.opencontainers.image.title":       "connectd",
			"org.opencontainers.image.description": "Amazon Connect-compatible contact service",
		},
	}
	img, err := mutate.ConfigFile(empty.Image, cf)
	if err != nil {
		return nil, err
	}
	return mutate.Append(img, mutate.Addendum{
		Layer:   layer,
		History: v1.History{CreatedBy: "go run ./cmd/connectd-image", Comment: "static connectd and /data"},
	})
}

// layerOf returns the image's one layer: /connectd and an empty /data (and
// /tmp), with fixed timestamps so that the same binary gives the same layer.
func layerOf(bin []byte) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	epoch := time.Unix(0, 0)
	entries := []struct {
		hdr  tar.Header
		body []byte
	}{
		{tar.Header{Typeflag: tar.TypeDir, Name: "data/", Mode: 0o755, Uid: uid, Gid: uid, ModTime: epoch}, nil},
		{tar.Header{Typeflag: tar.TypeDir, Name: "tmp/", Mode: 0o1777, ModTime: epoch}, nil},
		{tar.Header{Typeflag: tar.TypeReg, Name: binaryPath[1:], Mode: 0o755, Size: int64(len(bin)), ModTime: epoch}, bin},
	}
	for _, e := range entries {
		if err := tw.WriteHeader(&e.hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
}
