package cli

import (
	"fmt"
	"strings"

	"chaoslab/internal/sim"

	"github.com/spf13/cobra"
)

// newTwinCmd is `chaoslab twin`: commands about the twin's device model.
func newTwinCmd(s Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "twin",
		Short: "Check what the twin can run of a catalog",
	}
	cmd.AddCommand(newTwinCheckCmd(s))
	return cmd
}

func newTwinCheckCmd(s Streams) *cobra.Command {
	var strict, py3, quiet bool
	var seed uint64
	cmd := &cobra.Command{
		Use:   "check FILE...",
		Short: "Load catalogs as the twin does and report every problem as file:line:col: message",
		Long: "Load each catalog with the loader of `chaoslab catalog check`, build the twin's devices\n" +
			"(formulas compiled, names resolved, LoadFromFile and FILE read) and print every problem on stderr\n" +
			"as file:line:col: device/attribute: [formula line:col:] message; warnings are marked \"warning:\".\n" +
			"A summary per file says what runs. Exit 0 when nothing is fatal, 1 when a file has errors\n" +
			"(catalog errors, dependency cycles; with --strict also formula syntax errors and unknown names).",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			failed := false
			for _, path := range args {
				w, ps, err := sim.LoadFile(path, sim.Options{Strict: strict, Py3: py3, Seed: seed})
				if err != nil {
					return exit(ExitError, fmt.Errorf("chaoslab twin check: %w", err))
				}
				nerr := 0
				for _, p := range ps {
					if p.Fatal {
						nerr++
						fmt.Fprintln(s.Err, p.Error())
					} else if !quiet {
						fmt.Fprintln(s.Err, warningLine(p))
					}
				}
				if nerr > 0 || w == nil {
					failed = true
					fmt.Fprintf(s.Out, "%s: %d errors, %d warnings: the twin cannot start\n", path, nerr, len(ps)-nerr)
					continue
				}
				fmt.Fprintf(s.Out, "%s: ok: %s; %d warnings\n", path, twinSummary(w), len(ps))
			}
			if failed {
				return exit(ExitFailure, nil)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&strict, "strict", false, "formula syntax errors and unknown names are errors")
	cmd.Flags().BoolVar(&py3, "py3", false, "evaluate formulas with Python 3 semantics (default: Python 2)")
	cmd.Flags().Uint64Var(&seed, "seed", 0, "random seed of the devices")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print errors only, not warnings")
	return cmd
}

// warningLine prints a problem with "warning:" after its position.
func warningLine(p sim.Problem) string {
	msg := p.Error()
	if pos := p.Pos.String(); pos != "" {
		return pos + ": warning: " + strings.TrimPrefix(msg, pos+": ")
	}
	return "warning: " + msg
}

// twinSummary counts what the World serves: devices, attributes (and how
// many can evaluate), commands.
func twinSummary(w *sim.World) string {
	devs := w.Devices()
	attrs, bad, cmds := 0, 0, 0
	for _, d := range devs {
		as, _ := w.Attributes(d.Name)
		for _, a := range as {
			if a.Formula == "" {
				continue // State, Status, plug-in attributes
			}
			attrs++
			if a.Problem != "" {
				bad++
			}
		}
		cs, _ := w.Commands(d.Name)
		for _, c := range cs {
			if c.Formula != "" {
				cmds++
			}
		}
	}
	return fmt.Sprintf("%d devices, %d dynamic attributes (%d cannot evaluate), %d dynamic commands", len(devs), attrs, bad, cmds)
}
