package connecttest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/connectd/connectd/connecttest"
)

// TestExpiredContactsStayGoneWhenTheClockMovesBack expires a contact by
// moving the clock past its 24 months (no sweep has run: the sweeper is
// serve's, not connecttest's), then moves the clock back before its expiry
// in each of the ways the clock moves: the contact must stay gone, while a
// contact that had not expired stays.
func TestExpiredContactsStayGoneWhenTheClockMovesBack(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	moves := map[string]func(srv *connecttest.Server) error{
		"Set":              func(srv *connecttest.Server) error { return srv.Clock().Set(at.Add(time.Hour)) },
		"Freeze":           func(srv *connecttest.Server) error { return srv.Clock().Freeze(at.Add(time.Hour)) },
		"Advance negative": func(srv *connecttest.Server) error { return srv.Clock().Advance(-365 * 24 * time.Hour) },
		"Reset":            func(srv *connecttest.Server) error { return srv.Clock().Reset() },
		"control plane": func(srv *connecttest.Server) error {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/_connectd/clock/advance", strings.NewReader(`{"Seconds": -172800}`))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				return errors.New(resp.Status)
			}
			return nil
		},
	}
	for name, move := range moves {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := connecttest.New(t)
			c := srv.Client()
			if err := srv.Clock().Freeze(at); err != nil {
				t.Fatal(err)
			}
			inst := createInstance(t, c)
			old := startTask(t, c, inst)
			if err := srv.Clock().Freeze(at.AddDate(1, 6, 0)); err != nil {
				t.Fatal(err)
			}
			young := startTask(t, c, inst) // 18 months younger: retained throughout
			if err := srv.Clock().Freeze(at.AddDate(2, 0, 1)); err != nil {
				t.Fatal(err)
			}
			if err := describe(c, inst, old); !isNotFound(err) {
				t.Fatalf("past retention: %v, want ResourceNotFoundException", err)
			}
			if err := move(srv); err != nil {
				t.Fatal(err)
			}
			if now := srv.Clock().Now(); !now.Before(at.AddDate(2, 0, 0)) {
				t.Fatalf("clock at %v after the move; the test needs it before the expiry", now)
			}
			if err := describe(c, inst, old); !isNotFound(err) {
				t.Fatalf("after the clock moved back: %v, want ResourceNotFoundException (the expired contact came back)", err)
			}
			if err := describe(c, inst, young); err != nil {
				t.Fatalf("retained contact after the clock moved back: %v", err)
			}
		})
	}
}

// TestFrozenClockStandsStill: a frozen clock reads the same instant until
// moved, and Advance keeps it frozen; Set makes it run again.
func TestFrozenClockStandsStill(t *testing.T) {
	t.Parallel()
	srv := connecttest.New(t)
	at := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := srv.Clock().Freeze(at); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if got := srv.Clock().Now(); !got.Equal(at) || !srv.Clock().Frozen() {
		t.Fatalf("frozen clock reads %v (frozen %v), want %v", got, srv.Clock().Frozen(), at)
	}
	if err := srv.Clock().Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	if got := srv.Clock().Now(); !got.Equal(at.Add(time.Hour)) {
		t.Fatalf("after Advance: %v, want %v", got, at.Add(time.Hour))
	}
	if err := srv.Clock().Set(at); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if got := srv.Clock().Now(); !got.After(at) || srv.Clock().Frozen() {
		t.Fatalf("after Set the clock should run: %v (frozen %v)", got, srv.Clock().Frozen())
	}
}

func startTask(t *testing.T, c *connect.Client, inst string) string {
	t.Helper()
	out, err := c.StartTaskContact(context.Background(), &connect.StartTaskContactInput{
		InstanceId: aws.String(inst), Name: aws.String("t"), ContactFlowId: aws.String("any"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.ContactId)
}

func describe(c *connect.Client, inst, id string) error {
	_, err := c.DescribeContact(context.Background(), &connect.DescribeContactInput{
		InstanceId: aws.String(inst), ContactId: aws.String(id),
	})
	return err
}

func isNotFound(err error) bool {
	var nf *types.ResourceNotFoundException
	return errors.As(err, &nf)
}
