package main

// Observes the expiration the credential endpoints sent, as the SDK parsed it.
//
// Why: the credentials aws.CredentialsCache hands out carry an Expires the cache has already
// moved — 5 minutes earlier for the container provider (config/resolve_credentials.go,
// resolveHTTPCredProvider: ExpiryWindow = 5 * time.Minute) and capped to now + 1 h by the IMDS
// provider (credentials/ec2rolecreds/provider.go, Retrieve). Those are refresh schedules, not
// the credentials' lifetime, so "expired at use" is judged against the endpoint's own value.
// The middleware only reads: the IMDS body is read and handed on byte for byte.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"reflect"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/smithy-go/middleware"
)

// Bounds what is buffered from an IMDS answer; credential documents are far smaller.
const maxObservedBody = 1 << 20

type expiryObserver struct {
	mu      sync.Mutex
	byKeyID map[string]time.Time
}

func newExpiryObserver() *expiryObserver {
	return &expiryObserver{byKeyID: map[string]time.Time{}}
}

// lookup returns the endpoint's expiration for an access key id, if one was seen.
func (o *expiryObserver) lookup(keyID string) (time.Time, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	t, ok := o.byKeyID[keyID]
	return t, ok
}

func (o *expiryObserver) record(keyID string, exp time.Time) {
	if keyID == "" || exp.IsZero() {
		return
	}
	o.mu.Lock()
	o.byKeyID[keyID] = exp
	o.mu.Unlock()
}

// apiOption adds the observer to every client LoadDefaultConfig builds (config.WithAPIOptions
// reaches the endpointcreds and IMDS clients; it also reaches STS, where it finds nothing).
func (o *expiryObserver) apiOption(stack *middleware.Stack) error {
	return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("ssocredInteropObserveExpiry",
		func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
			middleware.DeserializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleDeserialize(ctx, in)
			if err == nil {
				out.Result = o.observe(out.Result)
			}
			return out, md, err
		}), middleware.Before)
}

func (o *expiryObserver) observe(result interface{}) interface{} {
	if meta, ok := result.(*imds.GetMetadataOutput); ok && meta != nil && meta.Content != nil {
		return o.observeIMDS(meta)
	}
	// endpointcreds' output type is internal to the SDK; its fields are read by name:
	// AccessKeyID string, Expiration *time.Time (credentials/endpointcreds/internal/client).
	v := reflect.ValueOf(result)
	if v.Kind() != reflect.Ptr || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return result
	}
	s := v.Elem()
	key, exp := s.FieldByName("AccessKeyID"), s.FieldByName("Expiration")
	if !key.IsValid() || key.Kind() != reflect.String || !exp.IsValid() || exp.Kind() != reflect.Ptr || exp.IsNil() {
		return result
	}
	if t, ok := exp.Interface().(*time.Time); ok {
		o.record(key.String(), *t)
	}
	return result
}

// observeIMDS reads a metadata answer; when it is a credentials document it records the
// expiration, decoded as ec2rolecreds decodes it (encoding/json into time.Time, RFC 3339).
func (o *expiryObserver) observeIMDS(meta *imds.GetMetadataOutput) interface{} {
	body, err := io.ReadAll(io.LimitReader(meta.Content, maxObservedBody+1))
	meta.Content.Close()
	if err != nil || len(body) > maxObservedBody {
		// Hand the SDK an error it will report, rather than a silently cut body.
		meta.Content = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err: errBodyTooLarge(err)}))
		return meta
	}
	meta.Content = io.NopCloser(bytes.NewReader(body))
	var doc struct {
		AccessKeyID string    `json:"AccessKeyId"`
		Expiration  time.Time `json:"Expiration"`
	}
	if json.Unmarshal(body, &doc) == nil {
		o.record(doc.AccessKeyID, doc.Expiration)
	}
	return meta
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

type bodyError string

func (e bodyError) Error() string { return string(e) }

func errBodyTooLarge(readErr error) error {
	if readErr != nil {
		return readErr
	}
	return bodyError("IMDS answer larger than the interop client buffers")
}
