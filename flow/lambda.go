package flow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/connectd/connectd"
)

// Invoker calls a Lambda function with a payload and returns its result.
// async is InvocationType ASYNCHRONOUS (the Event invocation type, no
// result).
type Invoker interface {
	Invoke(ctx context.Context, functionARN string, payload []byte, async bool) ([]byte, error)
}

// RetryableError is an Invoker's error that Amazon Connect retries: "If
// your Lambda invocation gets throttled, the request is retried. It is
// also retried if a general service failure (500 error) happens."
type RetryableError struct{ Err error }

// Error implements the error interface.
func (e *RetryableError) Error() string { return e.Err.Error() }

// Unwrap returns the invocation's error.
func (e *RetryableError) Unwrap() error { return e.Err }

// sdkInvoker is an Invoker over the Go SDK's Lambda client.
type sdkInvoker struct{ client *lambda.Client }

// LambdaFromEnv returns an Invoker at the endpoint of the SDK's standard
// configuration (AWS_ENDPOINT_URL_LAMBDA, else AWS_ENDPOINT_URL, with the
// usual credentials and region chain), so LocalStack, moto, sam local
// start-lambda or any Invoke-compatible server works. With neither
// variable set it returns nil and the reason: connectd never calls real
// AWS Lambda by accident.
func LambdaFromEnv(ctx context.Context) (Invoker, string, error) {
	if os.Getenv("AWS_ENDPOINT_URL_LAMBDA") == "" && os.Getenv("AWS_ENDPOINT_URL") == "" {
		return nil, "No Lambda endpoint is configured: set AWS_ENDPOINT_URL_LAMBDA (or AWS_ENDPOINT_URL) for connectd serve.", nil
	}
	inv, err := LambdaAt(ctx, "")
	return inv, "", err
}

// LambdaAt returns an Invoker at endpoint ("" : the SDK's configured
// one). Without credentials in the environment it signs with fixed test
// credentials, which emulators accept.
func LambdaAt(ctx context.Context, endpoint string) (Invoker, error) {
	// IMDS is off: an emulator's caller has its credentials (or none) in
	// the environment or shared files, and probing IMDS off EC2 costs
	// seconds.
	cfg, err := config.LoadDefaultConfig(ctx, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	if err != nil {
		return nil, fmt.Errorf("load the AWS SDK configuration for Lambda: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		cfg.Credentials = credentials.NewStaticCredentialsProvider("test", "test", "")
	}
	client := lambda.NewFromConfig(cfg, func(o *lambda.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
		// The SDK's own retries are off: invokeLambda retries as Amazon
		// Connect does, and logs each attempt.
		o.Retryer = aws.NopRetryer{}
	})
	return &sdkInvoker{client: client}, nil
}

func (s *sdkInvoker) Invoke(ctx context.Context, arn string, payload []byte, async bool) ([]byte, error) {
	in := &lambda.InvokeInput{FunctionName: aws.String(arn), Payload: payload}
	if async {
		in.InvocationType = lambdatypes.InvocationTypeEvent
	}
	out, err := s.client.Invoke(ctx, in)
	if err != nil {
		err = fmt.Errorf("invoke %s: %w", arn, err)
		// Throttling (429 TooManyRequestsException and the like) and
		// service failures (5xx) are the errors Amazon Connect retries.
		var re *awshttp.ResponseError
		if errors.As(err, &re) && (re.HTTPStatusCode() == 429 || re.HTTPStatusCode() >= 500) {
			err = &RetryableError{Err: err}
		}
		return nil, err
	}
	if out.FunctionError != nil {
		return out.Payload, fmt.Errorf("function %s failed (%s): %s", arn, aws.ToString(out.FunctionError), out.Payload)
	}
	return out.Payload, nil
}

// defaultLambdaSeconds is InvocationTimeLimitSeconds when a flow leaves it
// out (the Invoke AWS Lambda function block's default, 3 seconds).
const defaultLambdaSeconds = 3

// invokeLambda runs InvokeLambdaFunction: it sends the ContactFlowEvent,
// cuts the call at InvocationTimeLimitSeconds, validates the response as
// ResponseValidation says and keeps it under $.External until the next
// invocation. Any failure (no endpoint, endpoint down, timeout, function
// error, a response that fails validation) is the error branch, with the
// reason in the log.
func (x *execution) invokeLambda(ctx context.Context, d *data, a *connectd.FlowAction) outcome {
	arn := text(d.resolve(a.Parameters["LambdaFunctionARN"]))
	params := map[string]any{"LambdaFunctionARN": arn}
	seconds := defaultLambdaSeconds
	if v, ok := a.Parameters["InvocationTimeLimitSeconds"]; ok {
		n, err := connectd.LambdaTimeLimit(v)
		if err != nil {
			return outcome{params: params, errType: "NoMatchingError", message: err.Error()}
		}
		seconds = n
	}
	params["InvocationTimeLimitSeconds"] = fmt.Sprint(seconds)
	responseType := "STRING_MAP"
	if rv, ok := a.Parameters["ResponseValidation"].(map[string]any); ok {
		responseType = text(rv["ResponseType"])
	}
	params["ResponseValidation"] = map[string]any{"ResponseType": responseType}
	async := a.Parameters["InvocationType"] == "ASYNCHRONOUS"
	invocationAttrs := d.stringMap(a.Parameters["LambdaInvocationAttributes"])
	params["LambdaInvocationAttributes"] = invocationAttrs
	payload, err := json.Marshal(contactFlowEvent(d, invocationAttrs))
	if err != nil {
		return failed(params, err)
	}
	o := outcome{params: params, req: payload}
	if x.r.cfg.Lambda == nil {
		o.errType, o.message = "NoMatchingError", x.r.cfg.NoLambdaReason
		return o
	}
	callCtx, cancel := context.WithTimeout(ctx, time.Duration(seconds)*time.Second)
	defer cancel()
	resp, err := x.invokeWithRetries(callCtx, &o, arn, payload, async)
	if len(resp) > 0 && json.Valid(resp) {
		o.resp = resp
	}
	switch {
	case err != nil && errors.Is(callCtx.Err(), context.DeadlineExceeded):
		o.errType, o.message = "NoMatchingError", fmt.Sprintf("The function did not answer within InvocationTimeLimitSeconds (%d s; %d attempts).", seconds, len(o.attempts))
		return o
	case err != nil:
		o.errType, o.message = "NoMatchingError", err.Error()
		return o
	case async:
		return o
	}
	result, problem := validateResponse(resp, responseType)
	if problem != "" {
		o.errType, o.message = "NoMatchingError", problem
		return o
	}
	// "the response's attributes are available dynamically under the
	// $.External path" until the next invocation replaces them.
	x.external = result
	return o
}

// validateResponse checks a function's result: STRING_MAP "should return
// a flat object of key/value pairs of the string type"; JSON "can return
// any valid JSON, including nested JSON" (connectd needs an object to
// address it under $.External).
func validateResponse(resp []byte, responseType string) (map[string]any, string) {
	var m map[string]any
	if err := json.Unmarshal(resp, &m); err != nil || m == nil {
		return nil, fmt.Sprintf("The function's response is not a JSON object: %.200s", resp)
	}
	if responseType == "STRING_MAP" {
		for k, v := range m {
			if _, ok := v.(string); !ok {
				return nil, fmt.Sprintf("ResponseType STRING_MAP needs string values; %q is not a string.", k)
			}
		}
	}
	return m, ""
}

// contactFlowEvent is the payload Amazon Connect sends a function
// ("Grant Amazon Connect access to your AWS Lambda functions", the
// ContactFlowEvent): the contact's data and the block's parameters.
func contactFlowEvent(d *data, params map[string]string) any {
	c := d.c
	inst := &connectd.Instance{ID: c.InstanceID, Owner: d.owner}
	attrs := map[string]string(c.Attributes)
	if attrs == nil {
		attrs = map[string]string{}
	}
	var queue any
	// "Queue: The current queue": the TargetQueue the flow set, else the
	// queue the contact was started or queued in.
	if d.queue != "" {
		queue = map[string]any{"ARN": inst.ARN() + "/queue/" + d.queue, "Name": d.queue}
	}
	refs := map[string]any{}
	for k, r := range c.References {
		refs[k] = map[string]any{"Type": r.Type, "Value": r.Value}
	}
	return map[string]any{
		"Name": "ContactFlowEvent",
		"Details": map[string]any{
			"ContactData": map[string]any{
				"Attributes": attrs, "Channel": string(c.Channel), "ContactId": c.ID,
				"CustomerEndpoint": nil, "CustomerId": nil, "Description": nullable(c.Description),
				"InitialContactId": c.InitialContactID, "InitiationMethod": string(c.InitiationMethod),
				"InstanceARN": inst.ARN(), "LanguageCode": "en-US", "MediaStreams": map[string]any{},
				"Name": nullable(c.Name), "PreviousContactId": nullable(c.PreviousContactID),
				"Queue": queue, "References": refs, "SegmentAttributes": map[string]any{},
				"SystemEndpoint": nil, "Tags": c.Tags,
			},
			"Parameters": params,
		},
	}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// maxLambdaAttempts is one invocation and "up to three" retries.
const maxLambdaAttempts = 4

// lambdaBackoff is the pause before the first retry, doubled before each
// further one. The documentation names no backoff; this one keeps all
// four attempts well inside the shortest time limit (1 s).
const lambdaBackoff = 50 * time.Millisecond

// invokeWithRetries invokes the function, retrying as the Invoke AWS
// Lambda function block documents: a throttled invocation or a service
// failure (RetryableError) is retried "up to three times, for a maximum
// of 8 seconds", here the block's InvocationTimeLimitSeconds, which ctx
// carries and which bounds every attempt and pause together. A function
// error (the function ran and failed), an endpoint that cannot be reached
// or the time limit is not retried. Each attempt goes in o.attempts, for
// the flow log.
func (x *execution) invokeWithRetries(ctx context.Context, o *outcome, arn string, payload []byte, async bool) ([]byte, error) {
	pause := lambdaBackoff
	for n := 1; ; n++ {
		begin := time.Now()
		resp, err := x.r.cfg.Lambda.Invoke(ctx, arn, payload, async)
		at := connectd.LambdaAttempt{Attempt: n, DurationMillis: time.Since(begin).Milliseconds()}
		if err != nil {
			at.Error = err.Error()
		}
		o.attempts = append(o.attempts, at)
		var retry *RetryableError
		if err == nil || !errors.As(err, &retry) || n == maxLambdaAttempts {
			return resp, err
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return resp, err
		case <-t.C:
		}
		pause *= 2
	}
}
