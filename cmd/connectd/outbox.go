package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/outbox"
)

// outboxConfig is serve's delivery of contact records and events.
type outboxConfig struct {
	events string // none or eventbridge
	cap    int
}

// eventsOn reports whether contact events have a sink.
func (c outboxConfig) eventsOn() bool { return c.events == "eventbridge" }

// delivery is what startDelivery's deliverer can take, for the Service
// to write an entry nothing can take as NO_DESTINATION at once: records
// (to each instance's storage configs, Kinesis and Firehose), and events
// if they have a sink.
func (c outboxConfig) delivery() connectd.Delivery { return connectd.Delivery{Events: c.eventsOn()} }

// startDelivery starts the outbox's deliverer beside the API, with the AWS
// SDK's standard configuration (credentials, region and each service's
// endpoint from the environment and the shared config files), and returns
// the function that stops it. Contact records go to the streams of each
// instance's CONTACT_TRACE_RECORDS storage configs.
func startDelivery(ctx context.Context, svc *connectd.Service, clock connectd.Clock, log *slog.Logger, c outboxConfig,
	obs outbox.Observer) (func(), error) {
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load the AWS SDK configuration for delivery: %w", err)
	}
	if awsCfg.Region == "" {
		// Each record goes to its stream ARN's region; this is only the
		// region of EventBridge when nothing names one.
		awsCfg.Region = "us-east-1"
	}
	d := outbox.New(svc, storageTargets(svc), outbox.NewSinks(awsCfg, c.eventsOn()), clock, log,
		outbox.Config{Cap: c.cap, Observer: obs})
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(runCtx)
	}()
	return func() { stop(); <-done }, nil
}

// storageTargets reads where an instance's contact records go.
func storageTargets(svc *connectd.Service) outbox.Targets {
	return func(ctx context.Context, instanceID string) ([]outbox.Target, error) {
		scs, err := svc.RecordTargets(ctx, instanceID)
		if err != nil {
			return nil, err
		}
		var ts []outbox.Target
		for _, sc := range scs {
			if arn := sc.Target(); arn != "" {
				ts = append(ts, outbox.Target{Type: sc.StorageType, ARN: arn})
			}
		}
		return ts, nil
	}
}
