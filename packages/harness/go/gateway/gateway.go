package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// gateway is the data plane: the wasm filter (auth, rate limit), then Envoy's routing and proxying.
type gateway struct {
	filter *filter
	plugin atomic.Pointer[runtimeConfig]
	routes atomic.Pointer[routeTable]
	// requestData: the metric labels per Gateway (TelemetryPolicy); nil: none.
	requestData atomic.Pointer[requestDataTable]
	proxy       *httputil.ReverseProxy
	access      *log.Logger
	envs        *celEnvs
	started     time.Time

	pluginFile      *watchedFile
	routesFile      *watchedFile
	requestDataFile *watchedFile // nil without --request-data
}

type ctxKey int

const (
	backendKey ctxKey = iota
)

// newGateway builds the data plane over its config files; requestDataPath "" means no --request-data.
func newGateway(clients *serviceClients, pluginPath, routesPath, requestDataPath string) (*gateway, error) {
	envs, err := newCELEnvs()
	if err != nil {
		return nil, fmt.Errorf("CEL environment: %w", err)
	}
	g := &gateway{filter: newFilter(clients), envs: envs, access: log.New(os.Stdout, "", 0), started: time.Now()}
	g.pluginFile = &watchedFile{path: pluginPath, label: "plugin config", apply: g.applyPluginConfig}
	g.routesFile = &watchedFile{path: routesPath, label: "routes", apply: g.applyRoutes}
	if requestDataPath != "" {
		g.requestDataFile = &watchedFile{path: requestDataPath, label: "request data", apply: g.applyRequestData}
	}
	g.proxy = &httputil.ReverseProxy{
		Rewrite:        rewriteToBackend,
		FlushInterval:  -1, // flush every write: server-sent events reach the client chunk by chunk
		ModifyResponse: addRateLimitResponseHeaders,
		ErrorHandler:   upstreamError,
	}
	return g, nil
}

func (g *gateway) applyPluginConfig(raw []byte) error {
	if raw == nil {
		g.plugin.Store(nil)
		return nil
	}
	cfg, err := parsePluginConfig(raw)
	if err != nil {
		return err
	}
	rc, err := compilePluginConfig(cfg, g.envs)
	if err != nil {
		return err
	}
	g.plugin.Store(rc)
	return nil
}

func (g *gateway) applyRoutes(raw []byte) error {
	if raw == nil {
		g.routes.Store(nil)
		return nil
	}
	table, err := parseRoutes(raw)
	if err != nil {
		return err
	}
	g.routes.Store(table)
	return nil
}

func (g *gateway) applyRequestData(raw []byte) error {
	if raw == nil {
		g.requestData.Store(nil)
		return nil
	}
	table, err := parseRequestData(raw, g.envs)
	if err != nil {
		return err
	}
	g.requestData.Store(table)
	return nil
}

// watchedFiles are the config files polled for changes.
func (g *gateway) watchedFiles() []*watchedFile {
	files := []*watchedFile{g.pluginFile, g.routesFile}
	if g.requestDataFile != nil {
		files = append(files, g.requestDataFile)
	}
	return files
}

func rewriteToBackend(pr *httputil.ProxyRequest) {
	backend := pr.In.Context().Value(backendKey).(*backendChoice)
	pr.SetURL(backend.url)
	pr.Out.Host = pr.In.Host // the model server sees the host the client asked for, as behind Envoy
	// Envoy appends the client address to x-forwarded-for and sets x-forwarded-proto and x-request-id.
	pr.SetXForwarded()
	pr.Out.Header.Del("X-Forwarded-Host")
	pr.Out.Header.Set("X-Request-Id", backend.requestID)
	for _, h := range backend.upstreamHeaders {
		pr.Out.Header.Add(h[0], h[1])
	}
}

type backendChoice struct {
	url             *url.URL
	requestID       string
	upstreamHeaders [][2]string
	responseHeaders [][2]string
}

func addRateLimitResponseHeaders(resp *http.Response) error {
	backend := resp.Request.Context().Value(backendKey).(*backendChoice)
	for _, h := range backend.responseHeaders {
		resp.Header.Add(h[0], h[1])
	}
	return nil
}

// upstreamError answers as Envoy does when the backend cannot be reached.
func upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	log.Printf("upstream %s for %s%s: %v", r.URL.Host, r.Host, r.URL.Path, err)
	status := http.StatusServiceUnavailable
	body := "upstream connect error or disconnect/reset before headers. reset reason: connection failure"
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		status, body = http.StatusGatewayTimeout, "upstream request timeout"
	}
	if rec, ok := w.(*statusRecorder); ok && rec.status != 0 {
		return // headers already sent: the stream is cut, as Envoy resets it
	}
	writeLocalReply(w, &localReply{status: status, body: body})
}

func writeLocalReply(w http.ResponseWriter, reply *localReply) {
	hasType := false
	for _, h := range reply.headers {
		w.Header().Add(h[0], h[1])
		hasType = hasType || strings.EqualFold(h[0], "content-type")
	}
	if reply.body != "" && !hasType {
		w.Header().Set("Content-Type", "text/plain")
	}
	w.WriteHeader(reply.status)
	_, _ = io.WriteString(w, reply.body)
}

// statusRecorder keeps the status for the log line and passes Flush through for streaming.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w}
	requestID := r.Header.Get("X-Request-Id")
	if requestID == "" {
		requestID = newRequestID()
	}
	info := newRequestInfo(r, requestID, start)
	res := g.filter.run(r.Context(), g.plugin.Load(), g.requestData.Load(), info)
	route := "-"
	defer func() {
		g.access.Printf("%s method=%s host=%s path=%s status=%d actionSet=%s auth=%s ratelimit=%s route=%s duration_ms=%d",
			start.UTC().Format(time.RFC3339Nano), r.Method, r.Host, r.URL.Path, rec.status,
			orDash(res.actionSet), res.auth, res.rateLimit, route, time.Since(start).Milliseconds())
	}()
	if res.reply != nil {
		writeLocalReply(rec, res.reply)
		return
	}
	rule := g.routes.Load().match(info.host, r)
	if rule == nil {
		rec.WriteHeader(http.StatusNotFound) // Envoy's reply when no route matches: empty body
		return
	}
	route = rule.route.namespace + "/" + rule.route.name
	backend := rule.pickBackend()
	if backend == nil {
		writeLocalReply(rec, &localReply{status: http.StatusServiceUnavailable, body: "no healthy upstream"})
		return
	}
	choice := &backendChoice{url: backend, requestID: requestID, upstreamHeaders: res.upstreamHeaders, responseHeaders: res.responseHeaders}
	g.proxy.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), backendKey, choice)))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// configSnapshot is what GET /config answers: the harness compares the hashes with the sha256 of
// what it wrote to know the new config is in use.
type configSnapshot struct {
	PluginConfigHash string `json:"pluginConfigHash"`
	RoutesHash       string `json:"routesHash"`
	// RequestDataHash: of the --request-data file ("" while absent or without the flag).
	RequestDataHash string `json:"requestDataHash"`
	ActionSets      int    `json:"actionSets"`
	Routes          int    `json:"routes"`
	// RequestDataGateways: how many Gateways have metric labels.
	RequestDataGateways int       `json:"requestDataGateways"`
	LoadedAt            time.Time `json:"loadedAt"`
}

func (g *gateway) snapshot() configSnapshot {
	ph, pAt := g.pluginFile.snapshot()
	rh, rAt := g.routesFile.snapshot()
	s := configSnapshot{PluginConfigHash: ph, RoutesHash: rh, LoadedAt: pAt}
	if rAt.After(pAt) {
		s.LoadedAt = rAt
	}
	if rc := g.plugin.Load(); rc != nil {
		s.ActionSets = len(rc.actionSets)
	}
	if rt := g.routes.Load(); rt != nil {
		s.Routes = len(rt.routes)
	}
	if g.requestDataFile != nil {
		dh, dAt := g.requestDataFile.snapshot()
		s.RequestDataHash = dh
		if dAt.After(s.LoadedAt) {
			s.LoadedAt = dAt
		}
	}
	if rd := g.requestData.Load(); rd != nil {
		s.RequestDataGateways = rd.gateways
	}
	return s
}

func (g *gateway) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ready", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ready\n")
	})
	mux.HandleFunc("GET /config", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(g.snapshot())
	})
	return mux
}
