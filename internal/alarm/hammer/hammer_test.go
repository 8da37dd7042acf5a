package hammer

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

type recExec struct{ calls []string }

func (r *recExec) Do(ctx context.Context, action, target, command string, args []string) error {
	r.calls = append(r.calls, action+" "+target)
	if target == "broken" {
		return errors.New("boom")
	}
	return nil
}

const rulesYAML = `hammers:
  - name: restart-vacuum
    alarm: sr/vc/alarms/PRESSURE_*
    for: 30s
    action: restart
    targets: [SimulatorDS/vacuum]
    mode: act
    max_attempts: 3
    cooldown: 2m
`

func TestAttemptLimitAndCooldown(t *testing.T) {
	rules, err := Parse("rules.yaml", []byte(rulesYAML))
	if err != nil {
		t.Fatal(err)
	}
	var journal bytes.Buffer
	ex := &recExec{}
	r := &Runner{Engine: NewEngine(rules), Exec: ex, Journal: NewJournal(&journal)}
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	active := []AlarmStatus{{Device: "sr/vc/alarms", Tag: "PRESSURE_HIGH", Active: t0}}
	var verdicts []string
	for s := 0; s <= 20*60; s++ { // one observation per second for 20 minutes
		for _, d := range r.Step(context.Background(), t0.Add(time.Duration(s)*time.Second), active) {
			verdicts = append(verdicts, d.Time.Sub(t0).String()+":"+string(d.Verdict))
		}
	}
	// first attempt once active for 30 s, then every 2 min cool-down,
	// then one "exhausted" entry and nothing more.
	want := []string{"30s:act", "2m30s:act", "4m30s:act", "6m30s:exhausted"}
	if strings.Join(verdicts, " ") != strings.Join(want, " ") {
		t.Fatalf("verdicts %v, want %v", verdicts, want)
	}
	if len(ex.calls) != 3 {
		t.Fatalf("executed %d times, want 3", len(ex.calls))
	}
	if n := strings.Count(journal.String(), "\n"); n != 4 {
		t.Fatalf("journal has %d lines, want 4:\n%s", n, journal.String())
	}
	if !strings.Contains(journal.String(), `"verdict":"exhausted"`) || !strings.Contains(journal.String(), `"result":"ok"`) {
		t.Fatalf("journal:\n%s", journal.String())
	}
	// A new activation does not refill the budget (it holds), but the
	// refusal is journaled once for it.
	again := []AlarmStatus{{Device: "sr/vc/alarms", Tag: "PRESSURE_HIGH", Active: t0.Add(time.Hour)}}
	ds := r.Step(context.Background(), t0.Add(2*time.Hour), again)
	if len(ds) != 1 || ds[0].Verdict != Exhausted {
		t.Fatalf("new activation: %+v", ds)
	}
	if ds := r.Step(context.Background(), t0.Add(3*time.Hour), again); len(ds) != 0 {
		t.Fatalf("refusal journaled twice: %+v", ds)
	}
}

func TestReportModeAndWindow(t *testing.T) {
	rules, err := Parse("r.yaml", []byte(`hammers:
  - name: reset-gauge
    alarm: PRESSURE_HIGH
    for: 0s
    action: command
    command: Reset
    targets: [sr/vc/gauge-01, broken]
    max_attempts: 1
    window: 1h
    cooldown: 1m
`))
	if err != nil {
		t.Fatal(err)
	}
	ex := &recExec{}
	r := &Runner{Engine: NewEngine(rules), Exec: ex}
	t0 := time.Unix(0, 0)
	a := []AlarmStatus{{Device: "x/y/z", Tag: "PRESSURE_HIGH", Active: t0}}
	ds := r.Step(context.Background(), t0, a)
	if len(ds) != 2 || ds[0].Verdict != Reported || len(ex.calls) != 0 {
		t.Fatalf("report mode: %+v calls %v", ds, ex.calls)
	}
	if ds := r.Step(context.Background(), t0.Add(30*time.Minute), a); len(ds) != 2 || ds[0].Verdict != Exhausted {
		t.Fatalf("budget of 1: %+v", ds)
	}
	if ds := r.Step(context.Background(), t0.Add(61*time.Minute), a); len(ds) != 2 || ds[0].Verdict != Reported {
		t.Fatalf("window passed: %+v", ds)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"hammers:\n  - name: a\n    alarm: X\n    action: restart\n    targets: [s]\n    bogus: 1\n", "bogus"},
		{"hammers:\n  - name: a\n    alarm: X\n    action: reboot\n    targets: [s]\n", "r.yaml:4:13: hammer a: action \"reboot\""},
		{"hammers:\n  - name: a\n    alarm: X\n    action: restart\n    targets: [s]\n    for: soon\n", "duration"},
		{"hammers:\n  - name: a\n    alarm: X\n    action: command\n    targets: [s]\n", "command: NAME"},
		{"hammers:\n  - name: a\n    alarm: X\n    action: restart\n    targets: [s]\n    mode: yolo\n", "mode \"yolo\""},
		{"hammers:\n  - name: a\n    alarm: X\n    action: restart\n", "targets are required"},
	}
	for _, tc := range tests {
		_, err := Parse("r.yaml", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want error containing %q", tc.src, err, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(rulesYAML)
	f.Add("hammers: [{name: a}]")
	f.Fuzz(func(t *testing.T, s string) { Parse("f.yaml", []byte(s)) })
}

func TestReplayKeepsBudget(t *testing.T) {
	rules, err := Parse("rules.yaml", []byte(rulesYAML))
	if err != nil {
		t.Fatal(err)
	}
	var journal bytes.Buffer
	t0 := time.Unix(0, 0)
	a := []AlarmStatus{{Device: "sr/vc/alarms", Tag: "PRESSURE_HIGH", Active: t0}}
	r := &Runner{Engine: NewEngine(rules), Exec: &recExec{}, Journal: NewJournal(&journal)}
	r.Step(context.Background(), t0.Add(time.Minute), a)
	r.Step(context.Background(), t0.Add(4*time.Minute), a)
	// restart: a fresh engine replays the journal and has one attempt left
	e := NewEngine(rules)
	if err := e.Replay(strings.NewReader(journal.String())); err != nil {
		t.Fatal(err)
	}
	if n := e.Attempts("restart-vacuum", "SimulatorDS/vacuum"); n != 2 {
		t.Fatalf("replayed %d attempts, want 2", n)
	}
	ds := e.Observe(t0.Add(10*time.Minute), a)
	if len(ds) != 1 || ds[0].Verdict != Acted || ds[0].Attempt != 3 {
		t.Fatalf("after replay: %+v", ds)
	}
	if ds := e.Observe(t0.Add(20*time.Minute), a); len(ds) != 1 || ds[0].Verdict != Exhausted {
		t.Fatalf("budget after replay: %+v", ds)
	}
	if err := e.Replay(strings.NewReader("{bad")); err == nil {
		t.Fatal("bad journal accepted")
	}
}

type fakeServers struct{ got []string }

func (f *fakeServers) Servers(ctx context.Context, verb string, patterns []string) ([]string, error) {
	f.got = append(f.got, verb+" "+strings.Join(patterns, ","))
	return patterns, nil
}

func TestExec(t *testing.T) {
	fs := &fakeServers{}
	e := Exec{Servers: fs}
	if err := e.Do(context.Background(), "restart", "SimulatorDS/vc-ring", "", nil); err != nil || fs.got[0] != "restart SimulatorDS/vc-ring" {
		t.Fatalf("%v %v", err, fs.got)
	}
	if err := e.Do(context.Background(), "command", "a/b/c", "Reset", nil); err == nil {
		t.Fatal("command without a device client succeeded")
	}
}
