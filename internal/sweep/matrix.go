package sweep

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
)

// Kind is a matrix parameter type.
type Kind string

// Parameter types. "discreet" (the seed's documented spelling) is read as
// Discrete with a warning.
const (
	Discrete Kind = "discrete" // the listed values
	Range    Kind = "range"    // min, min+step, ... up to max inclusive
	Sample   Kind = "sample"   // n seeded random values in [min, max] on the step grid
)

// Param is one matrix axis.
type Param struct {
	Name    string
	Kind    Kind
	Values  []Value // discrete
	Min     float64 // range, sample
	Max     float64
	Step    float64
	Samples int  // sample: how many values
	Ints    bool // range/sample: min, max and step are all integers, so values are int64
	Desc    string
	Units   string
	Pos     Pos
}

// Options returns the parameter's values. Range values are min + i*step
// (never accumulated, so 0.1 steps do not drift) rounded to the decimals
// of min and step; sample values are drawn without replacement from the
// same grid with rng and sorted, so a seed gives the same values every run.
func (p *Param) Options(rng *rand.Rand) ([]Value, error) {
	switch p.Kind {
	case Discrete:
		if len(p.Values) == 0 {
			return nil, fmt.Errorf("parameter %s: discrete needs at least one value", p.Name)
		}
		return p.Values, nil
	case Range:
		n, err := p.gridSize()
		if err != nil {
			return nil, err
		}
		out := make([]Value, n)
		for i := range out {
			out[i] = p.grid(i)
		}
		return out, nil
	case Sample:
		n, err := p.gridSize()
		if err != nil {
			return nil, err
		}
		if p.Samples <= 0 {
			return nil, fmt.Errorf("parameter %s: samples must be at least 1", p.Name)
		}
		if p.Samples >= n {
			// More samples than grid points: every grid point once (the
			// seed drew with replacement and produced duplicate cases).
			out := make([]Value, n)
			for i := range out {
				out[i] = p.grid(i)
			}
			return out, nil
		}
		if rng == nil {
			return nil, fmt.Errorf("parameter %s: sample needs a random source", p.Name)
		}
		// Floyd's algorithm: Samples distinct grid indices.
		chosen := make(map[int]bool, p.Samples)
		for j := n - p.Samples; j < n; j++ {
			t := rng.IntN(j + 1)
			if chosen[t] {
				t = j
			}
			chosen[t] = true
		}
		idx := make([]int, 0, len(chosen))
		for i := range chosen {
			idx = append(idx, i)
		}
		slices.Sort(idx)
		out := make([]Value, len(idx))
		for k, i := range idx {
			out[k] = p.grid(i)
		}
		return out, nil
	}
	return nil, fmt.Errorf("parameter %s: unknown type %q", p.Name, p.Kind)
}

// gridSize is the number of grid points min + i*step <= max.
func (p *Param) gridSize() (int, error) {
	if !(p.Step > 0) {
		return 0, fmt.Errorf("parameter %s: step must be > 0", p.Name)
	}
	if p.Max < p.Min {
		return 0, fmt.Errorf("parameter %s: max %s is below min %s", p.Name, fmtF(p.Max), fmtF(p.Min))
	}
	// A relative tolerance keeps max itself when (max-min)/step is an
	// integer that floating point lands just below (0.3/0.1 = 2.9999...).
	q := (p.Max - p.Min) / p.Step
	n := math.Floor(q+1e-9*math.Max(1, math.Abs(q))) + 1
	if n > 1e6 {
		return 0, fmt.Errorf("parameter %s: %g values is too many (at most 1000000)", p.Name, n)
	}
	return int(n), nil
}

// grid returns grid point i.
func (p *Param) grid(i int) Value {
	if p.Ints {
		return int64(p.Min) + int64(i)*int64(p.Step)
	}
	v := p.Min + float64(i)*p.Step
	d := max(decimals(p.Min), decimals(p.Step))
	if d <= 15 {
		s := math.Pow(10, float64(d))
		v = math.Round(v*s) / s
	}
	return v
}

// decimals is the number of decimals in the shortest representation of x.
func decimals(x float64) int {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	for i := range len(s) {
		if s[i] == '.' {
			return len(s) - i - 1
		}
	}
	return 0
}

func fmtF(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// paramRNG returns the random source of one parameter: a PCG stream keyed
// by the seed and the parameter's name, so adding a parameter does not
// change the others' samples.
func paramRNG(seed uint64, name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// Axes resolves every parameter's options.
func Axes(params []*Param, seed uint64) ([][]Value, error) {
	out := make([][]Value, len(params))
	for i, p := range params {
		o, err := p.Options(paramRNG(seed, p.Name))
		if err != nil {
			return nil, err
		}
		out[i] = o
	}
	return out, nil
}

// Product returns the cartesian product of the axes in declaration order:
// the last axis varies fastest, as itertools.product does.
func Product(names []string, axes [][]Value) []Binding {
	total := productSize(axes)
	out := make([]Binding, 0, total)
	for i := range total {
		out = append(out, pointAt(names, axes, i))
	}
	return out
}

func productSize(axes [][]Value) int {
	n := 1
	for _, a := range axes {
		n *= len(a)
	}
	if len(axes) == 0 {
		return 0
	}
	return n
}

// pointAt decodes product index i (mixed radix, last axis fastest).
func pointAt(names []string, axes [][]Value, i int) Binding {
	b := Binding{Names: names, Values: make([]Value, len(axes))}
	for d := len(axes) - 1; d >= 0; d-- {
		m := len(axes[d])
		b.Values[d] = axes[d][i%m]
		i /= m
	}
	return b
}
