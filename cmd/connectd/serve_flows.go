package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/flow"
)

// sweepGoneEvery is how often a replica looks for replicas gone without
// closing their store, to mark their flow runs INTERRUPTED (only a
// PostgreSQL store is shared; the look is one small query).
const sweepGoneEvery = 30 * time.Second

// startFlows marks the runs an earlier process left mid-way INTERRUPTED
// (no run survives its process), then starts the flow Runner and makes
// svc use it. Lambda functions are invoked at the SDK's configured
// endpoint (AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL); without one,
// every invocation takes its error branch and the log says why.
//
// seed, if set, fixes DistributeByPercentage's draws; obs, if set, counts
// the runs (the metrics, without --metrics=false).
func startFlows(ctx context.Context, svc *connectd.Service, clock connectd.Clock, log *slog.Logger, seed *uint64,
	obs flow.Observer) (*flow.Runner, error) {
	n, err := svc.InterruptFlowRuns(ctx)
	if err != nil {
		return nil, fmt.Errorf("mark interrupted flow runs: %w", err)
	}
	if n > 0 {
		log.Warn("flow runs interrupted by the last shutdown", "runs", n)
	}
	inv, reason, err := flow.LambdaFromEnv(ctx)
	if err != nil {
		return nil, err
	}
	if reason != "" {
		log.Info("flows: InvokeLambdaFunction takes its error branch", "reason", reason)
	}
	r := flow.New(flow.Config{Service: svc, Logger: log, Lambda: inv, NoLambdaReason: reason, Clock: clock, Seed: seed, Observer: obs,
		SweepEvery: sweepGoneEvery})
	svc.SetFlowStarter(r)
	return r, nil
}
