package load

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

func ms(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }

func runSynctest(t *testing.T, spec Spec, opts Options) *Result {
	t.Helper()
	var res *Result
	synctest.Test(t, func(t *testing.T) {
		var err error
		res, err = Run(context.Background(), spec, testTargets(), opts)
		if err != nil {
			t.Fatal(err)
		}
	})
	return res
}

func checkSum(t *testing.T, r OpResult) {
	t.Helper()
	if r.Requests != r.OK+r.Errors+r.NotIssued {
		t.Errorf("%s: requests %d != ok %d + errors %d + not issued %d", r.Op, r.Requests, r.OK, r.Errors, r.NotIssued)
	}
	if r.Latency.Count != r.OK+r.Errors || r.LatencyUncorrected.Count != r.OK+r.Errors {
		t.Errorf("%s: latency counts %d/%d, want %d", r.Op, r.Latency.Count, r.LatencyUncorrected.Count, r.OK+r.Errors)
	}
}

// TestOpenExact: the open model's counts are exact in fake time.
func TestOpenExact(t *testing.T) {
	tests := []struct {
		name                string
		spec                Spec
		delay               time.Duration
		fail                int
		ok, errs, notIssued int64
		minP50              time.Duration
	}{
		{name: "fast server", spec: Spec{Rate: 1000, Duration: Duration(time.Second)}, ok: 1000},
		{name: "request count", spec: Spec{Rate: 1000, Requests: 250}, ok: 250},
		{name: "ramp", spec: Spec{Stages: []Stage{{Duration: Duration(time.Second), From: 0, To: 1000}, {Duration: Duration(time.Second), From: 500, To: 500}}}, ok: 1000},
		{name: "errors", spec: Spec{Rate: 100, Duration: Duration(time.Second)}, fail: 4, ok: 75, errs: 25},
		// 10 slots, each busy 100.5 ms and free again at the next arrival
		// after that (101 ms later): 10 issues per slot in 1 s, the rest
		// are not issued (no waiting: max_late < 0).
		{name: "pool exhausted", spec: Spec{Rate: 1000, Duration: Duration(time.Second), MaxInFlight: 10, MaxLate: -1},
			delay: ms(100.5), ok: 100, notIssued: 900, minP50: ms(100.5)},
		// Slow server, waiting allowed: every request is issued and the
		// queueing shows in the corrected latency only.
		{name: "queued", spec: Spec{Rate: 100, Duration: Duration(time.Second), MaxInFlight: 1, MaxLate: Duration(10 * time.Second)},
			delay: ms(20), ok: 100, minP50: ms(20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.spec.Targets = []string{"*"}
			res := runSynctest(t, tt.spec, Options{Backend: &fakeBackend{delay: tt.delay, fail: tt.fail}})
			tot := res.Total
			checkSum(t, tot)
			if tot.OK != tt.ok || tot.Errors != tt.errs || tot.NotIssued != tt.notIssued {
				t.Errorf("ok/errors/not issued = %d/%d/%d, want %d/%d/%d", tot.OK, tot.Errors, tot.NotIssued, tt.ok, tt.errs, tt.notIssued)
			}
			if got := time.Duration(tot.Latency.P50) * time.Microsecond; got < tt.minP50 {
				t.Errorf("p50 %v < %v", got, tt.minP50)
			}
			if tot.Latency.P50 < tot.LatencyUncorrected.P50 || tot.Latency.Max < tot.LatencyUncorrected.Max {
				t.Errorf("corrected %+v below uncorrected %+v", tot.Latency, tot.LatencyUncorrected)
			}
		})
	}
}

// TestOpenQueuedCorrection: 100/s against a server taking 20 ms with one
// slot: the backlog grows by 10 ms per request, so the last request waited
// about a second for its slot; uncorrected latency stays 20 ms.
func TestOpenQueuedCorrection(t *testing.T) {
	spec := Spec{Targets: []string{"*"}, Rate: 100, Duration: Duration(time.Second), MaxInFlight: 1, MaxLate: Duration(10 * time.Second)}
	res := runSynctest(t, spec, Options{Backend: &fakeBackend{delay: ms(20)}})
	if res.Total.LatencyUncorrected.Max > 20_100 {
		t.Errorf("uncorrected max %d µs, want 20 ms", res.Total.LatencyUncorrected.Max)
	}
	if res.Total.Latency.Max < 1_000_000 {
		t.Errorf("corrected max %d µs, want ≥ 1 s", res.Total.Latency.Max)
	}
}

func TestClosedExact(t *testing.T) {
	spec := Spec{Targets: []string{"*"}, Model: ModelClosed, Clients: 2, Think: Duration(ms(9)), Duration: Duration(time.Second), Mix: Mix{OpRead: 1, OpWrite: 1}}
	res := runSynctest(t, spec, Options{Backend: &fakeBackend{}})
	checkSum(t, res.Total)
	if res.Total.OK != 224 {
		t.Errorf("ok = %d, want 2 clients × 112", res.Total.OK)
	}
	if len(res.Ops) != 2 {
		t.Errorf("ops %+v, want read and write", res.Ops)
	}
}

func TestPollExact(t *testing.T) {
	t.Run("fast", func(t *testing.T) {
		spec := Spec{Targets: []string{"*"}, Model: ModelPoll, Clients: 2, Poll: Duration(ms(100)), Duration: Duration(ms(975))}
		res := runSynctest(t, spec, Options{Backend: &fakeBackend{}})
		if res.Total.OK != 20 || res.Total.NotIssued != 0 {
			t.Errorf("ok/not issued %d/%d, want 20/0", res.Total.OK, res.Total.NotIssued)
		}
	})
	t.Run("slow server skips polls", func(t *testing.T) {
		spec := Spec{Targets: []string{"*"}, Model: ModelPoll, Clients: 1, Poll: Duration(ms(100)), Duration: Duration(ms(975))}
		res := runSynctest(t, spec, Options{Backend: &fakeBackend{delay: ms(250)}})
		checkSum(t, res.Total)
		if res.Total.OK != 4 || res.Total.NotIssued != 4 {
			t.Errorf("ok/not issued %d/%d, want 4/4", res.Total.OK, res.Total.NotIssued)
		}
		// tick 2 was due at 200 ms and answered at 500 ms.
		if res.Total.Latency.Max < 300_000 {
			t.Errorf("corrected max %d µs, want ≥ 300 ms", res.Total.Latency.Max)
		}
	})
}

// TestEventLag: events stamped 5 ms before their delivery show a lag of
// 5 ms (to the histogram's resolution); drop markers are counted.
func TestEventLag(t *testing.T) {
	spec := Spec{Targets: []string{"*"}, Model: ModelEvents, Clients: 3, Duration: Duration(ms(1050))}
	res := runSynctest(t, spec, Options{Subscriber: &fakeSub{tick: ms(100), lag: ms(5), dropEvery: 5}})
	ev := res.Events
	if ev == nil {
		t.Fatal("no event result")
	}
	if ev.Subscriptions != 3 || ev.Events != 30 || ev.DropMarkers != 6 || ev.Dropped != 18 {
		t.Errorf("events %+v, want 3 subscriptions, 30 events, 6 drop markers of 3", ev)
	}
	if ev.Lag.Min < 5000 || ev.Lag.Max > 5005 {
		t.Errorf("lag %+v, want 5 ms", ev.Lag)
	}
}

func TestRecorderEvents(t *testing.T) {
	r := NewRecorder()
	t0 := time.Unix(1000, 0)
	last := map[string]int64{}
	r.Events(Batch{Events: []Event{
		{Name: "x", UnixNano: t0.Add(-2 * time.Millisecond).UnixNano()},
		{Name: "x", UnixNano: t0.Add(-3 * time.Millisecond).UnixNano()}, // older than the previous: out of order
		{Name: "y", UnixNano: t0.Add(time.Millisecond).UnixNano()},      // from the future
		{Name: "z"},
		{Name: "e", Err: true},
	}}, t0, last)
	_, _, ev := r.results()
	if ev != nil {
		t.Fatalf("events without subscriptions reported: %+v", ev)
	}
	r.subscribed(nil)
	_, _, ev = r.results()
	if ev.Events != 5 || ev.OutOfOrder != 1 || ev.NegativeLag != 1 || ev.NoTimestamp != 1 || ev.ErrorEvents != 1 {
		t.Errorf("%+v", ev)
	}
	if ev.Lag.Max < 3000 || ev.Lag.Max > 3003 || ev.Lag.Count != 3 {
		t.Errorf("lag %+v, want max 3 ms over 3 events", ev.Lag)
	}
}

func TestLiveWindow(t *testing.T) {
	var seen int
	spec := Spec{Targets: []string{"*"}, Rate: 100, Duration: Duration(3 * time.Second)}
	live := NewLive(10, func(Snapshot) { seen++ })
	res := runSynctest(t, spec, Options{Backend: &fakeBackend{fail: 10}, Live: live})
	w := live.Window(3)
	if w.Rate < 99 || w.Rate > 101 || w.ErrorRate < 0.09 || w.ErrorRate > 0.11 {
		t.Errorf("window %+v", w)
	}
	if seen != len(res.Series) || seen < 3 {
		t.Errorf("notified %d, series %d", seen, len(res.Series))
	}
}
