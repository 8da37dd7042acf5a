package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"chaoslab/internal/sweep"
)

// newExploreCmd returns `chaoslab explore MATRIX.yaml`: the scale-test
// driver (docs/explore.md).
func newExploreCmd(s Streams) *cobra.Command {
	var out string
	var dryRun, resume, asJSON, noProgress bool
	var seed uint64
	c := &cobra.Command{
		Use:   "explore MATRIX.yaml",
		Short: "Run one test per combination of a parameter matrix and report the statistics",
		Long: `explore expands the parameter matrix (discrete, range and sample parameters;
the full product or a seeded random / Latin-hypercube subset), runs every case
with its repeats — the twin with catalog overrides, runtime polling/event
configuration, a load and faults (injected per repeat, recorded and always
undone), a whole chaos experiment (its verdict is the case's status), or a
command — ends each on its signal conditions (OK / FAILED / STALLED on no
progress), and writes a results directory:
journal.jsonl (one fsynced line per finished case), results.csv, results.json,
cases/ (raw data), plots/*.svg and report.html. --resume continues an
interrupted run without rerunning finished cases. A search: section runs a
breaking-point search instead (galloping then bisection, with repeats; it
assumes monotonic degradation and reports evidence against it). Exit 0 when
every case is OK, 1 otherwise, 2 for a bad file, 3 when interrupted.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return exit(ExitUsage, err)
			}
			f, err := sweep.Parse(args[0], data)
			if err != nil {
				return exit(ExitUsage, err)
			}
			for _, w := range f.Warnings {
				fmt.Fprintln(s.Err, "explore: warning:", w)
			}
			if cmd.Flags().Changed("seed") {
				f.Seed = seed
			}
			if dryRun {
				cases, err := f.Expand(f.Seed)
				if err != nil {
					return exit(ExitUsage, err)
				}
				if err := f.WriteDryRun(s.Out, cases, f.Seed); err != nil {
					return exit(ExitUsage, err)
				}
				return nil
			}
			if out == "" {
				base := strings.TrimSuffix(filepath.Base(args[0]), filepath.Ext(args[0]))
				out = filepath.Join("results", base)
			}
			bin, err := os.Executable()
			if err != nil {
				return exit(ExitError, err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			o := sweep.RunOptions{File: f, Data: data, Seed: f.Seed, Out: out, Resume: resume, Binary: bin,
				Log: func(format string, a ...any) { fmt.Fprintf(s.Err, "explore: "+format+"\n", a...) }}
			if !noProgress {
				o.Progress, o.TTY = s.Err, isTerminal(s.Err)
			}
			res, err := sweep.Explore(ctx, o)
			if res != nil {
				if asJSON {
					enc := json.NewEncoder(s.Out)
					enc.SetIndent("", "  ")
					_ = enc.Encode(map[string]any{"out": out, "planned_cases": res.Planned, "finished_cases": len(res.Cases),
						"status_counts": res.Counts, "search": res.Search, "outliers": res.Outliers, "statistics": res.Method})
				} else {
					_ = res.WriteTable(s.Out)
					fmt.Fprintf(s.Out, "results in %s (report.html, results.csv, results.json)\n", out)
				}
			}
			if errors.Is(err, sweep.ErrInterrupted) {
				return exit(ExitAborted, err)
			}
			if err != nil {
				return exit(ExitError, fmt.Errorf("explore: %w", err))
			}
			if res.Counts[sweep.StatusOK] != len(res.Cases) || (res.Search != nil && !res.Search.Found) {
				return exit(ExitFailure, nil)
			}
			return nil
		},
	}
	fl := c.Flags()
	fl.StringVarP(&out, "out", "o", "", "results directory (default results/<matrix name>)")
	fl.BoolVar(&dryRun, "dry-run", false, "list every case and exit")
	fl.BoolVar(&resume, "resume", false, "continue the run in --out: finished cases are not rerun")
	fl.Uint64Var(&seed, "seed", 0, "random seed for sample parameters and subsets (default: the file's seed, else 1)")
	fl.BoolVar(&asJSON, "json", false, "print a JSON summary")
	fl.BoolVar(&noProgress, "no-progress", false, "no progress bar or lines")
	return c
}
