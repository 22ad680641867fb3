package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	rlsv3 "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/structpb"
)

// These tests stop at the edge of a unit test: tiny in-process gRPC servers implement the two
// services. The real Authorino and our Limitador server are exercised by the harness's Jest tests.

type fakeAuthorino struct {
	authv3.UnimplementedAuthorizationServer
	mu       sync.Mutex
	requests []*authv3.CheckRequest
	answer   func(*authv3.CheckRequest) *authv3.CheckResponse
	delay    time.Duration
}

func (f *fakeAuthorino) Check(_ context.Context, req *authv3.CheckRequest) (*authv3.CheckResponse, error) {
	f.mu.Lock()
	f.requests = append(f.requests, req)
	f.mu.Unlock()
	time.Sleep(f.delay)
	return f.answer(req), nil
}

type fakeLimitador struct {
	rlsv3.UnimplementedRateLimitServiceServer
	mu       sync.Mutex
	requests []*rlsv3.RateLimitRequest
	answer   func(*rlsv3.RateLimitRequest) *rlsv3.RateLimitResponse
}

func (f *fakeLimitador) ShouldRateLimit(_ context.Context, req *rlsv3.RateLimitRequest) (*rlsv3.RateLimitResponse, error) {
	f.mu.Lock()
	f.requests = append(f.requests, req)
	f.mu.Unlock()
	return f.answer(req), nil
}

func serveGRPC(t *testing.T, register func(*grpc.Server)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	register(srv)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)
	return ln.Addr().String()
}

// closedPort is an address nothing listens on: connections are refused.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// Authorino's success answer: the identity the AuthPolicy's response.success.filters.identity exposes.
func authorinoOK(userid, groups string) func(*authv3.CheckRequest) *authv3.CheckResponse {
	return func(*authv3.CheckRequest) *authv3.CheckResponse {
		md, _ := structpb.NewStruct(map[string]any{"identity": map[string]any{"userid": userid, "groups": groups}})
		return &authv3.CheckResponse{
			Status: &status.Status{Code: 0},
			HttpResponse: &authv3.CheckResponse_OkResponse{OkResponse: &authv3.OkHttpResponse{
				Headers: []*corev3.HeaderValueOption{{Header: &corev3.HeaderValue{Key: "x-auth-user", Value: userid}}},
			}},
			DynamicMetadata: md,
		}
	}
}

func limitadorAnswer(code rlsv3.RateLimitResponse_Code, headers ...string) func(*rlsv3.RateLimitRequest) *rlsv3.RateLimitResponse {
	return func(*rlsv3.RateLimitRequest) *rlsv3.RateLimitResponse {
		resp := &rlsv3.RateLimitResponse{OverallCode: code}
		for i := 0; i+1 < len(headers); i += 2 {
			resp.ResponseHeadersToAdd = append(resp.ResponseHeadersToAdd, &corev3.HeaderValue{Key: headers[i], Value: headers[i+1]})
		}
		return resp
	}
}

type testBed struct {
	rc     *runtimeConfig
	rd     *requestDataTable // the metric labels (TelemetryPolicy); nil: none
	filter *filter
	auth   *fakeAuthorino
	rl     *fakeLimitador
	logs   *strings.Builder
}

// newTestBed loads the operator sample with both services served in-process, unless an address is given.
func newTestBed(t *testing.T, authAddr, rlAddr string) *testBed {
	t.Helper()
	tb := &testBed{
		rc:   loadSample(t),
		auth: &fakeAuthorino{answer: authorinoOK("alice", "free")},
		rl:   &fakeLimitador{answer: limitadorAnswer(rlsv3.RateLimitResponse_OK)},
		logs: &strings.Builder{},
	}
	if authAddr == "" {
		authAddr = serveGRPC(t, func(s *grpc.Server) { authv3.RegisterAuthorizationServer(s, tb.auth) })
	}
	if rlAddr == "" {
		rlAddr = serveGRPC(t, func(s *grpc.Server) { rlsv3.RegisterRateLimitServiceServer(s, tb.rl) })
	}
	addresses := map[string]string{}
	if authAddr != "-" {
		addresses["kuadrant-auth-service"] = authAddr
	}
	if rlAddr != "-" {
		addresses["kuadrant-ratelimit-service"] = rlAddr
	}
	clients := newServiceClients(addresses, 0)
	t.Cleanup(clients.close)
	tb.filter = newFilter(clients)
	var mu sync.Mutex
	tb.filter.logf = func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		tb.logs.WriteString(strings.TrimSpace(sprintf(format, args...)) + "\n")
	}
	return tb
}

func (tb *testBed) run(t *testing.T, method, target string, headers map[string]string) filterResult {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	return tb.filter.run(context.Background(), tb.rc, tb.rd, newRequestInfo(r, "rid-1", time.Now()))
}

func TestAuthThenOneMergedDescriptorForTheFreeTier(t *testing.T) {
	tb := newTestBed(t, "", "")
	res := tb.run(t, "POST", "http://simulator.maas.local:8080/v1/chat/completions?stream=true",
		map[string]string{"Authorization": "APIKEY secret-key"})
	if res.reply != nil || res.auth != "ok" || res.rateLimit != "ok" {
		t.Fatalf("result %+v (logs: %s)", res, tb.logs)
	}
	if len(res.upstreamHeaders) != 1 || res.upstreamHeaders[0] != [2]string{"x-auth-user", "alice"} {
		t.Errorf("Authorino's OK headers should go upstream: %v", res.upstreamHeaders)
	}

	if len(tb.auth.requests) != 1 {
		t.Fatalf("Check calls: %d", len(tb.auth.requests))
	}
	attrs := tb.auth.requests[0].GetAttributes()
	httpAttrs := attrs.GetRequest().GetHttp()
	wantScope := tb.rc.actionSets[0].actions[0].scope
	if attrs.GetContextExtensions()["host"] != wantScope {
		t.Errorf("context_extensions host %q, want the AuthConfig name %q", attrs.GetContextExtensions()["host"], wantScope)
	}
	if httpAttrs.GetHeaders()["authorization"] != "APIKEY secret-key" || httpAttrs.GetMethod() != "POST" ||
		httpAttrs.GetPath() != "/v1/chat/completions?stream=true" || httpAttrs.GetHost() != "simulator.maas.local:8080" ||
		httpAttrs.GetScheme() != "http" || httpAttrs.GetProtocol() != "HTTP/1.1" {
		t.Errorf("CheckRequest http attributes: %v", httpAttrs)
	}
	// Headers Envoy adds before the filter runs, and the pseudo-headers of its header map.
	if h := httpAttrs.GetHeaders(); h["x-request-id"] != "rid-1" || h["x-forwarded-for"] != "192.0.2.1" || h[":authority"] != "simulator.maas.local:8080" {
		t.Errorf("CheckRequest headers: %v", h)
	}
	if src := attrs.GetSource().GetAddress().GetSocketAddress(); src.GetAddress() != "192.0.2.1:1234" || src.GetPortValue() != 1234 {
		t.Errorf("source peer: %v", src)
	}

	if len(tb.rl.requests) != 1 {
		t.Fatalf("ShouldRateLimit calls: %d", len(tb.rl.requests))
	}
	req := tb.rl.requests[0]
	if req.GetDomain() != "llm/simulator-route" || req.GetHitsAddend() != 1 || len(req.GetDescriptors()) != 1 {
		t.Fatalf("RateLimitRequest %v", req)
	}
	var entries []string
	for _, e := range req.GetDescriptors()[0].GetEntries() {
		entries = append(entries, e.GetKey()+"="+e.GetValue())
	}
	freeKey := tb.rc.actionSets[0].actions[1].data[0].entries[0].key
	want := freeKey + "=1 auth.identity.userid=alice"
	if strings.Join(entries, " ") != want {
		t.Errorf("descriptor %q, want only the free tier's entries %q", strings.Join(entries, " "), want)
	}
}

func TestDenialIsPassedThroughVerbatim(t *testing.T) {
	tb := newTestBed(t, "", "")
	tb.auth.answer = func(*authv3.CheckRequest) *authv3.CheckResponse {
		return &authv3.CheckResponse{
			Status: &status.Status{Code: 16},
			HttpResponse: &authv3.CheckResponse_DeniedResponse{DeniedResponse: &authv3.DeniedHttpResponse{
				Status: &typev3.HttpStatus{Code: typev3.StatusCode_Unauthorized},
				Headers: []*corev3.HeaderValueOption{
					{Header: &corev3.HeaderValue{Key: "www-authenticate", Value: `APIKEY realm="api-keys"`}},
					{Header: &corev3.HeaderValue{Key: "x-ext-auth-reason", Value: "credential not found"}},
				},
				Body: "no key\n",
			}},
		}
	}
	res := tb.run(t, "GET", "http://simulator.maas.local/v1/models", nil)
	if res.reply == nil || res.reply.status != 401 || res.reply.body != "no key\n" || res.auth != "denied(401)" {
		t.Fatalf("result %+v", res)
	}
	want := [][2]string{{"www-authenticate", `APIKEY realm="api-keys"`}, {"x-ext-auth-reason", "credential not found"}}
	if len(res.reply.headers) != 2 || res.reply.headers[0] != want[0] || res.reply.headers[1] != want[1] {
		t.Errorf("headers %v, want %v", res.reply.headers, want)
	}
	if len(tb.rl.requests) != 0 {
		t.Error("a denied request must not reach the rate limiter")
	}

	// The whole way through the gateway: status, headers and body reach the client as Authorino wrote them.
	g := newTestGateway(t, tb, `{"routes":[]}`)
	rec := httptest.NewRecorder()
	g.ServeHTTP(rec, httptest.NewRequest("GET", "http://simulator.maas.local/v1/models", nil))
	if rec.Code != 401 || rec.Body.String() != "no key\n" || rec.Header().Get("X-Ext-Auth-Reason") != "credential not found" {
		t.Errorf("client got %d %q %v", rec.Code, rec.Body.String(), rec.Header())
	}
}

func TestOverLimitAnswers429WithLimitadorHeaders(t *testing.T) {
	tb := newTestBed(t, "", "")
	tb.rl.answer = limitadorAnswer(rlsv3.RateLimitResponse_OVER_LIMIT, "x-ratelimit-limit", "5", "retry-after", "120")
	res := tb.run(t, "GET", "http://simulator.maas.local/v1/models", map[string]string{"Authorization": "APIKEY k"})
	if res.reply == nil || res.reply.status != 429 || res.reply.body != "Too Many Requests\n" || res.rateLimit != "over-limit" {
		t.Fatalf("result %+v", res)
	}
	if len(res.reply.headers) != 2 || res.reply.headers[1] != [2]string{"retry-after", "120"} {
		t.Errorf("headers %v", res.reply.headers)
	}
}

func TestNoTierMatchesMeansNoRateLimitCall(t *testing.T) {
	tb := newTestBed(t, "", "")
	tb.auth.answer = authorinoOK("bob", "unlisted")
	res := tb.run(t, "GET", "http://simulator.maas.local/v1/models", nil)
	if res.reply != nil || res.rateLimit != "no-descriptor" || len(tb.rl.requests) != 0 {
		t.Fatalf("result %+v, %d RLS calls", res, len(tb.rl.requests))
	}
}

func TestUnreachableServicesFollowTheirFailureMode(t *testing.T) {
	// Authorino down: failureMode deny (the operator's default) → 500 with wasm-shim's body.
	tb := newTestBed(t, closedPort(t), "")
	res := tb.run(t, "GET", "http://simulator.maas.local/v1/models", nil)
	if res.reply == nil || res.reply.status != 500 || res.reply.body != "Internal Server Error.\n" || res.auth != "error(denied)" {
		t.Fatalf("auth down: %+v", res)
	}
	if !strings.Contains(tb.logs.String(), "auth-service (kuadrant-auth-service=") {
		t.Errorf("the log should name the service and its address: %s", tb.logs)
	}

	// No --endpoint for the auth cluster: the same, and the log says so.
	tb = newTestBed(t, "-", "")
	res = tb.run(t, "GET", "http://simulator.maas.local/v1/models", nil)
	if res.reply == nil || res.reply.status != 500 || !strings.Contains(tb.logs.String(), `cluster "kuadrant-auth-service" has no address`) {
		t.Fatalf("no address: %+v, logs %s", res, tb.logs)
	}

	// Limitador down: failureMode allow (the operator's default) → the request goes on.
	tb = newTestBed(t, "", closedPort(t))
	res = tb.run(t, "GET", "http://simulator.maas.local/v1/models", nil)
	if res.reply != nil || res.auth != "ok" || res.rateLimit != "error(allowed)" {
		t.Fatalf("limitador down: %+v", res)
	}
}

func TestSlowAuthorinoTimesOutIntoFailureMode(t *testing.T) {
	tb := newTestBed(t, "", "")
	tb.auth.delay = 400 * time.Millisecond // the sample's auth-service timeout is 200ms
	start := time.Now()
	res := tb.run(t, "GET", "http://simulator.maas.local/v1/models", nil)
	if res.reply == nil || res.reply.status != 500 {
		t.Fatalf("result %+v", res)
	}
	if took := time.Since(start); took > 390*time.Millisecond {
		t.Errorf("the call should give up after the service timeout, took %v", took)
	}
	if !strings.Contains(tb.logs.String(), "DeadlineExceeded") {
		t.Errorf("logs: %s", tb.logs)
	}
}

func TestFirstActionSetWhosePredicatesHoldIsChosen(t *testing.T) {
	envs, _ := newCELEnvs()
	raw := `{"services":{"rl":{"type":"ratelimit","endpoint":"kuadrant-ratelimit-service","failureMode":"deny"}},"actionSets":[
	  {"name":"models","routeRuleConditions":{"hostnames":["*.maas.local"],"predicates":["request.url_path == '/v1/models'"]},
	   "actions":[{"service":"rl","scope":"models","data":[{"static":{"key":"k","value":"models"}}]}]},
	  {"name":"v1","routeRuleConditions":{"hostnames":["*.maas.local"],"predicates":["request.url_path.startsWith('/v1')"]},
	   "actions":[{"service":"rl","scope":"v1","data":[{"static":{"key":"k","value":"v1"}}]}]},
	  {"name":"other-host","routeRuleConditions":{"hostnames":["simulator.maas.local"],"predicates":["request.method == 'DELETE'"]},
	   "actions":[{"service":"rl","scope":"x","data":[{"static":{"key":"k","value":"x"}}]}]}]}`
	cfg, err := parsePluginConfig([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	tb := newTestBed(t, "-", "")
	if tb.rc, err = compilePluginConfig(cfg, envs); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"http://qwen3.maas.local/v1/chat/completions": "v1",
		"http://qwen3.maas.local/v1/models":           "models",
		"http://qwen3.maas.local/health":              "",
		// The exact hostname wins the host lookup, and its only set does not hold: nothing applies,
		// the wildcard sets are not tried (wasm-shim looks at one hostname's sets only).
		"http://simulator.maas.local/v1/models": "",
	}
	for target, want := range cases {
		if got := tb.run(t, "GET", target, nil).actionSet; got != want {
			t.Errorf("%s: action set %q, want %q", target, got, want)
		}
	}
}

func TestRouteRulePredicateErrorAnswers500(t *testing.T) {
	envs, _ := newCELEnvs()
	raw := `{"services":{},"actionSets":[{"name":"broken","routeRuleConditions":{"hostnames":["*"],"predicates":["request.headers['absent'] == 'x'"]}}]}`
	cfg, _ := parsePluginConfig([]byte(raw))
	rc, err := compilePluginConfig(cfg, envs)
	if err != nil {
		t.Fatal(err)
	}
	tb := newTestBed(t, "-", "-")
	tb.rc = rc
	res := tb.run(t, "GET", "http://a.b/", nil)
	if res.reply == nil || res.reply.status != 500 || !strings.Contains(tb.logs.String(), `actionSet "broken": routeRuleConditions`) {
		t.Fatalf("result %+v, logs %s", res, tb.logs)
	}
}

func TestNoPluginConfigPassesThrough(t *testing.T) {
	f := newFilter(newServiceClients(nil, 0))
	res := f.run(context.Background(), nil, nil, newRequestInfo(httptest.NewRequest(http.MethodGet, "http://x/", nil), "r", time.Now()))
	if res.reply != nil || res.actionSet != "" {
		t.Fatalf("%+v", res)
	}
}

func TestAServiceThatComesUpLaterIsUsedWithinASecondOrSo(t *testing.T) {
	addr := closedPort(t)
	tb := newTestBed(t, addr, "")
	// Down for 3 s with requests coming in: grpc-go's default backoff would by now wait about 2.5 s
	// before its next attempt; Envoy, and this gateway, try again within about a second.
	for down := time.Now(); time.Since(down) < 3*time.Second; time.Sleep(250 * time.Millisecond) {
		if res := tb.run(t, "GET", "http://simulator.maas.local/v1/models", nil); res.auth != "error(denied)" {
			t.Fatalf("Authorino not up yet: %+v", res)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("port %s taken meanwhile: %v", addr, err)
	}
	srv := grpc.NewServer()
	authv3.RegisterAuthorizationServer(srv, tb.auth)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)

	start := time.Now()
	for {
		if res := tb.run(t, "GET", "http://simulator.maas.local/v1/models", nil); res.auth == "ok" {
			break
		}
		if time.Since(start) > 1500*time.Millisecond {
			t.Fatal("the gateway did not reconnect to Authorino within 1.5 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
