package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"
)

// The sample is a pluginConfig the real kuadrant-operator v1.2.0 wrote in the harness (copied from the
// WasmPlugin llm/kuadrant-inference-gateway by the harness) for: Gateway llm/inference-gateway (class istio,
// listener "http", *.maas.local), HTTPRoute llm/simulator-route (simulator.maas.local, one rule PathPrefix /),
// AuthPolicy llm/simulator-auth (API keys) and RateLimitPolicy llm/simulator-limits with the limits
// free-user-requests and premium-user-requests (tier predicate, counter auth.identity.userid). The test
// recomputes its names with the operator's functions: internal/wasm/utils.go ActionSetNameForPath,
// internal/controller/auth_workflow_helpers.go AuthConfigNameForPath, ratelimit_workflow_helpers.go
// LimitNameToLimitadorIdentifier.
const samplePath = "testdata/pluginconfig-operator-v1.2.0.json"

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func loadSample(t *testing.T) *runtimeConfig {
	t.Helper()
	raw, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := parsePluginConfig(raw)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	envs, err := newCELEnvs()
	if err != nil {
		t.Fatal(err)
	}
	rc, err := compilePluginConfig(cfg, envs)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return rc
}

func TestOperatorSampleParsesAsTheOperatorNamesIt(t *testing.T) {
	rc := loadSample(t)

	auth, rl := rc.services["auth-service"], rc.services["ratelimit-service"]
	if auth == nil || rl == nil {
		t.Fatalf("services: %v", rc.services)
	}
	if auth.kind != serviceTypeAuth || auth.endpoint != "kuadrant-auth-service" || auth.failOpen || auth.timeout != 200*time.Millisecond {
		t.Errorf("auth-service: %+v", auth)
	}
	if rl.kind != serviceTypeRateLimit || rl.endpoint != "kuadrant-ratelimit-service" || !rl.failOpen || rl.timeout != 100*time.Millisecond {
		t.Errorf("ratelimit-service: %+v", rl)
	}

	// The policy-machinery path of the route rule: GatewayClass|Gateway|Listener|HTTPRoute|HTTPRouteRule.
	pathID := "istio|llm/inference-gateway|llm/inference-gateway#http|llm/simulator-route|llm/simulator-route#rule-1"
	if len(rc.actionSets) != 1 {
		t.Fatalf("action sets: %d", len(rc.actionSets))
	}
	set := rc.actionSets[0]
	if want := sha256Hex(pathID + "|1|simulator.maas.local"); set.name != want {
		t.Errorf("actionSet name %s, want %s", set.name, want)
	}
	// Two ratelimit actions of one scope become one call after the auth call.
	if len(set.actions) != 2 {
		t.Fatalf("runtime actions: %d, want auth + one merged ratelimit", len(set.actions))
	}
	if a := set.actions[0]; a.svc.kind != serviceTypeAuth || a.scope != sha256Hex(pathID) {
		t.Errorf("auth action scope %s, want the AuthConfig name %s", a.scope, sha256Hex(pathID))
	}
	merged := set.actions[1]
	if merged.scope != "llm/simulator-route" || len(merged.data) != 2 {
		t.Fatalf("merged ratelimit action: scope %s, %d data sets", merged.scope, len(merged.data))
	}
	for i, limit := range []string{"free-user-requests", "premium-user-requests"} {
		want := "limit." + strings.ReplaceAll(limit, "-", "_") + "__" + sha256Hex("llm/simulator-limits/" + limit)[:8]
		if got := merged.data[i].entries[0].key; got != want {
			t.Errorf("limit key %s, want %s", got, want)
		}
	}
}

func TestBrokenPluginConfigsAreRejectedNamingTheFault(t *testing.T) {
	envs, err := newCELEnvs()
	if err != nil {
		t.Fatal(err)
	}
	svc := `"services":{"rl":{"type":"ratelimit","endpoint":"c","failureMode":"allow"}}`
	cases := map[string]struct{ config, want string }{
		"not json":         {`{"services":`, "not a pluginConfig JSON object"},
		"no services":      {`{"actionSets":[]}`, `missing "services"`},
		"no action sets":   {`{` + svc + `}`, `missing "actionSets"`},
		"unknown type":     {`{"services":{"x":{"type":"tracing","endpoint":"c","failureMode":"deny"}},"actionSets":[]}`, `type "tracing"`},
		"no failure mode":  {`{"services":{"x":{"type":"auth","endpoint":"c"}},"actionSets":[]}`, `failureMode ""`},
		"bad timeout":      {`{"services":{"x":{"type":"auth","endpoint":"c","failureMode":"deny","timeout":"soon"}},"actionSets":[]}`, `timeout "soon"`},
		"unknown service":  {`{` + svc + `,"actionSets":[{"name":"a","routeRuleConditions":{"hostnames":["h"]},"actions":[{"service":"nope","scope":"s"}]}]}`, `unknown service "nope"`},
		"no hostnames":     {`{` + svc + `,"actionSets":[{"name":"a","routeRuleConditions":{}}]}`, "missing routeRuleConditions.hostnames"},
		"static and expr":  {`{` + svc + `,"actionSets":[{"name":"a","routeRuleConditions":{"hostnames":["h"]},"actions":[{"service":"rl","scope":"s","data":[{"static":{"key":"k","value":"v"},"expression":{"key":"k","value":"v"}}]}]}]}`, "exactly one of"},
		"unknown data key": {`{` + svc + `,"actionSets":[{"name":"a","routeRuleConditions":{"hostnames":["h"]},"actions":[{"service":"rl","scope":"s","data":[{"selector":{"key":"k"}}]}]}]}`, `unknown field "selector"`},
		"bad CEL":          {`{` + svc + `,"actionSets":[{"name":"a","routeRuleConditions":{"hostnames":["h"],"predicates":["request.url_path.startsWith("]}}]}`, "routeRuleConditions: CEL"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			cfg, err := parsePluginConfig([]byte(c.config))
			if err == nil {
				_, err = compilePluginConfig(cfg, envs)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestOnlyConsecutiveRateLimitActionsOfOneScopeAreMerged(t *testing.T) {
	envs, _ := newCELEnvs()
	rl := func(scope string) string {
		return `{"service":"rl","scope":"` + scope + `","data":[{"static":{"key":"` + scope + `","value":"1"}}]}`
	}
	raw := `{"services":{"rl":{"type":"ratelimit","endpoint":"c","failureMode":"allow"},"other-rl":{"type":"ratelimit","endpoint":"c","failureMode":"allow"},"auth":{"type":"auth","endpoint":"a","failureMode":"deny"}},
	  "actionSets":[{"name":"a","routeRuleConditions":{"hostnames":["h"]},"actions":[` +
		rl("A") + "," + rl("A") + `,{"service":"auth","scope":"x"},` + rl("A") + "," + rl("B") +
		`,{"service":"other-rl","scope":"B","data":[{"static":{"key":"k","value":"1"}}]}]}]}`
	cfg, err := parsePluginConfig([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := compilePluginConfig(cfg, envs)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range rc.actionSets[0].actions {
		got = append(got, a.svc.name+":"+a.scope+":"+strings.Repeat("d", len(a.data)))
	}
	want := "rl:A:dd auth:x: rl:A:d rl:B:d other-rl:B:d"
	if strings.Join(got, " ") != want {
		t.Fatalf("actions %q, want %q", strings.Join(got, " "), want)
	}
}
