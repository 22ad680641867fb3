package main

import (
	"context"
	"fmt"
	"log"
	"net/http"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	commonrlv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/common/ratelimit/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	rlsv3 "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// localReply is a response the filter sends instead of forwarding (Envoy's send_http_response).
type localReply struct {
	status  int
	headers [][2]string
	body    string
}

// wasm-shim's reply when a service fails under failureMode deny, or an expression cannot be evaluated.
func internalServerError() *localReply {
	return &localReply{status: http.StatusInternalServerError, body: "Internal Server Error.\n"}
}

// filterResult says what the filter decided, for the proxy and the request log.
type filterResult struct {
	actionSet       string // "" when none applied
	auth            string // summary for the log line
	rateLimit       string
	reply           *localReply // non-nil: answer the client with this
	upstreamHeaders [][2]string // from Authorino's OkHttpResponse, added to the upstream request
	responseHeaders [][2]string // from Limitador's OK response_headers_to_add, added to the client response
}

// filter runs one loaded pluginConfig the way wasm-shim v0.9.0's KuadrantFilter does, with the metric
// labels of Kuadrant 1.3's TelemetryPolicy (requestdata.go) where a Gateway has them.
type filter struct {
	clients *serviceClients
	logf    func(format string, args ...any)
}

func newFilter(clients *serviceClients) *filter {
	return &filter{clients: clients, logf: log.Printf}
}

func (f *filter) run(ctx context.Context, rc *runtimeConfig, rd *requestDataTable, info *requestInfo) filterResult {
	res := filterResult{auth: "-", rateLimit: "-"}
	if rc == nil {
		return res
	}
	var chosen *runtimeActionSet
	tree := info.attributeTree(nil)
	for _, set := range rc.index.lookup(info.host) {
		ok, err := allHold(set.predicates, tree)
		if err != nil {
			// wasm-shim answers 500 when a route-rule predicate cannot be evaluated.
			f.logf("actionSet %q: routeRuleConditions: %v; answering 500", set.name, err)
			res.actionSet = set.name
			res.reply = internalServerError()
			return res
		}
		if ok {
			chosen = set
			break
		}
	}
	if chosen == nil {
		return res
	}
	res.actionSet = chosen.name
	labels := rd.labelsFor(chosen.name)

	var authMetadata map[string]any
	for _, action := range chosen.actions {
		tree = info.attributeTree(authMetadata)
		if action.svc.kind == serviceTypeAuth {
			md, stop := f.runAuth(ctx, action, info, tree, &res)
			if stop {
				return res
			}
			if md != nil {
				authMetadata = md
			}
			continue
		}
		if stop := f.runRateLimit(ctx, action, tree, labels, &res); stop {
			return res
		}
	}
	return res
}

func allHold(predicates []*celExpr, tree map[string]any) (bool, error) {
	for _, p := range predicates {
		ok, err := p.evalBool(tree)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// failure applies the service's failureMode: allow goes on, deny answers 500.
func (f *filter) failure(action *runtimeAction, what string, err error, summary *string, res *filterResult) (stop bool) {
	if action.svc.failOpen {
		f.logf("%s %s: %v; failureMode allow: continuing", what, f.clients.describe(action.svc), err)
		*summary = "error(allowed)"
		return false
	}
	f.logf("%s %s: %v; failureMode deny: answering 500", what, f.clients.describe(action.svc), err)
	*summary = "error(denied)"
	res.reply = internalServerError()
	return true
}

func (f *filter) runAuth(ctx context.Context, action *runtimeAction, info *requestInfo, tree map[string]any, res *filterResult) (map[string]any, bool) {
	ok, err := allHold(action.predicates, tree)
	if err != nil {
		return nil, f.failure(action, "auth predicates for", err, &res.auth, res)
	}
	if !ok {
		res.auth = "skipped"
		return nil, false
	}
	resp, err := f.clients.check(ctx, action.svc, checkRequest(info, action.scope))
	if err != nil {
		return nil, f.failure(action, "auth call to", err, &res.auth, res)
	}
	// wasm-shim decides by the http_response it finds, not by the rpc status.
	switch hr := resp.GetHttpResponse().(type) {
	case *authv3.CheckResponse_DeniedResponse:
		denied := hr.DeniedResponse
		status := int(denied.GetStatus().GetCode())
		if status == 0 {
			status = http.StatusForbidden
		}
		reply := &localReply{status: status, body: denied.GetBody()}
		for _, h := range denied.GetHeaders() {
			reply.headers = append(reply.headers, [2]string{h.GetHeader().GetKey(), h.GetHeader().GetValue()})
		}
		res.auth = fmt.Sprintf("denied(%d)", status)
		res.reply = reply
		return nil, true
	case *authv3.CheckResponse_OkResponse:
		okr := hr.OkResponse
		// wasm-shim v0.9.0 supports only headers to add upstream; the other OkHttpResponse fields are an error.
		if len(okr.GetResponseHeadersToAdd()) > 0 || len(okr.GetHeadersToRemove()) > 0 ||
			len(okr.GetQueryParametersToSet()) > 0 || len(okr.GetQueryParametersToRemove()) > 0 {
			return nil, f.failure(action, "auth answer from", fmt.Errorf("OkHttpResponse uses a field wasm-shim does not support"), &res.auth, res)
		}
		for _, h := range okr.GetHeaders() {
			res.upstreamHeaders = append(res.upstreamHeaders, [2]string{h.GetHeader().GetKey(), h.GetHeader().GetValue()})
		}
		res.auth = "ok"
		md := map[string]any{}
		if resp.GetDynamicMetadata() != nil {
			md = resp.GetDynamicMetadata().AsMap()
		}
		return md, false
	default:
		return nil, f.failure(action, "auth answer from", fmt.Errorf("CheckResponse without an http_response"), &res.auth, res)
	}
}

// checkRequest fills the attributes as wasm-shim's AuthService::build_check_req: the request's
// method, host, scheme, path, protocol, headers and time, the peers, and the scope as
// context_extensions["host"], by which Authorino picks the AuthConfig.
func checkRequest(info *requestInfo, scope string) *authv3.CheckRequest {
	return &authv3.CheckRequest{Attributes: &authv3.AttributeContext{
		Source:      peerAttribute(info.source),
		Destination: peerAttribute(info.dest),
		Request: &authv3.AttributeContext_Request{
			Time: timestamppb.New(info.time),
			Http: &authv3.AttributeContext_HttpRequest{
				Method:   info.method,
				Host:     info.authority,
				Path:     info.path,
				Scheme:   info.scheme,
				Protocol: info.protocol,
				Headers:  info.headers,
			},
		},
		ContextExtensions: map[string]string{"host": scope},
		MetadataContext:   &corev3.Metadata{},
	}}
}

func peerAttribute(p peer) *authv3.AttributeContext_Peer {
	return &authv3.AttributeContext_Peer{Address: &corev3.Address{Address: &corev3.Address_SocketAddress{
		SocketAddress: &corev3.SocketAddress{
			Address:       p.address,
			PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: uint32(p.port)},
		},
	}}}
}

// descriptor builds the one descriptor of a (merged) ratelimit action: the entries of every
// conditional data set whose predicates hold, in order.
func descriptor(action *runtimeAction, tree map[string]any) (*commonrlv3.RateLimitDescriptor, error) {
	d := &commonrlv3.RateLimitDescriptor{}
	for _, cd := range action.data {
		ok, err := allHold(cd.predicates, tree)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		for _, e := range cd.entries {
			value, err := e.value.evalString(tree)
			if err != nil {
				return nil, fmt.Errorf("data %q: %w", e.key, err)
			}
			d.Entries = append(d.Entries, &commonrlv3.RateLimitDescriptor_Entry{Key: e.key, Value: value})
		}
	}
	return d, nil
}

func (f *filter) runRateLimit(ctx context.Context, action *runtimeAction, tree map[string]any, labels []metricLabel, res *filterResult) bool {
	d, err := descriptor(action, tree)
	if err != nil {
		return f.failure(action, "ratelimit descriptor for", err, &res.rateLimit, res)
	}
	if len(d.Entries) == 0 {
		res.rateLimit = "no-descriptor"
		return false
	}
	descriptors := []*commonrlv3.RateLimitDescriptor{d}
	if ld := labelDescriptor(labels, tree); ld != nil {
		descriptors = append(descriptors, ld)
	}
	resp, err := f.clients.shouldRateLimit(ctx, action.svc, &rlsv3.RateLimitRequest{
		Domain:      action.scope,
		Descriptors: descriptors,
		HitsAddend:  1,
	})
	if err != nil {
		return f.failure(action, "ratelimit call to", err, &res.rateLimit, res)
	}
	headers := make([][2]string, 0, len(resp.GetResponseHeadersToAdd()))
	for _, h := range resp.GetResponseHeadersToAdd() {
		headers = append(headers, [2]string{h.GetKey(), h.GetValue()})
	}
	switch resp.GetOverallCode() {
	case rlsv3.RateLimitResponse_OVER_LIMIT:
		res.rateLimit = "over-limit"
		res.reply = &localReply{status: http.StatusTooManyRequests, headers: headers, body: "Too Many Requests\n"}
		return true
	case rlsv3.RateLimitResponse_OK:
		res.rateLimit = "ok"
		res.responseHeaders = append(res.responseHeaders, headers...)
		return false
	default:
		return f.failure(action, "ratelimit answer from", fmt.Errorf("overall_code %s", resp.GetOverallCode()), &res.rateLimit, res)
	}
}
