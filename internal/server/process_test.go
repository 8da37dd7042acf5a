package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/client"
)

// serveProcess starts a real server process (this test binary acting as
// `chaoslab serve`, see TestMain) and waits for its ready file.
func serveProcess(t testing.TB, cfg RunConfig) (Ready, *proc) {
	t.Helper()
	cfg.ReadyFile = filepath.Join(t.TempDir(), "ready.json")
	js, _ := json.Marshal(cfg)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(js))
	if n := os.Getenv("CHAOSLAB_TEST_SERVER_PROCS"); n != "" {
		cmd.Env = append(cmd.Env, "GOMAXPROCS="+n) // the server process's GOMAXPROCS only
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pr := &proc{cmd: cmd, done: make(chan struct{}), stderr: &stderr}
	go func() { pr.err = cmd.Wait(); close(pr.done) }()
	t.Cleanup(func() {
		select {
		case <-pr.done:
		default:
			_ = cmd.Process.Kill()
			<-pr.done
		}
	})
	// Wait for the ready file (or the process's early exit). The poll
	// interval only bounds how soon readiness is noticed.
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(20 * time.Second)
	for {
		r, err := ReadReady(cfg.ReadyFile)
		if err == nil {
			return r, pr
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		select {
		case <-pr.done:
			t.Fatalf("server exited before ready: %v\n%s", pr.err, stderr.String())
		case <-deadline:
			t.Fatalf("server not ready\n%s", stderr.String())
		case <-tick.C:
		}
	}
}

// proc is a running server process.
type proc struct {
	cmd    *exec.Cmd
	done   chan struct{} // closed when the process has exited
	err    error         // its exit error, valid after done
	stderr *bytes.Buffer
}

// stop sends SIGTERM and returns the exit error (nil: exit 0).
func (p *proc) stop(t testing.TB) error {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
		return p.err
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop on SIGTERM")
		return nil
	}
}

// TestServeProcess runs `serve` as a real process on loopback: ready file,
// read, write, the limit error, command, watch, and a clean SIGTERM exit.
func TestServeProcess(t *testing.T) {
	abs, _ := filepath.Abs(labCatalog)
	ready, p := serveProcess(t, RunConfig{Catalog: abs, Servers: []string{"SimulatorDS/testrw"}, Listen: "127.0.0.1:0"})
	if ready.Pid != p.cmd.Process.Pid || ready.Devices != 1 || ready.Addr == "" {
		t.Fatalf("ready file = %+v (pid %d)", ready, p.cmd.Process.Pid)
	}
	ctx := context.Background()
	c, err := client.Dial(ctx, ready.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	if err := c.Write(ctx, "test/tango/rw/B", api.Int(5)); err != nil {
		t.Fatal(err)
	}
	if err := c.Write(ctx, "test/tango/rw/B", api.Int(17)); api.ReasonOf(err) != api.ReasonOutOfLimits {
		t.Errorf("B=17: %v, want %s", err, api.ReasonOutOfLimits)
	}
	rs, err := c.ReadAttributes(ctx, []string{"test/tango/rw/B"})
	if err != nil || api.FormatValue(rs[0].Value) != "5" {
		t.Errorf("B = %v, %v; want 5", rs, err)
	}
	if v, err := c.Command(ctx, "test/tango/rw", "Double", api.ParseValue(`["21"]`)); err != nil || api.FormatValue(v) != "42" {
		t.Errorf("Double = %v, %v", v, err)
	}
	period := int64(10)
	if _, err := c.SetConfig(ctx, "test/tango/rw/T", &pb.AttrConfig{PollingPeriodMs: &period, EventPeriodMs: &period}); err != nil {
		t.Fatal(err)
	}
	sub, err := c.Subscribe(ctx, []string{"test/tango/rw/T"}, pb.EventType_EVENT_TYPE_PERIODIC, client.SubscribeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for b := range sub.C {
		if b.Initial {
			continue
		}
		n += len(b.Events)
		if n >= 5 {
			break
		}
	}
	if n < 5 {
		t.Fatalf("watch: %d events: %v", n, sub.Err())
	}
	info, err := c.ServerInfo(ctx)
	if err != nil || info.Pid != int64(ready.Pid) || info.Subscribers != 1 {
		t.Errorf("info = %v, %v", info, err)
	}
	sub.Close()
	if err := p.stop(t); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, p.stderr.String())
	}
	// The connection is gone; a new call reports the server unavailable.
	if _, err := c.ReadAttributes(ctx, []string{"test/tango/rw/B"}); api.ReasonOf(err) != api.ReasonUnavailable {
		t.Errorf("read after stop: %v", err)
	}
}

// TestServeProcessUnix: a server with a Unix socket answers the framed
// protocol and HTTP on it as on its port, and removes the socket when it
// stops.
func TestServeProcessUnix(t *testing.T) {
	abs, _ := filepath.Abs(labCatalog)
	sock := filepath.Join(t.TempDir(), "testrw.sock")
	ready, p := serveProcess(t, RunConfig{Catalog: abs, Servers: []string{"SimulatorDS/testrw"}, Listen: "127.0.0.1:0", Unix: sock})
	if ready.Unix != sock {
		t.Fatalf("ready file = %+v, want unix %s", ready, sock)
	}
	ctx := context.Background()
	c, err := client.Dial(ctx, api.UnixAddr(sock))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Write(ctx, "test/tango/rw/B", api.Int(7)); err != nil {
		t.Fatal(err)
	}
	// The same device behind both: the write shows on the TCP port.
	tc, err := client.Dial(ctx, ready.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	if rs, err := tc.ReadAttributes(ctx, []string{"test/tango/rw/B"}); err != nil || api.FormatValue(rs[0].Value) != "7" {
		t.Errorf("B over TCP = %v, %v; want 7", rs, err)
	}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}}
	resp, err := hc.Get("http://unix/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz over the Unix socket: %v %v", resp, err)
	}
	resp.Body.Close()
	hc.CloseIdleConnections()
	if err := p.stop(t); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, p.stderr.String())
	}
	if _, err := os.Lstat(sock); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("socket left after a clean stop: %v", err)
	}
}

// TestListenUnix: a stale socket (its server died) is replaced; a live
// one, or a file that is not a socket, is refused with the reason.
func TestListenUnix(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "stale.sock")
	l, err := net.Listen("unix", stale)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false) // as after kill -9
	l.Close()
	ln, err := listenUnix(stale)
	if err != nil {
		t.Fatalf("stale socket: %v", err)
	}
	if _, err := listenUnix(stale); err == nil || !strings.Contains(err.Error(), "another process serves there") {
		t.Errorf("live socket: %v", err)
	}
	ln.Close()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	if _, err := listenUnix(file); err == nil || !strings.Contains(err.Error(), "is not a socket") {
		t.Errorf("regular file: %v", err)
	}
	if data, _ := os.ReadFile(file); string(data) != "x" {
		t.Error("the regular file was touched")
	}
	abstract := fmt.Sprintf("@chaoslab-test-%d", os.Getpid())
	a, err := listenUnix(abstract)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := listenUnix(abstract); err == nil {
		t.Error("a second listener on a live abstract socket")
	}
}
