package alarm_test

import (
	"context"
	"testing"
	"time"

	"chaoslab/internal/alarm"
	"chaoslab/internal/alarm/hammer"
	"chaoslab/internal/catalog"
	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/sim"
)

// worldExec runs hammer commands on the World.
type worldExec struct {
	w   *sim.World
	now *time.Time
	log []string
}

func (e *worldExec) Do(ctx context.Context, action, target, command string, args []string) error {
	e.log = append(e.log, action+" "+target+" "+command)
	_, err := e.w.Command(*e.now, target, command, pyval.None)
	return err
}

// TestVacuumAlarmsWithHammer: a leak on sr01/vc/ccg-01 raises the
// pressure alarms; the hammer resets the gauge after 10 s; the alarm
// recovers and auto-resets.
func TestVacuumAlarmsWithHammer(t *testing.T) {
	vac, err := catalog.Load("../../examples/vacuum/vacuum.csv")
	if err != nil {
		t.Fatal(err)
	}
	al, err := catalog.Load("../../examples/alarms/vacuum-alarms.csv")
	if err != nil {
		t.Fatal(err)
	}
	vac.Servers = append(vac.Servers, al.Servers...)
	rules, err := hammer.Load("../../examples/alarms/vacuum-hammers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Unix(1_700_000_000, 0)
	var notes []alarm.Notification
	kinds := alarm.Kinds(alarm.Options{Catalog: vac, Start: start, Notify: func(n alarm.Notification) { notes = append(notes, n) }})
	w, err := sim.New(vac, sim.Options{Start: start, Servers: []string{"SimulatorDS/vc-gauges-sr01-04", "SimulatorDS/vc-pumps-sr01-04", "PyAlarm/vacuum"},
		Kinds: kinds})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range w.Problems() {
		if p.Device == "sr01/vc/alarms" {
			t.Errorf("problem: %v", p)
		}
	}
	now := start
	ex := &worldExec{w: w, now: &now}
	runner := &hammer.Runner{Engine: hammer.NewEngine(rules), Exec: ex}
	read := func(attr string) bool {
		r, err := w.Read(now, "sr01/vc/alarms", attr)
		if err != nil || r[0].Err != nil {
			t.Fatalf("read %s: %v %v", attr, err, r[0].Err)
		}
		return pyval.Truth(r[0].Value)
	}
	var activeAt, resetAt time.Time
	seen := map[string]bool{}
	for ; now.Before(start.Add(120 * time.Second)); now = now.Add(250 * time.Millisecond) {
		if now.Equal(start.Add(10 * time.Second)) {
			if err := w.Write(now, "sr01/vc/ccg-01", "Leak", pyval.Float(0.5)); err != nil {
				t.Fatal(err)
			}
		}
		w.Advance(now)
		on := read("SR01_CCG01_PRESSURE")
		for _, tag := range []string{"SR01_SECTOR_PRESSURE", "SR01_GAUGES_WARNING", "SR01_VACUUM", "SR01_CCG01_FAULT"} {
			seen[tag] = seen[tag] || read(tag)
		}
		if r, _ := w.Read(now, "sr01/vc/alarms", "FailedAlarms"); len(r) == 1 {
			if n, _ := pyval.Len(nil, r[0].Value); n > 0 {
				t.Fatalf("failed alarms at %v: %v", now.Sub(start), r[0].Value)
			}
		}
		if on && activeAt.IsZero() {
			activeAt = now
		}
		for _, d := range runner.Step(context.Background(), now, hammer.FromDevices(alarm.Devices(kinds))) {
			if d.Verdict == hammer.Acted && resetAt.IsZero() {
				resetAt = now
			}
		}
	}
	// 0.5 * 2e-10 * 1000 = 1e-7 and more: sector, group, warning and FAULT fire too
	for _, tag := range []string{"SR01_SECTOR_PRESSURE", "SR01_GAUGES_WARNING", "SR01_VACUUM", "SR01_CCG01_FAULT"} {
		if !seen[tag] {
			t.Errorf("%s never active", tag)
		}
	}
	if activeAt.IsZero() {
		t.Fatal("SR01_CCG01_PRESSURE never became active")
	}
	// threshold 2 at a 1 s period: active within ~2-3 s of the leak
	if d := activeAt.Sub(start.Add(10 * time.Second)); d < time.Second || d > 4*time.Second {
		t.Errorf("activated %v after the leak", d)
	}
	if resetAt.Sub(activeAt) != 10*time.Second {
		t.Errorf("hammer acted %v after activation, want 10s", resetAt.Sub(activeAt))
	}
	if len(ex.log) != 1 || ex.log[0] != "command sr01/vc/ccg-01 Reset" {
		t.Errorf("hammer actions %v", ex.log)
	}
	var types []alarm.MsgType
	for _, n := range notes {
		if n.Tag == "SR01_CCG01_PRESSURE" {
			types = append(types, n.Type)
			if n.Runbook == "" || n.Severity != "ALARM" {
				t.Errorf("notification %+v", n)
			}
		}
	}
	want := []alarm.MsgType{alarm.MsgAlarm, alarm.MsgRecovered, alarm.MsgAutoReset}
	if len(types) != 3 || types[0] != want[0] || types[1] != want[1] || types[2] != want[2] {
		t.Errorf("messages %v, want %v", types, want)
	}
	if read("SR01_CCG01_PRESSURE") {
		t.Error("still active at the end")
	}
}
