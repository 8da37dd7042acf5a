package cli

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"chaoslab/internal/experiment"
	"chaoslab/internal/journal"
	"chaoslab/internal/report"
	"chaoslab/internal/supervisor"
)

// ExperimentCmds returns the experiment commands (run, recover, journal,
// report, history), for root.go and for tests that run them in a test binary.
func ExperimentCmds(s Streams) []*cobra.Command {
	return []*cobra.Command{newRunCmd(s), newRecoverCmd(s), newJournalCmd(s), newReportCmd(s), newHistoryCmd(s)}
}

func runsDir(state string) string { return filepath.Join(state, "experiments", "runs") }

type runOpts struct {
	state, journal, replay, reportOut string
	seed                              uint64
	seedSet, dry, asJSON              bool
	every                             time.Duration
}

// newRunCmd returns `chaoslab run EXPERIMENT.yaml`.
func newRunCmd(s Streams) *cobra.Command {
	var o runOpts
	c := &cobra.Command{
		Use:   "run EXPERIMENT.yaml",
		Short: "Run a chaos experiment against the twin (exit 0 held, 1 deviated, 2 error, 3 aborted, 130 interrupted)",
		Long: `run checks the steady-state hypothesis, runs the method (faults, server
verbs, config changes, load) while probing continuously, checks again, and
always rolls back (also on a stop condition, an error or SIGINT/SIGTERM).
Every event goes to a JSON Lines journal (STATE/experiments/runs/RUN.jsonl).
Faults are recorded in the state directory before they are applied:
after a crash, "chaoslab recover" undoes them. See docs/experiments.md.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if o.replay != "" {
				return cobra.NoArgs(cmd, args)
			}
			return cobra.ExactArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.seedSet = cmd.Flags().Changed("seed")
			if o.every < 0 {
				return exit(ExitUsage, fmt.Errorf("--every: want a positive interval (or 0: run once), got %s", o.every))
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			for {
				code, fileEvery, err := runOnce(ctx, s, o, args)
				every := o.every
				if !cmd.Flags().Changed("every") {
					every = fileEvery // the file's every: schedule
				}
				if err != nil || every <= 0 || ctx.Err() != nil {
					if err != nil {
						return exit(code, err)
					}
					if code != 0 {
						return exit(code, nil)
					}
					return nil
				}
				fmt.Fprintf(s.Err, "next run in %s (Ctrl-C to stop)\n", every)
				t := time.NewTimer(every)
				select {
				case <-ctx.Done():
					t.Stop()
					return nil
				case <-t.C:
				}
			}
		},
	}
	f := c.Flags()
	stateDirFlag(c, &o.state)
	f.Uint64Var(&o.seed, "seed", 0, "seed of target selection and jitter (default: the file's, else random; always printed)")
	f.BoolVar(&o.dry, "dry-run", false, "validate and plan (targets, schedule, blast radius) without touching anything")
	f.BoolVar(&o.asJSON, "json", false, "print the verdict (or the plan with --dry-run) as JSON")
	f.StringVar(&o.journal, "journal", "", "journal file (default STATE/experiments/runs/RUN.jsonl)")
	f.StringVar(&o.replay, "replay", "", "re-run the experiment, seed, targets and schedule of a journal")
	f.StringVar(&o.reportOut, "report", "", "also write the HTML report to this file")
	f.DurationVar(&o.every, "every", 0, "run again every interval until interrupted (continuous mode; default: the file's every:)")
	return c
}

func runOnce(ctx context.Context, s Streams, o runOpts, args []string) (int, time.Duration, error) {
	var every time.Duration
	code, err := func() (int, error) {
		x, code, err := runOne(ctx, s, o, args)
		if x != nil {
			every = x.Every.D()
		}
		return code, err
	}()
	return code, every, err
}

// runOne runs the experiment once; it returns the loaded experiment (nil
// when it did not load) for the caller's schedule.
func runOne(ctx context.Context, s Streams, o runOpts, args []string) (*experiment.Experiment, int, error) {
	var x *experiment.Experiment
	var err error
	var replayPlan *experiment.Plan
	seed, seedSet := o.seed, o.seedSet
	if o.replay != "" {
		evs, err := journal.ReadFile(o.replay)
		if err != nil {
			return x, ExitError, err
		}
		start, ok := journal.Find(evs, journal.TypeStart)
		planEv, ok2 := journal.Find(evs, journal.TypePlan)
		if !ok || !ok2 {
			return x, ExitError, fmt.Errorf("%s: no start or plan event: not a run journal", o.replay)
		}
		var st struct {
			File, Source string
			Seed         uint64
		}
		json.Unmarshal(start.Data, &st)
		replayPlan = &experiment.Plan{}
		json.Unmarshal(planEv.Data, replayPlan)
		if x, err = experiment.Load(st.File, []byte(st.Source)); err != nil {
			return nil, ExitError, err
		}
		if c := x.System.Catalog; c != "" && !filepath.IsAbs(c) {
			x.System.Catalog = filepath.Join(filepath.Dir(st.File), c) // as LoadFile does
		}
		seed, seedSet = st.Seed, true
	} else if x, err = experiment.LoadFile(args[0]); err != nil {
		return nil, ExitError, err
	}
	if !seedSet {
		if x.Seed != nil {
			seed = *x.Seed
		} else {
			var b [8]byte
			rand.Read(b[:])
			seed = binary.LittleEndian.Uint64(b[:]) >> 1
		}
	}
	state := o.state
	if x.System.State != "" && !flagChanged(o) {
		state = x.System.State
	}
	if !filepath.IsAbs(state) {
		if a, err := filepath.Abs(state); err == nil {
			state = a
		}
	}
	// Inventory first (read only), so --dry-run and blast radius need no proxy.
	st, err := supervisor.LoadState(state)
	if err != nil && !o.dry && x.System.Catalog != "" {
		bin, berr := os.Executable()
		if berr != nil {
			return x, ExitError, berr
		}
		fmt.Fprintf(s.Err, "run: bringing up %s in %s\n", x.System.Catalog, state)
		if _, err := supervisor.Up(ctx, supervisor.UpOptions{Dir: state, Catalog: x.System.Catalog, Binary: bin}); err != nil {
			return x, ExitError, fmt.Errorf("up: %w", err)
		}
		if x.System.Down == nil || *x.System.Down {
			defer supervisor.Down(context.WithoutCancel(ctx), supervisor.DownOptions{Dir: state})
		}
		st, err = supervisor.LoadState(state)
	}
	if err != nil {
		if o.dry {
			fmt.Fprintf(s.Out, "%s: valid (no twin in %s: targets not resolved)\n", x.File, state)
			return x, ExitOK, nil
		}
		return x, ExitError, fmt.Errorf("no twin to run on in %s: %w (start one with `chaoslab up`, or set system.catalog)", state, err)
	}
	inv := experiment.Inventory{}
	for _, sv := range st.Servers {
		inv.Servers = append(inv.Servers, experiment.ServerInfo{Name: sv.Name, Host: sv.Host, Devices: sv.Devices})
	}
	plan, perr := experiment.MakePlan(x, inv, seed)
	if perr == nil && replayPlan != nil {
		a, _ := json.Marshal(replayPlan.Method)
		b, _ := json.Marshal(plan.Method)
		if string(a) != string(b) {
			perr = fmt.Errorf("replay: the twin differs from the journal's: the targets resolve differently")
		}
	}
	fmt.Fprintf(s.Err, "run: %s, seed %d\n", x.Title, seed)
	if o.dry {
		if plan != nil {
			printPlan(s, plan, o.asJSON)
		}
		if perr != nil {
			return x, ExitError, perr
		}
		return x, ExitOK, nil
	}
	if perr != nil {
		return x, ExitError, fmt.Errorf("refused: %w", perr)
	}
	runID := time.Now().UTC().Format("20060102T150405.000") + fmt.Sprintf("-%d", seed)
	runID = strings.ReplaceAll(runID, ".", "")
	jpath := o.journal
	if jpath == "" {
		os.MkdirAll(runsDir(state), 0o755)
		jpath = filepath.Join(runsDir(state), runID+".jsonl")
	}
	jw, jf, err := journal.Create(jpath, nil)
	if err != nil {
		return x, ExitError, err
	}
	defer jf.Close()
	recs, err := experiment.NewRecords(state, runID, time.Now)
	if err != nil {
		return x, ExitError, fmt.Errorf("fault records: %w", err)
	}
	defer recs.Close()
	twin, err := experiment.OpenTwin(state, seed, slog.New(slog.DiscardHandler))
	if err != nil {
		return x, ExitError, err
	}
	defer twin.Close()
	r := &experiment.Runner{X: x, Plan: plan, Env: twin, Journal: jw, Record: recs}
	r.Start(runID)
	fmt.Fprintf(s.Err, "run: journal %s\n", jpath)
	if x.Load != nil {
		if err := twin.StartLoad(ctx, *x.Load); err != nil {
			jw.Append(journal.Event{Type: journal.TypeVerdict, Status: experiment.StatusError, Text: "background load: " + err.Error()})
			return x, ExitError, fmt.Errorf("background load: %w", err)
		}
	}
	v := r.Run(ctx)
	twin.StopLoad()
	appendHistory(context.WithoutCancel(ctx), s, state, runID, jpath, x, seed, v)
	evs, _ := journal.ReadFile(jpath)
	rr := report.Digest(evs)
	if o.reportOut != "" {
		if f, err := os.Create(o.reportOut); err == nil {
			report.HTML(f, rr)
			f.Close()
		}
	}
	if o.asJSON {
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		enc.Encode(map[string]any{"run": runID, "journal": jpath, "seed": seed, "verdict": v})
	} else {
		report.Summary(s.Out, rr)
	}
	return x, experiment.ExitCode(v.Status), nil
}

func flagChanged(o runOpts) bool {
	return os.Getenv("CHAOSLAB_STATE") != "" || o.state != supervisor.DefaultDir
}

func printPlan(s Streams, p *experiment.Plan, asJSON bool) {
	if asJSON {
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		enc.Encode(p)
		return
	}
	tw := tabwriter.NewWriter(s.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "step\tkind\tafter\tfor\ttargets\t")
	for _, st := range p.Method {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", st.Name, st.Kind, st.Pause, st.Duration, strings.Join(append(st.Servers, st.Devices...), ", "))
	}
	tw.Flush()
	t := p.Touched
	fmt.Fprintf(s.Out, "touches %d/%d servers, %d/%d devices, %d/%d hosts\n", len(t.Servers), t.TotalServers, t.Devices, t.TotalDevices, len(t.Hosts), t.TotalHosts)
}

func historyPath(state string) string { return filepath.Join(state, "experiments", "history.db") }

// appendHistory records the run in STATE/experiments/history.db (SQLite).
func appendHistory(ctx context.Context, s Streams, state, run, jpath string, x *experiment.Experiment, seed uint64, v experiment.Verdict) {
	h, err := journal.OpenHistory(historyPath(state))
	if err == nil {
		err = h.Add(ctx, journal.Run{ID: run, Title: x.Title, File: x.File, Seed: seed, Status: v.Status, Reason: v.Reason, Journal: jpath, Time: time.Now().UTC()})
		h.Close()
	}
	if err != nil {
		fmt.Fprintf(s.Err, "run: history not updated: %v\n", err)
	}
}

// newRecoverCmd returns `chaoslab recover`.
func newRecoverCmd(s Streams) *cobra.Command {
	var state string
	c := &cobra.Command{
		Use:   "recover",
		Short: "Undo every fault left behind by experiment runs that died (kill -9, crash)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			done, skipped, err := experiment.Recover(cmd.Context(), state)
			for _, d := range done {
				if d.Err != nil {
					fmt.Fprintf(s.Out, "run %s: %s (%s): FAILED: %v\n", d.Run, d.Name, d.Kind, d.Err)
				} else {
					fmt.Fprintf(s.Out, "run %s: undid %s (%s)\n", d.Run, d.Name, d.Kind)
				}
			}
			for _, sk := range skipped {
				fmt.Fprintf(s.Out, "skipped %s\n", sk)
			}
			if err != nil {
				return exit(ExitError, err)
			}
			if len(done) == 0 && len(skipped) == 0 {
				fmt.Fprintln(s.Out, "nothing to recover")
			}
			for _, d := range done {
				if d.Err != nil {
					return exit(ExitError, errors.New("recover: some faults could not be undone"))
				}
			}
			return nil
		},
	}
	stateDirFlag(c, &state)
	return c
}

func journalPath(state, run string) string {
	if _, err := os.Stat(run); err == nil {
		return run
	}
	return filepath.Join(runsDir(state), strings.TrimSuffix(run, ".jsonl")+".jsonl")
}

// newJournalCmd returns `chaoslab journal show RUN`.
func newJournalCmd(s Streams) *cobra.Command {
	var state string
	var raw bool
	c := &cobra.Command{Use: "journal", Short: "Show experiment journals"}
	show := &cobra.Command{
		Use:   "show RUN",
		Short: "Print a run's journal (RUN is a run id or a journal file)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p := journalPath(state, args[0])
			evs, err := journal.ReadFile(p)
			if err != nil {
				return exit(ExitError, err)
			}
			if raw {
				enc := json.NewEncoder(s.Out)
				for _, e := range evs {
					enc.Encode(e)
				}
				return nil
			}
			var t0 time.Time
			for _, e := range evs {
				if t0.IsZero() {
					t0 = e.Time
				}
				line := fmt.Sprintf("%9s %-8s", e.Time.Sub(t0).Round(time.Millisecond), e.Type)
				for _, part := range []string{e.Phase, e.Name, e.Kind, strings.Join(e.Targets, ","), e.Text, e.Status, e.Error} {
					if part != "" {
						line += " " + part
					}
				}
				if e.Value != nil {
					line += fmt.Sprintf(" =%g", *e.Value)
				}
				if e.OK != nil && !*e.OK {
					line += " (out of tolerance)"
				}
				fmt.Fprintln(s.Out, line)
			}
			return nil
		},
	}
	stateDirFlag(show, &state)
	show.Flags().BoolVar(&raw, "json", false, "print the raw JSON lines")
	c.AddCommand(show)
	return c
}

// newReportCmd returns `chaoslab report RUN`.
func newReportCmd(s Streams) *cobra.Command {
	var state, out string
	c := &cobra.Command{
		Use:   "report RUN",
		Short: "Write a self-contained HTML report of a run and print its summary",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p := journalPath(state, args[0])
			evs, err := journal.ReadFile(p)
			if err != nil {
				return exit(ExitError, err)
			}
			r := report.Digest(evs)
			if out == "" {
				out = strings.TrimSuffix(p, ".jsonl") + ".html"
			}
			f, err := os.Create(out)
			if err != nil {
				return exit(ExitError, err)
			}
			if err := report.HTML(f, r); err != nil {
				f.Close()
				return exit(ExitError, err)
			}
			if err := f.Close(); err != nil {
				return exit(ExitError, err)
			}
			report.Summary(s.Out, r)
			fmt.Fprintf(s.Out, "report: %s\n", out)
			return nil
		},
	}
	stateDirFlag(c, &state)
	c.Flags().StringVarP(&out, "out", "o", "", "HTML file (default: the journal's name with .html)")
	return c
}

// newHistoryCmd returns `chaoslab history`.
func newHistoryCmd(s Streams) *cobra.Command {
	var state string
	var last int
	var asJSON bool
	c := &cobra.Command{
		Use:   "history",
		Short: "List past experiment runs (STATE/experiments/history.db, SQLite)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := os.Stat(historyPath(state)); errors.Is(err, os.ErrNotExist) {
				fmt.Fprintln(s.Out, "no runs yet")
				return nil
			}
			h, err := journal.OpenHistory(historyPath(state))
			if err != nil {
				return exit(ExitError, err)
			}
			defer h.Close()
			runs, err := h.List(cmd.Context(), last)
			if err != nil {
				return exit(ExitError, err)
			}
			if asJSON {
				enc := json.NewEncoder(s.Out)
				for _, r := range runs {
					enc.Encode(r)
				}
				return nil
			}
			tw := tabwriter.NewWriter(s.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "run\ttitle\tseed\tstatus\treason\t")
			for _, r := range runs {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t\n", r.ID, r.Title, r.Seed, r.Status, r.Reason)
			}
			return tw.Flush()
		},
	}
	stateDirFlag(c, &state)
	c.Flags().IntVarP(&last, "last", "n", 0, "only the newest N runs")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON lines")
	return c
}

// MainExperiments runs only the experiment commands (as Main does for the
// whole command line); end-to-end tests use it before root.go wires them.
func MainExperiments(args []string, s Streams) int {
	root := &cobra.Command{Use: "chaoslab", SilenceUsage: true, SilenceErrors: true}
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.AddCommand(ExperimentCmds(s)...)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(s.Err, ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(s.Err, "chaoslab: %v\n", err)
	return ExitUsage
}
