package sweep

import (
	"fmt"
	"io"
	"math/rand/v2"
)

// Case is one point of the matrix.
type Case struct {
	I       int // case number from 1 in expansion order (the seed's _i)
	Binding Binding
	Key     string
}

// Vars returns the case's expression scope: its parameters and _i.
func (c *Case) Vars() func(string) (Value, bool) {
	return func(n string) (Value, bool) {
		if n == "_i" {
			return int64(c.I), true
		}
		return c.Binding.Get(n)
	}
}

// Expand returns the cases of the matrix with the given seed: the full
// product, or the seeded subset the file asks for.
func (f *File) Expand(seed uint64) ([]*Case, error) {
	axes, err := Axes(f.Params, seed)
	if err != nil {
		return nil, err
	}
	names := f.ParamNames()
	rng := rand.New(rand.NewPCG(seed, 0x5ab5e7))
	pts, err := Subset(f.Subset.Method, names, axes, f.Subset.K, rng)
	if err != nil {
		return nil, err
	}
	out := make([]*Case, len(pts))
	for i, b := range pts {
		out[i] = &Case{I: i + 1, Binding: b, Key: b.Key()}
	}
	return out, nil
}

// WriteDryRun lists every case with its signal count.
func (f *File) WriteDryRun(w io.Writer, cases []*Case, seed uint64) error {
	axes, err := Axes(f.Params, seed)
	if err != nil {
		return err
	}
	for i, p := range f.Params {
		fmt.Fprintf(w, "# %s (%s): %d values:", p.Name, p.Kind, len(axes[i]))
		for _, v := range axes[i] {
			fmt.Fprintf(w, " %s", FormatValue(v))
		}
		fmt.Fprintln(w)
	}
	for _, c := range cases {
		n, err := f.signalCount(c)
		if err != nil {
			return err
		}
		if err := f.CheckCase(c); err != nil {
			return fmt.Errorf("case %d (%s): %w", c.I, c.Key, err)
		}
		fmt.Fprintf(w, "%4d  %s  signal_count=%d\n", c.I, c.Key, n)
	}
	what := "full product"
	if f.Subset.Method != SubsetAll {
		what = fmt.Sprintf("%s subset of %d", f.Subset.Method, f.Subset.K)
	}
	_, err = fmt.Fprintf(w, "%d cases (%s, seed %d) × %d repeats = %d runs\n", len(cases), what, seed, f.Repeat, len(cases)*f.Repeat)
	return err
}

// signalCount evaluates signal_count for a case (default 1).
func (f *File) signalCount(c *Case) (int, error) {
	if f.SignalCount == nil {
		return 1, nil
	}
	n, err := f.SignalCount.Int(c.Vars())
	if err != nil {
		return 0, err
	}
	if n < 1 {
		return 0, fmt.Errorf("%s: signal_count gave %d for case %d (%s); expected at least 1", f.SignalCount.Pos, n, c.I, c.Key)
	}
	return int(n), nil
}

// CheckCase binds the parts of a case that can be checked without running
// it — its experiment (loaded and validated) and its fault specs — so
// --dry-run reports what would make the case ERROR.
func (f *File) CheckCase(c *Case) error {
	if f.Experiment != nil {
		if _, err := f.Experiment.Bind(c); err != nil {
			return err
		}
	}
	for _, ft := range f.Faults {
		if _, err := ft.bind(c); err != nil {
			return err
		}
	}
	return nil
}
