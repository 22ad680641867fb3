package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	rlsv3 "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// writeByRename replaces a file the way the harness (and Istio) do, so a reader never sees half of it.
func writeByRename(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// newTestGateway builds the handler around a test bed's filter (nil: no services, no pluginConfig).
func newTestGateway(t *testing.T, tb *testBed, routes string) *gateway {
	t.Helper()
	dir := t.TempDir()
	routesPath := filepath.Join(dir, "routes.json")
	writeByRename(t, routesPath, routes)
	clients := newServiceClients(nil, 0)
	t.Cleanup(clients.close)
	g, err := newGateway(clients, filepath.Join(dir, "absent-plugin-config.json"), routesPath, "")
	if err != nil {
		t.Fatal(err)
	}
	g.access = log.New(io.Discard, "", 0)
	g.pluginFile.poll(true)
	if !g.routesFile.poll(true) {
		t.Fatalf("routes did not load: %s", routes)
	}
	if tb != nil {
		g.filter = tb.filter
		g.plugin.Store(tb.rc)
	}
	return g
}

// echoBackend answers with what reached it, so tests can see what the gateway forwarded.
func echoBackend(t *testing.T, name string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{
			"backend": name, "host": r.Host, "path": r.URL.RequestURI(),
			"xff": r.Header.Get("X-Forwarded-For"), "user": r.Header.Get("X-Auth-User"),
			"requestId": r.Header.Get("X-Request-Id"),
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, h http.Handler, target string) (*httptest.ResponseRecorder, map[string]string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	var body map[string]string
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	return rec, body
}

func TestRoutingAsEnvoyDoes(t *testing.T) {
	exact, wild, models := echoBackend(t, "exact"), echoBackend(t, "wild"), echoBackend(t, "models")
	routes := sprintf(`{"routes":[
	  {"namespace":"llm","name":"wild","hostnames":["*.maas.local"],"rules":[{"matches":[{"path":{"type":"PathPrefix","value":"/"}}],"backends":[%q]}]},
	  {"namespace":"llm","name":"simulator-route","hostnames":["simulator.maas.local"],"rules":[
	    {"matches":[{"path":{"type":"PathPrefix","value":"/"}}],"backends":[%q]},
	    {"matches":[{"path":{"type":"PathPrefix","value":"/v1/models"}}],"backends":[%q]}]},
	  {"namespace":"llm","name":"empty","hostnames":["empty.maas.local"],"rules":[{"matches":[{"path":{"type":"PathPrefix","value":"/v1"}}],"backends":[]}]}
	]}`, wild.URL, exact.URL, models.URL)
	g := newTestGateway(t, nil, routes)

	cases := map[string]string{
		"http://simulator.maas.local/v1/chat/completions": "exact",  // exact hostname beats *.maas.local
		"http://simulator.maas.local:8080/v1/models?x=1":  "models", // longest prefix wins, port ignored
		"http://simulator.maas.local/v1/modelsX":          "exact",  // prefixes match whole path segments
		"http://qwen3.maas.local/v1/models":               "wild",
	}
	for target, want := range cases {
		rec, body := get(t, g, target)
		if rec.Code != 200 || body["backend"] != want {
			t.Errorf("%s: %d %v, want backend %s", target, rec.Code, body, want)
		}
	}

	// Host header kept, query kept, client address appended to x-forwarded-for, a request id made.
	_, body := get(t, g, "http://simulator.maas.local:8080/v1/models?x=1")
	if body["host"] != "simulator.maas.local:8080" || body["path"] != "/v1/models?x=1" || body["xff"] != "192.0.2.1" || body["requestId"] == "" {
		t.Errorf("forwarded request: %v", body)
	}

	if rec, _ := get(t, g, "http://maas.local/"); rec.Code != 404 || rec.Body.Len() != 0 {
		t.Errorf("no route for the bare domain: %d %q", rec.Code, rec.Body.String())
	}
	if rec, _ := get(t, g, "http://empty.maas.local/health"); rec.Code != 404 {
		t.Errorf("no route for the path: %d", rec.Code)
	}
	if rec, _ := get(t, g, "http://empty.maas.local/v1/models"); rec.Code != 503 || rec.Body.String() != "no healthy upstream" {
		t.Errorf("a rule without backends: %d %q", rec.Code, rec.Body.String())
	}
}

func TestUnreachableBackendIs503(t *testing.T) {
	routes := sprintf(`{"routes":[{"namespace":"llm","name":"r","hostnames":["down.maas.local"],"rules":[{"backends":["http://%s"]}]}]}`, closedPort(t))
	g := newTestGateway(t, nil, routes)
	rec, _ := get(t, g, "http://down.maas.local/v1/models")
	if rec.Code != 503 || !strings.Contains(rec.Body.String(), "upstream connect error") {
		t.Fatalf("%d %q", rec.Code, rec.Body.String())
	}
}

func TestAuthHeadersGoUpstreamAndLimitadorHeadersToTheClient(t *testing.T) {
	tb := newTestBed(t, "", "")
	tb.rl.answer = limitadorAnswer(rlsv3.RateLimitResponse_OK, "x-ratelimit-remaining", "4")
	backend := echoBackend(t, "sim")
	g := newTestGateway(t, tb, sprintf(`{"routes":[{"namespace":"llm","name":"simulator-route","hostnames":["simulator.maas.local"],"rules":[{"backends":[%q]}]}]}`, backend.URL))
	rec, body := get(t, g, "http://simulator.maas.local/v1/models")
	if rec.Code != 200 || body["user"] != "alice" || rec.Header().Get("X-Ratelimit-Remaining") != "4" {
		t.Fatalf("%d %v %v", rec.Code, body, rec.Header())
	}
}

func TestServerSentEventsAreFlushedChunkByChunk(t *testing.T) {
	release := make(chan struct{})
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "data: {\"n\":1}\n\n")
		w.(http.Flusher).Flush()
		<-release // the rest comes only once the client has read the first event
		_, _ = io.WriteString(w, "data: [DONE]\n\n")
	}))
	t.Cleanup(backend.Close)
	defer close(release)
	g := newTestGateway(t, nil, sprintf(`{"routes":[{"namespace":"llm","name":"r","hostnames":["s.maas.local"],"rules":[{"backends":[%q]}]}]}`, backend.URL))
	front := httptest.NewServer(g)
	t.Cleanup(front.Close)

	req, _ := http.NewRequest("POST", front.URL+"/v1/chat/completions", strings.NewReader(`{"stream":true}`))
	req.Host = "s.maas.local"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(resp.Body).ReadString('\n')
		first <- line
	}()
	select {
	case line := <-first:
		if line != "data: {\"n\":1}\n" {
			t.Fatalf("first line %q", line)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the first event did not reach the client while the stream was open")
	}
}

func TestReloadKeepsTheLastGoodConfigAndReportsHashes(t *testing.T) {
	dir := t.TempDir()
	pluginPath, routesPath := filepath.Join(dir, "plugin.json"), filepath.Join(dir, "routes.json")
	var logs bytes.Buffer
	log.SetOutput(&logs)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })

	clients := newServiceClients(nil, 0)
	t.Cleanup(clients.close)
	g, err := newGateway(clients, pluginPath, routesPath, "")
	if err != nil {
		t.Fatal(err)
	}
	admin := httptest.NewServer(g.adminHandler())
	t.Cleanup(admin.Close)
	config := func() configSnapshot {
		resp, err := http.Get(admin.URL + "/config")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var s configSnapshot
		if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}

	// Both files absent at start: no action sets, no routes, empty hashes.
	g.pluginFile.poll(true)
	g.routesFile.poll(true)
	if s := config(); s.PluginConfigHash != "" || s.ActionSets != 0 || s.Routes != 0 {
		t.Fatalf("absent files: %+v", s)
	}

	sample, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	writeByRename(t, pluginPath, string(sample))
	routes := `{"routes":[{"namespace":"llm","name":"simulator-route","hostnames":["simulator.maas.local"],"rules":[{"backends":[]}]}]}`
	writeByRename(t, routesPath, routes)
	if !g.pluginFile.poll(false) || !g.routesFile.poll(false) {
		t.Fatal("new files were not loaded")
	}
	s := config()
	if s.PluginConfigHash != sha256Hex(string(sample)) || s.RoutesHash != sha256Hex(routes) || s.ActionSets != 1 || s.Routes != 1 || s.LoadedAt.IsZero() {
		t.Fatalf("after load: %+v", s)
	}

	// A broken file: logged with its name, the last good config stays.
	writeByRename(t, pluginPath, `{"services":{"x":{"type":"auth","endpoint":"c","failureMode":"maybe"}},"actionSets":[]}`)
	if g.pluginFile.poll(false) {
		t.Fatal("a broken file must not be installed")
	}
	if !strings.Contains(logs.String(), "plugin config "+pluginPath+`: service "x": failureMode "maybe"`) {
		t.Errorf("log: %s", logs.String())
	}
	if s := config(); s.PluginConfigHash != sha256Hex(string(sample)) || s.ActionSets != 1 {
		t.Fatalf("after a broken file: %+v", s)
	}

	// The next good file is taken, by the poll loop itself.
	next := `{"services":{},"actionSets":[]}`
	stop := make(chan struct{})
	go g.pluginFile.run(stop, 20*time.Millisecond)
	defer close(stop)
	time.Sleep(30 * time.Millisecond) // a new mtime even on coarse-grained file systems
	writeByRename(t, pluginPath, next)
	deadline := time.Now().Add(3 * time.Second)
	for config().PluginConfigHash != sha256Hex(next) {
		if time.Now().After(deadline) {
			t.Fatalf("the poll loop did not load the new file: %+v", config())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if s := config(); s.ActionSets != 0 {
		t.Fatalf("%+v", s)
	}
}
