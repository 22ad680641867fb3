package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
)

// The routes file the harness writes from the HTTPRoutes, each backendRef resolved to the address
// of the process that plays that Service.
type routesFile struct {
	Routes []routeConfig `json:"routes"`
}

type routeConfig struct {
	Namespace string            `json:"namespace"`
	Name      string            `json:"name"`
	Hostnames []string          `json:"hostnames"`
	Rules     []routeRuleConfig `json:"rules"`
}

type routeRuleConfig struct {
	Matches  []routeMatchConfig `json:"matches"`
	Backends []string           `json:"backends"`
}

// routeMatchConfig is a Gateway API HTTPRouteMatch.
type routeMatchConfig struct {
	Path *struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	} `json:"path,omitempty"`
	Method      string           `json:"method,omitempty"`
	Headers     []nameValueMatch `json:"headers,omitempty"`
	QueryParams []nameValueMatch `json:"queryParams,omitempty"`
}

type nameValueMatch struct {
	Type  string `json:"type,omitempty"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

type compiledMatch struct {
	pathType string // Exact, PathPrefix, RegularExpression
	path     string
	pathRE   *regexp.Regexp
	method   string
	headers  []nameValueMatch
	query    []nameValueMatch
}

type compiledRule struct {
	route    *compiledRoute
	matches  []compiledMatch
	backends []*url.URL
	next     atomic.Uint64 // round robin over backends
}

type compiledRoute struct {
	namespace, name string
	hostnames       []string
	rules           []*compiledRule
}

type routeTable struct {
	routes []*compiledRoute
}

func parseRoutes(raw []byte) (*routeTable, error) {
	var f routesFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("not a routes JSON object: %w", err)
	}
	if f.Routes == nil {
		return nil, errors.New(`missing "routes"`)
	}
	table := &routeTable{}
	for i, r := range f.Routes {
		cr := &compiledRoute{namespace: r.Namespace, name: r.Name, hostnames: r.Hostnames}
		for j, rule := range r.Rules {
			cRule := &compiledRule{route: cr}
			matches := rule.Matches
			if len(matches) == 0 {
				// Gateway API: a rule without matches matches every request (PathPrefix "/").
				matches = []routeMatchConfig{{}}
			}
			for _, m := range matches {
				cm, err := compileMatch(m)
				if err != nil {
					return nil, fmt.Errorf("route %d (%s/%s) rule %d: %w", i, r.Namespace, r.Name, j, err)
				}
				cRule.matches = append(cRule.matches, cm)
			}
			for _, b := range rule.Backends {
				u, err := url.Parse(b)
				if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
					return nil, fmt.Errorf("route %d (%s/%s) rule %d: backend %q is not an http(s)://host:port URL", i, r.Namespace, r.Name, j, b)
				}
				cRule.backends = append(cRule.backends, u)
			}
			cr.rules = append(cr.rules, cRule)
		}
		table.routes = append(table.routes, cr)
	}
	return table, nil
}

func compileMatch(m routeMatchConfig) (compiledMatch, error) {
	cm := compiledMatch{pathType: "PathPrefix", path: "/", method: m.Method, headers: m.Headers, query: m.QueryParams}
	if m.Path != nil {
		if m.Path.Type != "" {
			cm.pathType = m.Path.Type
		}
		if m.Path.Value != "" {
			cm.path = m.Path.Value
		}
	}
	switch cm.pathType {
	case "Exact", "PathPrefix":
	case "RegularExpression":
		re, err := regexp.Compile("^(?:" + cm.path + ")$")
		if err != nil {
			return cm, fmt.Errorf("path regex %q: %w", cm.path, err)
		}
		cm.pathRE = re
	default:
		return cm, fmt.Errorf("path match type %q is not Exact, PathPrefix or RegularExpression", cm.pathType)
	}
	for _, h := range append(append([]nameValueMatch{}, m.Headers...), m.QueryParams...) {
		if h.Type != "" && h.Type != "Exact" {
			return cm, fmt.Errorf("header/query match %q: type %q is not supported (Exact only)", h.Name, h.Type)
		}
	}
	return cm, nil
}

// hostnameScore ranks how a route hostname matches a request host as Gateway API says: an exact
// name beats any wildcard, a longer wildcard beats a shorter one; -1 is no match. A route without
// hostnames matches every host, below any wildcard.
func hostnameScore(pattern, host string) int {
	pattern, host = strings.ToLower(pattern), strings.ToLower(host)
	if pattern == host {
		return 1 << 20
	}
	if suffix, ok := strings.CutPrefix(pattern, "*"); ok {
		// "*.maas.local" covers "a.maas.local" and "a.b.maas.local", not "maas.local".
		if strings.HasSuffix(host, suffix) && len(host) > len(suffix) {
			return len(suffix)
		}
	}
	return -1
}

func (r *compiledRoute) hostScore(host string) int {
	if len(r.hostnames) == 0 {
		return 0
	}
	best := -1
	for _, h := range r.hostnames {
		if s := hostnameScore(h, host); s > best {
			best = s
		}
	}
	return best
}

func (m *compiledMatch) matches(req *http.Request) bool {
	path := req.URL.Path
	switch m.pathType {
	case "Exact":
		if path != m.path {
			return false
		}
	case "PathPrefix":
		// Element-wise: "/v1" matches "/v1" and "/v1/models", not "/v10".
		prefix := strings.TrimSuffix(m.path, "/")
		if prefix != "" && path != prefix && !strings.HasPrefix(path, prefix+"/") {
			return false
		}
	case "RegularExpression":
		if !m.pathRE.MatchString(path) {
			return false
		}
	}
	if m.method != "" && req.Method != m.method {
		return false
	}
	for _, h := range m.headers {
		if req.Header.Get(h.Name) != h.Value {
			return false
		}
	}
	if len(m.query) > 0 {
		q := req.URL.Query()
		for _, p := range m.query {
			if q.Get(p.Name) != p.Value {
				return false
			}
		}
	}
	return true
}

// precedence orders matches of the same hostname as Gateway API says: Exact path, then the
// longest prefix, then a method, then the most headers, then the most query params; earlier
// routes in the file win ties.
func (m *compiledMatch) precedence() [5]int {
	kind := 0
	switch m.pathType {
	case "Exact":
		kind = 3
	case "PathPrefix":
		kind = 2
	case "RegularExpression":
		kind = 1
	}
	method := 0
	if m.method != "" {
		method = 1
	}
	return [5]int{kind, len(m.path), method, len(m.headers), len(m.query)}
}

func greater(a, b [5]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] > b[i]
		}
	}
	return false
}

// match picks the rule for a request: the routes of the most specific matching hostname, then the
// match of highest precedence among their rules. nil: no route for host and path (Envoy: 404).
func (t *routeTable) match(host string, req *http.Request) *compiledRule {
	if t == nil {
		return nil
	}
	bestHost := -1
	for _, r := range t.routes {
		if s := r.hostScore(host); s > bestHost {
			bestHost = s
		}
	}
	if bestHost < 0 {
		return nil
	}
	var best *compiledRule
	var bestPrec [5]int
	for _, r := range t.routes {
		if r.hostScore(host) != bestHost {
			continue
		}
		for _, rule := range r.rules {
			for i := range rule.matches {
				m := &rule.matches[i]
				if !m.matches(req) {
					continue
				}
				if p := m.precedence(); best == nil || greater(p, bestPrec) {
					best, bestPrec = rule, p
				}
			}
		}
	}
	return best
}

func (r *compiledRule) pickBackend() *url.URL {
	if len(r.backends) == 0 {
		return nil
	}
	return r.backends[(r.next.Add(1)-1)%uint64(len(r.backends))]
}
