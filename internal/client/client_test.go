package client_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"chaoslab/internal/api"
	"chaoslab/internal/catalog"
	"chaoslab/internal/client"
	"chaoslab/internal/server"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func start(t *testing.T, ln net.Listener) func() {
	t.Helper()
	cat, err := catalog.Load("../server/testdata/lab.csv")
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := server.OpenModel(cat, server.OpenOptions{Servers: []string{"SimulatorDS/testrw"}, Start: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	s := server.New(server.Options{Model: m})
	done := make(chan struct{})
	go func() { s.Serve(ln); close(done) }()
	stop := func() { s.Close(); <-done }
	t.Cleanup(stop)
	return stop
}

// servedClient serves the lab catalog on a loopback port and dials it;
// both are closed when the test ends.
func servedClient(t *testing.T) *client.Client {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	start(t, ln)
	c, err := client.Dial(context.Background(), ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestPipelining: many goroutines share one connection; every reply
// reaches its own caller.
func TestPipelining(t *testing.T) {
	c := servedClient(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				// Each goroutine asks for a different attribute set; the
				// reply must match the request.
				names := []string{"test/tango/rw/A", "test/tango/rw/State"}[:1+(g+i)%2]
				rs, err := c.ReadAttributes(ctx, names)
				if err != nil {
					errs <- err
					return
				}
				if len(rs) != len(names) || rs[len(rs)-1].Name != names[len(names)-1] {
					errs <- fmt.Errorf("asked %v, got %v", names, rs)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestReconnect: after the server restarts on the same address, the next
// call reconnects; calls while it is down fail as unavailable.
func TestReconnect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	stop := start(t, ln)
	ctx := context.Background()
	c, err := client.Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.ReadAttributes(ctx, []string{"test/tango/rw/A"}); err != nil {
		t.Fatal(err)
	}
	stop()
	if _, err := c.ReadAttributes(ctx, []string{"test/tango/rw/A"}); api.ReasonOf(err) != api.ReasonUnavailable {
		t.Fatalf("read while down: %v", err)
	}
	ln2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	start(t, ln2)
	if _, err := c.ReadAttributes(ctx, []string{"test/tango/rw/A"}); err != nil {
		t.Fatalf("read after restart: %v", err)
	}
}

func TestStaticResolver(t *testing.T) {
	r := client.Static{Default: "h:1", ByDevice: map[string]string{"a/b/c": "h:2"}}
	if a, _ := r.Resolve(context.Background(), "A/B/C"); a != "h:2" {
		t.Errorf("A/B/C -> %s", a)
	}
	if a, _ := r.Resolve(context.Background(), "x/y/z"); a != "h:1" {
		t.Errorf("x/y/z -> %s", a)
	}
	if _, err := (client.Static{}).Resolve(context.Background(), "x/y/z"); api.ReasonOf(err) != api.ReasonDeviceNotFound {
		t.Errorf("empty resolver: %v", err)
	}
}

func TestContextTimeout(t *testing.T) {
	// A listener that accepts and never answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	conns := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			conns <- c
		}
	}()
	c, err := client.Dial(context.Background(), ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := c.ReadAttributes(ctx, []string{"a/b/c/d"}); api.ReasonOf(err) != api.ReasonTimeout {
		t.Errorf("read from a silent server: %v", err)
	}
	(<-conns).Close()
}

// scriptedPeer accepts one framed connection and returns it after the
// magic, with a reader of its request frames.
func scriptedPeer(t *testing.T) (addr string, conns <-chan *peerConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ch := make(chan *peerConn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		br := bufio.NewReader(c)
		magic := make([]byte, len(api.Magic))
		if _, err := io.ReadFull(br, magic); err != nil {
			c.Close()
			return
		}
		ch <- &peerConn{Conn: c, br: br}
	}()
	return ln.Addr().String(), ch
}

type peerConn struct {
	net.Conn
	br *bufio.Reader
}

// request reads one request frame and returns its id.
func (p *peerConn) request(t *testing.T) uint32 {
	t.Helper()
	_, id, _, err := api.NewFrameReader(p.br).Next()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// dialScripted dials a scripted peer; both close when the test ends.
func dialScripted(t *testing.T) (*client.Client, *peerConn) {
	t.Helper()
	addr, conns := scriptedPeer(t)
	c, err := client.Dial(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	peer := <-conns
	t.Cleanup(func() { peer.Close() })
	return c, peer
}

// okReply is an empty read reply (no readings) for id.
func okReply(t *testing.T, id uint32) []byte {
	t.Helper()
	b, err := api.AppendFrame(nil, api.KindOK, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLeaderCancelledMidFrame: the caller reading the socket for everyone
// gives up (its context ends) while a reply for another caller is half
// read; the other caller takes over, gets its whole reply, and the late
// reply of the cancelled call is dropped without disturbing the stream.
func TestLeaderCancelledMidFrame(t *testing.T) {
	c, peer := dialScripted(t)

	ctxA, cancelA := context.WithCancel(context.Background())
	errA := make(chan error, 1)
	go func() { _, err := c.ReadAttributes(ctxA, []string{"a/b/c/x"}); errA <- err }()
	idA := peer.request(t)
	errB := make(chan error, 1)
	go func() { _, err := c.ReadAttributes(context.Background(), []string{"a/b/c/y"}); errB <- err }()
	idB := peer.request(t)

	reply := okReply(t, idB)
	if _, err := peer.Write(reply[:5]); err != nil {
		t.Fatal(err)
	}
	cancelA()
	if err := <-errA; api.ReasonOf(err) != api.ReasonTimeout {
		t.Fatalf("cancelled call: %v", err)
	}
	if _, err := peer.Write(append(reply[5:], okReply(t, idA)...)); err != nil {
		t.Fatal(err)
	}
	if err := <-errB; err != nil {
		t.Fatalf("call whose reply was half read by the cancelled leader: %v", err)
	}
	// The connection still works.
	errC := make(chan error, 1)
	go func() { _, err := c.ReadAttributes(context.Background(), []string{"a/b/c/z"}); errC <- err }()
	if _, err := peer.Write(okReply(t, peer.request(t))); err != nil {
		t.Fatal(err)
	}
	if err := <-errC; err != nil {
		t.Fatalf("call after the hand-off: %v", err)
	}
}

// TestRepliesOutOfOrder: replies arrive in the reverse order of the
// requests; each caller gets its own, whoever reads the socket.
func TestRepliesOutOfOrder(t *testing.T) {
	c, peer := dialScripted(t)
	const n = 8
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() { _, err := c.ReadAttributes(context.Background(), []string{"a/b/c/x"}); errs <- err }()
	}
	var out []byte
	for i := 0; i < n; i++ {
		out = append(okReply(t, peer.request(t)), out...)
	}
	if _, err := peer.Write(out); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestCancellationStorm: many callers share one connection, a third of
// them with contexts that end while their call (or the read of the socket
// they do for everyone) is in progress. Every call either times out or
// gets the reply to its own request, and the connection stays usable.
func TestCancellationStorm(t *testing.T) {
	c := servedClient(t)
	sets := [][]string{{"test/tango/rw/A"}, {"test/tango/rw/State"}, {"test/tango/rw/A", "test/tango/rw/State"}}
	var wg sync.WaitGroup
	var timedOut atomic.Int64
	errs := make(chan error, 64)
	for g := 0; g < 24; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				names := sets[(g+i)%len(sets)]
				ctx, cancel := context.Background(), context.CancelFunc(func() {})
				if (g+i)%3 == 0 {
					// Ends anywhere from before the request is written to
					// after the reply is in.
					ctx, cancel = context.WithTimeout(context.Background(), time.Duration((g*7+i*13)%200)*time.Microsecond)
				}
				rs, err := c.ReadAttributes(ctx, names)
				cancel()
				if err != nil {
					if api.ReasonOf(err) != api.ReasonTimeout {
						errs <- fmt.Errorf("call %d/%d: %v", g, i, err)
						return
					}
					timedOut.Add(1)
					continue
				}
				if len(rs) != len(names) {
					errs <- fmt.Errorf("call %d/%d asked %v, got %d readings", g, i, names, len(rs))
					return
				}
				for k := range names {
					if rs[k].Name != names[k] {
						errs <- fmt.Errorf("call %d/%d asked %v, got %s at %d", g, i, names, rs[k].Name, k)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if _, err := c.ReadAttributes(context.Background(), sets[0]); err != nil {
		t.Fatalf("after the storm: %v", err)
	}
	t.Logf("%d of %d calls timed out", timedOut.Load(), 24*200)
}
