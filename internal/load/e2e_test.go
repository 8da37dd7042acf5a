package load

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/client"
	"chaoslab/internal/netem"
	"chaoslab/internal/server"
)

// childEnv makes the test binary act as `chaoslab serve` (a real server
// process the tests can pause with SIGSTOP): it holds a JSON RunConfig.
const childEnv = "CHAOSLAB_LOAD_TEST_SERVE"

func TestMain(m *testing.M) {
	if cfg := os.Getenv(childEnv); cfg != "" {
		os.Exit(runChild(cfg))
	}
	os.Exit(m.Run())
}

func runChild(js string) int {
	var cfg server.RunConfig
	if err := json.Unmarshal([]byte(js), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := server.Run(ctx, cfg, slog.New(slog.NewTextHandler(os.Stderr, nil))); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		return 2
	}
	return 0
}

// twin starts a real server process on testdata/twin.csv and waits for
// its ready file (the poll interval only bounds how soon it is noticed).
func twin(t testing.TB) (server.Ready, *os.Process) {
	t.Helper()
	dir := t.TempDir()
	cfg := server.RunConfig{Catalog: "testdata/twin.csv", Servers: []string{"SimulatorDS/load"},
		ReadyFile: filepath.Join(dir, "ready.json"), Unix: filepath.Join(dir, "load.sock")}
	js, _ := json.Marshal(cfg)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(js))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGCONT)
		_ = cmd.Process.Kill()
		<-done
	})
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(30 * time.Second)
	for {
		r, err := server.ReadReady(cfg.ReadyFile)
		if err == nil {
			return r, cmd.Process
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			t.Fatalf("server exited before ready: %v\n%s", err, stderr.String())
		case <-deadline:
			t.Fatalf("server not ready after 30s\n%s", stderr.String())
		case <-tick.C:
		}
	}
}

func dialTargets(t testing.TB, addr string, conns int, patterns, cmds []string) (*ClientBackend, *Targets) {
	t.Helper()
	ctx := context.Background()
	be, err := DialBackend(ctx, []string{addr}, conns)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { be.Close() })
	tg, err := ResolveTargets(ctx, be, patterns, cmds)
	if err != nil {
		t.Fatal(err)
	}
	return be, tg
}

func TestResolveTargets(t *testing.T) {
	r, _ := twin(t)
	_, tg := dialTargets(t, r.Addr, 1, []string{"test/load/rw/*"}, []string{"test/load/rw/Ping"})
	writable := 0
	for _, a := range tg.Attrs {
		if a.Value != nil {
			writable++
		}
	}
	if len(tg.Attrs) < 3 || writable != 2 || len(tg.Commands) != 1 {
		t.Errorf("targets %+v (writable %d)", tg, writable)
	}
	be, _ := dialTargets(t, r.Addr, 1, []string{"test/load/rw/A"}, nil)
	if _, err := ResolveTargets(context.Background(), be, []string{"test/load/rw/nope"}, nil); err == nil {
		t.Error("a pattern matching nothing was accepted")
	}
}

// TestDelayedReplies: every reply delayed by X through the netem latency
// toxic gives p50 ≥ X; the mix, counts and server figures add up.
func TestDelayedReplies(t *testing.T) {
	r, _ := twin(t)
	const X = 20 * time.Millisecond
	p := netem.New(netem.Config{Upstream: r.Addr})
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.Add(context.Background(), netem.ToxicSpec{Name: "delay", Stream: netem.Downstream, Toxicity: 1, Toxic: &netem.Latency{Latency: netem.Duration(X)}}); err != nil {
		t.Fatal(err)
	}
	be, tg := dialTargets(t, p.Addr(), 2, []string{"test/load/rw/*"}, []string{"test/load/rw/Ping"})
	spec := Spec{Targets: []string{"test/load/rw/*"}, Commands: []string{"test/load/rw/Ping"}, Rate: 200, Duration: Duration(time.Second),
		Mix: Mix{OpRead: 5, OpBatch: 1, OpWrite: 2, OpCommand: 1}, Seed: 7}
	res := run200(t, spec, tg, be)
	for _, o := range res.Ops {
		checkSum(t, o)
		if got := time.Duration(o.Latency.P50) * time.Microsecond; got < X {
			t.Errorf("%s: p50 %v < %v", o.Op, got, X)
		}
	}
	if len(res.Ops) != 4 {
		t.Errorf("ops %d, want 4", len(res.Ops))
	}
	// The proxy is the scraped address: its /metrics goes through it.
	if len(res.Servers) != 1 || res.Servers[0].Error != "" || res.Servers[0].Requests < 200 {
		t.Errorf("server figures %+v", res.Servers)
	}
	if res.Generator.CPUSeconds <= 0 {
		t.Errorf("generator CPU %+v", res.Generator)
	}
}

// TestPauseCorrected: a 1 s SIGSTOP of the server shows in the corrected
// p99.9 (every request scheduled during the pause waited for it) but not
// in the uncorrected one (only the 4 requests in flight at the pause saw
// it; the backlog went out after SIGCONT and was answered quickly).
func TestPauseCorrected(t *testing.T) {
	r, proc := twin(t)
	be, tg := dialTargets(t, r.Addr, 1, []string{"test/load/rw/A"}, nil)
	spec := Spec{Targets: []string{"test/load/rw/A"}, Rate: 2000, Duration: Duration(3 * time.Second),
		MaxInFlight: 4, MaxLate: Duration(5 * time.Second), Timeout: Duration(10 * time.Second)}
	paused := make(chan struct{})
	live := NewLive(10, func(s Snapshot) {
		// After the first second, pause the server for one second: the
		// fault itself is the sleep, nothing waits on it.
		if s.Second >= 0.9 && s.Second < 1.9 {
			select {
			case <-paused:
			default:
				close(paused)
				_ = proc.Signal(syscall.SIGSTOP)
				time.AfterFunc(time.Second, func() { _ = proc.Signal(syscall.SIGCONT) })
			}
		}
	})
	res, err := Run(context.Background(), spec, tg, Options{Backend: be, Live: live})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-paused:
	default:
		t.Fatal("the server was never paused")
	}
	tot := res.Total
	checkSum(t, tot)
	t.Logf("corrected %+v", tot.Latency)
	t.Logf("uncorrected %+v", tot.LatencyUncorrected)
	t.Logf("requests %d ok %d errors %d not issued %d", tot.Requests, tot.OK, tot.Errors, tot.NotIssued)
	if tot.Requests != 6000 {
		t.Errorf("requests %d, want 6000", tot.Requests)
	}
	if tot.Latency.P999 < 900_000 {
		t.Errorf("corrected p99.9 %d µs, want ≥ 900 ms", tot.Latency.P999)
	}
	if tot.LatencyUncorrected.P999*4 > tot.Latency.P999 {
		t.Errorf("uncorrected p99.9 %d µs not well below corrected %d µs", tot.LatencyUncorrected.P999, tot.Latency.P999)
	}
}

// TestEventLagE2E: periodic events of T every 10 ms reach two event
// clients; the lag from the server's poll timestamp is never negative.
func TestEventLagE2E(t *testing.T) {
	r, _ := twin(t)
	be, tg := dialTargets(t, r.Addr, 1, []string{"test/load/rw/T"}, nil)
	c, err := client.Dial(context.Background(), r.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p := int64(10)
	if _, err := c.SetConfig(context.Background(), "test/load/rw/T", &pb.AttrConfig{PollingPeriodMs: &p, EventPeriodMs: &p}); err != nil {
		t.Fatal(err)
	}
	spec := Spec{Targets: []string{"test/load/rw/T"}, Model: ModelEvents, Events: "periodic", Clients: 2, Duration: Duration(500 * time.Millisecond)}
	res, err := Run(context.Background(), spec, tg, Options{Subscriber: be, Backend: be})
	if err != nil {
		t.Fatal(err)
	}
	ev := res.Events
	t.Logf("events %+v", ev)
	if ev == nil || ev.Subscriptions != 2 || ev.Events < 10 || ev.NegativeLag != 0 || ev.Lag.Count != ev.Events {
		t.Errorf("events %+v", ev)
	}
}

// TestUnixSocket: load over a server's Unix socket (the address local
// clients of a twin take), its /metrics scraped over the socket too.
func TestUnixSocket(t *testing.T) {
	r, _ := twin(t)
	addr := api.UnixAddr(r.Unix)
	be, tg := dialTargets(t, addr, 1, []string{"test/load/rw/*"}, nil)
	spec := Spec{Targets: []string{"test/load/rw/*"}, Rate: 400, Duration: Duration(500 * time.Millisecond), Mix: Mix{OpRead: 3, OpWrite: 1}, Seed: 3}
	res := run200(t, spec, tg, be)
	if len(res.Servers) != 1 || res.Servers[0].Error != "" || res.Servers[0].Requests < 200 {
		t.Errorf("server figures over the Unix socket %+v", res.Servers)
	}
	// The report names the server, from its chaoslab_server_info.
	var out strings.Builder
	if err := WriteTable(&out, res); err != nil {
		t.Fatal(err)
	}
	if want := "server SimulatorDS/load (" + addr + "): cpu"; !strings.Contains(out.String(), want) {
		t.Errorf("report lacks %q:\n%s", want, out.String())
	}
}

// run200 runs spec with the server figures scraped and checks that its
// 200 requests were all answered without error.
func run200(t *testing.T, spec Spec, tg *Targets, be *ClientBackend) *Result {
	t.Helper()
	res, err := Run(context.Background(), spec, tg, Options{Backend: be, CPU: ProcessCPU, Scrape: ScrapeHTTP})
	if err != nil {
		t.Fatal(err)
	}
	checkSum(t, res.Total)
	if res.Total.Requests != 200 || res.Total.Errors != 0 {
		t.Errorf("total %+v, want 200 requests without errors", res.Total)
	}
	return res
}

func TestRefuseNonLoopback(t *testing.T) {
	for _, a := range []string{"10.0.0.1:10000", "example.org:1", "[2001:db8::1]:1", "nohost", "unix:"} {
		if err := CheckLoopback([]string{a}); err == nil {
			t.Errorf("%s accepted", a)
		}
	}
	for _, a := range []string{"127.0.0.1:1", "127.3.2.1:5", "[::1]:1", "localhost:9", "unix:/run/x.sock", "unix:@chaoslab-x"} {
		if err := CheckLoopback([]string{a}); err != nil {
			t.Errorf("%s refused: %v", a, err)
		}
	}
	_, err := Run(context.Background(), Spec{Targets: []string{"*"}, Rate: 1, Duration: Duration(time.Second)},
		&Targets{Servers: []string{"192.168.1.1:1"}, Attrs: []Attr{{Name: "a/b/c/d"}}}, Options{Backend: &fakeBackend{}})
	if err == nil {
		t.Error("Run accepted a non-loopback server")
	}
}
