// maas-gateway stands in for the Istio gateway of a Kuadrant install in the test harness: it reads the
// WasmPlugin pluginConfig kuadrant-operator wrote, runs it with wasm-shim v0.9.0's semantics against the
// real Authorino (gRPC ext_authz) and Limitador (gRPC RLS), and proxies to the HTTPRoutes' backends.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// endpointFlags collects repeated --endpoint name=host:port.
type endpointFlags map[string]string

func (e endpointFlags) String() string { return fmt.Sprint(map[string]string(e)) }

func (e endpointFlags) Set(v string) error {
	name, address, ok := strings.Cut(v, "=")
	if !ok || name == "" || address == "" {
		return fmt.Errorf("want name=host:port, got %q", v)
	}
	if _, _, err := net.SplitHostPort(address); err != nil {
		return fmt.Errorf("endpoint %s: address %q: %v", name, address, err)
	}
	e[name] = address
	return nil
}

func main() {
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	log.SetPrefix("maas-gateway: ")
	if err := run(os.Args[1:]); err != nil {
		log.Printf("%v", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("maas-gateway", flag.ContinueOnError)
	listen := fs.String("listen", "", "address of the data plane, e.g. 127.0.0.1:8080")
	admin := fs.String("admin", "", "address of the admin endpoint (/ready, /config)")
	pluginPath := fs.String("plugin-config", "", "JSON file with the WasmPlugin's spec.pluginConfig (may be absent)")
	routesPath := fs.String("routes", "", "JSON file with the routes the harness resolved from the HTTPRoutes (may be absent)")
	requestDataPath := fs.String("request-data", "", "JSON file with the metric labels per Gateway from TelemetryPolicies (may be absent; optional)")
	poll := fs.Duration("poll", 200*time.Millisecond, "how often the two files are checked for changes")
	timeoutFloor := fs.Duration("service-timeout-floor", 0, "raise every pluginConfig service timeout to at least this (0: as configured)")
	endpoints := endpointFlags{}
	fs.Var(endpoints, "endpoint", "cluster name=host:port of a pluginConfig service endpoint (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, required := range []struct{ name, value string }{
		{"--listen", *listen}, {"--admin", *admin}, {"--plugin-config", *pluginPath}, {"--routes", *routesPath},
	} {
		if required.value == "" {
			return fmt.Errorf("%s is required", required.name)
		}
	}

	clients := newServiceClients(endpoints, *timeoutFloor)
	defer clients.close()
	g, err := newGateway(clients, *pluginPath, *routesPath, *requestDataPath)
	if err != nil {
		return err
	}
	for _, f := range g.watchedFiles() {
		f.poll(true)
	}

	dataLn, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("--listen %s: %w", *listen, err)
	}
	adminLn, err := net.Listen("tcp", *admin)
	if err != nil {
		return fmt.Errorf("--admin %s: %w", *admin, err)
	}
	log.Printf("listening on %s (admin %s), endpoints %v", dataLn.Addr(), adminLn.Addr(), endpoints)

	stop := make(chan struct{})
	for _, f := range g.watchedFiles() {
		go f.run(stop, *poll)
	}

	dataSrv := &http.Server{Handler: g, ReadHeaderTimeout: 10 * time.Second}
	adminSrv := &http.Server{Handler: g.adminHandler(), ReadHeaderTimeout: 10 * time.Second}
	errs := make(chan error, 2)
	go func() { errs <- dataSrv.Serve(dataLn) }()
	go func() { errs <- adminSrv.Serve(adminLn) }()

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case s := <-sig:
		log.Printf("%v: shutting down", s)
	case err := <-errs:
		if !errors.Is(err, http.ErrServerClosed) {
			close(stop)
			return fmt.Errorf("serving: %w", err)
		}
	}
	close(stop)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = adminSrv.Shutdown(ctx)
	return dataSrv.Shutdown(ctx)
}
