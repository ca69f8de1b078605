package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/connectd/connectd"
	"github.com/connectd/connectd/api"
	"github.com/connectd/connectd/internal/auth"
	"github.com/connectd/connectd/internal/cpuprofile"
	"github.com/connectd/connectd/sigv4"
	"github.com/connectd/connectd/sqlite"
)

// maxSkew is the in-process connectd's SigV4 clock window, as `connectd
// serve` defaults to; the pre-signed requests must be replayed within it.
const maxSkew = 15 * time.Minute

// startConnectd runs connectd in this process on the embedded SQLite store
// in dir (a temp dir when empty), with every write fsync'd as in production
// and, unless -auth none, every request's SigV4 signature verified against
// the one credential the load generator signs with.
func startConnectd(ctx context.Context, c config, out io.Writer) (url string, stop func(), err error) {
	dir := c.data
	if dir == "" {
		if dir, err = os.MkdirTemp("", "connectd-load-"); err != nil {
			return "", nil, fmt.Errorf("data directory: %w", err)
		}
	}
	cleanup := func() {
		if c.data == "" {
			os.RemoveAll(dir)
		}
	}
	log := slog.New(slog.DiscardHandler)
	store, err := sqlite.Open(ctx, dir, connectd.SystemClock{}, log)
	if err != nil {
		cleanup()
		return "", nil, err
	}
	authn, err := auth.New(c.auth, c.credentials(), maxSkew, "us-east-1")
	if err != nil {
		store.Close()
		cleanup()
		return "", nil, fmt.Errorf("authenticator: %w", err)
	}
	svc := connectd.NewService(store, connectd.SystemClock{})
	// As serve's defaults (--contact-events none): events are written
	// NO_DESTINATION, so the outbox's write costs what serve's does.
	svc.SetDelivery(connectd.Delivery{})
	h := api.New(api.Config{Service: svc, Logger: log, Region: "us-east-1", StoreName: "sqlite", Admin: true, Auth: authn})
	if c.preload > 0 {
		if err := preload(ctx, store, c.preload, out); err != nil {
			store.Close()
			cleanup()
			return "", nil, err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		store.Close()
		cleanup()
		return "", nil, fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	return "http://" + ln.Addr().String(), func() {
		srv.Close()
		store.Close()
		cleanup()
	}, nil
}

// credentials is the credential list connectd verifies with: the key the
// load generator signs with.
func (c config) credentials() []sigv4.Credential {
	if c.auth == "none" {
		return nil
	}
	return []sigv4.Credential{{AccessKeyId: c.accessKey, SecretAccessKey: c.secretKey}}
}

// preload adds n contacts to an instance of their own through the store's
// bulk path, so that the measured contacts live in a large database. Import
// would do too, but checks each record with queries of its own: minutes
// for a million contacts instead of well under one.
func preload(ctx context.Context, store *sqlite.Store, n int, out io.Writer) error {
	start := time.Now()
	owner := connectd.Owner{AccountID: connectd.DefaultAccountID, Region: "us-east-1"}
	inst := &connectd.Instance{ID: fmt.Sprintf("preload-%08x", rand.Uint32()), Owner: owner,
		IdentityManagementType: connectd.IdentityConnectManaged, Status: connectd.InstanceStatusActive}
	if err := connectd.NewService(store, connectd.SystemClock{}).CreateInstance(ctx, inst); err != nil {
		return fmt.Errorf("preload: %w", err)
	}
	if err := store.GenerateContacts(ctx, inst.ID, "p", n, time.Now()); err != nil {
		return fmt.Errorf("preload: %w", err)
	}
	fmt.Fprintf(out, "preloaded %d contacts in %v\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}

// prepare creates an instance and c.contacts contacts through the SDK
// (with c.attrs attributes each, so that a get returns as many) and
// pre-signs c.requests requests for c.op.
func prepare(ctx context.Context, c config, target string) ([][]byte, error) {
	inst, ids, err := setupContacts(ctx, c, target, func(int) map[string]string { return attributes(0, c.attrs) })
	if err != nil {
		return nil, err
	}
	p := newPresigner(c, target)
	reqs := make([][]byte, c.requests)
	for i := range reqs {
		if reqs[i], err = p.attributesRequest(ctx, c.op, inst, ids[i%len(ids)], attributes(i, c.attrs)); err != nil {
			return nil, err
		}
	}
	return reqs, nil
}

// setupContacts creates an instance and c.contacts task contacts in it
// through the SDK, contact i with the attributes attrsOf(i), and returns
// the instance's id and the contacts'.
func setupContacts(ctx context.Context, c config, target string, attrsOf func(i int) map[string]string) (instance string, ids []string, err error) {
	creds := credentials.NewStaticCredentialsProvider(c.accessKey, c.secretKey, "")
	client := connect.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: creds},
		func(o *connect.Options) { o.BaseEndpoint = aws.String(target) })
	inst, err := client.CreateInstance(ctx, &connect.CreateInstanceInput{
		IdentityManagementType: "CONNECT_MANAGED", InstanceAlias: aws.String(fmt.Sprintf("load%d", rand.Uint32())),
		InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true),
	})
	if err != nil {
		return "", nil, fmt.Errorf("create instance: %w", err)
	}
	if err := registerKeys(ctx, client, aws.ToString(inst.Id), c.indexed); err != nil {
		return "", nil, err
	}
	ids, err = startContacts(ctx, client, aws.ToString(inst.Id), c.contacts, attrsOf)
	return aws.ToString(inst.Id), ids, err
}

// registerKeys registers key00…key<n-1> in the instance's search index as
// a user's first search on each does (README, "SearchContacts: indexed
// keys"): before the instance has contacts, so that they are ready at once
// and every write of them is indexed.
func registerKeys(ctx context.Context, client *connect.Client, instance string, n int) error {
	now := time.Now()
	for k := range n {
		_, err := client.SearchContacts(ctx, &connect.SearchContactsInput{
			InstanceId: aws.String(instance),
			TimeRange: &types.SearchContactsTimeRange{Type: types.SearchContactsTimeRangeTypeInitiationTimestamp,
				StartTime: aws.Time(now.Add(-time.Hour)), EndTime: aws.Time(now)},
			SearchCriteria: &types.SearchCriteria{SearchableContactAttributes: &types.SearchableContactAttributes{
				MatchType: types.SearchContactsMatchTypeMatchAll,
				Criteria:  []types.SearchableContactAttributesCriteria{{Key: aws.String(fmt.Sprintf("key%02d", k)), Values: []string{"none"}}},
			}},
		})
		if err != nil {
			return fmt.Errorf("register key%02d for search: %w", k, err)
		}
	}
	return nil
}

// attributesRequest signs an UpdateContactAttributes of attrs (op
// "update": new values in every request, so that every update changes the
// map and the search index kept from it) or a GetContactAttributes (op
// "get") of contact.
func (p *presigner) attributesRequest(ctx context.Context, op, instance, contact string, attrs map[string]string) ([]byte, error) {
	if op != "update" {
		return p.sign(ctx, http.MethodGet, "/contact/attributes/"+instance+"/"+contact, nil)
	}
	body, err := json.Marshal(map[string]any{"InstanceId": instance, "InitialContactId": contact, "Attributes": attrs})
	if err != nil {
		return nil, err
	}
	return p.sign(ctx, http.MethodPost, "/contact/attributes", body)
}

// attributes returns n attributes key00…key<n-1> with values unique to i.
func attributes(i, n int) map[string]string {
	m := make(map[string]string, n)
	for k := range n {
		m[fmt.Sprintf("key%02d", k)] = fmt.Sprintf("value-%d-%d", i, k)
	}
	return m
}

// startContacts starts n task contacts in instance, contact i with the
// attributes attrsOf(i), from a few goroutines at once so that their
// writes share commits, and returns their ids.
func startContacts(ctx context.Context, client *connect.Client, instance string, n int, attrsOf func(i int) map[string]string) ([]string, error) {
	ids := make([]string, n)
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				out, err := client.StartTaskContact(ctx, &connect.StartTaskContactInput{
					InstanceId: aws.String(instance), Name: aws.String("load"), ContactFlowId: aws.String("flow"), Attributes: attrsOf(i),
				})
				if err != nil {
					mu.Lock()
					first = firstErr(first, fmt.Errorf("start contact: %w", err))
					mu.Unlock()
					return
				}
				ids[i] = aws.ToString(out.ContactId)
			}
		}()
	}
	wg.Wait()
	return ids, first
}

// firstErr returns a if it is set, else b: the first error wins.
func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// measure runs the rounds (or the mixed load) and prints the figures.
func measure(ctx context.Context, c config, out io.Writer) error {
	srv := server{url: c.endpoint}
	switch {
	case c.server != "":
		s, stop, err := startServer(ctx, c)
		if err != nil {
			return err
		}
		defer stop()
		srv = s
	case srv.url == "":
		url, stop, err := startConnectd(ctx, c, out)
		if err != nil {
			return err
		}
		defer stop()
		srv.url = url
	}
	if c.op == "mixed" {
		return mixed(ctx, c, srv, out)
	}
	if c.wrk != "" {
		return wrkRounds(ctx, c, srv, out)
	}
	reqs, err := prepare(ctx, c, srv.url)
	if err != nil {
		return err
	}
	_, err = rounds(ctx, c, srv, reqs, out)
	return err
}

// rounds alternates yardstick and connectd rounds over reqs and prints each
// round and a summary. The same bytes go to both servers: the Host header
// stays the one that was signed, and neither server routes on it.
func rounds(ctx context.Context, c config, srv server, reqs [][]byte, out io.Writer) (summary, error) {
	fmt.Fprintf(out, "op=%s auth=%s connections=%d duration=%v contacts=%d attrs=%d indexed-keys=%d requests=%d preload=%d rounds=%d\n",
		c.op, c.auth, c.connections, c.duration, c.contacts, c.attrs, c.indexed, c.requests, c.preload, c.rounds)
	var yard server
	if c.yardstick {
		y, stop, err := yardstickFor(ctx, c)
		if err != nil {
			return summary{}, err
		}
		defer stop()
		yard = y
	}
	var s summary
	for round := 1; round <= c.rounds; round++ {
		var y result
		if c.yardstick {
			var err error
			yard0 := yard.cpu()
			if y, err = replay(ctx, yard.url, reqs, c.connections, c.duration); err != nil {
				return s, fmt.Errorf("yardstick: %w", err)
			}
			y.server = yard.cpu() - yard0
			fmt.Fprintf(out, "round %d yardstick %v\n", round, y)
		}
		stopProfile, err := startProfile(c.cpuProfile, round)
		if err != nil {
			return s, err
		}
		srv0 := srv.cpu()
		r, err := replay(ctx, srv.url, reqs, c.connections, c.duration)
		r.server = srv.cpu() - srv0
		stopProfile()
		if err != nil {
			return s, fmt.Errorf("connectd: %w", err)
		}
		if c.yardstick {
			fmt.Fprintf(out, "round %d connectd  %v  ratio %.3f\n", round, r, r.rps()/y.rps())
		} else {
			fmt.Fprintf(out, "round %d connectd  %v\n", round, r)
		}
		s.add(r, y)
	}
	if err := writeAllocProfile(c.memProfile); err != nil {
		return s, err
	}
	s.print(out, c.yardstick, c.endpoint == "" && c.server == "")
	return s, nil
}

// summary collects the rounds of one run.
type summary struct {
	connectd, yard []result
}

func (s *summary) add(r, y result) {
	s.connectd, s.yard = append(s.connectd, r), append(s.yard, y)
}

// print writes the median round of connectd (by req/s) with its latencies,
// the median yardstick, the median of the per-round ratios, and the best.
// Each round's ratio pairs it with the yardstick round just before it, run
// under the same background load of the machine.
func (s *summary) print(out io.Writer, yard, inProcess bool) {
	if len(s.connectd) == 0 {
		return
	}
	med := func(rs []result) result {
		rs = slices.Clone(rs)
		slices.SortFunc(rs, func(a, b result) int { return cmp.Compare(a.rps(), b.rps()) })
		return rs[len(rs)/2]
	}
	m := med(s.connectd)
	fmt.Fprintf(out, "median connectd   %v\n", m)
	if !yard {
		return
	}
	ratios := make([]float64, len(s.connectd))
	best, bestYard := 0.0, 0.0
	for i := range s.connectd {
		ratios[i] = s.connectd[i].rps() / s.yard[i].rps()
		best, bestYard = max(best, s.connectd[i].rps()), max(bestYard, s.yard[i].rps())
	}
	slices.Sort(ratios)
	fmt.Fprintf(out, "median yardstick  %v\n", med(s.yard))
	fmt.Fprintf(out, "ratio: median of rounds %.3f (min %.3f, max %.3f); best connectd %.0f req/s / best yardstick %.0f req/s = %.3f\n",
		median(ratios), ratios[0], ratios[len(ratios)-1], best, bestYard, best/bestYard)
	if !inProcess {
		return // this process's CPU time is the client's alone
	}
	// What the ratio would be if the process had the machine to itself:
	// the yardstick's CPU per request over connectd's, client included.
	var cpu, cpuYard time.Duration
	for i := range s.connectd {
		cpu, cpuYard = cpu+s.connectd[i].cpu, cpuYard+s.yard[i].cpu
	}
	var n, nYard int
	for i := range s.connectd {
		n, nYard = n+s.connectd[i].requests, nYard+s.yard[i].requests
	}
	if n > 0 && nYard > 0 && cpu > 0 {
		perReq, perReqYard := cpu/time.Duration(n), cpuYard/time.Duration(nYard)
		fmt.Fprintf(out, "cpu/req over all rounds: connectd %v, yardstick %v; ratio %.3f\n",
			perReq.Round(time.Microsecond), perReqYard.Round(time.Microsecond), float64(perReqYard)/float64(perReq))
	}
}

// startProfile starts a CPU profile of the first connectd round, if asked.
func startProfile(path string, round int) (stop func(), err error) {
	if path == "" || round != 1 {
		return func() {}, nil
	}
	return cpuprofile.Start(path)
}

// writeAllocProfile writes the allocation profile (every allocation since
// the process started: setup, yardstick and connectd, client and server),
// if asked; `go tool pprof -sample_index=alloc_space -focus=api` narrows it.
func writeAllocProfile(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("alloc profile: %w", err)
	}
	defer f.Close()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		return fmt.Errorf("alloc profile: %w", err)
	}
	return nil
}
