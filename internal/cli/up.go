package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"chaoslab/internal/alarm/notify"
	"chaoslab/internal/supervisor"
)

// stateDirFlag registers --state (default $CHAOSLAB_STATE, else .chaoslab).
func stateDirFlag(c *cobra.Command, dir *string) {
	def := os.Getenv("CHAOSLAB_STATE")
	if def == "" {
		def = supervisor.DefaultDir
	}
	c.Flags().StringVar(dir, "state", def, "state directory of the twin (default $CHAOSLAB_STATE, else .chaoslab)")
}

// isTerminal reports whether w is a terminal (for progress lines).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// newUpCmd returns `chaoslab up SYSTEM`: the whole twin under a supervisor.
func newUpCmd(s Streams) *cobra.Command {
	var o supervisor.UpOptions
	var restart string
	var asJSON bool
	var al alarmServe
	c := &cobra.Command{
		Use:   "up CATALOG",
		Short: "Start the whole twin of a catalog: one server process per catalog server, supervised",
		Long: `up starts a detached supervisor that runs one "chaoslab serve" process per
catalog server (all hosts, or --host), restarts them per the restart policy
(like Tango's Starter), and records what runs where in the state directory
(pids, addresses, logs). up returns once every server answers, printing a
table; servers that did not come up are listed and up exits 1 (the twin
keeps running: see "chaoslab status"). Run it again to add servers of other
hosts or start stopped ones; "chaoslab down" stops everything.

With --proxy the supervisor also runs one netem TCP fault proxy per server
and its control API (recorded in STATE/state.json): clients resolving
devices through the state directory (read, load, run) and the servers'
cross-server formula reads (--peer) connect through the proxies, so net.*
faults reach them. The --alarm-* flags are passed to every serve.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Catalog = args[0]
			o.Policy.Restart = supervisor.RestartMode(restart)
			if err := o.Policy.Validate(); err != nil {
				return exit(ExitUsage, err)
			}
			if o.Timeout <= 0 {
				return exit(ExitUsage, fmt.Errorf("--timeout: want a positive duration, got %s", o.Timeout))
			}
			if al.queue < 0 || al.queue > maxAlarmQueue {
				return exit(ExitUsage, fmt.Errorf("--alarm-queue %d: want 0 (the default, 1024) to %d notifications", al.queue, maxAlarmQueue))
			}
			bin, err := os.Executable()
			if err != nil {
				return exit(ExitError, fmt.Errorf("find the chaoslab executable: %w", err))
			}
			o.Binary = bin
			for _, u := range al.webhooks {
				if err := notify.CheckLoopback(u); err != nil {
					return exit(ExitUsage, fmt.Errorf("--alarm-webhook: %w", err))
				}
				o.ServeArgs = append(o.ServeArgs, "--alarm-webhook", u)
			}
			if al.log != "" {
				p, err := filepath.Abs(al.log) // servers do not share our working directory
				if err != nil {
					return exit(ExitUsage, fmt.Errorf("--alarm-log: %w", err))
				}
				o.ServeArgs = append(o.ServeArgs, "--alarm-log", p)
			}
			if al.allowSystem {
				o.ServeArgs = append(o.ServeArgs, "--alarm-allow-system")
			}
			if al.queue > 0 {
				o.ServeArgs = append(o.ServeArgs, "--alarm-queue", strconv.Itoa(al.queue))
			}
			if isTerminal(s.Err) {
				o.Progress = func(ready, total int) { fmt.Fprintf(s.Err, "\rup: %d/%d servers ready", ready, total) }
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			res, err := supervisor.Up(ctx, o)
			if o.Progress != nil {
				fmt.Fprintln(s.Err)
			}
			if err != nil {
				return exit(ExitError, fmt.Errorf("up: %w", err))
			}
			if asJSON {
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(res); err != nil {
					return exit(ExitError, err)
				}
			} else {
				switch {
				case res.Recovered:
					fmt.Fprintf(s.Out, "supervisor pid %d restarted over %s (the previous one had died)\n", res.Supervisor.Pid, res.Dir)
				case res.Started:
					fmt.Fprintf(s.Out, "supervisor pid %d, state %s\n", res.Supervisor.Pid, res.Dir)
				case res.Already:
					fmt.Fprintf(s.Out, "already up: supervisor pid %d, state %s\n", res.Supervisor.Pid, res.Dir)
				default:
					fmt.Fprintf(s.Out, "supervisor pid %d, state %s: added %s\n", res.Supervisor.Pid, res.Dir, strings.Join(res.Added, ", "))
				}
				supervisor.WriteUp(s.Out, res.Servers)
			}
			if len(res.Problems) > 0 {
				for _, p := range res.Problems {
					fmt.Fprintf(s.Err, "up: %s did not come up: %s\n", p.Server, p.Reason)
				}
				return exit(ExitFailure, fmt.Errorf("up: %d of %d servers did not come up", len(res.Problems), len(res.Servers)))
			}
			return nil
		},
	}
	f := c.Flags()
	stateDirFlag(c, &o.Dir)
	f.StringVar(&o.Host, "host", "", "start only the servers of this catalog host")
	f.DurationVar(&o.Timeout, "timeout", 30*time.Second, "how long to wait for every server to answer")
	f.StringVar(&restart, "restart", string(supervisor.DefaultPolicy.Restart), "restart policy: always, on-failure or never")
	f.DurationVar(&o.Policy.Backoff, "backoff", supervisor.DefaultPolicy.Backoff, "delay before the first restart (doubles per restart)")
	f.DurationVar(&o.Policy.MaxBackoff, "max-backoff", supervisor.DefaultPolicy.MaxBackoff, "cap of the restart delay")
	f.IntVar(&o.Policy.MaxRestarts, "max-restarts", supervisor.DefaultPolicy.MaxRestarts, "restarts within --restart-window before a server is marked failed")
	f.DurationVar(&o.Policy.Window, "restart-window", supervisor.DefaultPolicy.Window, "window of --max-restarts")
	f.BoolVar(&asJSON, "json", false, "print the result as JSON")
	f.BoolVar(&o.Proxies, "proxy", false, "put a netem fault proxy run by the supervisor in front of every server (for net.* faults)")
	f.Uint64Var(&o.ProxySeed, "proxy-seed", 0, "seed of the proxies' random choices (toxicity, jitter, loss, ...)")
	f.StringVar(&al.log, "alarm-log", "", "passed to every serve: append every PyAlarm notification to this file")
	f.StringSliceVar(&al.webhooks, "alarm-webhook", nil, "passed to every serve: post PyAlarm notifications to this loopback URL (repeatable)")
	f.BoolVar(&al.allowSystem, "alarm-allow-system", false, "passed to every serve: run ACTION(...:system,...) receivers in AllowedActions")
	f.IntVar(&al.queue, "alarm-queue", 0, "passed to every serve: notification queue length (0: serve's default)")
	return c
}

// newDownCmd returns `chaoslab down`.
func newDownCmd(s Streams) *cobra.Command {
	var o supervisor.DownOptions
	c := &cobra.Command{
		Use:   "down",
		Short: "Stop the twin: every server and the supervisor; checks nothing is left",
		Long: `down asks the supervisor to stop every server (SIGTERM, SIGKILL after
--grace) and exit, then signals any recorded process still alive itself (it
works when the supervisor died), checks that no recorded process is alive and
no recorded address accepts connections, and removes the running state. Logs
are kept in STATE/logs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := supervisor.Down(cmd.Context(), o)
			if res != nil {
				switch {
				case res.Nothing:
					fmt.Fprintf(s.Out, "nothing is up in %s\n", o.Dir)
				default:
					fmt.Fprintf(s.Out, "down: %d servers stopped\n", res.Servers)
					if len(res.Killed) > 0 {
						fmt.Fprintf(s.Out, "down: had to signal %s\n", strings.Join(res.Killed, ", "))
					}
				}
			}
			if err != nil {
				return exit(ExitError, err)
			}
			return nil
		},
	}
	stateDirFlag(c, &o.Dir)
	c.Flags().DurationVar(&o.Grace, "grace", 5*time.Second, "how long servers get to exit after SIGTERM before SIGKILL")
	return c
}

// newStatusCmd returns `chaoslab status`.
func newStatusCmd(s Streams) *cobra.Command {
	var dir string
	var asJSON bool
	c := &cobra.Command{
		Use:   "status",
		Short: "Show the twin: hosts → servers with state, pid, uptime, restarts, address",
		Long: `status reads the state directory and checks every recorded process in /proc,
so it tells the truth even when the supervisor died ("dead": recorded but
gone; "orphan": running without a supervisor).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := supervisor.LoadState(dir)
			if errors.Is(err, supervisor.ErrNoState) {
				return exit(ExitFailure, err)
			}
			if err != nil {
				return exit(ExitError, err)
			}
			v := supervisor.Inspect(st, time.Now())
			if asJSON {
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(v)
			}
			return supervisor.WriteStatus(s.Out, v)
		},
	}
	stateDirFlag(c, &dir)
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// newServersCmd returns `chaoslab servers start|stop|kill|restart PATTERN...`.
func newServersCmd(s Streams) *cobra.Command {
	c := &cobra.Command{
		Use:   "servers",
		Short: "Start, stop, kill or restart servers of the running twin (the verbs of tango_servers)",
		Long: `A PATTERN is a server name (Class/instance), a wildcard over server names
('*' any text, '?' one character), a device name (its server) or a catalog
host (all its servers). Names are case-insensitive.`,
	}
	verbs := []struct{ verb, short string }{
		{supervisor.VerbStart, "Mark servers running and start them (ends a crash loop)"},
		{supervisor.VerbStop, "Mark servers stopped and stop them (SIGTERM, SIGKILL after the grace period); the supervisor leaves them down"},
		{supervisor.VerbKill, "SIGKILL servers without changing their desired state: the supervisor restarts them, like Tango's Starter after a crash"},
		{supervisor.VerbRestart, "Stop servers and start them again"},
	}
	for _, v := range verbs {
		o := supervisor.ServersOptions{Verb: v.verb}
		var asJSON bool
		sc := &cobra.Command{
			Use:   v.verb + " PATTERN...",
			Short: v.short,
			Args:  cobra.MinimumNArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				if o.Timeout <= 0 {
					return exit(ExitUsage, fmt.Errorf("--timeout: want a positive duration, got %s", o.Timeout))
				}
				o.Patterns = args
				out, err := supervisor.Servers(cmd.Context(), o)
				if errors.Is(err, supervisor.ErrNoState) {
					return exit(ExitFailure, err)
				}
				if err != nil && out == nil {
					return exit(ExitError, fmt.Errorf("servers %s: %w", o.Verb, err))
				}
				if asJSON {
					enc := json.NewEncoder(s.Out)
					enc.SetIndent("", "  ")
					enc.Encode(out)
				} else {
					supervisor.WriteUp(s.Out, out)
				}
				if err != nil {
					return exit(ExitFailure, err)
				}
				return nil
			},
		}
		stateDirFlag(sc, &o.Dir)
		sc.Flags().BoolVar(&o.NoWait, "no-wait", false, "return once the supervisor took the order")
		sc.Flags().DurationVar(&o.Timeout, "timeout", 30*time.Second, "how long to wait for the servers to get there")
		sc.Flags().BoolVar(&asJSON, "json", false, "print JSON")
		c.AddCommand(sc)
	}
	return c
}

// newSuperviseCmd returns the hidden `chaoslab supervise --state DIR`: the
// supervisor process that `up` starts detached.
func newSuperviseCmd(s Streams) *cobra.Command {
	var o supervisor.Options
	c := &cobra.Command{
		Use:    "supervise --state DIR",
		Short:  "Run the supervisor of a twin (started by up)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Log = slog.New(slog.NewTextHandler(s.Err, nil))
			o.Now = time.Now
			signal.Ignore(syscall.SIGHUP)
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if err := supervisor.Run(ctx, o); err != nil {
				return exit(ExitError, fmt.Errorf("supervise: %w", err))
			}
			return nil
		},
	}
	c.Flags().StringVar(&o.Dir, "state", "", "state directory (required)")
	c.Flags().DurationVar(&o.Grace, "grace", 5*time.Second, "how long servers get to exit after SIGTERM before SIGKILL")
	c.MarkFlagRequired("state")
	return c
}
