package cli

import (
	"context"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/connect"
)

// DefaultEndpoint is where a local connectd listens unless told otherwise.
const DefaultEndpoint = "http://127.0.0.1:4566"

// localRegion is the region of requests to a local connectd when the AWS
// configuration names none.
const localRegion = "us-east-1"

// endpoint returns the service URL: the flag, else the service-specific
// and then the general variable of the AWS SDKs, else DefaultEndpoint.
func (a *app) endpoint() string {
	for _, v := range []string{a.endpointFlag, a.getenv("AWS_ENDPOINT_URL_CONNECT"), a.getenv("AWS_ENDPOINT_URL")} {
		if v != "" {
			return v
		}
	}
	return DefaultEndpoint
}

// isLocal reports whether endpoint is on the loopback interface, where only
// a connectd (never Amazon Connect) can answer.
func isLocal(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// connect returns the SDK client for this invocation, built on first use.
func (a *app) connect() (*connect.Client, error) {
	if a.client != nil {
		return a.client, nil
	}
	endpoint := a.endpoint()
	if _, err := url.ParseRequestURI(endpoint); err != nil || !strings.Contains(endpoint, "://") {
		return nil, usagef("endpoint %q is not a URL", endpoint)
	}
	cfg, err := a.awsConfig(endpoint)
	if err != nil {
		return nil, err
	}
	a.client = connect.NewFromConfig(cfg, func(o *connect.Options) {
		o.BaseEndpoint = aws.String(endpoint)
	})
	return a.client, nil
}

// awsConfig loads the standard AWS configuration. The SDK reads the process
// environment itself; the variables the client documents are read through
// getenv and passed as explicit options, which take precedence, so that
// tests (and embedders) decide what the client sees.
func (a *app) awsConfig(endpoint string) (aws.Config, error) {
	return a.awsConfigFor(endpoint, isLocal(endpoint))
}

// awsConfigFor is awsConfig with the caller saying whether only a connectd
// can answer at endpoint (no instance role, throwaway credentials).
func (a *app) awsConfigFor(endpoint string, local bool) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	profile := a.profile
	if profile == "" {
		profile = a.getenv("AWS_PROFILE")
	}
	if profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	if f := a.getenv("AWS_CONFIG_FILE"); f != "" {
		opts = append(opts, config.WithSharedConfigFiles([]string{f}))
	}
	if f := a.getenv("AWS_SHARED_CREDENTIALS_FILE"); f != "" {
		opts = append(opts, config.WithSharedCredentialsFiles([]string{f}))
	}
	if r := firstOf(a.region, a.getenv("AWS_REGION"), a.getenv("AWS_DEFAULT_REGION")); r != "" {
		opts = append(opts, config.WithRegion(r))
	}
	// As in the AWS CLI, --profile wins over keys in the environment.
	id, secret := a.getenv("AWS_ACCESS_KEY_ID"), a.getenv("AWS_SECRET_ACCESS_KEY")
	if a.profile == "" && id != "" && secret != "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(id, secret, a.getenv("AWS_SESSION_TOKEN"))))
	}
	if n, err := strconv.Atoi(a.getenv("AWS_MAX_ATTEMPTS")); err == nil && n > 0 {
		opts = append(opts, config.WithRetryMaxAttempts(n))
	}
	if local {
		// A local connectd never needs an EC2 instance role, and asking the
		// metadata service for one off EC2 waits for timeouts.
		opts = append(opts, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	}
	cfg, err := config.LoadDefaultConfig(a.ctx, opts...)
	if err != nil {
		return aws.Config{}, usagef("AWS configuration: %v", err)
	}
	if !local {
		if cfg.Region == "" {
			return aws.Config{}, usagef("no AWS region for %s: pass --region, set AWS_REGION, or use a profile with a region", endpoint)
		}
		return cfg, nil
	}
	if cfg.Region == "" {
		cfg.Region = localRegion
	}
	if !hasCredentials(a.ctx, cfg.Credentials) {
		cfg.Credentials = credentials.NewStaticCredentialsProvider("test", "test", "")
	}
	return cfg, nil
}

// hasCredentials reports whether the credential chain yields credentials.
func hasCredentials(ctx context.Context, p aws.CredentialsProvider) bool {
	if p == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	c, err := p.Retrieve(ctx)
	return err == nil && c.HasKeys()
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
