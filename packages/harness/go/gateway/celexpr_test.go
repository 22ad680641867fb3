package main

import (
	"strings"
	"testing"
	"time"
)

func mustCompile(t *testing.T, extended bool, src string) *celExpr {
	t.Helper()
	envs, err := newCELEnvs()
	if err != nil {
		t.Fatal(err)
	}
	env := envs.plain
	if extended {
		env = envs.extended
	}
	expr, err := compileCEL(env, src)
	if err != nil {
		t.Fatalf("compile %q: %v", src, err)
	}
	return expr
}

func treeWithIdentity(identity map[string]any) map[string]any {
	info := &requestInfo{method: "POST", authority: "simulator.maas.local:8080", host: "simulator.maas.local",
		path: "/v1/chat/completions?x=1", urlPath: "/v1/chat/completions", query: "x=1", scheme: "http",
		protocol: "HTTP/1.1", id: "rid", time: time.Unix(1700000000, 0),
		headers: map[string]string{"x-tier": "gold", ":authority": "simulator.maas.local:8080"}, size: -1}
	var auth map[string]any
	if identity != nil {
		auth = map[string]any{"identity": identity}
	}
	return info.attributeTree(auth)
}

func TestTierPredicateOverAuthorinoIdentity(t *testing.T) {
	free := mustCompile(t, false, `auth.identity.groups.split(",").exists(g, g == "free")`)
	cases := []struct {
		groups string
		want   bool
	}{{"free", true}, {"premium,free", true}, {"premium", false}, {"freeloader", false}, {"", false}}
	for _, c := range cases {
		got, err := free.evalBool(treeWithIdentity(map[string]any{"userid": "u1", "groups": c.groups}))
		if err != nil || got != c.want {
			t.Errorf("groups %q: got %v, %v; want %v", c.groups, got, err, c.want)
		}
	}
	// No groups in the identity: wasm-shim binds the path as null, and split on null is an error
	// (the caller then applies the service's failureMode).
	if _, err := free.evalBool(treeWithIdentity(map[string]any{"userid": "u1"})); err == nil {
		t.Error("split over a missing groups attribute should be an evaluation error")
	}
	// Before any auth action, auth itself is null.
	if _, err := free.evalBool(treeWithIdentity(nil)); err == nil {
		t.Error("auth.identity without auth metadata should be an evaluation error")
	}
}

func TestDescriptorValuesRenderAsWasmShim(t *testing.T) {
	tree := treeWithIdentity(map[string]any{"userid": "alice", "n": float64(3), "f": 1.5, "ok": true, "list": []any{"a"}})
	cases := map[string]string{
		`auth.identity.userid`:      "alice",
		`auth.identity.missing`:     "null", // a missing attribute is null, not an error
		`auth.identity.n`:           "3",    // JSON numbers from Authorino are doubles
		`auth.identity.f`:           "1.5",
		`auth.identity.ok`:          "true",
		`1 + 1`:                     "2",
		`"1"`:                       "1",
		`request.host`:              "simulator.maas.local:8080",
		`request.path`:              "/v1/chat/completions?x=1",
		`request.headers["x-tier"]`: "gold",
	}
	for src, want := range cases {
		got, err := mustCompile(t, false, src).evalString(tree)
		if err != nil || got != want {
			t.Errorf("%s: got %q, %v; want %q", src, got, err, want)
		}
	}
	if _, err := mustCompile(t, false, `auth.identity.list`).evalString(tree); err == nil || !strings.Contains(err.Error(), "only scalar values") {
		t.Errorf("a list is not a descriptor value: %v", err)
	}
}

func TestOperatorRouteRulePredicates(t *testing.T) {
	tree := treeWithIdentity(nil)
	// The forms kuadrant-operator's PredicatesFromHTTPRouteMatch writes.
	holds := []string{
		`request.url_path.startsWith('/v1')`,
		`request.url_path == '/v1/chat/completions'`,
		`request.method == 'POST'`,
		`request.headers.exists(h, h.lowerAscii() == 'x-tier' && request.headers[h] == 'gold')`,
		`'x' in queryMap(request.query) ? queryMap(request.query)['x'] == '1' : false`,
	}
	for _, src := range holds {
		ok, err := mustCompile(t, true, src).evalBool(tree)
		if err != nil || !ok {
			t.Errorf("%s: %v, %v", src, ok, err)
		}
	}
	if ok, err := mustCompile(t, true, `request.url_path.startsWith('/v2')`).evalBool(tree); err != nil || ok {
		t.Errorf("startsWith('/v2') should be false: %v, %v", ok, err)
	}
	if _, err := mustCompile(t, true, `request.url_path`).evalBool(tree); err == nil {
		t.Error("a non-boolean predicate should be an error")
	}
}

func TestQueryMapOnlyInRouteRulesAndRepeats(t *testing.T) {
	envs, _ := newCELEnvs()
	if _, err := compileCEL(envs.plain, `queryMap(request.query)['a'] == '1'`); err == nil {
		t.Error("wasm-shim v0.9.0 offers queryMap only in route-rule predicates")
	}
	tree := treeWithIdentity(nil)
	tree["request"].(map[string]any)["query"] = "a=1&a=2&b=x%20y&c"
	cases := map[string]string{
		`queryMap(request.query)['a']`:                        "1",
		`queryMap(request.query, true)['a'].join(",")`:        "1,2",
		`queryMap(request.query)['b']`:                        "x y",
		`queryMap(request.query)['c']`:                        "",
		`string(queryMap(request.query, true)['b'] == "x y")`: "true",
	}
	for src, want := range cases {
		got, err := mustCompile(t, true, src).evalString(tree)
		if err != nil || got != want {
			t.Errorf("%s: got %q, %v; want %q", src, got, err, want)
		}
	}
}
