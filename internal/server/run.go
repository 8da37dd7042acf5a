package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"chaoslab/internal/catalog"
)

// RunConfig is what `chaoslab serve` runs.
type RunConfig struct {
	Catalog   string   // catalog file
	Servers   []string // catalog servers to host (or Host)
	Host      string
	Listen    string // default 127.0.0.1:0
	ReadyFile string // written once every device answers ("" = none)
	Seed      uint64
	Py3       bool
	Peers     []string // other servers, for cross-server formula reads
	Queue     int      // default subscriber queue length
}

// Run serves the devices selected by cfg until ctx ends, then shuts down
// cleanly. Startup problems are returned before anything is served.
func Run(ctx context.Context, cfg RunConfig, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Catalog == "" {
		return fmt.Errorf("no catalog given")
	}
	if len(cfg.Servers) > 0 && cfg.Host != "" {
		return fmt.Errorf("a server process hosts either servers or a host, not both")
	}
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	start := time.Now()
	cat, err := catalog.Load(cfg.Catalog)
	if err != nil {
		return err
	}
	model, pool, err := OpenModel(cat, OpenOptions{Servers: cfg.Servers, Host: cfg.Host, Seed: cfg.Seed, Start: start, Py3: cfg.Py3, Peers: cfg.Peers})
	if err != nil {
		return err
	}
	if pool != nil {
		defer pool.Close()
	}
	for _, p := range model.World().Problems() {
		log.Warn("catalog problem", "problem", p.Error())
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	name := strings.Join(cfg.Servers, ",")
	srv := New(Options{Model: model, Server: name, Host: cfg.Host, Logger: log, Queue: cfg.Queue})
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	defer srv.Close()
	if err := srv.CheckDevices(); err != nil {
		return err
	}
	devs, attrs, _ := model.Stats()
	addr := ln.Addr().String()
	if cfg.ReadyFile != "" {
		if err := WriteReady(cfg.ReadyFile, Ready{Addr: addr, Pid: os.Getpid(), Server: name, Host: cfg.Host, Devices: devs}); err != nil {
			return err
		}
	}
	log.Info("serving", "addr", addr, "devices", devs, "attributes", attrs, "startup", time.Since(start).Round(time.Microsecond))
	select {
	case <-ctx.Done():
		log.Info("stopping", "reason", context.Cause(ctx))
		return srv.Close()
	case err := <-errc:
		return err
	}
}
