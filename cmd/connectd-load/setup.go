package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/connectd/connectd"
	"github.com/connectd/connectd/api"
	"github.com/connectd/connectd/sqlite"
)

// startConnectd runs connectd in this process on the embedded SQLite store
// in dir (a temp dir when empty), with every write fsync'd as in production.
func startConnectd(ctx context.Context, c config) (url string, stop func(), err error) {
	dir := c.data
	if dir == "" {
		if dir, err = os.MkdirTemp("", "connectd-load-"); err != nil {
			return "", nil, err
		}
	}
	log := slog.New(slog.DiscardHandler)
	store, err := sqlite.Open(ctx, dir, connectd.SystemClock{}, log)
	if err != nil {
		return "", nil, err
	}
	h := api.New(api.Config{Store: store, Logger: log, Region: "us-east-1", StoreName: "sqlite", Admin: true})
	if c.preload > 0 {
		if err := preload(ctx, h, c.preload); err != nil {
			store.Close()
			return "", nil, err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		store.Close()
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	return "http://" + ln.Addr().String(), func() {
		srv.Close()
		store.Close()
		if c.data == "" {
			os.RemoveAll(dir)
		}
	}, nil
}

// preload imports n contacts into an instance of their own, in batches, so
// that the measured contacts live in a large database.
func preload(ctx context.Context, h *api.Server, n int) error {
	const batch = 20000
	inst := "preload-" + fmt.Sprint(rand.Uint32())
	now := time.Now().Unix()
	for done := 0; done < n; done += batch {
		doc := map[string]any{"Instances": []any{}}
		if done == 0 {
			doc["Instances"] = []any{map[string]any{"Id": inst}}
		}
		var contacts []any
		for i := done; i < min(n, done+batch); i++ {
			contacts = append(contacts, map[string]any{"InstanceId": inst, "Id": fmt.Sprintf("p%08d", i),
				"Channel": "TASK", "InitiationTimestamp": now - int64(i%(365*86400)),
				"Attributes": map[string]string{"tier": "gold", "n": fmt.Sprint(i)}})
		}
		doc["Contacts"] = contacts
		b, _ := json.Marshal(doc)
		if err := h.Import(ctx, bytes.NewReader(b)); err != nil {
			return fmt.Errorf("preload: %w", err)
		}
	}
	return nil
}

// prepare creates an instance and c.contacts contacts through the SDK and
// pre-signs c.requests requests for c.op.
func prepare(ctx context.Context, c config, target string) ([][]byte, error) {
	creds := credentials.NewStaticCredentialsProvider(c.accessKey, c.secretKey, "")
	client := connect.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: creds},
		func(o *connect.Options) { o.BaseEndpoint = aws.String(target) })
	inst, err := client.CreateInstance(ctx, &connect.CreateInstanceInput{
		IdentityManagementType: "CONNECT_MANAGED", InstanceAlias: aws.String(fmt.Sprintf("load%d", rand.Uint32())),
		InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("create instance: %w", err)
	}
	ids := make([]string, c.contacts)
	for i := range ids {
		out, err := client.StartTaskContact(ctx, &connect.StartTaskContactInput{
			InstanceId: inst.Id, Name: aws.String("load"), ContactFlowId: aws.String("flow"),
		})
		if err != nil {
			return nil, fmt.Errorf("start contact: %w", err)
		}
		ids[i] = aws.ToString(out.ContactId)
	}
	cred, err := creds.Retrieve(ctx)
	if err != nil {
		return nil, err
	}
	signer := v4.NewSigner()
	now := time.Now()
	reqs := make([][]byte, c.requests)
	for i := range reqs {
		contact := ids[i%len(ids)]
		var r *http.Request
		var body []byte
		if c.op == "update" {
			attrs := map[string]string{}
			for k := 0; k < c.attrs; k++ {
				attrs[fmt.Sprintf("key%02d", k)] = fmt.Sprintf("value-%d-%d", i, k)
			}
			body, _ = json.Marshal(map[string]any{"InstanceId": aws.ToString(inst.Id), "InitialContactId": contact, "Attributes": attrs})
			r, _ = http.NewRequest(http.MethodPost, target+"/contact/attributes", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
		} else {
			r, _ = http.NewRequest(http.MethodGet, target+"/contact/attributes/"+aws.ToString(inst.Id)+"/"+contact, nil)
		}
		sum := sha256.Sum256(body)
		if err := signer.SignHTTP(ctx, cred, r, hex.EncodeToString(sum[:]), "connect", "us-east-1", now); err != nil {
			return nil, err
		}
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		if reqs[i], err = serialise(r); err != nil {
			return nil, err
		}
	}
	return reqs, nil
}

// measure runs the rounds and prints the figures.
func measure(ctx context.Context, c config, out io.Writer) error {
	target := c.endpoint
	if target == "" {
		url, stop, err := startConnectd(ctx, c)
		if err != nil {
			return err
		}
		defer stop()
		target = url
	}
	reqs, err := prepare(ctx, c, target)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "op=%s connections=%d duration=%v contacts=%d attrs=%d requests=%d preload=%d\n",
		c.op, c.connections, c.duration, c.contacts, c.attrs, c.requests, c.preload)
	var yard string
	if c.yardstick {
		url, stop, err := yardstick()
		if err != nil {
			return err
		}
		defer stop()
		yard = url
	}
	// The same bytes go to both servers: the Host header stays the one that
	// was signed, and neither server routes on it.
	var best, bestYard result
	for round := 1; round <= c.rounds; round++ {
		if c.yardstick {
			y, err := replay(ctx, yard, reqs, c.connections, c.duration)
			if err != nil {
				return fmt.Errorf("yardstick: %w", err)
			}
			fmt.Fprintf(out, "round %d yardstick %v\n", round, y)
			if bestYard.requests == 0 || y.rps() > bestYard.rps() {
				bestYard = y
			}
		}
		stopProfile, err := startProfile(c.cpuProfile, round)
		if err != nil {
			return err
		}
		r, err := replay(ctx, target, reqs, c.connections, c.duration)
		stopProfile()
		if err != nil {
			return fmt.Errorf("connectd: %w", err)
		}
		fmt.Fprintf(out, "round %d connectd  %v\n", round, r)
		if best.requests == 0 || r.rps() > best.rps() {
			best = r
		}
	}
	if c.yardstick {
		fmt.Fprintf(out, "best: connectd %.0f req/s, yardstick %.0f req/s, ratio %.3f\n", best.rps(), bestYard.rps(), best.rps()/bestYard.rps())
	}
	return nil
}

// startProfile starts a CPU profile of the first connectd round, if asked.
func startProfile(path string, round int) (stop func(), err error) {
	if path == "" || round != 1 {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
