package experiment

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"chaoslab/internal/journal"
)

// fakeEnv is an Env without processes: actions append to a log, probes
// answer from a function of the probe name and the fake time since start.
type fakeEnv struct {
	start time.Time
	probe func(name string, el time.Duration) (Value, error)
	fail  map[string]bool // step names whose Inject fails

	mu  sync.Mutex
	log []string
}

func (f *fakeEnv) add(s string) {
	f.mu.Lock()
	f.log = append(f.log, s)
	f.mu.Unlock()
}

func (f *fakeEnv) Action(st PlannedStep) (Action, error) {
	return ActionFunc(func(context.Context) (Revert, error) {
		if f.fail[st.Name] {
			f.add("fail " + st.Name)
			return nil, errors.New("boom")
		}
		f.add("inject " + st.Name)
		return func(context.Context) error { f.add("revert " + st.Name); return nil }, nil
	}), nil
}

func (f *fakeEnv) Probe(_ context.Context, p *ProbeSpec) (Value, error) {
	return f.probe(p.Name, time.Since(f.start))
}

var fakeInv = Inventory{Servers: []ServerInfo{
	{Name: "DS/a", Host: "h1", Devices: []string{"a/b/1"}},
	{Name: "DS/b", Host: "h2", Devices: []string{"a/b/2"}},
}}

// runFake loads src, plans it and runs it in the current synctest bubble.
// It returns the verdict, the journal and the env's action log.
func runFake(t *testing.T, ctx context.Context, src string, env *fakeEnv) (Verdict, []journal.Event) {
	t.Helper()
	x, err := Load("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := MakePlan(x, fakeInv, 1)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	env.start = time.Now()
	r := &Runner{X: x, Plan: plan, Env: env, Journal: journal.NewWriter(&buf, nil)}
	r.Start("test")
	v := r.Run(ctx)
	evs, err := journal.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return v, evs
}

func ms(env *fakeEnv, e journal.Event) int64 { return e.Time.Sub(env.start).Milliseconds() }

// TestRunnerSchedule: the before samples every interval over the
// baseline, the during samples while the steps run, the fault and its
// timed revert, the settle and the single after check, on a fake clock.
func TestRunnerSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env := &fakeEnv{probe: func(string, time.Duration) (Value, error) { return Num(1), nil }}
		v, evs := runFake(t, t.Context(), `title: schedule
steady_state:
  interval: 100ms
  baseline: 250ms
  settle: 200ms
  probes:
    - {name: p, metric: rate, tolerance: {max: 5}}
stop_conditions:
  - {name: s, metric: rate, tolerance: {max: 5}}
method:
  - {name: A, action: server.kill, target: {servers: [DS/a]}, duration: 250ms}
  - pause: 130ms
`, env)
		if v.Status != StatusHeld {
			t.Fatalf("status %s: %s", v.Status, v.Reason)
		}
		got := map[string][]int64{}
		for _, e := range evs {
			switch e.Type {
			case journal.TypeProbe:
				got["probe "+e.Phase] = append(got["probe "+e.Phase], ms(env, e))
			case journal.TypePhase, journal.TypeFault, journal.TypeUndo:
				got[e.Type+" "+e.Phase+e.Name] = append(got[e.Type+" "+e.Phase+e.Name], ms(env, e))
			}
		}
		want := map[string][]int64{
			"phase before": {0},
			"probe before": {0, 100, 200},
			"phase during": {250},
			"probe during": {250, 350, 450, 550},
			"fault A":      {250},
			"undo A":       {500},
			"phase after":  {830},
			"probe after":  {830},
		}
		for k, w := range want {
			if !slices.Equal(got[k], w) {
				t.Errorf("%s at %v ms, want %v", k, got[k], w)
			}
		}
		if !slices.Equal(env.log, []string{"inject A", "revert A"}) {
			t.Errorf("log %v", env.log)
		}
	})
}

const orderExp = `title: order
steady_state:
  interval: 100ms
  probes:
    - {name: p, metric: rate, tolerance: {max: 5}}
stop_conditions:
  - {name: s, metric: rate, tolerance: {max: 5}}
method:
  - {name: A, action: server.kill, target: {servers: [DS/a]}}
  - {name: B, action: server.stop, target: {servers: [DS/b]}, pause: 100ms}
  - {name: C, action: server.restart, target: {servers: [DS/a]}, pause: 1s}
rollbacks:
  - {name: R1, action: server.start, target: {servers: [DS/a]}}
  - {name: R2, action: server.start, target: {servers: [DS/b]}}
`

// TestRunnerRollbackOrder: on every exit path the open faults are undone
// in reverse order, then the declared rollbacks run in order.
func TestRunnerRollbackOrder(t *testing.T) {
	ok := func(string, time.Duration) (Value, error) { return Num(1), nil }
	after := func(name string, from time.Duration, v Value, err error) func(string, time.Duration) (Value, error) {
		return func(n string, el time.Duration) (Value, error) {
			if n == name && el >= from {
				return v, err
			}
			return Num(1), nil
		}
	}
	all := []string{"inject A", "inject B", "inject C", "revert C", "revert B", "revert A", "inject R1", "inject R2"}
	two := []string{"inject A", "inject B", "revert B", "revert A", "inject R1", "inject R2"}
	for _, tc := range []struct {
		name     string
		probe    func(string, time.Duration) (Value, error)
		fail     string
		cancelAt time.Duration
		status   string
		log      []string
	}{
		{name: "held", probe: ok, status: StatusHeld, log: all},
		{name: "deviated", probe: after("p", 500*time.Millisecond, Num(9), nil), status: StatusDeviated, log: all},
		{name: "error", probe: ok, fail: "C", status: StatusError,
			log: []string{"inject A", "inject B", "fail C", "revert B", "revert A", "inject R1", "inject R2"}},
		{name: "aborted", probe: after("s", 300*time.Millisecond, Num(9), nil), status: StatusAborted, log: two},
		{name: "interrupted", probe: ok, cancelAt: 350 * time.Millisecond, status: StatusInterrupted, log: two},
		{name: "stop probe errors", probe: after("s", 300*time.Millisecond, Value{}, errors.New("unreachable")), status: StatusAborted, log: two},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				env := &fakeEnv{probe: tc.probe, fail: map[string]bool{tc.fail: true}}
				ctx := t.Context()
				if tc.cancelAt > 0 {
					c, cancel := context.WithCancel(ctx)
					time.AfterFunc(tc.cancelAt, cancel)
					ctx = c
				}
				v, evs := runFake(t, ctx, orderExp, env)
				if v.Status != tc.status {
					t.Errorf("status %s (%s), want %s", v.Status, v.Reason, tc.status)
				}
				if !slices.Equal(env.log, tc.log) {
					t.Errorf("log\n%v\nwant\n%v", env.log, tc.log)
				}
				var rb []string
				for _, e := range evs {
					if e.Type == journal.TypeRollback {
						rb = append(rb, e.Name)
					}
				}
				if !slices.Equal(rb, []string{"R1", "R2"}) {
					t.Errorf("rollback events %v", rb)
				}
				if last := evs[len(evs)-1]; last.Type != journal.TypeVerdict || last.Status != tc.status {
					t.Errorf("last event %+v", last)
				}
			})
		})
	}
}

// TestRunnerStopConditionErrors: an unobservable stop condition trips
// after StopErrorLimit consecutive errors, each journaled; errors that
// do not follow each other do not trip.
func TestRunnerStopConditionErrors(t *testing.T) {
	const src = `title: stop errors
steady_state:
  interval: 100ms
stop_conditions:
  - {name: s, metric: rate, tolerance: {max: 5}}
method:
  - pause: 2s
`
	t.Run("consecutive", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			env := &fakeEnv{probe: func(_ string, el time.Duration) (Value, error) {
				if el >= 500*time.Millisecond {
					return Value{}, errors.New("connection refused")
				}
				return Num(1), nil
			}}
			v, evs := runFake(t, t.Context(), src, env)
			if v.Status != StatusAborted || !strings.Contains(v.Reason, "failed 3 consecutive times") {
				t.Fatalf("status %s: %s", v.Status, v.Reason)
			}
			var errsAt []int64
			var trip journal.Event
			for _, e := range evs {
				if e.Type == journal.TypeError {
					errsAt = append(errsAt, ms(env, e))
				}
				if e.Type == journal.TypeTrip {
					trip = e
				}
			}
			if !slices.Equal(errsAt, []int64{500, 600, 700}) || trip.Error != "connection refused" || ms(env, trip) != 700 {
				t.Errorf("errors at %v, trip %+v", errsAt, trip)
			}
		})
	})
	t.Run("intermittent", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			env := &fakeEnv{probe: func(_ string, el time.Duration) (Value, error) {
				if (el/(100*time.Millisecond))%3 == 2 {
					return Value{}, errors.New("blip")
				}
				return Num(1), nil
			}}
			v, _ := runFake(t, t.Context(), src, env)
			if v.Status != StatusHeld {
				t.Fatalf("status %s: %s", v.Status, v.Reason)
			}
		})
	})
}

// TestRunnerCompare: the statistical verdict over baseline and during
// samples, deviated only for a real shift.
func TestRunnerCompare(t *testing.T) {
	const src = `title: compare
steady_state:
  interval: 100ms
  baseline: 1050ms
  probes:
    - name: cpu
      metric: server_cpu
      tolerance: {compare: {with: during, direction: increase}}
method:
  - {name: A, action: server.kill, target: {servers: [DS/a]}, duration: 1s}
`
	for _, tc := range []struct {
		name   string
		shift  float64
		status string
	}{{"shifted", 5, StatusDeviated}, {"same", 0, StatusHeld}} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				env := &fakeEnv{probe: func(_ string, el time.Duration) (Value, error) {
					i := int(el / (100 * time.Millisecond))
					v := 1 + 0.01*float64(i%7)
					if el >= 1050*time.Millisecond {
						v += tc.shift
					}
					return Num(v), nil
				}}
				v, _ := runFake(t, t.Context(), src, env)
				if v.Status != tc.status {
					t.Fatalf("status %s: %s", v.Status, v.Reason)
				}
				st := v.Probes[0].Stats
				if st == nil || st.NA != 11 || st.NB < 10 {
					t.Fatalf("stats %+v", st)
				}
				if tc.shift > 0 && !(st.P < 0.05 && st.CliffsDelta < -0.9) && !(st.P < 0.05 && st.CliffsDelta > 0.9) {
					t.Errorf("stats %s", fmt.Sprint(*st))
				}
			})
		})
	}
}
