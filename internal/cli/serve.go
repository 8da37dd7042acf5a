package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"chaoslab/internal/alarm/notify"
	"chaoslab/internal/catalog"
	"chaoslab/internal/client"
	"chaoslab/internal/server"
)

// newServeCmd returns `chaoslab serve`: one device-server process.
func newServeCmd(s Streams) *cobra.Command {
	var cfg server.RunConfig
	var al alarmServe
	var logLevel, cpuProfile string
	var procs int
	c := &cobra.Command{
		Use:   "serve --catalog FILE (--server NAME | --host HOST)",
		Short: "Run one device server: the devices of a catalog server (or of one host) on one TCP port",
		Long: `serve hosts the devices of one catalog server (or all servers of one host),
runs their polling, and serves the chaoslab API on one TCP port: the framed
protocol of the Go client, gRPC / gRPC-Web / Connect JSON over HTTP, /metrics
and /healthz. Once every device answers it writes {"addr", "pid"} to
--ready-file (atomically). SIGINT or SIGTERM stop it cleanly.

PyAlarm devices deliver their notifications from this process: each
device's LogFile and FlagFile, --alarm-log (JSON lines), ACTION(...)
receivers (commands and attribute writes through this server and its
--peer servers; system actions only with --alarm-allow-system and a first
word in AllowedActions), and webhooks (Alertmanager v4 JSON) to
--alarm-webhook and to http:// receivers, loopback addresses only.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var level slog.Level
			if err := level.UnmarshalText([]byte(logLevel)); err != nil {
				return exit(ExitUsage, fmt.Errorf("--log-level %q: want debug, info, warn or error", logLevel))
			}
			if cfg.Catalog == "" {
				return exit(ExitUsage, fmt.Errorf("--catalog is required"))
			}
			if len(cfg.Servers) > 0 && cfg.Host != "" {
				return exit(ExitUsage, fmt.Errorf("--server and --host exclude each other"))
			}
			for _, u := range al.webhooks {
				if err := notify.CheckLoopback(u); err != nil {
					return exit(ExitUsage, fmt.Errorf("--alarm-webhook: %w", err))
				}
			}
			log := slog.New(slog.NewTextHandler(s.Err, &slog.HandlerOptions{Level: level}))
			if procs > 0 {
				runtime.GOMAXPROCS(procs)
			}
			if cpuProfile != "" {
				f, err := os.Create(cpuProfile)
				if err != nil {
					return exit(ExitError, err)
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					return exit(ExitError, err)
				}
				defer pprof.StopCPUProfile()
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if err := runServe(ctx, cfg, al, log); err != nil {
				return exit(ExitError, fmt.Errorf("serve: %w", err))
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&cfg.Catalog, "catalog", "", "catalog file (CSV or YAML)")
	f.StringSliceVar(&cfg.Servers, "server", nil, "catalog server to host, e.g. SimulatorDS/testrw (repeatable)")
	f.StringVar(&cfg.Host, "host", "", "host every server of this catalog host")
	f.StringVar(&cfg.Listen, "listen", "127.0.0.1:0", "address to listen on")
	f.StringVar(&cfg.ReadyFile, "ready-file", "", "write {addr, pid} here (atomically) once every device answers")
	f.StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn, error")
	f.Uint64Var(&cfg.Seed, "seed", 0, "random seed of the model")
	f.BoolVar(&cfg.Py3, "py3", false, "evaluate formulas with Python 3 semantics (default: Python 2)")
	f.StringSliceVar(&cfg.Peers, "peer", nil, "address of another server, for cross-server formula reads (repeatable)")
	f.IntVar(&cfg.Queue, "queue", 0, "default subscriber queue length in events")
	f.IntVar(&procs, "procs", 0, "GOMAXPROCS for this server (0: Go's default); the model is single-threaded, so 1 suits hosts running many servers")
	f.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to this file")
	f.StringVar(&al.log, "alarm-log", "", "append every PyAlarm notification to this file (JSON lines; $NAME, $DATE expand)")
	f.StringSliceVar(&al.webhooks, "alarm-webhook", nil, "post PyAlarm notifications (Alertmanager v4 JSON) to this loopback URL (repeatable)")
	f.BoolVar(&al.allowSystem, "alarm-allow-system", false, "run ACTION(...:system,...) receivers whose first word is in the AllowedActions property")
	f.IntVar(&al.queue, "alarm-queue", 0, "notification queue length (0: 1024); notifications beyond it are dropped and counted")
	return c
}

// alarmServe are the notification flags of serve.
type alarmServe struct {
	log         string
	webhooks    []string
	allowSystem bool
	queue       int
	// startAt is the model's start time (zero: now). Tests put it in the
	// past so that StartupDelay (at least 3 s) and Enabled are over.
	startAt time.Time
}

// runServe is server.Run plus the PyAlarm notification dispatcher, which
// server.RunConfig cannot carry: it serves until ctx ends.
func runServe(ctx context.Context, cfg server.RunConfig, al alarmServe, log *slog.Logger) error {
	tw, err := startServe(cfg, al, log)
	if err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		log.Info("stopping", "reason", context.Cause(ctx))
		return tw.Close()
	case err := <-tw.errc:
		tw.Close()
		return err
	}
}

// serving is one running server with its notification dispatcher.
type serving struct {
	Addr     string
	srv      *server.Server
	disp     *notify.Dispatcher
	pool     *client.Pool // ACTION executor: this server, then the peers
	peerPool *client.Pool // the model's cross-server reads
	errc     chan error
	done     chan struct{} // closed when the dispatcher's Run returns
	stop     context.CancelFunc
	log      *slog.Logger
}

// startServe opens the model of cfg, starts serving it on cfg.Listen and
// starts the notification dispatcher; Close stops both.
func startServe(cfg server.RunConfig, al alarmServe, log *slog.Logger) (*serving, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Catalog == "" {
		return nil, fmt.Errorf("no catalog given")
	}
	if len(cfg.Servers) > 0 && cfg.Host != "" {
		return nil, fmt.Errorf("a server process hosts either servers or a host, not both")
	}
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	start := time.Now()
	modelStart := start
	if !al.startAt.IsZero() {
		modelStart = al.startAt
	}
	cat, err := catalog.Load(cfg.Catalog)
	if err != nil {
		return nil, err
	}
	ncfg := notify.CatalogConfig(cat, "PyAlarm")
	ncfg.LogFile = al.log
	ncfg.AllowSystem = al.allowSystem
	// Listen first: ACTION commands on this server's own devices go
	// through its address, like any client's.
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ncfg.ExternalURL = "http://" + addr
	for _, u := range al.webhooks {
		if err := notify.CheckLoopback(u); err != nil {
			ln.Close()
			return nil, err
		}
		ncfg.Webhooks = append(ncfg.Webhooks, &notify.Webhook{Name: "chaoslab", URL: u, ExternalURL: ncfg.ExternalURL})
	}
	pool := client.NewPool(client.NewPeers(append([]string{addr}, cfg.Peers...)))
	disp := notify.NewDispatcher(notify.NewRouter(ncfg), notify.ClientExecutor{Pool: pool}, al.queue)
	model, peerPool, err := server.OpenModel(cat, server.OpenOptions{Servers: cfg.Servers, Host: cfg.Host, Seed: cfg.Seed,
		Start: modelStart, Py3: cfg.Py3, Peers: cfg.Peers, AlarmNotify: notify.Wire(disp)})
	if err != nil {
		ln.Close()
		pool.Close()
		return nil, err
	}
	for _, p := range model.World().Problems() {
		log.Warn("catalog problem", "problem", p.Error())
	}
	name := strings.Join(cfg.Servers, ",")
	srv := server.New(server.Options{Model: model, Server: name, Host: cfg.Host, Logger: log, Queue: cfg.Queue})
	dctx, stop := context.WithCancel(context.Background())
	tw := &serving{Addr: addr, srv: srv, disp: disp, pool: pool, peerPool: peerPool, errc: make(chan error, 1),
		done: make(chan struct{}), stop: stop, log: log}
	go func() { disp.Run(dctx); close(tw.done) }()
	go func() { tw.errc <- srv.Serve(ln) }()
	if err := srv.CheckDevices(); err != nil {
		tw.Close()
		return nil, err
	}
	devs, attrs, _ := model.Stats()
	if cfg.ReadyFile != "" {
		if err := server.WriteReady(cfg.ReadyFile, server.Ready{Addr: addr, Pid: os.Getpid(), Server: name, Host: cfg.Host, Devices: devs}); err != nil {
			tw.Close()
			return nil, err
		}
	}
	log.Info("serving", "addr", addr, "devices", devs, "attributes", attrs, "startup", time.Since(start).Round(time.Microsecond))
	return tw, nil
}

// Close stops the server, then lets the dispatcher deliver what is queued
// (at most 5 s), then closes the clients.
func (tw *serving) Close() error {
	err := tw.srv.Close()
	tw.disp.Close()
	select {
	case <-tw.done:
	case <-time.After(5 * time.Second):
		tw.stop()
		<-tw.done
	}
	tw.stop()
	delivered, failed, dropped := tw.disp.Counts()
	if failed > 0 || dropped > 0 {
		tw.log.Warn("alarm notifications", "delivered", delivered, "failed", failed, "dropped", dropped, "last_error", tw.disp.LastError())
	}
	tw.pool.Close()
	if tw.peerPool != nil {
		tw.peerPool.Close()
	}
	return err
}
