package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

func mark(b *bool) string {
	switch {
	case b == nil:
		return "-"
	case *b:
		return "ok"
	}
	return "FAIL"
}

// Summary writes the terminal summary of a run.
func Summary(w io.Writer, r *Run) {
	fmt.Fprintf(w, "%s: %s", r.Title, strings.ToUpper(r.Status))
	if r.Reason != "" {
		fmt.Fprintf(w, " (%s)", r.Reason)
	}
	fmt.Fprintf(w, "\nrun %s, seed %d, %s\n", r.ID, r.Seed, r.End.Sub(r.Start).Round(1e6))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "probe\tbefore\tduring\tafter\tverdict\t")
	for _, p := range r.Verdict.Probes {
		v := "held"
		if !p.OK {
			v = "deviated: " + p.Reason
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", p.Name, mark(p.Before), mark(p.During), mark(p.After), v)
	}
	tw.Flush()
	for _, e := range r.Actions {
		fmt.Fprintf(w, "  %8s  %-8s %s", e.Time.Sub(r.Start).Round(1e6), e.Type, e.Name)
		if e.Kind != "" {
			fmt.Fprintf(w, " [%s]", e.Kind)
		}
		if len(e.Targets) > 0 {
			fmt.Fprintf(w, " → %s", strings.Join(e.Targets, ", "))
		}
		if e.Error != "" {
			fmt.Fprintf(w, " ERROR: %s", e.Error)
		}
		fmt.Fprintln(w)
	}
	for _, e := range r.Verdict.RollbackErrors {
		fmt.Fprintf(w, "rollback failed: %s\n", e)
	}
}
