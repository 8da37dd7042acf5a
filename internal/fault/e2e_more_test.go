package fault

// End-to-end tests of the network faults (through the supervisor's
// proxies), the hold deadline, the crash loop, the event faults and the
// resource faults, each observed from outside the server. Bounds are lower
// bounds only, reached by polling with a deadline.

import (
	"context"
	"testing"
	"time"

	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/client"
	"chaoslab/internal/load"
	"chaoslab/internal/netem"
	"chaoslab/internal/supervisor"
)

// inject injects spec in this process and returns its revert.
func (tw *twin) inject(text string) Revert {
	tw.t.Helper()
	spec, err := DecodeSpec(text)
	if err != nil {
		tw.t.Fatal(err)
	}
	in, err := New(context.Background(), Env{Dir: tw.dir}, spec)
	if err != nil {
		tw.t.Fatal(err)
	}
	revert, err := in.Inject(context.Background())
	if err != nil {
		tw.t.Fatal(err)
	}
	if err := in.Verify(context.Background()); err != nil {
		tw.t.Fatal(err)
	}
	return revert
}

// timedRead dials dev's server as the state resolves it and returns how
// long one read of dev/A took.
func timedRead(tw *twin, dev string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	addr, err := tw.state().Resolve(ctx, dev)
	if err != nil {
		return 0, err
	}
	c, err := client.Dial(ctx, addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	t0 := time.Now()
	_, err = c.ReadAttributes(ctx, []string{dev + "/A"})
	return time.Since(t0), err
}

func toxicsOf(tw *twin, server string) []netem.ToxicSpec {
	tw.t.Helper()
	st := tw.state()
	ts, err := netem.NewClient(st.Supervisor.Netem, nil).Toxics(context.Background(), server)
	if err != nil {
		tw.t.Fatal(err)
	}
	return ts
}

func TestNetLatencyThroughStateClearedAfterKill9(t *testing.T) {
	tw := newTwin(t, "--proxy")
	st := tw.state()
	sv := st.Server("SimulatorDS/h0a")
	if st.Supervisor.Netem == "" || sv.ProxyAddr == "" || sv.ProxyAddr == sv.Addr {
		t.Fatalf("up --proxy: netem %q, proxy %q, addr %q", st.Supervisor.Netem, sv.ProxyAddr, sv.Addr)
	}
	if a, _ := st.Resolve(context.Background(), "test/h0/a"); a != sv.ProxyAddr {
		t.Fatalf("Resolve gives %s, want the proxy %s", a, sv.ProxyAddr)
	}
	id := tw.injectAndKill("net.latency target=SimulatorDS/h0a for=10m latency=300ms")
	if d, err := timedRead(tw, "test/h0/a"); err != nil || d < 300*time.Millisecond {
		t.Errorf("read through the proxy with 300ms latency took %v (%v)", d, err)
	}
	if ts := toxicsOf(tw, "SimulatorDS/h0a"); len(ts) != 1 || ts[0].Name != id || ts[0].Deadline.IsZero() {
		t.Errorf("toxics: %+v, want %s with a deadline", ts, id)
	}
	if ts := toxicsOf(tw, "SimulatorDS/h0b"); len(ts) != 0 {
		t.Errorf("untargeted proxy has toxics %+v", ts)
	}
	tw.clear()
	if ts := toxicsOf(tw, "SimulatorDS/h0a"); len(ts) != 0 {
		t.Errorf("after clear: toxics %+v", ts)
	}
	if _, err := timedRead(tw, "test/h0/a"); err != nil {
		t.Errorf("after clear: %v", err)
	}
}

func TestNetFaultsShowAsErrors(t *testing.T) {
	tw := newTwin(t, "--proxy")
	for _, spec := range []string{
		"net.reset_peer target=SimulatorDS/h1a for=1m timeout=0s",
		"net.loss target=SimulatorDS/h1a for=1m probability=1 scope=connection",
		"net.limit_data target=SimulatorDS/h1a for=1m bytes=0",
	} {
		t.Run(spec[:12], func(t *testing.T) {
			revert := tw.inject(spec)
			if _, err := readA(tw, "test/h1/a"); err == nil {
				t.Errorf("read succeeded through %s", spec)
			}
			if _, err := readA(tw, "test/h1/b"); err != nil {
				t.Errorf("untargeted server: %v", err)
			}
			if err := revert(context.Background()); err != nil {
				t.Fatal(err)
			}
			if v, err := readA(tw, "test/h1/a"); err != nil || v != "1" {
				t.Errorf("after revert: %s %v", v, err)
			}
		})
	}
}

func TestNetFaultNeedsProxies(t *testing.T) {
	tw := newTwin(t)
	spec, _ := DecodeSpec("net.latency target=SimulatorDS/h0a latency=1s")
	if _, err := New(context.Background(), Env{Dir: tw.dir}, spec); err == nil {
		t.Fatal("net.latency on a twin without proxies: no error")
	}
}

// TestHoldDeadline: a server held down by an injector killed with -9 is
// released by the supervisor at the fault's deadline, without clear.
func TestHoldDeadline(t *testing.T) {
	tw := newTwin(t)
	id := tw.injectAndKill("proc.stop target=SimulatorDS/h0b for=1s")
	waitFor(t, "the supervisor to release the hold at its deadline", func() bool {
		sv := tw.state().Server("SimulatorDS/h0b")
		return sv.Hold == "" && sv.Phase == supervisor.PhaseRunning
	})
	if v, err := readA(tw, "test/h0/b"); err != nil || v != "0" {
		t.Errorf("after the deadline: %s %v", v, err)
	}
	done, err := Clear(context.Background(), tw.dir, ClearOptions{})
	if err != nil || len(done) != 1 || done[0] != id {
		t.Errorf("Clear of the orphan record: %v %v", done, err)
	}
}

func TestCrashLoop(t *testing.T) {
	tw := newTwin(t)
	before := tw.state().Server("SimulatorDS/h1b").Restarts
	revert := tw.inject("proc.crashloop target=SimulatorDS/h1b for=1m every=300ms")
	waitFor(t, "two restarts", func() bool { return tw.state().Server("SimulatorDS/h1b").Restarts >= before+2 })
	if err := revert(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// subscribe subscribes to periodic events of names every 50 ms.
func subscribe(t *testing.T, tw *twin, names ...string) *client.Subscription {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, tw.state().Server("SimulatorDS/h0a").Addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	period := int64(50)
	for _, n := range names {
		if _, err := c.SetConfig(ctx, n, &pb.AttrConfig{EventPeriodMs: &period, PollingPeriodMs: &period}); err != nil {
			t.Fatal(err)
		}
	}
	sub, err := c.Subscribe(ctx, names, pb.EventType_EVENT_TYPE_PERIODIC, client.SubscribeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sub.Close() })
	return sub
}

// count reads events until until(counts) holds; counts are per name.
func count(t *testing.T, sub *client.Subscription, until func(map[string]int, []client.Event) bool) {
	t.Helper()
	n := map[string]int{}
	var all []client.Event
	deadline := time.After(30 * time.Second)
	for !until(n, all) {
		select {
		case b, ok := <-sub.C:
			if !ok {
				t.Fatalf("subscription ended: %v", sub.Err())
			}
			if b.Initial {
				continue
			}
			for _, e := range b.Events {
				n[e.Name]++
				all = append(all, e)
			}
		case <-deadline:
			t.Fatalf("timed out counting events: %v", n)
		}
	}
}

// TestEventDrop: with T's events dropped, A's keep coming and T's stop.
func TestEventDrop(t *testing.T) {
	tw := newTwin(t)
	sub := subscribe(t, tw, "test/h0/a/A", "test/h0/a/T")
	count(t, sub, func(n map[string]int, _ []client.Event) bool { return n["test/h0/a/T"] >= 2 })
	revert := tw.inject("server.event_drop target=device=test/h0/a,attr=T for=1m probability=1")
	defer revert(context.Background())
	count(t, sub, func(n map[string]int, _ []client.Event) bool { return n["test/h0/a/A"] >= 1 }) // in flight before the fault
	var got map[string]int
	count(t, sub, func(n map[string]int, _ []client.Event) bool { got = n; return n["test/h0/a/A"] >= 20 })
	if got["test/h0/a/T"] > 1 {
		t.Errorf("with event_drop probability=1: %d events of T for %d of A", got["test/h0/a/T"], got["test/h0/a/A"])
	}
}

// TestEventFlood: each event arrives factor times.
func TestEventFlood(t *testing.T) {
	tw := newTwin(t)
	sub := subscribe(t, tw, "test/h0/a/T")
	revert := tw.inject("server.event_flood target=device=test/h0/a for=1m factor=4")
	defer revert(context.Background())
	dups := 0
	count(t, sub, func(_ map[string]int, all []client.Event) bool {
		dups = 0
		for i := 1; i < len(all); i++ {
			if all[i].Reading.GetTimeUnixNano() == all[i-1].Reading.GetTimeUnixNano() {
				dups++
			}
		}
		return dups >= 12
	})
}

func TestMemoryAndCPUFromMetrics(t *testing.T) {
	tw := newTwin(t)
	addr := tw.state().Server("SimulatorDS/h1a").Addr
	scrape := func() load.ServerFigures {
		f, err := load.ScrapeHTTP(context.Background(), addr)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	before := scrape()
	revMem := tw.inject("server.memory target=SimulatorDS/h1a for=1m rate=100 cap=64")
	waitFor(t, "RSS to grow by 40 MB", func() bool { return scrape().RSSBytes-before.RSSBytes >= 40e6 })
	if err := revMem(context.Background()); err != nil {
		t.Fatal(err)
	}
	before = scrape()
	revCPU := tw.inject("server.cpu target=SimulatorDS/h1a for=1m workers=1")
	waitFor(t, "0.5 CPU seconds burnt", func() bool { return scrape().CPUSeconds-before.CPUSeconds >= 0.5 })
	if err := revCPU(context.Background()); err != nil {
		t.Fatal(err)
	}
}
