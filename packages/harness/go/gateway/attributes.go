package main

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// requestInfo is what Envoy knows about a downstream request when the wasm filter runs: the
// values behind its CEL attributes (request.*, source.*, destination.*) and its header map
// (lower-cased names, pseudo-headers included), which is also what ext_authz sends to Authorino.
type requestInfo struct {
	method    string
	authority string // :authority as sent, port included
	host      string // authority without port: what wasm-shim matches hostnames against
	path      string // with query
	urlPath   string
	query     string
	scheme    string
	protocol  string
	id        string
	time      time.Time
	headers   map[string]string
	size      int64
	source    peer
	dest      peer
}

type peer struct {
	address string // "ip:port", as Envoy's source.address / destination.address
	port    int64
}

func newRequestInfo(r *http.Request, requestID string, now time.Time) *requestInfo {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	info := &requestInfo{
		method:    r.Method,
		authority: r.Host,
		host:      hostWithoutPort(r.Host),
		path:      r.URL.RequestURI(),
		urlPath:   r.URL.EscapedPath(),
		query:     r.URL.RawQuery,
		scheme:    scheme,
		protocol:  r.Proto,
		id:        requestID,
		time:      now,
		headers:   map[string]string{},
		size:      r.ContentLength,
		source:    parsePeer(r.RemoteAddr),
	}
	if local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		info.dest = parsePeer(local.String())
	}
	for name, values := range r.Header {
		// Envoy hands the filter one value per name here; the last one wins as in wasm-shim's map.
		info.headers[strings.ToLower(name)] = values[len(values)-1]
	}
	info.headers[":authority"] = info.authority
	info.headers[":path"] = info.path
	info.headers[":method"] = info.method
	info.headers[":scheme"] = scheme
	// What Envoy's connection manager adds before any filter runs (Istio gateways use the remote address).
	info.headers["x-request-id"] = requestID
	info.headers["x-forwarded-proto"] = scheme
	if clientIP, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		if prior := r.Header.Values("X-Forwarded-For"); len(prior) > 0 {
			clientIP = strings.Join(prior, ", ") + ", " + clientIP
		}
		info.headers["x-forwarded-for"] = clientIP
	}
	return info
}

// hostWithoutPort cuts at the first ':' as wasm-shim's request_authority does.
func hostWithoutPort(authority string) string {
	host, _, _ := strings.Cut(authority, ":")
	return host
}

func parsePeer(addr string) peer {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return peer{address: addr}
	}
	p, _ := strconv.ParseInt(port, 10, 64)
	return peer{address: addr, port: p}
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// attributeTree is the root CEL expressions read from; auth is the dynamic metadata of the
// CheckResponse, absent until an auth action has succeeded.
func (info *requestInfo) attributeTree(auth map[string]any) map[string]any {
	headers := make(map[string]any, len(info.headers))
	for k, v := range info.headers {
		headers[k] = v
	}
	request := map[string]any{
		"method":   info.method,
		"host":     info.authority,
		"path":     info.path,
		"url_path": info.urlPath,
		"query":    info.query,
		"scheme":   info.scheme,
		"protocol": info.protocol,
		"id":       info.id,
		"time":     info.time,
		"headers":  headers,
	}
	// Envoy leaves these unset (null in CEL) when the header is absent.
	if ua, ok := info.headers["user-agent"]; ok {
		request["useragent"] = ua
	}
	if ref, ok := info.headers["referer"]; ok {
		request["referer"] = ref
	}
	if info.size >= 0 {
		request["size"] = info.size
	}
	tree := map[string]any{
		"request":     request,
		"source":      map[string]any{"address": info.source.address, "port": info.source.port},
		"destination": map[string]any{"address": info.dest.address, "port": info.dest.port},
		"metadata":    map[string]any{},
	}
	if auth != nil {
		tree["auth"] = auth
	}
	return tree
}
