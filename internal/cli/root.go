// Package cli implements the chaoslab command line. It is the only package
// that touches os.Args, standard streams, signals and exit codes; every
// command is a thin layer over an internal package.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// Streams are the standard streams a command uses; tests pass buffers.
type Streams struct {
	In       io.Reader
	Out, Err io.Writer
}

// OSStreams returns the process's standard streams.
func OSStreams() Streams { return Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr} }

// Main runs the command line and returns the process exit code.
func Main(args []string, s Streams) int {
	root := newRoot(s)
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

func newRoot(s Streams) *cobra.Command {
	root := &cobra.Command{
		Use:           "chaoslab",
		Short:         "Clone a control system into a twin, drive it, break it, watch it",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.AddCommand(
		newFormulaCmd(s),
		newCatalogCmd(s),
		newServeCmd(s),
		newUpCmd(s),
		newDownCmd(s),
		newStatusCmd(s),
		newServersCmd(s),
		newSuperviseCmd(s),
		newLoadCmd(s),
		newBenchCmd(s),
		newTwinCmd(s),
		newFaultCmd(s),
		newExploreCmd(s),
		newDocsCmd(s),
	)
	root.AddCommand(newClientCmds(s)...)
	root.AddCommand(ExperimentCmds(s)...)
	root.AddCommand(newAlarmCmds(s)...)
	return root
}
