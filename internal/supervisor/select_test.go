package supervisor

import (
	"strings"
	"testing"
)

func testServers() []*Server {
	return []*Server{
		{Name: "SimulatorDS/h0a", Host: "lab-host-0", Devices: []string{"test/h0/a"}},
		{Name: "SimulatorDS/h0b", Host: "lab-host-0", Devices: []string{"test/h0/b", "test/h0/b2"}},
		{Name: "PyAlarm/h1", Host: "lab-host-1", Devices: []string{"test/alarm/1"}},
		{Name: "SimulatorDS/nohost", Devices: []string{"test/x/1"}},
	}
}

func TestSelect(t *testing.T) {
	tests := []struct {
		patterns []string
		want     string // names joined by space, or "error: ..."
	}{
		{[]string{"SimulatorDS/h0a"}, "SimulatorDS/h0a"},
		{[]string{"simulatords/H0A"}, "SimulatorDS/h0a"},
		{[]string{"h0a"}, "SimulatorDS/h0a"},
		{[]string{"*"}, "SimulatorDS/h0a SimulatorDS/h0b PyAlarm/h1 SimulatorDS/nohost"},
		{[]string{"SimulatorDS/*"}, "SimulatorDS/h0a SimulatorDS/h0b SimulatorDS/nohost"},
		{[]string{"h0?"}, "SimulatorDS/h0a SimulatorDS/h0b"},
		{[]string{"*/h1"}, "PyAlarm/h1"},
		{[]string{"test/h0/b2"}, "SimulatorDS/h0b"},
		{[]string{"LAB-HOST-0"}, "SimulatorDS/h0a SimulatorDS/h0b"},
		{[]string{"h0b", "SimulatorDS/h0*", "lab-host-1"}, "SimulatorDS/h0a SimulatorDS/h0b PyAlarm/h1"},
		{[]string{"h9"}, `error: no server, device or host matches "h9"`},
		{[]string{"h0a", "nope/*"}, `error: no server, device or host matches "nope/*"`},
		{nil, "error: no server pattern given (use '*' for all servers)"},
		{[]string{""}, `error: no server, device or host matches ""`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.patterns, ","), func(t *testing.T) {
			sel, err := Select(testServers(), tt.patterns)
			var got string
			if err != nil {
				got = "error: " + err.Error()
			} else {
				var names []string
				for _, s := range sel {
					names = append(names, s.Name)
				}
				got = strings.Join(names, " ")
			}
			if got != tt.want {
				t.Errorf("Select(%q) = %q, want %q", tt.patterns, got, tt.want)
			}
		})
	}
}

func TestGlob(t *testing.T) {
	for _, tt := range []struct {
		p, s string
		want bool
	}{
		{"", "", true}, {"*", "", true}, {"*", "a/b/c", true}, {"a*c", "abbbc", true}, {"a*c", "abbbd", false},
		{"a?c", "abc", true}, {"a?c", "ac", false}, {"*a*a*a", "aaaa", true}, {"*ab", "aab", true}, {"a", "ab", false},
		{"a**b", "ab", true}, {"s*/h0*", "simulatords/h0a", true}, {"S*/H0?", "simulatorDS/h0a", true}, {"a*", "a*", true}, {"?", "*", true}, {"a*", "*", false},
	} {
		if got := glob(tt.p, tt.s); got != tt.want {
			t.Errorf("glob(%q, %q) = %v, want %v", tt.p, tt.s, got, tt.want)
		}
	}
}

// FuzzSelect checks that selection never panics and that every selected
// server matches some pattern.
func FuzzSelect(f *testing.F) {
	for _, p := range []string{"*", "h0?", "SimulatorDS/h0a", "test/h0/b2", "lab-host-0", "**?*", "/"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		sel, err := Select(testServers(), []string{p})
		if err == nil && len(sel) == 0 {
			t.Fatalf("Select(%q): no error and no server", p)
		}
	})
}
