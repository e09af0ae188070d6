package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	nethttp "net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/meent/meent/http"
	"github.com/meent/meent/node"
	"github.com/meent/meent/sqlite"
	"github.com/meent/meent/web/i18n"
	"github.com/meent/meent/wire"
)

// serveFlags defines serve's flags: the node's whole configuration.
func serveFlags(fs *flag.FlagSet) action {
	conf := nodeConfig(fs, true)
	return func(ctx context.Context, stdout, stderr io.Writer) error {
		cfg, err := conf()
		if err != nil {
			return err
		}
		return cmdServe(ctx, cfg, stdout, stderr)
	}
}

func cmdServe(ctx context.Context, cfg *Config, stdout, stderr io.Writer) error {
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(cfg.Data, nodeKeyFile)); errors.Is(err, os.ErrNotExist) {
		log.Info("first start: initialising", "data", cfg.Data)
		if err := initNode(ctx, cfg, log, stdout); err != nil {
			return fmt.Errorf("init: %w", err)
		}
	}

	// One server per SQLite data directory: a second would serve counts
	// and state it keeps in memory while the first appends (see
	// sqlite.LockDir). PostgreSQL supports several processes properly.
	if cfg.DB == "" {
		lock, err := sqlite.LockDir(cfg.Data)
		if err != nil {
			return err
		}
		defer lock.Release()
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := node.NewMetrics(reg)
	n, acc, blobs, closeNode, err := openNodeBlobs(ctx, cfg, log, metrics)
	if err != nil {
		return err
	}
	defer closeNode()

	if cfg.Demo {
		if err := fillDemo(ctx, n, acc, cfg, stdout); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}

	vkey, err := os.ReadFile(filepath.Join(cfg.Data, nodePubFile))
	if err != nil {
		return fmt.Errorf("read verifier key: %w", err)
	}
	payments, err := paymentsConfig(cfg)
	if err != nil {
		return err
	}
	if _, err := i18n.LoadZone(cfg.TimeZone); err != nil {
		return fmt.Errorf("--time-zone: %w", err)
	}
	srv := http.NewServer(http.Options{
		Node: n, Accounts: acc, Origin: n.Origin(), VerifierKey: strings.TrimSpace(string(vkey)),
		Registry: reg, Logger: log, Version: version, SecureCookies: cfg.SecureCookies,
		Blobs: blobs, MaxBlobSize: cfg.MaxBlobSize, Payments: payments,
		Private: privateStore(n.Store()), TimeZone: cfg.TimeZone,
	})
	wire.Register(srv)
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	hs := &nethttp.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	log.Info("serving", "addr", "http://"+ln.Addr().String(), "origin", n.Origin(), "data", cfg.Data)
	fmt.Fprintf(stdout, "meent serving on http://%s\n", ln.Addr())

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Stop taking requests, let the ones in flight finish (their events are
	// committed or refused, never half-done), then stop the sequencer.
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		log.Warn("shutdown", "err", err)
	}
	return nil
}

// paymentsConfig reads the payment webhook settings: all or nothing.
func paymentsConfig(cfg *Config) (*http.Payments, error) {
	if cfg.PaymentProvider == "" && cfg.PaymentSecret == "" {
		return nil, nil
	}
	if cfg.PaymentProvider == "" || len(cfg.PaymentSecret) < 16 {
		return nil, errors.New("a payment webhook needs --payment-provider and a --payment-secret of at least 16 bytes")
	}
	if len(cfg.PaymentProvider) > 64 || strings.IndexFunc(cfg.PaymentProvider, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) >= 0 {
		return nil, errors.New("--payment-provider must be a short lowercase name (a-z, 0-9, - and _)")
	}
	keyFile := cfg.PaymentKey
	if keyFile == "" {
		keyFile = filepath.Join(cfg.Data, adminKeyFile)
	}
	id, key, err := readAgentKey(keyFile)
	if err != nil {
		return nil, fmt.Errorf("payment key: %w", err)
	}
	return &http.Payments{Provider: cfg.PaymentProvider, Secret: []byte(cfg.PaymentSecret), AgentID: id, Key: key}, nil
}
