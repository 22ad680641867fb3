package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	rlsv3 "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials/insecure"
)

// serviceClients plays Envoy's side of the two gRPC services wasm-shim dispatches to: each
// pluginConfig service names a cluster (its endpoint), and --endpoint says which address that
// cluster stands for. A cluster without an address is unreachable, as a missing Envoy cluster is.
type serviceClients struct {
	addresses map[string]string
	// timeoutFloor raises the configured per-call timeout on a loaded test machine (0 = as configured).
	timeoutFloor time.Duration

	mu    sync.Mutex
	conns map[string]*grpc.ClientConn
}

func newServiceClients(addresses map[string]string, timeoutFloor time.Duration) *serviceClients {
	c := &serviceClients{addresses: addresses, timeoutFloor: timeoutFloor, conns: map[string]*grpc.ClientConn{}}
	for endpoint := range addresses {
		// Connect ahead, so the first request's deadline is not spent on the handshake.
		if conn, err := c.conn(endpoint); err == nil {
			conn.Connect()
		}
	}
	return c
}

func (c *serviceClients) conn(endpoint string) (*grpc.ClientConn, error) {
	address, ok := c.addresses[endpoint]
	if !ok {
		return nil, fmt.Errorf("cluster %q has no address (no --endpoint %s=host:port)", endpoint, endpoint)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if conn, ok := c.conns[endpoint]; ok {
		return conn, nil
	}
	conn, err := grpc.NewClient(address, grpc.WithTransportCredentials(insecure.NewCredentials()),
		// grpc-go backs off up to 2 minutes between reconnects; Envoy tries again within about a second
		// (connect_timeout 1s), so a restarted Authorino or Limitador is used again as quickly here.
		grpc.WithConnectParams(grpc.ConnectParams{
			Backoff:           backoff.Config{BaseDelay: 100 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: time.Second},
			MinConnectTimeout: time.Second,
		}))
	if err != nil {
		return nil, fmt.Errorf("cluster %q (%s): %w", endpoint, address, err)
	}
	c.conns[endpoint] = conn
	return conn, nil
}

func (c *serviceClients) describe(svc *service) string {
	if address, ok := c.addresses[svc.endpoint]; ok {
		return fmt.Sprintf("%s (%s=%s)", svc.name, svc.endpoint, address)
	}
	return fmt.Sprintf("%s (%s, no address)", svc.name, svc.endpoint)
}

func (c *serviceClients) callContext(ctx context.Context, svc *service) (context.Context, context.CancelFunc) {
	timeout := svc.timeout
	if timeout < c.timeoutFloor {
		timeout = c.timeoutFloor
	}
	return context.WithTimeout(ctx, timeout)
}

func (c *serviceClients) check(ctx context.Context, svc *service, req *authv3.CheckRequest) (*authv3.CheckResponse, error) {
	conn, err := c.conn(svc.endpoint)
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.callContext(ctx, svc)
	defer cancel()
	return authv3.NewAuthorizationClient(conn).Check(ctx, req)
}

func (c *serviceClients) shouldRateLimit(ctx context.Context, svc *service, req *rlsv3.RateLimitRequest) (*rlsv3.RateLimitResponse, error) {
	conn, err := c.conn(svc.endpoint)
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.callContext(ctx, svc)
	defer cancel()
	return rlsv3.NewRateLimitServiceClient(conn).ShouldRateLimit(ctx, req)
}

func (c *serviceClients) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, conn := range c.conns {
		_ = conn.Close()
	}
}
