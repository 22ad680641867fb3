package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The labels MaaS's TelemetryPolicy sets, and three that give no string: an int, a missing attribute
// (null) and a list. wasm-shim leaves those out of the descriptor.
const telemetryLabels = `{
  "user": "auth.identity.userid",
  "group": "auth.identity.groups",
  "group_count": "size(auth.identity.groups)",
  "team": "auth.identity.team",
  "tiers": "auth.identity.groups.split(\",\")"
}`

func requestDataFor(actionSets ...string) string {
	quoted := make([]string, len(actionSets))
	for i, s := range actionSets {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf(`{"gateways": [{"gateway": "llm/inference-gateway", "actionSets": [%s], "labels": %s}]}`,
		strings.Join(quoted, ", "), telemetryLabels)
}

func mustRequestData(t *testing.T, raw string) *requestDataTable {
	t.Helper()
	envs, err := newCELEnvs()
	if err != nil {
		t.Fatal(err)
	}
	table, err := parseRequestData([]byte(raw), envs)
	if err != nil {
		t.Fatalf("request data: %v", err)
	}
	return table
}

func entriesOf(t *testing.T, tb *testBed) []string {
	t.Helper()
	if len(tb.rl.requests) != 1 {
		t.Fatalf("ShouldRateLimit calls: %d (logs: %s)", len(tb.rl.requests), tb.logs)
	}
	var out []string
	for _, d := range tb.rl.requests[0].GetDescriptors() {
		var entries []string
		for _, e := range d.GetEntries() {
			entries = append(entries, e.GetKey()+"="+e.GetValue())
		}
		out = append(out, strings.Join(entries, " "))
	}
	return out
}

func TestTelemetryLabelsGoAsASecondDescriptorOfStringsOnly(t *testing.T) {
	tb := newTestBed(t, "", "")
	tb.rd = mustRequestData(t, requestDataFor(tb.rc.actionSets[0].name))
	res := tb.run(t, "GET", "http://simulator.maas.local/v1/models", map[string]string{"Authorization": "APIKEY k"})
	if res.reply != nil || res.rateLimit != "ok" {
		t.Fatalf("result %+v (logs: %s)", res, tb.logs)
	}
	got := entriesOf(t, tb)
	freeKey := tb.rc.actionSets[0].actions[1].data[0].entries[0].key
	want := []string{freeKey + "=1 auth.identity.userid=alice", "group=free user=alice"}
	if strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Errorf("descriptors %q, want %q (the int, null and list labels left out)", got, want)
	}
}

func TestWithoutTelemetryLabelsOneDescriptorAsToday(t *testing.T) {
	for name, rd := range map[string]*requestDataTable{
		"no request data": nil,
		// A TelemetryPolicy on another Gateway: its action sets are not this request's.
		"another gateway's labels": mustRequestData(t, requestDataFor("some-other-action-set")),
	} {
		t.Run(name, func(t *testing.T) {
			tb := newTestBed(t, "", "")
			tb.rd = rd
			tb.run(t, "GET", "http://simulator.maas.local/v1/models", nil)
			got := entriesOf(t, tb)
			freeKey := tb.rc.actionSets[0].actions[1].data[0].entries[0].key
			if len(got) != 1 || got[0] != freeKey+"=1 auth.identity.userid=alice" {
				t.Errorf("descriptors %q, want the one descriptor of the limits", got)
			}
		})
	}
}

func TestNoLabelOfAStringGivesNoSecondDescriptor(t *testing.T) {
	tb := newTestBed(t, "", "")
	tb.rd = mustRequestData(t, fmt.Sprintf(
		`{"gateways": [{"gateway": "llm/inference-gateway", "actionSets": [%q], "labels": {"team": "auth.identity.team", "n": "1"}}]}`,
		tb.rc.actionSets[0].name))
	tb.run(t, "GET", "http://simulator.maas.local/v1/models", nil)
	if got := entriesOf(t, tb); len(got) != 1 {
		t.Errorf("descriptors %q: an empty second descriptor must not be sent", got)
	}
}

func TestBrokenRequestDataIsRejectedNamingTheEntry(t *testing.T) {
	envs, err := newCELEnvs()
	if err != nil {
		t.Fatal(err)
	}
	one := func(gateway, sets, labels string) string {
		return fmt.Sprintf(`{"gateways": [{"gateway": %q, "actionSets": %s, "labels": %s}]}`, gateway, sets, labels)
	}
	for _, c := range []struct{ raw, want string }{
		{`[]`, "not a request data JSON object"},
		{`{}`, `missing "gateways"`},
		{`{"gateways": [], "extra": 1}`, `unknown field "extra"`},
		{one("gw", `["a"]`, `{"user": "auth.identity.userid"}`), `gateway 0 ("gw"): gateway must be <namespace>/<name>`},
		{one("ns/gw", `["a"]`, `{}`), `gateway 0 ("ns/gw"): no labels`},
		{one("ns/gw", `["a"]`, `{"user-id": "auth.identity.userid"}`), `gateway 0 ("ns/gw") label "user-id": not a Prometheus label name`},
		{one("ns/gw", `["a"]`, `{"user": "auth.identity.userid +"}`), `gateway 0 ("ns/gw") label "user": CEL "auth.identity.userid +"`},
		{one("ns/gw", `[""]`, `{"user": "auth.identity.userid"}`), `gateway 0 ("ns/gw"): an empty action set name`},
		{`{"gateways": [{"gateway": "a/gw", "actionSets": ["x"], "labels": {"u": "'1'"}}, {"gateway": "b/gw", "actionSets": ["x"], "labels": {"u": "'2'"}}]}`,
			`gateway 1 ("b/gw"): action set "x" is also listed for "a/gw"`},
	} {
		_, err := parseRequestData([]byte(c.raw), envs)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.raw, err, c.want)
		}
	}
}

func TestRequestDataFileIsReloadedAndReported(t *testing.T) {
	dir := t.TempDir()
	routesPath := filepath.Join(dir, "routes.json")
	dataPath := filepath.Join(dir, "request-data.json")
	writeByRename(t, routesPath, `{"routes": []}`)
	clients := newServiceClients(nil, 0)
	t.Cleanup(clients.close)
	g, err := newGateway(clients, filepath.Join(dir, "plugin.json"), routesPath, dataPath)
	if err != nil {
		t.Fatal(err)
	}
	g.access = log.New(io.Discard, "", 0)
	if len(g.watchedFiles()) != 3 {
		t.Fatalf("watched files: %d, want the plugin config, the routes and the request data", len(g.watchedFiles()))
	}
	g.requestDataFile.poll(true)
	if s := g.snapshot(); s.RequestDataHash != "" || s.RequestDataGateways != 0 {
		t.Errorf("absent file: %+v", s)
	}
	content := requestDataFor("set-a", "set-b")
	writeByRename(t, dataPath, content)
	if !g.requestDataFile.poll(false) {
		t.Fatal("the request data file did not load")
	}
	sum := sha256.Sum256([]byte(content))
	if s := g.snapshot(); s.RequestDataHash != hex.EncodeToString(sum[:]) || s.RequestDataGateways != 1 {
		t.Errorf("snapshot %+v, want the file's sha256 and one gateway", s)
	}
	if got := len(g.requestData.Load().labelsFor("set-b")); got != 5 {
		t.Errorf("labels of set-b: %d, want 5", got)
	}
	// A broken file keeps the last good one; removing the file removes the labels.
	writeByRename(t, dataPath, `{"gateways": [{"gateway": "x"}]}`)
	if g.requestDataFile.poll(false) || g.requestData.Load().labelsFor("set-a") == nil {
		t.Error("a broken file should keep the last good labels")
	}
	if err := os.Remove(dataPath); err != nil {
		t.Fatal(err)
	}
	if !g.requestDataFile.poll(false) || g.requestData.Load() != nil {
		t.Error("without the file there should be no labels")
	}
}
