package alarm

import (
	"testing"
	"time"

	"chaoslab/internal/catalog"
	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/sim"
)

// clockWorld builds the seed's PyAlarm/Clock and PyAlarm/Group devices.
func clockWorld(t testing.TB, notify func(Notification)) (*sim.World, time.Time) {
	t.Helper()
	cat, err := catalog.Load("../../examples/alarms/panic-clock.csv")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Unix(1_000_000_000, 0)
	w, err := sim.New(cat, sim.Options{Start: start, Kinds: Kinds(Options{Catalog: cat, Start: start, Notify: notify})})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range w.Problems() {
		t.Logf("problem: %v", p)
	}
	return w, start
}

// edges drives the world for dur in steps and records, per "dev/attr",
// the times at which the boolean attribute became true and false (from
// change events).
func edges(t *testing.T, w *sim.World, start time.Time, dur time.Duration) map[string][]time.Time {
	out := map[string][]time.Time{}
	state := map[string]bool{}
	for now := start; !now.After(start.Add(dur)); now = now.Add(10 * time.Millisecond) {
		u := w.Advance(now)
		for _, ev := range u.Events {
			if ev.Value.K != pyval.BoolKind {
				continue
			}
			k := ev.Device + "/" + ev.Attr
			v := pyval.Truth(ev.Value)
			if v != state[k] {
				state[k] = v
				out[k] = append(out[k], ev.Time)
			}
		}
	}
	return out
}

func TestClockAlarms(t *testing.T) {
	w, start := clockWorld(t, nil)
	ev := edges(t, w, start, 60*time.Second)
	// StartupDelay 5 s; CK2 = NOW()%2 < 1 toggles with a 2 s period, CK5
	// with 5 s and CK10 with 10 s: one activation per period.
	for _, c := range []struct {
		key    string
		period time.Duration
	}{
		{"test/panic/ck2/CK2", 2 * time.Second},
		{"test/panic/ck5/CK5", 5 * time.Second},
		{"test/panic/ck10/CK10", 10 * time.Second},
	} {
		t.Run(c.key, func(t *testing.T) {
			e := ev[c.key]
			var rises []time.Time
			for i := 0; i < len(e); i += 2 {
				rises = append(rises, e[i])
			}
			want := int(55 * time.Second / c.period)
			if len(rises) < want-1 || len(rises) > want+1 {
				t.Fatalf("%d activations in 55 s, want about %d: %v", len(rises), want, e)
			}
			for i := 1; i < len(rises); i++ {
				d := rises[i].Sub(rises[i-1])
				if d < c.period-300*time.Millisecond || d > c.period+300*time.Millisecond {
					t.Errorf("activation %d after %v, want %v", i, d, c.period)
				}
			}
		})
	}
	// CK02 and CK05 are "False and ...": never active.
	for _, k := range []string{"test/panic/ck02/CK02", "test/panic/ck05/CK05"} {
		if len(ev[k]) != 0 {
			t.Errorf("%s toggled: %v", k, ev[k])
		}
	}
	// CK1 = not CK1, threshold 5, period 0.2: activates after 5 cycles,
	// recovers after 5 more, resets after AutoReset: a self-oscillator.
	if n := len(ev["test/panic/ck1/CK1"]); n < 10 {
		t.Errorf("CK1 toggled %d times, want an oscillation", n)
	}
	// GROUP_1 (0->1 transition of CK5 or CK10) fires once per CK5 or CK10
	// activation and resets quickly (AutoReset 0.0001).
	g1 := ev["test/panic/group/GROUP_1"]
	if len(g1) < 2*10 {
		t.Errorf("GROUP_1 toggled %d times, want about %d", len(g1), 2*(11+5))
	}
	// GROUP_0's pattern "ck5 ck10" matches no tag: never active.
	if len(ev["test/panic/group/GROUP_0"]) != 0 {
		t.Errorf("GROUP_0 toggled: %v", ev["test/panic/group/GROUP_0"])
	}
	if len(ev["test/panic/group/GROUP_AND"]) == 0 {
		t.Errorf("GROUP_AND never active")
	}
}
