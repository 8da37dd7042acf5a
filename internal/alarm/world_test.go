package alarm

import (
	"strings"
	"testing"
	"time"

	"chaoslab/internal/catalog"
	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/sim"
)

// newTestWorld serves one PyAlarm device (test/alarms/1) with the given
// properties and alarms in a World started at start.
func newTestWorld(t *testing.T, start time.Time, props map[string]string, alarms ...string) (*sim.World, *Device) {
	t.Helper()
	dev := &catalog.Device{Name: "test/alarms/1", Class: "PyAlarm"}
	dev.Properties = append(dev.Properties, &catalog.Property{Name: "AlarmList", Values: alarms})
	for k, v := range props {
		dev.Properties = append(dev.Properties, &catalog.Property{Name: k, Values: strings.Split(v, "\n")})
	}
	cat := &catalog.Catalog{Servers: []*catalog.Server{{Name: "PyAlarm/1", Devices: []*catalog.Device{dev}}}}
	kinds := Kinds(Options{Catalog: cat, Start: start})
	w, err := sim.New(cat, sim.Options{Start: start, Kinds: kinds})
	if err != nil {
		t.Fatal(err)
	}
	return w, Devices(kinds)[0]
}

// TestStateEventOnce: the ON → ALARM change of a PyAlarm device leaves as
// exactly one State change event, in the Advance that activates the alarm
// (the World checks a plugged device's State after its Advance; the device
// does not push State itself).
func TestStateEventOnce(t *testing.T) {
	start := time.Unix(1_000_000, 0)
	w, d := newTestWorld(t, start, map[string]string{"PollingPeriod": "1", "AlarmThreshold": "2", "Enabled": "true"}, "X:True")
	var stateEvents, activating int
	for now := start; now.Before(start.Add(10 * time.Second)); now = now.Add(250 * time.Millisecond) {
		wasActive := !d.Alarm("X").Active.IsZero()
		u := w.Advance(now)
		var states []sim.Event
		for _, e := range u.Events {
			if e.Attr == "State" {
				states = append(states, e)
			}
		}
		stateEvents += len(states)
		if !wasActive && !d.Alarm("X").Active.IsZero() {
			activating++
			if len(states) != 1 || states[0].Kind != sim.ChangeEvent || states[0].Value != pyval.Int(int64(sim.AlarmState)) {
				t.Errorf("Advance at %v activating X: State events %+v, want one ALARM change event", now.Sub(start), states)
			}
		}
		// a client read between Advances must not repeat the event
		if _, err := w.Read(now, "test/alarms/1", "State"); err != nil {
			t.Fatal(err)
		}
	}
	if activating != 1 || stateEvents != 1 {
		t.Errorf("%d activations, %d State events; want 1 and 1", activating, stateEvents)
	}
}

// TestLateEvaluationFault: FAULT when enabled alarms exist and the last
// scheduled evaluation is older than 2 × PollingPeriod at the read; a read
// arriving just before a lagging Advance is not FAULT.
func TestLateEvaluationFault(t *testing.T) {
	start := time.Unix(1_000_000, 0)
	props := map[string]string{"PollingPeriod": "1", "AlarmThreshold": "1", "Enabled": "true"}
	sec := func(f float64) time.Time { return start.Add(time.Duration(f * float64(time.Second))) }
	tests := []struct {
		name   string
		alarms []string
		steps  []float64 // Advance times (s after start)
		read   float64
		want   sim.State
	}{
		{"before any Advance", []string{"A:False"}, nil, 100, sim.On},
		{"in the startup delay", []string{"A:False"}, []float64{0}, 2.5, sim.On},
		{"startup delay over, loop never ran", []string{"A:False"}, []float64{0}, 5.1, sim.Fault},
		{"on schedule", []string{"A:False", "B:False"}, []float64{0, 3, 3.5, 4, 4.5}, 4.6, sim.On},
		// next evaluation due at 5.0; the server's Advance for it has not
		// run yet when the read arrives at 5.2
		{"read before a lagging Advance", []string{"A:False", "B:False"}, []float64{0, 3, 3.5, 4, 4.5}, 5.2, sim.On},
		{"lag of two periods", []string{"A:False", "B:False"}, []float64{0, 3, 3.5, 4, 4.5}, 6.6, sim.Fault},
		{"lag ends", []string{"A:False", "B:False"}, []float64{0, 3, 3.5, 4, 4.5, 20}, 20.1, sim.On},
		{"active alarm, stalled", []string{"A:True"}, []float64{0, 3, 4}, 7, sim.Fault},
		{"active alarm, on time", []string{"A:True"}, []float64{0, 3, 4}, 5.5, sim.AlarmState},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newTestDevice(t, fakeHost{}, props, tc.alarms...)
			d.start = start
			for _, s := range tc.steps {
				d.Advance(sec(s), nil)
			}
			if got, status := d.State(sec(tc.read)); got != tc.want {
				t.Errorf("State at %vs = %v (%s), want %v", tc.read, got, status, tc.want)
			}
		})
	}
	t.Run("all alarms shelved", func(t *testing.T) {
		d := newTestDevice(t, fakeHost{}, props, "A:False")
		d.start = start
		d.Advance(sec(3), nil)
		if _, err := d.Command(sec(3), "Disable", pyval.NewList([]pyval.Value{pyval.Str("A"), pyval.Str("c")})); err != nil {
			t.Fatal(err)
		}
		if got, _ := d.State(sec(60)); got != sim.On {
			t.Errorf("State %v with every alarm shelved, want ON", got)
		}
	})
	t.Run("through the World", func(t *testing.T) {
		w, _ := newTestWorld(t, start, props, "A:False")
		next := w.Advance(start).Next
		for next.Before(sec(10)) {
			next = w.Advance(next).Next
		}
		if s, _ := w.State(next.Add(500*time.Millisecond), "test/alarms/1"); s != sim.On {
			t.Errorf("State %v on schedule, want ON", s)
		}
		// the server stops advancing the World: a read 2 periods later sees
		// FAULT (and its change event leaves with the next Advance)
		if s, _ := w.State(next.Add(2100*time.Millisecond), "test/alarms/1"); s != sim.Fault {
			t.Errorf("State %v after a stall, want FAULT", s)
		}
		u := w.Advance(next.Add(2200 * time.Millisecond))
		var got []pyval.Value
		for _, e := range u.Events {
			if e.Attr == "State" {
				got = append(got, e.Value)
			}
		}
		want := []pyval.Value{pyval.Int(int64(sim.Fault)), pyval.Int(int64(sim.On))}
		if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("State events %v, want FAULT then ON", got)
		}
	})
}
