package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"chaoslab/internal/fault"
)

// newFaultCmd is `chaoslab fault inject|ls|clear|kinds`.
func newFaultCmd(s Streams) *cobra.Command {
	c := &cobra.Command{
		Use:   "fault",
		Short: "Inject faults into the twin that always undo themselves",
	}
	c.AddCommand(newFaultInjectCmd(s), newFaultLsCmd(s), newFaultClearCmd(s), newFaultKindsCmd(s))
	return c
}

func newFaultInjectCmd(s Streams) *cobra.Command {
	var (
		dir, target string
		dur         time.Duration
		seed        uint64
		detach      bool
	)
	c := &cobra.Command{
		Use:   "inject KIND [param=value ...]",
		Short: "Inject a fault for a duration, then undo it",
		Long: `Inject a fault into the twin of --state. The fault is recorded in
STATE/faults/ before it is applied. Without --detach, chaoslab waits for
--for (or Ctrl-C), undoes the fault and removes the record. With --detach
it returns at once: in-server faults, net.* toxics and proc.stop holds
lift themselves at the deadline (now + --for); a paused process stays
paused until 'chaoslab fault clear'. net.* faults need a twin brought up
with 'chaoslab up --proxy'.

Selector (--target): host=H,server=S,device=D,attr=A,class=C,family=F,
count=N or percent=P; patterns allow * and ?; a bare word is a server.
The choice under count/percent is seeded by --seed.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if dur < 0 {
				return exit(ExitUsage, fmt.Errorf("--for: want a positive duration (0: the default, %s), got %s", fault.DefaultFor, dur))
			}
			sel, err := fault.ParseSelector(target)
			if err != nil {
				return exit(ExitUsage, fmt.Errorf("--target: %w", err))
			}
			params, err := fault.ParseParams(args[0], args[1:])
			if err != nil {
				return exit(ExitUsage, err)
			}
			spec := fault.Spec{Kind: args[0], Target: sel, For: dur, Seed: seed, Params: params}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			in, err := fault.New(ctx, fault.Env{Dir: dir}, spec)
			if err != nil {
				return exit(ExitError, err)
			}
			in.Detached = detach
			revert, err := in.Inject(ctx)
			if err != nil {
				return exit(ExitError, err)
			}
			fmt.Fprintf(s.Out, "injected %s\n", in.Describe())
			for _, t := range in.Targets() {
				fmt.Fprintf(s.Out, "  %s\n", t.Name)
			}
			if detach {
				return nil
			}
			t := time.NewTimer(spec.Duration())
			defer t.Stop()
			select {
			case <-t.C:
			case <-ctx.Done():
			}
			uctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			if err := revert(uctx); err != nil {
				return exit(ExitError, err)
			}
			fmt.Fprintf(s.Out, "undone %s\n", in.ID())
			return nil
		},
	}
	stateDirFlag(c, &dir)
	c.Flags().StringVar(&target, "target", "", "target selector (see above)")
	c.Flags().DurationVar(&dur, "for", 0, fmt.Sprintf("how long the fault lasts (default %s)", fault.DefaultFor))
	c.Flags().Uint64Var(&seed, "seed", 0, "seed for target choice and the fault's randomness")
	c.Flags().BoolVar(&detach, "detach", false, "return once the fault is applied")
	return c
}

func newFaultLsCmd(s Streams) *cobra.Command {
	var dir string
	c := &cobra.Command{
		Use:   "ls",
		Short: "List recorded faults and whether their injector still runs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			recs, err := fault.Records(dir)
			tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tKIND\tINJECTOR\tDEADLINE\tTARGETS")
			for _, r := range recs {
				live := fmt.Sprintf("pid %d live", r.Injector.Pid)
				switch {
				case r.Detached:
					live = "detached"
				case !r.Live():
					live = fmt.Sprintf("pid %d gone (orphan)", r.Injector.Pid)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Kind, live, r.Deadline.Format(time.RFC3339), strings.Join(r.Targets, ","))
			}
			tw.Flush()
			if err != nil {
				return exit(ExitError, err)
			}
			return nil
		},
	}
	stateDirFlag(c, &dir)
	return c
}

func newFaultClearCmd(s Streams) *cobra.Command {
	var (
		dir string
		all bool
	)
	c := &cobra.Command{
		Use:   "clear [ID ...]",
		Short: "Undo recorded faults: the named ones, the orphans, or --all",
		Long: `Undo recorded faults and remove their records. With IDs (or id
prefixes), those; without, the orphans (their injector is gone, e.g. killed
with -9); with --all, every record, and every running server drops all its
in-server faults and every supervisor hold is released.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			done, err := fault.Clear(cmd.Context(), dir, fault.ClearOptions{IDs: args, All: all})
			for _, id := range done {
				fmt.Fprintf(s.Out, "undone %s\n", id)
			}
			if len(done) == 0 && err == nil {
				fmt.Fprintln(s.Out, "nothing to undo")
			}
			if err != nil {
				return exit(ExitError, err)
			}
			return nil
		},
	}
	stateDirFlag(c, &dir)
	c.Flags().BoolVar(&all, "all", false, "undo every recorded fault, also those whose injector runs")
	return c
}

func newFaultKindsCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "kinds",
		Short: "List the fault kinds and their parameters",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
			for _, n := range fault.KindNames() {
				k := fault.Kinds[n]
				fmt.Fprintf(tw, "%s\t%s\t%s\n", n, strings.Join(k.Params, ","), k.Doc)
			}
			return tw.Flush()
		},
	}
}
