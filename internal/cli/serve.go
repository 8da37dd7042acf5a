package cli

import (
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"

	"github.com/spf13/cobra"

	"chaoslab/internal/server"
)

// newServeCmd returns `chaoslab serve`: one device-server process.
func newServeCmd(s Streams) *cobra.Command {
	var cfg server.RunConfig
	var logLevel, cpuProfile string
	var procs int
	c := &cobra.Command{
		Use:   "serve --catalog FILE (--server NAME | --host HOST)",
		Short: "Run one device server: the devices of a catalog server (or of one host) on one TCP port",
		Long: `serve hosts the devices of one catalog server (or all servers of one host),
runs their polling, and serves the chaoslab API on one TCP port: the framed
protocol of the Go client, gRPC / gRPC-Web / Connect JSON over HTTP, /metrics
and /healthz. Once every device answers it writes {"addr", "pid"} to
--ready-file (atomically). SIGINT or SIGTERM stop it cleanly.`,
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
			if err := server.Run(ctx, cfg, log); err != nil {
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
	return c
}
