package sweep

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Outliers is the outlier policy applied to a metric's repeat samples
// before they are summarised. It is written into every output.
type Outliers string

// Outlier policies.
const (
	OutliersNone Outliers = "none" // keep every sample
	OutliersIQR  Outliers = "iqr"  // Tukey fences: drop x outside [Q1 − 1.5·IQR, Q3 + 1.5·IQR] (quartiles by linear interpolation)
	OutliersMAD  Outliers = "mad"  // modified z-score: drop x with |0.6745·(x − median)/MAD| > 3.5 (Iglewicz–Hoaglin); nothing when MAD = 0
)

// Describe states the policy in words, for results files and the report.
func (o Outliers) Describe() string {
	switch o {
	case OutliersIQR:
		return "iqr: samples outside [Q1 - 1.5*IQR, Q3 + 1.5*IQR] dropped (quartiles by linear interpolation)"
	case OutliersMAD:
		return "mad: samples with |0.6745*(x - median)/MAD| > 3.5 dropped (Iglewicz-Hoaglin); none when MAD = 0"
	}
	return "none: every sample kept"
}

// Method states how the statistics are computed, for the outputs.
const Method = "n after outlier removal; mean; std = sample standard deviation (n-1); ci95 = mean ± t(0.975, n-1)·std/√n (Student t; null for n < 2); percentiles by linear interpolation between order statistics (numpy's default, Python's statistics.quantiles method='inclusive')"

// F is a float64 that encodes NaN and ±Inf as JSON null.
type F float64

// MarshalJSON implements json.Marshaler.
func (f F) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler (null reads as NaN).
func (f *F) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = F(math.NaN())
		return nil
	}
	var x float64
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*f = F(x)
	return nil
}

// Summary is the statistics of one metric over a case's repeats.
type Summary struct {
	N       int `json:"n"`       // samples kept
	Dropped int `json:"dropped"` // samples dropped by the outlier policy
	Mean    F   `json:"mean"`
	Std     F   `json:"std"`
	CILo    F   `json:"ci95_lo"`
	CIHi    F   `json:"ci95_hi"`
	Min     F   `json:"min"`
	P50     F   `json:"p50"`
	P95     F   `json:"p95"`
	P99     F   `json:"p99"`
	Max     F   `json:"max"`
}

// Summarize reduces samples (NaNs ignored) with the outlier policy. Empty
// input gives N = 0 and NaN everywhere — never a made-up 0.
func Summarize(samples []float64, policy Outliers) Summary {
	xs := make([]float64, 0, len(samples))
	for _, x := range samples {
		if !math.IsNaN(x) {
			xs = append(xs, x)
		}
	}
	slices.Sort(xs)
	kept := RemoveOutliers(xs, policy)
	s := Summary{N: len(kept), Dropped: len(xs) - len(kept)}
	nan := F(math.NaN())
	s.Mean, s.Std, s.CILo, s.CIHi, s.Min, s.P50, s.P95, s.P99, s.Max = nan, nan, nan, nan, nan, nan, nan, nan, nan
	if len(kept) == 0 {
		return s
	}
	m := Mean(kept)
	s.Mean = F(m)
	s.Min, s.Max = F(kept[0]), F(kept[len(kept)-1])
	s.P50 = F(Percentile(kept, 50))
	s.P95 = F(Percentile(kept, 95))
	s.P99 = F(Percentile(kept, 99))
	if len(kept) >= 2 {
		sd := StdDev(kept)
		s.Std = F(sd)
		h := StudentT975(len(kept)-1) * sd / math.Sqrt(float64(len(kept)))
		s.CILo, s.CIHi = F(m-h), F(m+h)
	}
	return s
}

// Mean is the arithmetic mean (NaN when empty).
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	// Kahan-free two-pass is enough here: shift by the first value to keep
	// large offsets (timestamps, byte counts) from eating the precision.
	sh := xs[0]
	var sum float64
	for _, x := range xs {
		sum += x - sh
	}
	return sh + sum/float64(len(xs))
}

// StdDev is the sample standard deviation (n − 1 in the denominator, like
// Python's statistics.stdev); NaN for fewer than two values.
func StdDev(xs []float64) float64 {
	if len(xs) < 2 {
		return math.NaN()
	}
	m := Mean(xs)
	var ss, c float64
	for _, x := range xs {
		d := x - m
		ss += d * d
		c += d
	}
	n := float64(len(xs))
	return math.Sqrt((ss - c*c/n) / (n - 1))
}

// Percentile is the p-th percentile (0..100) of sorted xs by linear
// interpolation between order statistics: h = (n−1)·p/100 (numpy's
// default "linear" method). NaN when empty.
func Percentile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	if n == 1 {
		return sorted[0]
	}
	h := float64(n-1) * p / 100
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return sorted[n-1]
	}
	if lo < 0 {
		return sorted[0]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// RemoveOutliers applies the policy to sorted xs and returns the kept
// values (sorted).
func RemoveOutliers(sorted []float64, policy Outliers) []float64 {
	if len(sorted) < 3 {
		return sorted
	}
	switch policy {
	case OutliersIQR:
		q1, q3 := Percentile(sorted, 25), Percentile(sorted, 75)
		iqr := q3 - q1
		lo, hi := q1-1.5*iqr, q3+1.5*iqr
		var out []float64
		for _, x := range sorted {
			if x >= lo && x <= hi {
				out = append(out, x)
			}
		}
		return out
	case OutliersMAD:
		med := Percentile(sorted, 50)
		dev := make([]float64, len(sorted))
		for i, x := range sorted {
			dev[i] = math.Abs(x - med)
		}
		slices.Sort(dev)
		mad := Percentile(dev, 50)
		if mad == 0 {
			return sorted
		}
		var out []float64
		for _, x := range sorted {
			if math.Abs(0.6745*(x-med)/mad) <= 3.5 {
				out = append(out, x)
			}
		}
		return out
	}
	return sorted
}

// ParseOutliers validates a policy name ("" means none).
func ParseOutliers(s string) (Outliers, error) {
	switch Outliers(s) {
	case "", OutliersNone:
		return OutliersNone, nil
	case OutliersIQR, OutliersMAD:
		return Outliers(s), nil
	}
	return "", fmt.Errorf("unknown outlier policy %q (expected none, iqr or mad)", s)
}
