package server

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/client"
)

func faultSpec(id, kind string, targets []string, params map[string]string) *pb.ServerFault {
	return &pb.ServerFault{Id: id, Kind: kind, Targets: targets, Params: params,
		DeadlineUnixNano: time.Now().Add(time.Hour).UnixNano(), Seed: 1}
}

func readOne(t *testing.T, c *client.Client, name string) *pb.Reading {
	t.Helper()
	rs, err := c.ReadAttributes(context.Background(), []string{name})
	if err != nil || len(rs) != 1 {
		t.Fatalf("read %s: %v %v", name, rs, err)
	}
	return rs[0]
}

// TestAttrFaults injects each attribute fault on A (= 3), reads it through
// a client, clears it and checks the reading is back to normal.
func TestAttrFaults(t *testing.T) {
	addr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	c := dial(t, addr)
	ctx := context.Background()
	if err := c.Write(ctx, "test/tango/rw/A", api.Int(3)); err != nil {
		t.Fatal(err)
	}
	const a = "test/tango/rw/A"
	tests := []struct {
		kind   string
		params map[string]string
		check  func(r *pb.Reading) bool
	}{
		{"server.stuck", map[string]string{"value": "42"}, func(r *pb.Reading) bool { return api.FormatValue(r.Value) == "42" }},
		{"server.nan", nil, func(r *pb.Reading) bool { return math.IsNaN(r.Value.GetD()) }},
		{"server.quality", map[string]string{"quality": "INVALID"}, func(r *pb.Reading) bool { return r.Quality == pb.Quality_QUALITY_INVALID }},
		{"server.quality", map[string]string{"quality": "alarm"}, func(r *pb.Reading) bool { return r.Quality == pb.Quality_QUALITY_ALARM }},
		{"server.exception", map[string]string{"reason": "PS_Trip", "desc": "tripped"}, func(r *pb.Reading) bool {
			return len(r.Errors) == 1 && r.Errors[0].Reason == "PS_Trip" && r.Errors[0].Desc == "tripped"
		}},
		{"server.saturate", map[string]string{"max": "2"}, func(r *pb.Reading) bool { return api.FormatValue(r.Value) == "2" }},
		{"server.out_of_range", map[string]string{"value": "1e9"}, func(r *pb.Reading) bool { return r.Value.GetD() == 1e9 }},
		{"server.wrong_type", nil, func(r *pb.Reading) bool { return r.Value.GetS() == "#garbage#" }},
		{"server.stale", map[string]string{"age": "1h"}, func(r *pb.Reading) bool {
			return time.Since(time.Unix(0, r.TimeUnixNano)) >= time.Hour
		}},
		{"server.noise", map[string]string{"amplitude": "1000"}, func(r *pb.Reading) bool { return api.FormatValue(r.Value) != "3" }},
		{"server.drift", map[string]string{"rate": "1e12"}, func(r *pb.Reading) bool { return api.FormatValue(r.Value) != "3" }},
	}
	for _, tc := range tests {
		t.Run(tc.kind, func(t *testing.T) {
			ts, err := c.InjectFault(ctx, faultSpec("f1", tc.kind, []string{a}, tc.params))
			if err != nil {
				t.Fatalf("inject: %v", err)
			}
			if len(ts) != 1 || ts[0] != a {
				t.Errorf("targets = %v, want [%s]", ts, a)
			}
			if r := readOne(t, c, a); !tc.check(r) {
				t.Errorf("with %s: read %s q=%v errs=%v", tc.kind, api.FormatValue(r.Value), r.Quality, r.Errors)
			}
			cleared, err := c.ClearFaults(ctx, []string{"f1"}, false)
			if err != nil || len(cleared) != 1 {
				t.Fatalf("clear: %v %v", cleared, err)
			}
			r := readOne(t, c, a)
			if api.FormatValue(r.Value) != "3" || r.Quality != pb.Quality_QUALITY_VALID || len(r.Errors) != 0 {
				t.Errorf("after clear: %s q=%v errs=%v, want 3 VALID", api.FormatValue(r.Value), r.Quality, r.Errors)
			}
			if _, err := c.ClearFaults(ctx, []string{"f1"}, false); err != nil {
				t.Errorf("second clear (idempotent): %v", err)
			}
		})
	}
}

// TestFaultStacking: faults compose in the order applied; removing the
// first leaves the second in effect.
func TestFaultStacking(t *testing.T) {
	addr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	c := dial(t, addr)
	ctx := context.Background()
	const a = "test/tango/rw/A"
	inject := func(id, kind string, p map[string]string) {
		t.Helper()
		if _, err := c.InjectFault(ctx, faultSpec(id, kind, []string{a}, p)); err != nil {
			t.Fatal(err)
		}
	}
	inject("stuck", "server.stuck", map[string]string{"value": "10"})
	inject("sat", "server.saturate", map[string]string{"max": "5"})
	if got := api.FormatValue(readOne(t, c, a).Value); got != "5" {
		t.Errorf("stuck then saturate = %s, want 5", got)
	}
	fs, _ := c.ListFaults(ctx)
	if len(fs) != 2 || fs[0].Id != "stuck" || fs[1].Id != "sat" {
		t.Errorf("ListFaults = %v, want stuck, sat", fs)
	}
	c.ClearFaults(ctx, []string{"stuck"}, false)
	inject("stuck2", "server.stuck", map[string]string{"value": "10"})
	if got := api.FormatValue(readOne(t, c, a).Value); got != "10" {
		t.Errorf("saturate then stuck = %s, want 10", got)
	}
	c.ClearFaults(ctx, []string{"stuck2"}, false)
	if got := api.FormatValue(readOne(t, c, a).Value); got != "0" {
		t.Errorf("saturate alone on 0 = %s, want 0", got)
	}
	if cl, _ := c.ClearFaults(ctx, nil, true); len(cl) != 1 || cl[0] != "sat" {
		t.Errorf("clear all = %v, want [sat]", cl)
	}
}

// TestFaultDeadline: a fault nobody clears lifts itself.
func TestFaultDeadline(t *testing.T) {
	addr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	c := dial(t, addr)
	ctx := context.Background()
	f := faultSpec("short", "server.nan", []string{"test/tango/rw/A"}, nil)
	f.DeadlineUnixNano = time.Now().Add(50 * time.Millisecond).UnixNano()
	if _, err := c.InjectFault(ctx, f); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the fault lifts itself", func() bool { fs, _ := c.ListFaults(ctx); return len(fs) == 0 })
	if r := readOne(t, c, "test/tango/rw/A"); math.IsNaN(r.Value.GetD()) {
		t.Errorf("still NaN after the deadline")
	}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		<-tick.C
	}
}

// TestDeviceFaults covers the server-layer faults.
func TestDeviceFaults(t *testing.T) {
	addr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	c := dial(t, addr)
	ctx := context.Background()
	dev := "test/tango/rw"

	if _, err := c.InjectFault(ctx, faultSpec("cf", "server.command_fail", []string{dev}, map[string]string{"command": "Dou*", "reason": "X_Fail"})); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Command(ctx, dev, "Double", api.ParseValue(`["1"]`)); api.ReasonOf(err) != "X_Fail" {
		t.Errorf("command with command_fail: %v, want X_Fail", err)
	}
	c.ClearFaults(ctx, []string{"cf"}, false)
	if _, err := c.Command(ctx, dev, "Double", api.ParseValue(`["1"]`)); err != nil {
		t.Errorf("command after clear: %v", err)
	}

	if _, err := c.InjectFault(ctx, faultSpec("st", "server.state", []string{dev}, map[string]string{"state": "ALARM", "status": "forced"})); err != nil {
		t.Fatal(err)
	}
	sts, err := c.State(ctx, []string{dev})
	if err != nil || len(sts) != 1 || sts[0].State != "ALARM" || sts[0].Status != "forced" {
		t.Errorf("state with fault: %v %v", sts, err)
	}
	if got := api.FormatValue(readOne(t, c, dev+"/State").Value); got != "ALARM" {
		t.Errorf("State attribute with fault = %s, want ALARM", got)
	}
	c.ClearFaults(ctx, []string{"st"}, false)
	if sts, _ := c.State(ctx, []string{dev}); sts[0].State != "ON" {
		t.Errorf("state after clear = %s", sts[0].State)
	}

	const lat = 80 * time.Millisecond
	if _, err := c.InjectFault(ctx, faultSpec("lat", "server.latency", []string{dev}, map[string]string{"latency": lat.String(), "ops": "read"})); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	readOne(t, c, dev+"/A")
	if d := time.Since(t0); d < lat {
		t.Errorf("read took %v with %v injected latency", d, lat)
	}
	c.ClearFaults(ctx, []string{"lat"}, false)

	if _, err := c.InjectFault(ctx, faultSpec("cpu", "server.cpu", nil, nil)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.InjectFault(ctx, faultSpec("mem", "server.memory", nil, map[string]string{"rate": "1", "cap": "2"})); err != nil {
		t.Fatal(err)
	}
	if cl, _ := c.ClearFaults(ctx, nil, true); len(cl) != 2 {
		t.Errorf("clear all = %v", cl)
	}
}

func TestFaultErrors(t *testing.T) {
	addr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	c := dial(t, addr)
	ctx := context.Background()
	tests := []struct {
		f    *pb.ServerFault
		want string
	}{
		{faultSpec("x", "server.nope", []string{"test/tango/rw/A"}, nil), "unknown in-server fault kind"},
		{faultSpec("x", "server.noise", []string{"test/tango/rw/A"}, nil), "amplitude is required"},
		{faultSpec("x", "server.noise", []string{"test/tango/rw/A"}, map[string]string{"amp": "1"}), `unknown parameter "amp"`},
		{faultSpec("x", "server.nan", []string{"test/no/such/A"}, nil), "test/no/such"},
		{&pb.ServerFault{Id: "x", Kind: "server.nan", Targets: []string{"test/tango/rw/A"}}, "deadline"},
	}
	for _, tc := range tests {
		_, err := c.InjectFault(ctx, tc.f)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("inject %s %v: %v, want an error with %q", tc.f.Kind, tc.f.Params, err, tc.want)
		}
	}
	if fs, _ := c.ListFaults(ctx); len(fs) != 0 {
		t.Errorf("failed injections left faults: %v", fs)
	}
}

// BenchmarkReadFaulted reads one attribute through a client with no fault
// and with two stacked faults (the override chain on the hot path).
func BenchmarkReadFaulted(b *testing.B) {
	for _, n := range []int{0, 2} {
		b.Run(map[int]string{0: "none", 2: "stuck+noise"}[n], func(b *testing.B) {
			addr, _ := startServer(b, labCatalog, []string{"SimulatorDS/testrw"}, nil)
			c := dial(b, addr)
			ctx := context.Background()
			if n > 0 {
				c.InjectFault(ctx, faultSpec("s", "server.stuck", []string{"test/tango/rw/A"}, nil))
				c.InjectFault(ctx, faultSpec("n", "server.noise", []string{"test/tango/rw/A"}, map[string]string{"amplitude": "1"}))
			}
			names := []string{"test/tango/rw/A"}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.ReadAttributes(ctx, names); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestLatencyFaultReleased: a request held by an injected latency goes on
// when the fault is cleared, and a server closing does not wait for it:
// an hour of latency holds neither the rollback nor a shutdown.
func TestLatencyFaultReleased(t *testing.T) {
	addr, s := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	held := make(chan struct{}, 8)
	testHookFaultWait = func() { held <- struct{}{} }
	t.Cleanup(func() { testHookFaultWait = nil })
	control, reader := dial(t, addr), dial(t, addr)
	ctx := context.Background()
	dev := "test/tango/rw"
	inject := func() {
		t.Helper()
		if _, err := control.InjectFault(ctx, faultSpec("lat", "server.latency", []string{dev}, map[string]string{"latency": "1h", "ops": "read"})); err != nil {
			t.Fatal(err)
		}
	}
	// bound is how long a released request may take here: far below the
	// hour it would wait otherwise, far above any scheduling delay.
	const bound = 30 * time.Second
	read := func() <-chan error {
		done := make(chan error, 1)
		go func() {
			_, err := reader.ReadAttributes(ctx, []string{dev + "/A"})
			done <- err
		}()
		<-held
		return done
	}

	inject()
	done := read()
	if _, err := control.ClearFaults(ctx, []string{"lat"}, false); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("read released by the clear: %v", err)
		}
	case <-time.After(bound):
		t.Fatal("a cleared latency fault still holds a read")
	}

	inject()
	done = read()
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(bound):
		t.Fatal("Close waits for a read held by a latency fault")
	}
	<-done // the read ends one way or another once the server is gone
}

// TestLatencyFaultClientGone: over HTTP, a request held by an injected
// latency is released when its client gives up (the request's context),
// as a framed request is when its connection closes.
func TestLatencyFaultClientGone(t *testing.T) {
	addr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	held, cut := make(chan struct{}, 8), make(chan struct{}, 8)
	testHookFaultWait = func() { held <- struct{}{} }
	testHookFaultWaitCut = func() { cut <- struct{}{} }
	t.Cleanup(func() { testHookFaultWait, testHookFaultWaitCut = nil, nil })
	control := dial(t, addr)
	dev := "test/tango/rw"
	if _, err := control.InjectFault(context.Background(), faultSpec("lat", "server.latency", []string{dev}, map[string]string{"latency": "1h", "ops": "read"})); err != nil {
		t.Fatal(err)
	}
	gc := grpcClient(t, addr)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := gc.ReadAttributes(ctx, connect.NewRequest(&pb.ReadRequest{Names: []string{dev + "/A"}}))
		done <- err
	}()
	<-held
	cancel()
	if err := <-done; connect.CodeOf(err) != connect.CodeCanceled {
		t.Fatalf("read after cancel: %v", err)
	}
	const bound = 30 * time.Second // far below the hour, far above scheduling
	select {
	case <-cut:
	case <-time.After(bound):
		t.Fatal("the server still holds a request its client gave up")
	}
}
