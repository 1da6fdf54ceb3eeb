// Command ssocred-interop-go is the AWS SDK for Go v2 client of the ssocred interop tests
// (tests/interop/*.py).
//
// It gets credentials exactly as an application would — config.LoadDefaultConfig and the
// SDK's own credential cache, configured only by the environment `ssocred env` prints — and
// reports what the SDK handed out, one JSON object per line on stdout (the contract in
// README.md). It never prints a secret key, session token or endpoint token.
//
//	ssocred-interop-go --provider chain|container|imds|process
//	                   [--sts-endpoint URL] [--region R] [--duration S --interval S]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitUnsupported = 3

	// Bounds one resolution (credentials and the STS call, with the SDK's retries), so a
	// hung endpoint turns into an error line instead of a hung test.
	perCallTimeout = 60 * time.Second
)

// The Go SDK has a single default chain; each provider name says which link of it the
// environment must select, checked through aws.Credentials.Source. "http" (the JavaScript
// SDK's fromHttp) has no Go counterpart.
var providerSources = map[string]string{
	"chain":     "",
	"container": endpointcreds.ProviderName,
	"imds":      ec2rolecreds.ProviderName,
	"process":   processcreds.ProviderName,
}

// The provider names of the interop client contract, shared with the JavaScript client.
var contractProviders = map[string]bool{"chain": true, "container": true, "http": true, "imds": true, "process": true}

const usageText = `usage: ssocred-interop-go --provider chain|container|imds|process
                         [--sts-endpoint URL] [--region REGION] [--duration S --interval S]

Gets AWS credentials with the AWS SDK for Go v2 (config.LoadDefaultConfig, one
credential cache) and prints one JSON line per resolution: access_key_id, expiration,
expired_at_use, caller_arn, error, sdk_version.
  --provider      chain = the default chain; container, imds, process = the default chain,
                  which must pick the container, IMDS or credential_process provider
  --sts-endpoint  also call STS GetCallerIdentity there with the credentials (signed)
  --region        region of the STS client (default us-east-1)
  --duration, --interval
                  long-running mode: keep one config and resolve every INTERVAL seconds
                  until DURATION seconds have passed
Everything else comes from the environment (ssocred env). Exit 0 when every line
succeeded, 1 otherwise, 2 on a usage error, 3 for an unsupported provider.
`

type options struct {
	provider    string
	stsEndpoint string
	region      string
	duration    float64 // seconds; < 0 = single resolution
	interval    float64
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// line is one output object; nil pointers print as JSON null.
type line struct {
	AccessKeyID  *string `json:"access_key_id"`
	Expiration   *string `json:"expiration"`
	ExpiredAtUse bool    `json:"expired_at_use"`
	CallerArn    *string `json:"caller_arn"`
	Error        *string `json:"error"`
	SDKVersion   string  `json:"sdk_version"`
}

func strPtr(s string) *string { return &s }

func parseSeconds(name, text string) (float64, error) {
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, usageError{fmt.Sprintf("--%s needs a number of seconds, got '%s'", name, text)}
	}
	return v, nil
}

func parseArgs(args []string) (options, error) {
	fs := flag.NewFlagSet("ssocred-interop-go", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // usage text is ours
	opts := options{duration: -1}
	var duration, interval string
	fs.StringVar(&opts.provider, "provider", "", "")
	fs.StringVar(&opts.stsEndpoint, "sts-endpoint", "", "")
	fs.StringVar(&opts.region, "region", "us-east-1", "")
	fs.StringVar(&duration, "duration", "", "")
	fs.StringVar(&interval, "interval", "", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return opts, err
		}
		return opts, usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return opts, usageError{fmt.Sprintf("unexpected argument '%s'", fs.Arg(0))}
	}
	if opts.provider == "" {
		return opts, usageError{"--provider is required"}
	}
	if !contractProviders[opts.provider] {
		return opts, usageError{fmt.Sprintf("--provider must be one of chain, container, http, imds, process; got '%s'", opts.provider)}
	}
	if opts.stsEndpoint != "" {
		u, err := url.Parse(opts.stsEndpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return opts, usageError{fmt.Sprintf("--sts-endpoint must be an http(s) URL, got '%s'", opts.stsEndpoint)}
		}
	}
	if (duration == "") != (interval == "") {
		return opts, usageError{"--duration and --interval go together"}
	}
	if duration != "" {
		var err error
		if opts.duration, err = parseSeconds("duration", duration); err != nil {
			return opts, err
		}
		if opts.interval, err = parseSeconds("interval", interval); err != nil {
			return opts, err
		}
		if opts.interval <= 0 {
			return opts, usageError{"--interval must be greater than 0"}
		}
	}
	return opts, nil
}

// secrets holds values that must never leave this process (the endpoint token and every
// secret the SDK handed out); error texts are scrubbed of them before printing.
type secrets struct{ values map[string]bool }

func (s *secrets) add(v string) {
	if len(v) >= 4 {
		s.values[v] = true
	}
}

func (s *secrets) scrub(text string) string {
	// Longest first, so a secret containing another is replaced whole.
	keys := make([]string, 0, len(s.values))
	for k := range s.values {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, k := range keys {
		text = strings.ReplaceAll(text, k, "<redacted>")
	}
	return text
}

func environmentSecrets() *secrets {
	s := &secrets{values: map[string]bool{}}
	s.add(os.Getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN"))
	if file := os.Getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); file != "" {
		if b, err := os.ReadFile(file); err == nil {
			s.add(string(b))
		}
	}
	return s
}

// usageRecorder wraps the config's credential cache for the STS client, so the line reports
// the credentials the signer actually used and when. Caching stays the SDK's: every call
// goes to the same aws.CredentialsCache.
type usageRecorder struct {
	inner aws.CredentialsProvider
	mu    sync.Mutex
	creds aws.Credentials
	at    time.Time
	seen  bool
}

func (r *usageRecorder) Retrieve(ctx context.Context) (aws.Credentials, error) {
	c, err := r.inner.Retrieve(ctx)
	if err == nil {
		r.mu.Lock()
		r.creds, r.at, r.seen = c, time.Now(), true
		r.mu.Unlock()
	}
	return c, err
}

func (r *usageRecorder) reset() {
	r.mu.Lock()
	r.seen = false
	r.mu.Unlock()
}

func (r *usageRecorder) last() (aws.Credentials, time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.creds, r.at, r.seen
}

type client struct {
	opts     options
	cfg      aws.Config
	cfgErr   error
	recorder *usageRecorder
	observer *expiryObserver
	sts      *sts.Client
	secrets  *secrets
}

func newClient(ctx context.Context, opts options) *client {
	c := &client{opts: opts, secrets: environmentSecrets(), observer: newExpiryObserver()}
	// The SDK's default configuration, unchanged: no option weakens a default. The only
	// option adds a read-only observer of the endpoints' answers (observe.go).
	c.cfg, c.cfgErr = config.LoadDefaultConfig(ctx,
		config.WithAPIOptions([]func(*middleware.Stack) error{c.observer.apiOption}))
	if c.cfgErr != nil {
		return c
	}
	c.recorder = &usageRecorder{inner: c.cfg.Credentials}
	if opts.stsEndpoint != "" {
		c.sts = sts.NewFromConfig(c.cfg, func(o *sts.Options) {
			o.Region = opts.region
			o.Credentials = c.recorder
			o.EndpointResolver = sts.EndpointResolverFromURL(opts.stsEndpoint)
			// Only the STS stand-in's connection: moto's development server and Go's
			// keep-alive reuse intermittently cut a response body short ("use of closed
			// network connection" after a 200). The credential providers keep the SDK's
			// default HTTP client.
			o.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(
				func(t *http.Transport) { t.DisableKeepAlives = true })
		})
	}
	return c
}

func (c *client) resolveOnce(ctx context.Context) line {
	out := line{SDKVersion: aws.SDKVersion}
	fail := func(err error) line {
		out.Error = strPtr(c.secrets.scrub(err.Error()))
		return out
	}
	if c.cfgErr != nil {
		return fail(fmt.Errorf("config.LoadDefaultConfig: %w", c.cfgErr))
	}
	if c.cfg.Credentials == nil {
		return fail(errors.New("config.LoadDefaultConfig resolved no credential provider"))
	}
	ctx, cancel := context.WithTimeout(ctx, perCallTimeout)
	defer cancel()

	var creds aws.Credentials
	var usedAt time.Time
	if c.sts != nil {
		c.recorder.reset()
		res, err := c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return fail(err)
		}
		if res.Arn == nil {
			return fail(errors.New("GetCallerIdentity returned no Arn"))
		}
		out.CallerArn = strPtr(*res.Arn)
		var seen bool
		if creds, usedAt, seen = c.recorder.last(); !seen {
			return fail(errors.New("the STS request was not signed with the config's credentials"))
		}
	} else {
		var err error
		if creds, err = c.recorder.Retrieve(ctx); err != nil {
			return fail(err)
		}
		usedAt = time.Now()
	}
	c.secrets.add(creds.SecretAccessKey)
	c.secrets.add(creds.SessionToken)
	out.AccessKeyID = strPtr(creds.AccessKeyID)
	if creds.CanExpire {
		// The endpoint's expiration when it was observed; else (credential_process, whose
		// cache has no expiry window) the one the SDK handed out.
		expires := creds.Expires
		if sent, ok := c.observer.lookup(creds.AccessKeyID); ok {
			expires = sent
		}
		out.Expiration = strPtr(expires.UTC().Format(time.RFC3339Nano))
		out.ExpiredAtUse = !expires.After(usedAt)
	}
	if want := providerSources[c.opts.provider]; want != "" && creds.Source != want {
		return fail(fmt.Errorf("the default chain picked %q, not %q: check the environment", creds.Source, want))
	}
	return out
}

func emit(w io.Writer, l line) {
	b, err := json.Marshal(l)
	if err != nil { // cannot happen for this struct; never print a partial line
		panic(err)
	}
	fmt.Fprintf(w, "%s\n", b)
}

func run(args []string, stdout, stderr io.Writer) int {
	opts, err := parseArgs(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usageText)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "ssocred-interop-go: %s\n%s", err, usageText)
		return exitUsage
	}
	if _, ok := providerSources[opts.provider]; !ok {
		emit(stdout, line{
			Error: strPtr(fmt.Sprintf("unsupported: provider '%s' has no AWS SDK for Go v2 counterpart"+
				" (supported: chain, container, imds, process)", opts.provider)),
			SDKVersion: aws.SDKVersion,
		})
		return exitUnsupported
	}

	ctx := context.Background()
	// ONE config, credential cache and STS client for the whole run, as a long-running
	// application holds them.
	c := newClient(ctx, opts)
	rounds := 1
	if opts.duration >= 0 {
		rounds = int(math.Floor(opts.duration/opts.interval)) + 1
	}
	start := time.Now()
	failed := false
	for i := 0; i < rounds; i++ {
		if i > 0 {
			next := start.Add(time.Duration(float64(i) * opts.interval * float64(time.Second)))
			time.Sleep(time.Until(next))
		}
		l := c.resolveOnce(ctx)
		if l.Error != nil || l.ExpiredAtUse {
			failed = true
		}
		emit(stdout, l)
	}
	if failed {
		return exitFailed
	}
	return exitOK
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
