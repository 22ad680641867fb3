package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The WasmPlugin `spec.pluginConfig` as kuadrant-operator v1.2.0 writes it
// (internal/wasm/types.go: Config, Service, ActionSet, RouteRuleConditions, Action, DataType)
// and wasm-shim v0.9.0 reads it (src/configuration.rs).

type pluginConfig struct {
	Services   map[string]serviceConfig `json:"services"`
	ActionSets []actionSetConfig        `json:"actionSets"`
}

type serviceConfig struct {
	Type        string  `json:"type"`
	Endpoint    string  `json:"endpoint"`
	FailureMode string  `json:"failureMode"`
	Timeout     *string `json:"timeout,omitempty"`
}

type actionSetConfig struct {
	Name                string                    `json:"name"`
	RouteRuleConditions routeRuleConditionsConfig `json:"routeRuleConditions"`
	Actions             []actionConfig            `json:"actions,omitempty"`
}

type routeRuleConditionsConfig struct {
	Hostnames  []string `json:"hostnames"`
	Predicates []string `json:"predicates,omitempty"`
}

type actionConfig struct {
	Service    string       `json:"service"`
	Scope      string       `json:"scope"`
	Predicates []string     `json:"predicates,omitempty"`
	Data       []dataConfig `json:"data,omitempty"`
}

// dataConfig is exactly one of {"static": {key, value}} or {"expression": {key, value}}.
type dataConfig struct {
	Static     *keyValue `json:"static,omitempty"`
	Expression *keyValue `json:"expression,omitempty"`
}

type keyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func (d *dataConfig) UnmarshalJSON(raw []byte) error {
	type plain dataConfig
	dec := json.NewDecoder(bytes.NewReader(raw))
	// wasm-shim's DataItem denies unknown fields, so a typo is a config error, not a silent no-op.
	dec.DisallowUnknownFields()
	var p plain
	if err := dec.Decode(&p); err != nil {
		return fmt.Errorf("data item: %w", err)
	}
	if (p.Static == nil) == (p.Expression == nil) {
		return fmt.Errorf("data item %s: exactly one of \"static\" or \"expression\" must be set", raw)
	}
	*d = dataConfig(p)
	return nil
}

const (
	serviceTypeAuth      = "auth"
	serviceTypeRateLimit = "ratelimit"
	failureModeDeny      = "deny"
	failureModeAllow     = "allow"
	// wasm-shim's Timeout default when a service names none.
	defaultServiceTimeout = 20 * time.Millisecond
)

// parsePluginConfig decodes and validates the file's bytes; every error names what is wrong.
func parsePluginConfig(raw []byte) (*pluginConfig, error) {
	var cfg pluginConfig
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, fmt.Errorf("not a pluginConfig JSON object: %w", err)
	}
	if cfg.Services == nil {
		return nil, errors.New(`missing "services"`)
	}
	if cfg.ActionSets == nil {
		return nil, errors.New(`missing "actionSets"`)
	}
	for name, svc := range cfg.Services {
		if svc.Type != serviceTypeAuth && svc.Type != serviceTypeRateLimit {
			return nil, fmt.Errorf("service %q: type %q is not one wasm-shim v0.9.0 knows (auth, ratelimit)", name, svc.Type)
		}
		if svc.FailureMode != failureModeDeny && svc.FailureMode != failureModeAllow {
			return nil, fmt.Errorf("service %q: failureMode %q must be deny or allow", name, svc.FailureMode)
		}
		if svc.Endpoint == "" {
			return nil, fmt.Errorf("service %q: empty endpoint", name)
		}
		if _, err := svc.timeout(); err != nil {
			return nil, fmt.Errorf("service %q: %w", name, err)
		}
	}
	for i, set := range cfg.ActionSets {
		if set.RouteRuleConditions.Hostnames == nil {
			return nil, fmt.Errorf("actionSet %d (%q): missing routeRuleConditions.hostnames", i, set.Name)
		}
		for j, action := range set.Actions {
			if _, ok := cfg.Services[action.Service]; !ok {
				return nil, fmt.Errorf("actionSet %d (%q) action %d: unknown service %q", i, set.Name, j, action.Service)
			}
		}
	}
	return &cfg, nil
}

func (s serviceConfig) timeout() (time.Duration, error) {
	if s.Timeout == nil {
		return defaultServiceTimeout, nil
	}
	d, err := time.ParseDuration(*s.Timeout)
	if err != nil {
		return 0, fmt.Errorf("timeout %q: %w", *s.Timeout, err)
	}
	return d, nil
}
