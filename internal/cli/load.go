package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"chaoslab/internal/load"
	"chaoslab/internal/supervisor"
)

// newLoadCmd is `chaoslab load`: drive the twin with a workload and report
// latency, rates, errors, event lag and resource figures.
func newLoadCmd(s Streams) *cobra.Command {
	var (
		file, addr, state, mix, rate, stages, model, events, timeseries string
		targets, commands                                               []string
		spec                                                            load.Spec
		duration, think, poll, maxLate, timeout, maxDuration            time.Duration
		asJSON, poisson, noProgress                                     bool
	)
	c := &cobra.Command{
		Use:   "load",
		Short: "Drive the twin with an open- or closed-model workload and measure it honestly",
		Long: `Drive the twin's device servers with reads, batched reads, writes, commands,
polling clients or event subscribers, and report latency percentiles (corrected
for coordinated omission and uncorrected), achieved vs requested rate, requests
not issued in time, errors by reason, event lag, and the CPU of servers and
generator. Only loopback addresses are accepted. See docs/load.md.`,
		Example: `  chaoslab load --addr 127.0.0.1:10000 --target 'test/tango/rw/*' --rate 1000/s --duration 10s
  chaoslab load --state .chaoslab --target '*/*/*/*' --mix read=8,batch=1,write=1 --stages '10s:0->5000,20s:5000'
  chaoslab load --addr 127.0.0.1:10000 --target 'sr/vc/*/Pressure' --model poll --poll 100ms --clients 200 --duration 30s
  chaoslab load -f workload.yaml --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := cmd.Flags()
			if file != "" {
				fs, err := load.LoadSpecFile(file)
				if err != nil {
					return exit(ExitUsage, err)
				}
				spec = fs
			}
			// Flags given on the command line override the file.
			var ferrs []error
			if f.Changed("target") || file == "" {
				spec.Targets = targets
			}
			if f.Changed("command") {
				spec.Commands = commands
			}
			if f.Changed("mix") {
				m, err := load.ParseMix(mix)
				ferrs = append(ferrs, err)
				spec.Mix = m
			}
			if f.Changed("rate") {
				r, err := load.ParseRate(rate)
				ferrs = append(ferrs, err)
				spec.Rate = r
			}
			if f.Changed("stages") {
				st, err := load.ParseStages(stages)
				ferrs = append(ferrs, err)
				spec.Stages = st
			}
			if f.Changed("model") {
				spec.Model = load.Model(model)
			}
			if f.Changed("events") {
				spec.Model, spec.Events = load.ModelEvents, events
			}
			if f.Changed("poll") {
				spec.Model, spec.Poll = load.ModelPoll, load.Duration(poll)
			}
			if f.Changed("poisson") {
				spec.Poisson = poisson
			}
			for name, d := range map[string]struct {
				v   time.Duration
				dst *load.Duration
			}{"duration": {duration, &spec.Duration}, "think": {think, &spec.Think}, "max-late": {maxLate, &spec.MaxLate},
				"timeout": {timeout, &spec.Timeout}, "max-duration": {maxDuration, &spec.MaxDuration}} {
				if f.Changed(name) {
					*d.dst = load.Duration(d.v)
				}
			}
			if f.Changed("think") && !f.Changed("model") && spec.Model == "" {
				spec.Model = load.ModelClosed
			}
			if err := errors.Join(ferrs...); err != nil {
				return exit(ExitUsage, err)
			}
			spec = spec.Defaults()
			if errs := spec.Validate(); len(errs) > 0 {
				return exit(ExitUsage, errors.Join(errs...))
			}
			addrs, err := loadAddrs(addr, state)
			if err != nil {
				return exit(ExitUsage, err)
			}
			if err := load.CheckLoopback(addrs); err != nil {
				return exit(ExitUsage, err)
			}

			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			be, err := load.DialBackend(dctx, addrs, spec.Connections)
			if err != nil {
				cancel()
				return exit(ExitError, err)
			}
			defer be.Close()
			tg, err := load.ResolveTargets(dctx, be, spec.Targets, spec.Commands)
			cancel()
			if err != nil {
				return exit(ExitError, err)
			}
			opts := load.Options{Backend: be, Subscriber: be, CPU: load.ProcessCPU, Scrape: load.ScrapeHTTP}
			tty := !noProgress && isTerminal(s.Err)
			if tty {
				opts.Live = load.NewLive(60, func(sn load.Snapshot) {
					fmt.Fprintf(s.Err, "\r\033[K%s", load.ProgressLine(sn))
				})
			}
			res, err := load.Run(ctx, spec, tg, opts)
			if tty {
				fmt.Fprint(s.Err, "\r\033[K")
			}
			if err != nil {
				return exit(ExitError, err)
			}
			if timeseries != "" {
				out, err := os.Create(timeseries)
				if err != nil {
					return exit(ExitError, err)
				}
				werr := load.WriteTimeseries(out, res.Series)
				if err := errors.Join(werr, out.Close()); err != nil {
					return exit(ExitError, fmt.Errorf("write %s: %w", timeseries, err))
				}
			}
			if asJSON {
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			return load.WriteTable(s.Out, res)
		},
	}
	fl := c.Flags()
	fl.StringVarP(&file, "file", "f", "", "workload YAML file (flags override its fields)")
	fl.StringVar(&addr, "addr", os.Getenv("CHAOSLAB_ADDR"), "server addresses host:port or unix:PATH, comma-separated (loopback or Unix sockets only; default $CHAOSLAB_ADDR)")
	stateDirFlag(c, &state)
	fl.StringArrayVar(&targets, "target", nil, "attribute pattern device/attr, wildcards allowed (repeatable)")
	fl.StringArrayVar(&commands, "command", nil, "device/command run by the command operation (repeatable; argument-less commands)")
	fl.StringVar(&mix, "mix", "read=1", "operation weights: read, batch, write, command")
	fl.IntVar(&spec.BatchSize, "batch", 0, "attributes per batched read (default 10)")
	fl.StringVar(&rate, "rate", "", "open model arrival rate, e.g. 1000/s")
	fl.StringVar(&stages, "stages", "", "open model rate stages, e.g. '10s:0->5000,20s:5000,5s:5000->0'")
	fl.BoolVar(&poisson, "poisson", false, "Poisson arrivals instead of evenly spaced ones")
	fl.DurationVar(&duration, "duration", 0, "run duration")
	fl.Int64Var(&spec.Requests, "requests", 0, "stop after this many requests")
	fl.StringVar(&model, "model", "", "open | closed | poll | events (default open)")
	fl.IntVar(&spec.Clients, "clients", 0, "clients of the closed, poll and events models (default 1)")
	fl.DurationVar(&think, "think", 0, "closed model think time between a reply and the next request")
	fl.DurationVar(&poll, "poll", 0, "polling clients: read every target every P (sets --model poll)")
	fl.StringVar(&events, "events", "", "event clients: subscribe to change|periodic|archive events (sets --model events)")
	fl.IntVar(&spec.Connections, "connections", 0, "TCP connections per server (default 1; calls are pipelined)")
	fl.IntVar(&spec.MaxInFlight, "max-inflight", 0, "open model: requests in flight at most (default 1024)")
	fl.DurationVar(&maxLate, "max-late", 0, "open model: how long past its time a request may wait for a free slot before it counts as not issued (default 1s; negative: no wait)")
	fl.DurationVar(&timeout, "timeout", 0, "how long requests in flight at the end may take (default 5s)")
	fl.Uint64Var(&spec.Seed, "seed", 0, "random seed (target choice, Poisson arrivals)")
	fl.DurationVar(&maxDuration, "max-duration", 0, fmt.Sprintf("duration limit (default %s, at most %s)", load.DefaultMaxDuration, load.LimitDuration))
	fl.Int64Var(&spec.MaxRequests, "max-requests", 0, fmt.Sprintf("request count limit (default %d, at most %d)", load.DefaultMaxRequests, int64(load.LimitRequests)))
	fl.BoolVar(&asJSON, "json", false, "print the summary as JSON (field names in docs/load.md)")
	fl.StringVar(&timeseries, "timeseries", "", "write a per-second CSV time series to this file")
	fl.BoolVar(&noProgress, "no-progress", false, "no live progress line even on a terminal")
	return c
}

// loadAddrs returns the servers to load: --addr (or CHAOSLAB_ADDR), else the
// running servers of the twin in --state.
func loadAddrs(addr, state string) ([]string, error) {
	if addr == "" && state != "" {
		st, err := supervisor.LoadState(state)
		if err != nil {
			return nil, fmt.Errorf("no server: pass --addr HOST:PORT[,...] (or set CHAOSLAB_ADDR), or run `chaoslab up` first (%v)", err)
		}
		var out []string
		for _, sv := range st.Servers {
			// ClientAddr: through the fault proxy when the twin runs
			// with --proxy, as every client of the twin goes.
			if a := sv.ClientAddr(); a != "" && sv.Phase == supervisor.PhaseRunning {
				out = append(out, a)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("no running server in %s", state)
		}
		return out, nil
	}
	var out []string
	for _, a := range strings.Split(addr, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no server: pass --addr HOST:PORT[,...] or --state DIR (or set CHAOSLAB_ADDR)")
	}
	return out, nil
}
