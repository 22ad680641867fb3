package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	commonrlv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/common/ratelimit/v3"
	"github.com/google/cel-go/common/types"
)

// The metric labels of Kuadrant 1.3's TelemetryPolicy, as the harness writes them for --request-data.
// kuadrant-operator 1.3 puts a policy's `metrics.default.labels` into its Gateway's WasmPlugin config as
// `requestData` (`metrics.labels.<name>`: CEL), and wasm-shim appends the labels whose result is a string as
// a second descriptor on every rate-limit call (services/rate_limit.rs build_request; any other result, an
// error included, is left out). The harness merges every WasmPlugin into one pluginConfig, so the labels
// come per Gateway, with the names of the action sets its WasmPlugin holds: a request gets the labels of
// the Gateway whose action set it runs.

type requestDataFile struct {
	Gateways []gatewayRequestData `json:"gateways"`
}

type gatewayRequestData struct {
	// Gateway is `<namespace>/<name>`, for messages.
	Gateway string `json:"gateway"`
	// ActionSets are the names of the action sets of that Gateway's WasmPlugin.
	ActionSets []string `json:"actionSets"`
	// Labels maps a metric label name to a CEL expression.
	Labels map[string]string `json:"labels"`
}

// metricLabel is one compiled label: the descriptor entry's key and the expression giving its value.
type metricLabel struct {
	name string
	expr *celExpr
}

// requestDataTable is a loaded --request-data file: the labels of each action set's Gateway.
type requestDataTable struct {
	byActionSet map[string][]metricLabel
	gateways    int
}

// Prometheus label names: what Limitador can export a descriptor entry as.
var labelNamePattern = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// parseRequestData decodes, validates and compiles the file; every error names the entry at fault.
func parseRequestData(raw []byte, envs *celEnvs) (*requestDataTable, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var f requestDataFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("not a request data JSON object: %w", err)
	}
	if f.Gateways == nil {
		return nil, errors.New(`missing "gateways"`)
	}
	table := &requestDataTable{byActionSet: map[string][]metricLabel{}, gateways: len(f.Gateways)}
	owner := map[string]string{}
	for i, g := range f.Gateways {
		where := fmt.Sprintf("gateway %d (%q)", i, g.Gateway)
		if ns, name, ok := strings.Cut(g.Gateway, "/"); !ok || ns == "" || name == "" || strings.Contains(name, "/") {
			return nil, fmt.Errorf("%s: gateway must be <namespace>/<name>", where)
		}
		if len(g.Labels) == 0 {
			return nil, fmt.Errorf("%s: no labels", where)
		}
		names := make([]string, 0, len(g.Labels))
		for name := range g.Labels {
			names = append(names, name)
		}
		// Sorted, so the descriptor's entries come in one order whatever the file's.
		sort.Strings(names)
		labels := make([]metricLabel, 0, len(names))
		for _, name := range names {
			if !labelNamePattern.MatchString(name) {
				return nil, fmt.Errorf("%s label %q: not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)", where, name)
			}
			expr, err := compileCEL(envs.plain, g.Labels[name])
			if err != nil {
				return nil, fmt.Errorf("%s label %q: %w", where, name, err)
			}
			labels = append(labels, metricLabel{name: name, expr: expr})
		}
		for _, set := range g.ActionSets {
			if set == "" {
				return nil, fmt.Errorf("%s: an empty action set name", where)
			}
			if other, taken := owner[set]; taken {
				return nil, fmt.Errorf("%s: action set %q is also listed for %q", where, set, other)
			}
			owner[set] = g.Gateway
			table.byActionSet[set] = labels
		}
	}
	return table, nil
}

// labelsFor returns the metric labels of the Gateway whose action set `name` is (none: no TelemetryPolicy).
func (t *requestDataTable) labelsFor(name string) []metricLabel {
	if t == nil {
		return nil
	}
	return t.byActionSet[name]
}

// labelDescriptor is the second descriptor wasm-shim sends: the labels whose value is a string, in name
// order; nil when none is.
func labelDescriptor(labels []metricLabel, tree map[string]any) *commonrlv3.RateLimitDescriptor {
	d := &commonrlv3.RateLimitDescriptor{}
	for _, l := range labels {
		out, err := l.expr.eval(tree)
		if err != nil {
			continue
		}
		if s, ok := out.(types.String); ok {
			d.Entries = append(d.Entries, &commonrlv3.RateLimitDescriptor_Entry{Key: l.name, Value: string(s)})
		}
	}
	if len(d.Entries) == 0 {
		return nil
	}
	return d
}
