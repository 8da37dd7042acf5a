package sweep

import (
	"context"
	"encoding/json"
	"math"
	"os/exec"
	"testing"
)

func TestStudentT975(t *testing.T) {
	// scipy.stats.t.ppf(0.975, df)
	want := map[int]float64{1: 12.706204736174698, 2: 4.302652729749464, 4: 2.7764451051977934, 9: 2.2621571628540993,
		29: 2.045229642132703, 100: 1.9839715184496334}
	for df, w := range want {
		if got := StudentT975(df); math.Abs(got-w) > 1e-9*w {
			t.Errorf("t(0.975, %d) = %.15g, want %.15g", df, got, w)
		}
	}
	if !math.IsNaN(StudentT975(0)) {
		t.Error("df 0 must be NaN")
	}
}

var statData = [][]float64{
	{2, 4, 4, 4, 5, 5, 7, 9},
	{1.5},
	{10.1, 9.7, 10.4, 10.0, 55.0},
	{3, 1, 2},
	{0.001, 0.002, 0.0015, 0.0012, 0.0018, 0.0011, 0.0019},
}

// TestStatsAgainstPython compares mean, sample std and percentiles with
// Python's statistics module (quantiles method='inclusive' is numpy's
// linear interpolation).
func TestStatsAgainstPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not on PATH")
	}
	in, _ := json.Marshal(statData)
	script := `
import json, statistics, sys
out = []
for xs in json.loads(sys.argv[1]):
    r = {"mean": statistics.fmean(xs), "min": min(xs), "max": max(xs)}
    if len(xs) >= 2:
        r["std"] = statistics.stdev(xs)
        q = statistics.quantiles(xs, n=100, method="inclusive")
        r["p50"], r["p95"], r["p99"] = statistics.median(xs), q[94], q[98]
    out.append(r)
print(json.dumps(out))
`
	b, err := exec.CommandContext(context.Background(), py, "-c", script, string(in)).Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []map[string]float64
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	for i, xs := range statData {
		s := Summarize(xs, OutliersNone)
		got := map[string]float64{"mean": float64(s.Mean), "min": float64(s.Min), "max": float64(s.Max), "std": float64(s.Std),
			"p50": float64(s.P50), "p95": float64(s.P95), "p99": float64(s.P99)}
		for k, w := range want[i] {
			if math.Abs(got[k]-w) > 1e-12*math.Max(1, math.Abs(w)) {
				t.Errorf("data %d %s = %.17g, python %.17g", i, k, got[k], w)
			}
		}
	}
}

func TestSummarizeKnown(t *testing.T) {
	s := Summarize([]float64{2, 4, 4, 4, 5, 5, 7, 9}, OutliersNone)
	// mean 5, sample std sqrt(32/7); CI half = t(0.975,7)·std/√8 with t = 2.364624251592785
	std := math.Sqrt(32.0 / 7)
	h := 2.364624251592785 * std / math.Sqrt(8)
	if s.N != 8 || float64(s.Mean) != 5 || math.Abs(float64(s.Std)-std) > 1e-12 || math.Abs(float64(s.CIHi)-(5+h)) > 1e-9 || math.Abs(float64(s.CILo)-(5-h)) > 1e-9 {
		t.Fatalf("%+v", s)
	}
	e := Summarize(nil, OutliersNone)
	if e.N != 0 || !math.IsNaN(float64(e.Mean)) {
		t.Fatalf("empty: %+v", e)
	}
	b, _ := json.Marshal(e)
	if string(b) == "" || json.Valid(b) == false {
		t.Fatal("empty summary must encode (NaN as null)")
	}
	one := Summarize([]float64{3}, OutliersNone)
	if one.N != 1 || !math.IsNaN(float64(one.Std)) || !math.IsNaN(float64(one.CILo)) || float64(one.P99) != 3 {
		t.Fatalf("n=1: %+v", one)
	}
}

func TestOutliers(t *testing.T) {
	xs := []float64{10.1, 9.7, 10.4, 10.0, 55.0, 9.9}
	for _, tt := range []struct {
		p       Outliers
		dropped int
	}{{OutliersNone, 0}, {OutliersIQR, 1}, {OutliersMAD, 1}} {
		t.Run(string(tt.p), func(t *testing.T) {
			s := Summarize(xs, tt.p)
			if s.Dropped != tt.dropped || s.N != len(xs)-tt.dropped {
				t.Fatalf("%+v", s)
			}
			if tt.dropped == 1 && float64(s.Max) != 10.4 {
				t.Fatalf("the outlier 55 must go: %+v", s)
			}
			if tt.p.Describe() == "" {
				t.Fatal("policy must state itself")
			}
		})
	}
	// MAD = 0 (most values equal): nothing is dropped.
	if s := Summarize([]float64{1, 1, 1, 1, 9}, OutliersMAD); s.Dropped != 0 {
		t.Fatalf("%+v", s)
	}
}

func BenchmarkSummarize(b *testing.B) {
	xs := make([]float64, 30)
	for i := range xs {
		xs[i] = float64(i*7%13) + 0.5
	}
	b.ReportAllocs()
	for b.Loop() {
		Summarize(xs, OutliersMAD)
	}
}
