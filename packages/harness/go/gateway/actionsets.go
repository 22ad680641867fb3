package main

import (
	"fmt"
	"strings"
	"time"
)

// service is one entry of pluginConfig.services, ready to call.
type service struct {
	name        string
	kind        string // serviceTypeAuth or serviceTypeRateLimit
	endpoint    string // the EnvoyFilter cluster name; --endpoint maps it to an address
	failOpen    bool   // failureMode allow
	timeout     time.Duration
	failureMode string
}

// conditionalData is what one ratelimit action contributes to the merged descriptor:
// its entries count only when all its predicates hold.
type conditionalData struct {
	predicates []*celExpr
	entries    []descriptorEntry
}

type descriptorEntry struct {
	key   string
	value *celExpr // a static value is compiled as a string literal, as wasm-shim does
}

// runtimeAction is an auth action or a run of ratelimit actions merged into one call.
type runtimeAction struct {
	svc   *service
	scope string
	// auth only: the action runs when these hold.
	predicates []*celExpr
	// ratelimit only: one element per merged config action.
	data []conditionalData
}

type runtimeActionSet struct {
	name       string
	hostnames  []string
	predicates []*celExpr
	actions    []*runtimeAction
}

// runtimeConfig is a loaded pluginConfig: the host index and the action sets behind it.
type runtimeConfig struct {
	actionSets []*runtimeActionSet
	index      *hostIndex
	services   map[string]*service
}

func compilePluginConfig(cfg *pluginConfig, envs *celEnvs) (*runtimeConfig, error) {
	services := map[string]*service{}
	for name, s := range cfg.Services {
		timeout, _ := s.timeout() // validated by parsePluginConfig
		services[name] = &service{
			name: name, kind: s.Type, endpoint: s.Endpoint,
			failOpen: s.FailureMode == failureModeAllow, failureMode: s.FailureMode, timeout: timeout,
		}
	}
	rc := &runtimeConfig{index: newHostIndex(), services: services}
	for i, set := range cfg.ActionSets {
		rs := &runtimeActionSet{name: set.Name, hostnames: set.RouteRuleConditions.Hostnames}
		for _, p := range set.RouteRuleConditions.Predicates {
			expr, err := compileCEL(envs.extended, p)
			if err != nil {
				return nil, fmt.Errorf("actionSet %d (%q) routeRuleConditions: %w", i, set.Name, err)
			}
			rs.predicates = append(rs.predicates, expr)
		}
		for j, a := range set.Actions {
			action, err := compileAction(a, services[a.Service], envs)
			if err != nil {
				return nil, fmt.Errorf("actionSet %d (%q) action %d: %w", i, set.Name, j, err)
			}
			rs.actions = appendMerged(rs.actions, action)
		}
		rc.actionSets = append(rc.actionSets, rs)
		for _, host := range rs.hostnames {
			rc.index.insert(host, rs)
		}
	}
	return rc, nil
}

func compileAction(a actionConfig, svc *service, envs *celEnvs) (*runtimeAction, error) {
	action := &runtimeAction{svc: svc, scope: a.Scope}
	var predicates []*celExpr
	for _, p := range a.Predicates {
		expr, err := compileCEL(envs.plain, p)
		if err != nil {
			return nil, err
		}
		predicates = append(predicates, expr)
	}
	if svc.kind == serviceTypeAuth {
		action.predicates = predicates
		return action, nil
	}
	cd := conditionalData{predicates: predicates}
	for _, d := range a.Data {
		var key, source string
		if d.Static != nil {
			key, source = d.Static.Key, celStringLiteral(d.Static.Value)
		} else {
			key, source = d.Expression.Key, d.Expression.Value
		}
		expr, err := compileCEL(envs.plain, source)
		if err != nil {
			return nil, fmt.Errorf("data %q: %w", key, err)
		}
		cd.entries = append(cd.entries, descriptorEntry{key: key, value: expr})
	}
	action.data = []conditionalData{cd}
	return action, nil
}

// appendMerged folds a ratelimit action into the previous one when both call the same service with
// the same scope (wasm-shim's merge_subsequent_actions_of_a_kind): one ShouldRateLimit call, one descriptor.
func appendMerged(actions []*runtimeAction, next *runtimeAction) []*runtimeAction {
	if n := len(actions); n > 0 {
		last := actions[n-1]
		if last.svc.kind == serviceTypeRateLimit && next.svc.kind == serviceTypeRateLimit &&
			last.svc.name == next.svc.name && last.scope == next.scope {
			last.data = append(last.data, next.data...)
			return actions
		}
	}
	return append(actions, next)
}

func celStringLiteral(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '\\', '"':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// hostIndex finds the action sets of the longest matching hostname, as wasm-shim's ActionSetIndex:
// each name is reversed into a key ("*.maas.local" -> ".lacol.saam.", "a.maas.local" -> ".lacol.saam.a$"),
// and a request host takes the longest key that is a prefix of its own. So an exact name only matches
// itself, a wildcard only matches names below it (never the bare domain), and "*" matches everything.
type hostIndex struct {
	keys []string
	sets map[string][]*runtimeActionSet
}

func newHostIndex() *hostIndex { return &hostIndex{sets: map[string][]*runtimeActionSet{}} }

func reversedHostKey(host string) string {
	s := host + "."
	if strings.HasPrefix(s, "*") {
		s = s[1:]
	} else {
		s = "$" + s // '$' is no hostname character: it pins an exact name to its full length
	}
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func (h *hostIndex) insert(host string, set *runtimeActionSet) {
	key := reversedHostKey(host)
	if _, ok := h.sets[key]; !ok {
		h.keys = append(h.keys, key)
	}
	h.sets[key] = append(h.sets[key], set)
}

// lookup returns the action sets of the longest matching key, in config order.
func (h *hostIndex) lookup(host string) []*runtimeActionSet {
	want := reversedHostKey(host)
	best := ""
	found := false
	for _, key := range h.keys {
		if strings.HasPrefix(want, key) && (!found || len(key) > len(best)) {
			best, found = key, true
		}
	}
	if !found {
		return nil
	}
	return h.sets[best]
}
