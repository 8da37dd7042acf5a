package server

import (
	"context"
	"math"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/catalog"
	"chaoslab/internal/client"
)

const labCatalog = "testdata/lab.csv"

// startServer serves the given catalog servers in-process on 127.0.0.1:0.
func startServer(t testing.TB, cat string, servers []string, peers []string) (string, *Server) {
	t.Helper()
	c, err := catalog.Load(cat)
	if err != nil {
		t.Fatal(err)
	}
	m, pool, err := OpenModel(c, OpenOptions{Servers: servers, Start: time.Now(), Peers: peers})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{Model: m, Server: servers[0]})
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		s.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		if pool != nil {
			pool.Close()
		}
	})
	return ln.Addr().String(), s
}

func dial(t testing.TB, addr string) *client.Client {
	t.Helper()
	c, err := client.Dial(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestReadWriteCommand(t *testing.T) {
	addr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	c := dial(t, addr)
	ctx := context.Background()

	if err := c.Write(ctx, "test/tango/rw/A", api.Int(3)); err != nil {
		t.Fatalf("write A: %v", err)
	}
	rs, err := c.ReadAttributes(ctx, []string{"test/tango/rw/A", "test/tango/rw/Twice", "test/tango/rw/State"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"3", "6", "ON"}
	for i, r := range rs {
		if got := api.FormatValue(r.Value); got != want[i] || len(r.Errors) > 0 || r.Quality != pb.Quality_QUALITY_VALID {
			t.Errorf("%s = %s %v %v, want %s VALID", r.Name, got, r.Quality, r.Errors, want[i])
		}
		if r.TimeUnixNano == 0 {
			t.Errorf("%s has no timestamp", r.Name)
		}
	}
	v, err := c.Command(ctx, "test/tango/rw", "Double", api.ParseValue(`["2.5"]`))
	if err != nil || api.FormatValue(v) != "5" {
		t.Errorf("Double(2.5) = %v, %v; want 5", api.FormatValue(v), err)
	}
	// The State command returns the DevState by name, like the attribute.
	if v, err := c.Command(ctx, "test/tango/rw", "State", nil); err != nil || api.FormatValue(v) != "ON" {
		t.Errorf("State command = %v, %v; want ON", api.FormatValue(v), err)
	}
	st, err := c.State(ctx, []string{"test/tango/*"})
	if err != nil || len(st) != 1 || st[0].State != "ON" {
		t.Errorf("State = %v, %v", st, err)
	}
	devs, err := c.ListDevices(ctx, "test/*")
	if err != nil || len(devs) != 1 || devs[0].Name != "test/tango/rw" {
		t.Fatalf("ListDevices = %v, %v", devs, err)
	}
	rs, err = c.ReadAttributes(ctx, []string{"test/tango/rw/*"})
	if err != nil || len(rs) != len(devs[0].Attributes) {
		t.Errorf("wildcard read: %d readings (%v), want %d", len(rs), err, len(devs[0].Attributes))
	}
}

func TestErrors(t *testing.T) {
	addr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	c := dial(t, addr)
	ctx := context.Background()
	tests := []struct {
		name   string
		call   func() error
		reason string
	}{
		{"limit", func() error { return c.Write(ctx, "test/tango/rw/B", api.Int(20)) }, api.ReasonOutOfLimits},
		{"not writable", func() error { return c.Write(ctx, "test/tango/rw/T", api.Int(1)) }, api.ReasonAttrNotWritable},
		{"unknown device", func() error { return c.Write(ctx, "no/such/dev/A", api.Int(1)) }, api.ReasonDeviceNotFound},
		{"unknown command", func() error { _, err := c.Command(ctx, "test/tango/rw", "Nope", nil); return err }, api.ReasonCommandNotFound},
		{"unknown attribute config", func() error { _, err := c.GetConfig(ctx, []string{"test/tango/rw/nope"}); return err }, api.ReasonAttrNotFound},
		{"bad name", func() error { return c.Write(ctx, "A", api.Int(1)) }, api.ReasonBadArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if got := api.ReasonOf(err); got != tt.reason {
				t.Errorf("reason = %q (%v), want %q", got, err, tt.reason)
			}
		})
	}
	// Per-attribute read errors do not fail the call.
	rs, err := c.ReadAttributes(ctx, []string{"test/tango/rw/A", "test/tango/rw/nope", "no/such/dev/A"})
	if err != nil || len(rs) != 3 {
		t.Fatalf("read = %d, %v", len(rs), err)
	}
	if len(rs[0].Errors) != 0 || len(rs[1].Errors) == 0 || rs[1].Errors[0].Reason != api.ReasonAttrNotFound ||
		len(rs[2].Errors) == 0 || rs[2].Errors[0].Reason != api.ReasonDeviceNotFound {
		t.Errorf("readings = %v", rs)
	}
	// The limit error left B unchanged.
	rs, _ = c.ReadAttributes(ctx, []string{"test/tango/rw/B"})
	if api.FormatValue(rs[0].Value) != "0" {
		t.Errorf("B = %s after a refused write, want 0", api.FormatValue(rs[0].Value))
	}
}

func TestConfig(t *testing.T) {
	addr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	c := dial(t, addr)
	ctx := context.Background()
	p, abs := int64(100), 0.5
	a, err := c.SetConfig(ctx, "test/tango/rw/T", &pb.AttrConfig{PollingPeriodMs: &p, AbsChange: &abs})
	if err != nil {
		t.Fatal(err)
	}
	if a.Config.GetPollingPeriodMs() != 100 || a.Config.GetAbsChange() != 0.5 {
		t.Errorf("config after set = %v", a.Config)
	}
	as, err := c.GetConfig(ctx, []string{"test/tango/rw/B"})
	if err != nil || len(as) != 1 || as[0].Config.GetMaxValue() != "16" || !as[0].Writable {
		t.Errorf("B config = %v, %v", as, err)
	}
	unit := "mA"
	if _, err := c.SetConfig(ctx, "test/tango/rw/T", &pb.AttrConfig{Unit: &unit}); api.ReasonOf(err) != api.ReasonBadArgument {
		t.Errorf("setting unit: %v, want %s", err, api.ReasonBadArgument)
	}
	// Periods out of range and thresholds that are not numbers are refused
	// and change nothing; a negative threshold is its magnitude.
	neg, huge, nan, inf := int64(-1), int64(math.MaxInt64), math.NaN(), math.Inf(1)
	const period = " must be 0 to 2147483647 (Tango's DevLong milliseconds), got "
	for what, bad := range map[string]*pb.AttrConfig{
		"polling_period_ms" + period + "-1":                    {PollingPeriodMs: &neg},
		"event_period_ms" + period + "-1":                      {EventPeriodMs: &neg},
		"archive_period_ms" + period + "-1":                    {ArchivePeriodMs: &neg},
		"event_period_ms" + period + "9223372036854775807":     {EventPeriodMs: &huge},
		"rel_change must be a finite number, got NaN":          {RelChange: &nan},
		"archive_abs_change must be a finite number, got +Inf": {ArchiveAbsChange: &inf},
	} {
		_, err := c.SetConfig(ctx, "test/tango/rw/T", bad)
		if api.ReasonOf(err) != api.ReasonBadArgument || !strings.Contains(err.Error(), what) {
			t.Errorf("%v: %v, want %s: %s", bad, err, api.ReasonBadArgument, what)
		}
	}
	minus := -0.25
	a, err = c.SetConfig(ctx, "test/tango/rw/T", &pb.AttrConfig{AbsChange: &minus})
	if err != nil || a.Config.GetAbsChange() != 0.25 || a.Config.GetPollingPeriodMs() != 100 {
		t.Errorf("abs_change -0.25: %v, %v", a.GetConfig(), err)
	}
}

// TestPeriodicEvents: T polled every 10 ms with a 10 ms event period
// delivers periodic events in time order, each with a reading of T.
func TestPeriodicEvents(t *testing.T) {
	addr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	c := dial(t, addr)
	ctx := context.Background()
	sub, err := c.Subscribe(ctx, []string{"test/tango/rw/T"}, pb.EventType_EVENT_TYPE_PERIODIC, client.SubscribeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if len(sub.Names) != 1 || sub.Names[0] != "test/tango/rw/T" {
		t.Fatalf("names = %v", sub.Names)
	}
	p := int64(10)
	if _, err := c.SetConfig(ctx, "test/tango/rw/T", &pb.AttrConfig{PollingPeriodMs: &p, EventPeriodMs: &p}); err != nil {
		t.Fatal(err)
	}
	var last int64
	n := 0
	for b := range sub.C {
		if b.Dropped != 0 {
			t.Errorf("dropped %d", b.Dropped)
		}
		for _, e := range b.Events {
			if e.Name != "test/tango/rw/T" || e.Reading.TimeUnixNano < last || e.Reading.Value == nil {
				t.Fatalf("event %d: %s %v (last time %d)", n, e.Name, e.Reading, last)
			}
			last = e.Reading.TimeUnixNano
			n++
		}
		if n >= 10 {
			break
		}
	}
	if n < 10 {
		t.Fatalf("stream ended after %d events: %v", n, sub.Err())
	}
}

func TestChangeEventsOnWrite(t *testing.T) {
	addr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	c := dial(t, addr)
	ctx := context.Background()
	p, abs := int64(10), 1.0
	if _, err := c.SetConfig(ctx, "test/tango/rw/A", &pb.AttrConfig{PollingPeriodMs: &p, AbsChange: &abs}); err != nil {
		t.Fatal(err)
	}
	sub, err := c.Subscribe(ctx, []string{"test/tango/rw/A"}, pb.EventType_EVENT_TYPE_CHANGE, client.SubscribeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if err := c.Write(ctx, "test/tango/rw/A", api.Int(7)); err != nil {
		t.Fatal(err)
	}
	for b := range sub.C {
		for _, e := range b.Events {
			if api.FormatValue(e.Reading.Value) == "7" {
				return
			}
		}
	}
	t.Fatalf("stream ended without the change to 7: %v", sub.Err())
}

func TestSubscribeUnknown(t *testing.T) {
	addr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	c := dial(t, addr)
	_, err := c.Subscribe(context.Background(), []string{"test/tango/rw/nope"}, pb.EventType_EVENT_TYPE_CHANGE, client.SubscribeOptions{})
	if api.ReasonOf(err) != api.ReasonAttrNotFound {
		t.Errorf("subscribe to unknown attribute: %v", err)
	}
}

// TestCrossServerRead: a formula on one server reads an attribute hosted by
// another server through the API (XATTR).
func TestCrossServerRead(t *testing.T) {
	rwAddr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	otherAddr, _ := startServer(t, labCatalog, []string{"SimulatorDS/other"}, []string{rwAddr})
	ctx := context.Background()
	if err := dial(t, rwAddr).Write(ctx, "test/tango/rw/A", api.Int(41)); err != nil {
		t.Fatal(err)
	}
	rs, err := dial(t, otherAddr).ReadAttributes(ctx, []string{"test/tango/other/X"})
	if err != nil || len(rs) != 1 || len(rs[0].Errors) > 0 || api.FormatValue(rs[0].Value) != "42" {
		t.Fatalf("X = %v, %v; want 42", rs, err)
	}
}

// TestHostServer: one process hosting every server of a catalog host;
// XATTR between its devices stays inside the model.
func TestHostServer(t *testing.T) {
	c, err := catalog.Load(labCatalog)
	if err != nil {
		t.Fatal(err)
	}
	m, pool, err := OpenModel(c, OpenOptions{Host: "lab1", Start: time.Now()})
	if err != nil || pool != nil {
		t.Fatalf("OpenModel: %v (pool %v)", err, pool)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{Model: m, Host: "lab1"})
	done := make(chan struct{})
	go func() { s.Serve(ln); close(done) }()
	t.Cleanup(func() { s.Close(); <-done })
	cl := dial(t, ln.Addr().String())
	ctx := context.Background()
	if err := cl.Write(ctx, "test/tango/rw/A", api.Int(9)); err != nil {
		t.Fatal(err)
	}
	rs, err := cl.ReadAttributes(ctx, []string{"test/tango/other/X"})
	if err != nil || api.FormatValue(rs[0].Value) != "10" {
		t.Fatalf("X = %v, %v; want 10", rs, err)
	}
	info, err := cl.ServerInfo(ctx)
	if err != nil || info.Devices != 2 || info.Host != "lab1" {
		t.Errorf("info = %v, %v", info, err)
	}
}

// TestInitialEvent: a subscription's first batch carries the current value
// of every attribute, as Tango's subscribe_event delivers it, even when
// nothing will change (A is not polled here), over the Go client and over
// gRPC.
func TestInitialEvent(t *testing.T) {
	addr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	c := dial(t, addr)
	ctx := context.Background()
	if err := c.Write(ctx, "test/tango/rw/A", api.Float(5)); err != nil {
		t.Fatal(err)
	}
	sub, err := c.Subscribe(ctx, []string{"test/tango/rw/A", "test/tango/rw/B"}, pb.EventType_EVENT_TYPE_CHANGE, client.SubscribeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	b := <-sub.C
	if !b.Initial || len(b.Events) != 2 || b.Events[0].Name != "test/tango/rw/A" || b.Events[1].Name != "test/tango/rw/B" ||
		api.FormatValue(b.Events[0].Reading.Value) != "5" || b.Events[0].Reading.Name != "" {
		t.Fatalf("first batch = %+v", b)
	}

	gc := grpcClient(t, addr)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	st, err := gc.Subscribe(sctx, connect.NewRequest(&pb.SubscribeRequest{Names: []string{"test/tango/rw/A"}, Type: pb.EventType_EVENT_TYPE_CHANGE}))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if !st.Receive() {
		t.Fatal(st.Err())
	}
	m := st.Msg()
	if len(m.Names) != 1 || len(m.Events) != 1 || m.Events[0].Index != 0 || api.FormatValue(m.Events[0].Reading.Value) != "5" {
		t.Fatalf("first gRPC message = %v", m)
	}
}

// TestInitialEventNotOvertaken: the events of a poll that ran before a
// subscription but is published after it are older than the subscription's
// initial values, and are not sent to it.
func TestInitialEventNotOvertaken(t *testing.T) {
	addr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	c := dial(t, addr)
	ctx := context.Background()
	const name = "test/tango/rw/A"
	p, abs := int64(10), 1.0
	if _, err := c.SetConfig(ctx, name, &pb.AttrConfig{PollingPeriodMs: &p, AbsChange: &abs}); err != nil {
		t.Fatal(err)
	}
	first, err := c.Subscribe(ctx, []string{name}, pb.EventType_EVENT_TYPE_CHANGE, client.SubscribeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	<-first.C // initial

	reached, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	testHookPolled = func(evs []Event) {
		for _, e := range evs {
			if api.FormatValue(e.Reading.Value) == "7" {
				once.Do(func() {
					close(reached)
					<-release
				})
			}
		}
	}
	t.Cleanup(func() { testHookPolled = nil })
	if err := c.Write(ctx, name, api.Float(7)); err != nil {
		t.Fatal(err)
	}
	<-reached // the poll has the event of 7, not yet published
	late, err := c.Subscribe(ctx, []string{name}, pb.EventType_EVENT_TYPE_CHANGE, client.SubscribeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer late.Close()
	close(release)
	b := <-late.C
	if !b.Initial || len(b.Events) != 1 || api.FormatValue(b.Events[0].Reading.Value) != "7" {
		t.Fatalf("initial batch = %+v", b)
	}
	if err := c.Write(ctx, name, api.Float(9)); err != nil {
		t.Fatal(err)
	}
	b = <-late.C
	if len(b.Events) == 0 || api.FormatValue(b.Events[0].Reading.Value) != "9" {
		t.Fatalf("after the initial value 7, the next event must be the write of 9: %+v", b)
	}
	b = <-first.C
	if len(b.Events) == 0 || api.FormatValue(b.Events[0].Reading.Value) != "7" {
		t.Fatalf("the earlier subscriber gets the event of 7: %+v", b)
	}
}
