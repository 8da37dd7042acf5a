package sweep

import (
	"testing"
)

// BenchmarkExpand expands a 10×10×10×10 matrix (10 000 cases).
func BenchmarkExpand(b *testing.B) {
	src := []byte("matrix:\n  a: {type: range, min: 0, max: 0.9, step: 0.1}\n  b: {type: range, min: 1, max: 10}\n  c: {type: sample, min: 0, max: 100, samples: 10}\n  d: {values: [1,2,3,4,5,6,7,8,9,10]}\ncommand: {run: [x]}\n")
	f, err := Parse("b.yaml", src)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		cases, _ := f.Expand(1)
		if len(cases) != 10000 {
			b.Fatal(len(cases))
		}
	}
}

// BenchmarkCondition evaluates one signal condition over metrics and
// parameters: the per-probe cost of signals.
func BenchmarkCondition(b *testing.B) {
	e, err := CompileExpr("error_rate > 0.01 or lag_p99_ms > 2 * period + 250", Pos{})
	if err != nil {
		b.Fatal(err)
	}
	c := &Case{I: 1, Binding: Binding{Names: []string{"period"}, Values: []Value{int64(100)}}}
	m := map[string]float64{"error_rate": 0, "lag_p99_ms": 12}
	sc := Scope(MetricScope(m), c.Vars())
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := e.Bool(sc); err != nil || ok {
			b.Fatal(ok, err)
		}
	}
}
