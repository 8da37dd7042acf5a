package sim

import (
	"strings"
	"testing"

	"chaoslab/internal/catalog"
	"chaoslab/internal/formula/pyval"
)

// TestBL00 loads the real ALBA beamline twin: it must load, report what it
// cannot run, and serve the rest.
func TestBL00(t *testing.T) {
	cat, err := catalog.Load("/work/shared/reference/corpus/bl00-sims.csv")
	if err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	w := newWorld(t, cat, Options{})
	kinds := map[string]int{}
	for _, p := range w.Problems() {
		k := p.Msg
		if i := strings.IndexAny(k, "'\":("); i > 0 {
			k = k[:i]
		}
		kinds[k]++
	}
	var attrs, ok, failed, cmds int
	for _, di := range w.Devices() {
		infos, _ := w.Attributes(di.Name)
		names := make([]string, 0, len(infos))
		for _, ai := range infos {
			names = append(names, ai.Name)
		}
		cs, _ := w.Commands(di.Name)
		cmds += len(cs) - 3
		rs, err := w.Read(at(100), di.Name, names...)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs[:len(rs)-2] {
			attrs++
			if r.Err == nil {
				ok++
			} else {
				failed++
			}
		}
	}
	t.Logf("bl00: %d devices, %d attributes (%d read ok, %d fail), %d dynamic commands, %d warnings",
		len(w.Devices()), attrs, ok, failed, cmds, len(w.Problems()))
	for k, n := range kinds {
		t.Logf("  %4d × %s", n, k)
	}
	if len(w.Devices()) != 56 {
		t.Errorf("devices = %d, want 56", len(w.Devices()))
	}
	if ok == 0 || ok < failed {
		t.Errorf("only %d of %d attributes read", ok, attrs)
	}
	found := false
	for _, p := range w.Problems() {
		if strings.Contains(p.Error(), "unknown name 'Bit'") && strings.Contains(p.Error(), "bl00-sims.csv:") {
			found = true
			break
		}
	}
	if !found {
		t.Error("PLC helper Bit not reported with a position")
	}
}

// TestVacuumExample loads the generated storage-ring vacuum twin: no
// problems at all, every attribute readable, polling produces events.
func TestVacuumExample(t *testing.T) {
	cat, err := catalog.Load("../../examples/vacuum/vacuum.csv")
	if err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, cat, Options{Seed: 1})
	if ps := w.Problems(); len(ps) != 0 {
		t.Fatalf("%d problems:\n%v", len(ps), ps)
	}
	if n := len(w.Devices()); n < 450 || n > 550 {
		t.Errorf("%d devices", n)
	}
	bad := 0
	for _, di := range w.Devices() {
		infos, _ := w.Attributes(di.Name)
		for _, ai := range infos {
			r := read1(t, w, at(5), di.Name, ai.Name)
			if r.Err != nil {
				bad++
				if bad < 5 {
					t.Errorf("%s/%s: %v", di.Name, ai.Name, r.Err)
				}
			}
		}
	}
	events := 0
	for s := 6.0; s <= 20; s++ {
		events += len(w.Advance(at(s)).Events)
	}
	if events == 0 {
		t.Error("no events from polling")
	}
	// Chaos by hand: a leak in sector 3 drives its gauges, sector and ring into ALARM/FAULT.
	if err := w.Write(at(20), "sr03/vc/ccg-02", "Leak", pyval.Float(0.5)); err != nil {
		t.Fatal(err)
	}
	read1(t, w, at(21), "sr03/vc/ccg-02", "Pressure")
	st, _ := w.State(at(21), "sr03/vc/ccg-02")
	read1(t, w, at(40), "sr03/vc/sector", "MaxPressure")
	sst, _ := w.State(at(40), "sr03/vc/sector")
	if st != AlarmState && st != Fault || sst != Fault && sst != AlarmState {
		t.Errorf("after leak: gauge %v, sector %v", st, sst)
	}
	// Valves ramp: Close takes 3 s, MOVING in between.
	if _, err := w.Command(at(50), "sr01/vc/gv-01", "Close", pyval.None); err != nil {
		t.Fatal(err)
	}
	read1(t, w, at(51.5), "sr01/vc/gv-01", "Position")
	if s, _ := w.State(at(51.5), "sr01/vc/gv-01"); s != Moving {
		t.Errorf("valve closing: %v", s)
	}
	read1(t, w, at(54), "sr01/vc/gv-01", "Position")
	if s, _ := w.State(at(54), "sr01/vc/gv-01"); s != Close {
		t.Errorf("valve closed: %v", s)
	}
	status, _ := w.Status(at(54), "sr01/vc/gv-01")
	if status != "Valve is closed (0%)" {
		t.Errorf("valve status %q", status)
	}
}
