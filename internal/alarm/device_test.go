package alarm

import (
	"testing"
	"time"

	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/sim"
)

func TestScheduleAndEnabled(t *testing.T) {
	var notes []Notification
	host := fakeHost{}
	d := newTestDevice(t, host, map[string]string{"PollingPeriod": "1", "AlarmThreshold": "1", "Enabled": "2", "StartupDelay": "0"},
		"B:True", "A:NOW() >= 1000006")
	d.notify = func(n Notification) { notes = append(notes, n) }
	start := time.Unix(1_000_000, 0)
	var evs []sim.Event
	for now := start; now.Before(start.Add(10 * time.Second)); now = now.Add(100 * time.Millisecond) {
		next := d.Advance(now, func(e sim.Event) { evs = append(evs, e) })
		if !next.After(now) {
			t.Fatalf("Advance at %v returned next %v", now, next)
		}
	}
	// StartupDelay 0 is 3 s effective; two alarms sorted by tag, staggered
	// by 0.5 s: A at 3.5, 4.5 ...; B at 4.0, 5.0 ...
	b, a := d.byTag["B"], d.byTag["A"]
	if got := b.Active.Sub(start); got != 4*time.Second {
		t.Errorf("B active at %v, want 4s", got)
	}
	if got := a.Active.Sub(start); got != 6500*time.Millisecond {
		t.Errorf("A active at %v, want 6.5s", got)
	}
	// Enabled=2: notifications suppressed until 2 s after start+delay (5 s)
	if len(notes) != 2 || !notes[0].Suppressed || notes[1].Suppressed {
		t.Fatalf("notifications %+v", notes)
	}
	if s, _ := d.State(start.Add(4 * time.Second)); s != sim.Disable {
		t.Errorf("state at 4s %v, want DISABLE", s)
	}
	if s, _ := d.State(start.Add(9 * time.Second)); s != sim.AlarmState {
		t.Errorf("state at 9s %v, want ALARM", s)
	}
	var attrEvents int
	for _, e := range evs {
		if e.Attr == "A" || e.Attr == "B" {
			attrEvents++
		}
	}
	if attrEvents != 4 { // initial false for both, then true for both
		t.Errorf("%d alarm attribute events, want 4", attrEvents)
	}
	// Disable shelves: not evaluated, attribute INVALID, state SHLVD.
	now := start.Add(10 * time.Second)
	if _, err := d.Command(now, "Disable", pyval.NewList([]pyval.Value{pyval.Str("B"), pyval.Str("x"), pyval.Str("2s")})); err != nil {
		t.Fatal(err)
	}
	if r := d.Read(now, "B"); r.Quality != sim.Invalid || pyval.Truth(r.Value) {
		t.Errorf("shelved B reads %v %v", r.Value, r.Quality)
	}
	d.Advance(now.Add(time.Second), nil)
	if !b.Active.IsZero() {
		t.Error("shelved alarm was evaluated")
	}
	for t := now.Add(time.Second); t.Before(now.Add(4 * time.Second)); t = t.Add(100 * time.Millisecond) {
		d.Advance(t, func(sim.Event) {})
	}
	if b.Active.IsZero() {
		t.Errorf("alarm not evaluated after the Disable timeout: pos %d due %v cycle %d value %v err %v", d.pos, d.due.Sub(start), len(d.cycle), b.Value, b.Err)
	}
}

func TestEnabledFormula(t *testing.T) {
	host := fakeHost{"a/b/c/on": {Value: pyval.Bool(false)}}
	d := newTestDevice(t, host, map[string]string{"Enabled": "a/b/c/on == 1"}, "X:1")
	now := time.Unix(100, 0)
	if d.isEnabled(now) {
		t.Fatal("enabled with a false formula")
	}
	host["a/b/c/on"] = sim.Reading{Value: pyval.Bool(true)}
	if d.isEnabled(now.Add(time.Second)) {
		t.Fatal("formula not cached for a PollingPeriod")
	}
	if !d.isEnabled(now.Add(16 * time.Second)) {
		t.Fatal("not enabled after the cache expired")
	}
}
