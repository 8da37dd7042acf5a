package experiment

import "testing"

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		p, n string
		want bool
	}{
		{"*", "SimulatorDS/vc-ring", true},
		{"SimulatorDS/vc-gauges-*", "SimulatorDS/vc-gauges-sr01-04", true},
		{"simulatords/VC-*", "SimulatorDS/vc-ring", true},
		{"sr0[1-4]/vc/ccg-*", "sr03/vc/ccg-02", true},
		{"sr0[1-4]/vc/ccg-*", "sr05/vc/ccg-02", false},
		{"*/ccg-0?", "sr01/vc/ccg-01", true},
		{"a/b", "a/c", false},
	} {
		if got := match(tc.p, tc.n); got != tc.want {
			t.Errorf("match(%q, %q) = %v", tc.p, tc.n, got)
		}
	}
}
