package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"chaoslab/internal/alarm/notify"
	"chaoslab/internal/catalog"
	"chaoslab/internal/client"
	"chaoslab/internal/memtrim"
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
			if len(cfg.Unix) > maxUnixPath {
				return exit(ExitUsage, fmt.Errorf("--unix: a socket path has at most %d bytes, got %d", maxUnixPath, len(cfg.Unix)))
			}
			if cfg.Queue < 0 || cfg.Queue > server.MaxQueue {
				return exit(ExitUsage, fmt.Errorf("--queue %d: want 0 (the default, %d) to %d events", cfg.Queue, server.DefaultQueue, server.MaxQueue))
			}
			if al.queue < 0 || al.queue > maxAlarmQueue {
				return exit(ExitUsage, fmt.Errorf("--alarm-queue %d: want 0 (the default, 1024) to %d notifications", al.queue, maxAlarmQueue))
			}
			if cfg.ListenFD != 0 && cfg.ListenFD < 3 {
				return exit(ExitUsage, fmt.Errorf("--listen-fd %d: want an inherited descriptor, 3 or more (0-2 are stdin, stdout, stderr)", cfg.ListenFD))
			}
			for _, u := range al.webhooks {
				if err := notify.CheckLoopback(u); err != nil {
					return exit(ExitUsage, fmt.Errorf("--alarm-webhook: %w", err))
				}
			}
			log := slog.New(slog.NewTextHandler(s.Err, &slog.HandlerOptions{Level: level}))
			// serve never writes a heap profile: sampling allocations
			// would only cost stack walks (and the symbol-table pages
			// they touch) in a process meant to be run many times over.
			runtime.MemProfileRate = 0
			if procs > 0 {
				runtime.GOMAXPROCS(procs)
			}
			stopProfile, err := startCPUProfile(cpuProfile)
			if err != nil {
				return exit(ExitError, err)
			}
			defer stopProfile()
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
	f.IntVar(&cfg.ListenFD, "listen-fd", 0, "serve on the listening socket inherited as this descriptor (3 or more; how up starts servers), which --listen, if it names a port, must match")
	f.StringVar(&cfg.Unix, "unix", "", "also serve on a Unix socket at this path (local clients' faster transport: address unix:PATH); a stale socket there is replaced")
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

// maxUnixPath is the longest Unix socket path Linux takes (sun_path is
// 108 bytes with its terminating NUL).
const maxUnixPath = 107

// maxAlarmQueue bounds --alarm-queue: the queue is allocated whole.
const maxAlarmQueue = 1 << 20

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

// runServe is server.RunHooks with the PyAlarm notification dispatcher:
// it serves until ctx ends.
func runServe(ctx context.Context, cfg server.RunConfig, al alarmServe, log *slog.Logger) error {
	tw, err := startServe(cfg, al, log)
	if err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		log.Info("stopping", "reason", context.Cause(ctx))
		return tw.Close()
	case err := <-tw.Done():
		tw.Close()
		return err
	}
}

// serving is one running server with its notification dispatcher.
type serving struct {
	*server.Running
	disp *notify.Dispatcher
}

// startServe starts the server of cfg (server.Start) with the PyAlarm
// notification dispatcher hooked in; Close stops both, the dispatcher
// delivering what is queued (at most 5 s) after the server has stopped.
func startServe(cfg server.RunConfig, al alarmServe, log *slog.Logger) (*serving, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tw := &serving{}
	open := func(addr string, cat *catalog.Catalog, o *server.OpenOptions) (func(), error) {
		if !hasClass(cat, pyAlarmClass) {
			// No PyAlarm device, no notification: the dispatcher (its
			// queue alone is 0.3 MB) and its client pool are not needed.
			return nil, nil
		}
		ncfg := notify.CatalogConfig(cat, pyAlarmClass)
		ncfg.LogFile = al.log
		ncfg.AllowSystem = al.allowSystem
		ncfg.ExternalURL = "http://" + addr
		for _, u := range al.webhooks {
			if err := notify.CheckLoopback(u); err != nil {
				return nil, err
			}
			ncfg.Webhooks = append(ncfg.Webhooks, &notify.Webhook{Name: "chaoslab", URL: u, ExternalURL: ncfg.ExternalURL})
		}
		// ACTION commands go through this server's own address first,
		// like any client's, then the peers.
		pool := client.NewPool(client.NewPeers(append([]string{addr}, cfg.Peers...)))
		disp := notify.NewDispatcher(notify.NewRouter(ncfg), notify.ClientExecutor{Pool: pool}, al.queue)
		// Each delivery failure is logged when it happens (one line per
		// target a minute at most), not only in the summary at stop.
		disp.SetLogger(log, time.Minute)
		o.AlarmNotify = notify.Wire(disp)
		tw.disp = disp
		dctx, stop := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { disp.Run(dctx); close(done) }()
		return func() {
			disp.Close()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				stop()
				<-done
			}
			stop()
			delivered, failed, dropped := disp.Counts()
			if failed > 0 || dropped > 0 {
				log.Warn("alarm notifications", "delivered", delivered, "failed", failed, "dropped", dropped, "last_error", disp.LastError())
			}
			pool.Close()
		}, nil
	}
	r, err := server.Start(cfg, server.Hooks{ModelStart: al.startAt, Open: open, Ready: releaseStartup}, log)
	if err != nil {
		return nil, err
	}
	tw.Running = r
	return tw, nil
}

// pyAlarmClass is the device class whose devices notify (alarm.Kinds'
// default class).
const pyAlarmClass = "PyAlarm"

// hasClass reports whether any device of cat has class (case-insensitive,
// as sim matches plugged kinds).
func hasClass(cat *catalog.Catalog, class string) bool {
	for _, srv := range cat.Servers {
		for _, d := range srv.Devices {
			if strings.EqualFold(d.Class, class) {
				return true
			}
		}
	}
	return false
}

// releaseStartup returns the startup transient to the OS once the model is
// built: package initialization, catalog parsing and model building leave
// megabytes of garbage (more than the model itself for a few hundred
// devices) that the runtime would otherwise keep mapped as free heap, and
// touch most of the executable's code and tables, in every one of the
// many server processes `up` starts. One forced collection and scavenge
// plus dropping the executable's read-only pages (memtrim) cost about a
// millisecond, once; the serving path's pages come back on first use.
func releaseStartup() {
	debug.FreeOSMemory()
	_, _ = memtrim.DropExecutable() // only memory is at stake: nothing to report
}
