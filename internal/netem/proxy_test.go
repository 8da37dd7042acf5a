package netem

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/bits"
	"net"
	"syscall"
	"testing"
	"time"
)

// echoServer echoes every connection until EOF, then half-closes.
func echoServer(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
				c.(*net.TCPConn).CloseWrite()
				io.Copy(io.Discard, c)
			}()
		}
	}()
	return ln.Addr().String()
}

func startProxy(t testing.TB, seed uint64) *Proxy {
	t.Helper()
	p := New(Config{Name: "echo", Upstream: echoServer(t), Seed: seed})
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func dial(t testing.TB, p *Proxy) *net.TCPConn {
	t.Helper()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c.(*net.TCPConn)
}

func roundTrip(t testing.TB, c net.Conn, msg []byte) []byte {
	t.Helper()
	if _, err := c.Write(msg); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("read: %v", err)
	}
	return got
}

func add(t testing.TB, p *Proxy, cli string) *Handle {
	t.Helper()
	spec, err := ParseToxic(cli)
	if err != nil {
		t.Fatal(err)
	}
	h, err := p.Add(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func remove(t testing.TB, h *Handle) {
	t.Helper()
	if err := h.Remove(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func TestPassthrough(t *testing.T) {
	p := startProxy(t, 1)
	c := dial(t, p)
	msg := pattern(1 << 20)
	go c.Write(msg)
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, msg) {
		t.Fatal("data changed on the fast path")
	}
	// Half-close travels through: the echo server then closes its side.
	c.CloseWrite()
	if n, err := c.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Fatalf("after CloseWrite: n=%d err=%v, want EOF", n, err)
	}
}

// TestToxicsObserved checks each toxic from the client side, then that
// removing it restores normal behaviour on a fresh connection.
func TestToxicsObserved(t *testing.T) {
	tests := []struct {
		name    string
		spec    string
		observe func(t *testing.T, p *Proxy, h *Handle)
	}{
		{"latency", "latency=40ms", func(t *testing.T, p *Proxy, h *Handle) {
			c := dial(t, p)
			start := time.Now()
			roundTrip(t, c, []byte("ping"))
			if el := time.Since(start); el < 40*time.Millisecond {
				t.Fatalf("round trip took %v, want >= 40ms", el)
			}
		}},
		{"latency stacked", "latency=30ms,stream=up", func(t *testing.T, p *Proxy, h *Handle) {
			h2 := add(t, p, "latency=30ms,stream=down")
			defer remove(t, h2)
			c := dial(t, p)
			start := time.Now()
			roundTrip(t, c, []byte("ping"))
			if el := time.Since(start); el < 60*time.Millisecond {
				t.Fatalf("round trip took %v, want >= 60ms", el)
			}
		}},
		{"bandwidth", "bandwidth=100", func(t *testing.T, p *Proxy, h *Handle) {
			c := dial(t, p)
			start := time.Now()
			got := roundTrip(t, c, pattern(20000))
			if el := time.Since(start); el < 200*time.Millisecond {
				t.Fatalf("20 kB at 100 kB/s took %v, want >= 200ms", el)
			}
			if !bytes.Equal(got, pattern(20000)) {
				t.Fatal("data changed")
			}
		}},
		{"loss chunks", "loss=1,stream=up", func(t *testing.T, p *Proxy, h *Handle) {
			// The end of stream still passes, after the data it follows:
			// the echo server sees EOF with no data, so the client reads nothing.
			c := dial(t, p)
			c.Write([]byte("lost"))
			c.CloseWrite()
			got, err := io.ReadAll(c)
			if err != nil || len(got) != 0 {
				t.Fatalf("read %q, %v; want nothing then EOF", got, err)
			}
		}},
		{"loss connection", "loss=1,scope=connection", func(t *testing.T, p *Proxy, h *Handle) {
			// The RST may even beat the end of connect.
			c, err := net.Dial("tcp", p.Addr())
			if err == nil {
				defer c.Close()
				c.Write([]byte("x"))
				_, err = io.ReadAll(c)
			}
			if !errors.Is(err, syscall.ECONNRESET) {
				t.Fatalf("got %v, want connection reset", err)
			}
		}},
		{"reset_peer", "reset_peer=0s,stream=up", func(t *testing.T, p *Proxy, h *Handle) {
			c := dial(t, p)
			c.Write([]byte("x"))
			_, err := io.ReadAll(c)
			if !errors.Is(err, syscall.ECONNRESET) {
				t.Fatalf("read error %v, want connection reset", err)
			}
		}},
		{"timeout closes", "timeout=30ms,stream=up", func(t *testing.T, p *Proxy, h *Handle) {
			start := time.Now()
			c := dial(t, p)
			c.Write([]byte("lost"))
			got, err := io.ReadAll(c)
			if err != nil || len(got) != 0 {
				t.Fatalf("read %q, %v; want nothing then EOF", got, err)
			}
			if el := time.Since(start); el < 30*time.Millisecond {
				t.Fatalf("closed after %v, want >= 30ms", el)
			}
		}},
		{"slow_close", "slow_close=50ms", func(t *testing.T, p *Proxy, h *Handle) {
			c := dial(t, p)
			roundTrip(t, c, []byte("hi"))
			start := time.Now()
			c.CloseWrite()
			if _, err := io.ReadAll(c); err != nil {
				t.Fatal(err)
			}
			if el := time.Since(start); el < 50*time.Millisecond {
				t.Fatalf("EOF after %v, want >= 50ms", el)
			}
		}},
		{"slicer", "slicer=10,delay=5ms", func(t *testing.T, p *Proxy, h *Handle) {
			c := dial(t, p)
			start := time.Now()
			// 100 bytes bisect into 8 pieces of 12 or 13: 7 gaps of 5ms.
			if got := roundTrip(t, c, pattern(100)); !bytes.Equal(got, pattern(100)) {
				t.Fatal("data changed")
			}
			if el := time.Since(start); el < 35*time.Millisecond {
				t.Fatalf("took %v, want >= 35ms", el)
			}
		}},
		{"limit_data", "limit_data=10", func(t *testing.T, p *Proxy, h *Handle) {
			c := dial(t, p)
			c.Write(pattern(100))
			got, err := io.ReadAll(c)
			if err != nil || !bytes.Equal(got, pattern(10)) {
				t.Fatalf("read %d bytes, %v; want the first 10 then EOF", len(got), err)
			}
		}},
		{"corrupt", "corrupt=1", func(t *testing.T, p *Proxy, h *Handle) {
			c := dial(t, p)
			msg := pattern(100)
			got := roundTrip(t, c, msg)
			for i := range got {
				if bits.OnesCount8(got[i]^msg[i]) != 1 {
					t.Fatalf("byte %d: %08b vs %08b, want one bit flipped", i, got[i], msg[i])
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := startProxy(t, 7)
			h := add(t, p, tt.spec)
			tt.observe(t, p, h)
			remove(t, h)
			if len(p.Toxics()) != 0 {
				t.Fatalf("toxics left: %v", p.Toxics())
			}
			c := dial(t, p)
			if got := roundTrip(t, c, pattern(1000)); !bytes.Equal(got, pattern(1000)) {
				t.Fatal("after removal: data changed")
			}
		})
	}
}

// TestLiveSwitchKeepsData streams through the echo while toxics come and go
// on both directions; every byte must arrive once, in order.
func TestLiveSwitchKeepsData(t *testing.T) {
	p := startProxy(t, 3)
	c := dial(t, p)
	msg := pattern(8 << 20)
	go func() {
		for off := 0; off < len(msg); off += 64 << 10 {
			c.Write(msg[off:min(off+64<<10, len(msg))])
		}
	}()
	done := make(chan struct{})
	go func() {
		defer close(done)
		specs := []string{"latency=0s", "corrupt=0,stream=up", "slicer=4096,delay=0s", "bandwidth=0,stream=up"}
		for i := 0; i < 40; i++ {
			h := add(t, p, specs[i%len(specs)])
			remove(t, h)
		}
	}()
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	<-done
	if i := firstDiff(got, msg); i >= 0 {
		t.Fatalf("stream differs at byte %d", i)
	}
}

func firstDiff(a, b []byte) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}

// connGotToxic reports, for n sequential connections, which ones were cut by
// a limit_data=0 toxic.
func connGotToxic(t *testing.T, p *Proxy, n int) []bool {
	var out []bool
	for range n {
		c := dial(t, p)
		c.Write([]byte("ping"))
		got, _ := io.ReadAll(io.LimitReader(c, 4))
		out = append(out, len(got) == 0)
		c.Close()
	}
	return out
}

func TestToxicity(t *testing.T) {
	for _, tc := range []struct {
		tox  string
		want bool
	}{{"0", false}, {"1", true}} {
		p := startProxy(t, 1)
		add(t, p, "limit_data=0,toxicity="+tc.tox)
		for i, got := range connGotToxic(t, p, 5) {
			if got != tc.want {
				t.Fatalf("toxicity %s: connection %d got toxic = %v", tc.tox, i+1, got)
			}
		}
	}
	// Same seed and connection order → same connections get the toxic.
	var runs [][]bool
	for range 2 {
		p := startProxy(t, 42)
		add(t, p, "limit_data=0,toxicity=0.5,name=cut")
		runs = append(runs, connGotToxic(t, p, 24))
	}
	hits := 0
	for i := range runs[0] {
		if runs[0][i] != runs[1][i] {
			t.Fatalf("seed 42: connection %d differs between runs: %v vs %v", i+1, runs[0], runs[1])
		}
		if runs[0][i] {
			hits++
		}
	}
	if hits == 0 || hits == 24 {
		t.Fatalf("toxicity 0.5 hit %d of 24 connections", hits)
	}
}

// tagToxic appends its tag to every chunk: it makes composition order visible.
type tagToxic struct {
	Tag string `json:"tag"`
}

func (t *tagToxic) Pipe(s *Stub) {
	for {
		c, eof, ok := s.recv()
		if !ok {
			if eof {
				s.Close()
			}
			return
		}
		c.Data = append(c.Data, t.Tag...)
		if !s.Send(c) {
			return
		}
	}
}

func init() { toxicKinds["test_tag"] = toxicKind{func() Toxic { return &tagToxic{} }, "tag"} }

func TestStackingOrder(t *testing.T) {
	p := startProxy(t, 1)
	c := dial(t, p)
	a := add(t, p, "test_tag=A,name=a")
	b := add(t, p, "test_tag=B,name=b")
	if got := roundTrip(t, c, []byte("x"))[:0]; len(got) != 0 {
		t.Fatal("unreachable")
	}
	// The echo of "x" has gone through a, then b: "x" read above was its
	// first byte; the tags follow.
	rest := make([]byte, 2)
	if _, err := io.ReadFull(c, rest); err != nil || string(rest) != "AB" {
		t.Fatalf("tags %q, %v; want AB (order added)", rest, err)
	}
	remove(t, a) // undoes exactly a
	if got := echoTagged(t, c, "y", 1); got != "yB" {
		t.Fatalf("after removing a: read %q, want yB", got)
	}
	a = add(t, p, "test_tag=A,name=a") // now after b
	if got := echoTagged(t, c, "z", 2); got != "zBA" {
		t.Fatalf("re-added a: read %q, want zBA", got)
	}
	if err := p.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-a.Done()
	<-b.Done()
	if got := roundTrip(t, c, []byte("w")); string(got) != "w" {
		t.Fatalf("after reset: read %q", got)
	}
}

// echoTagged writes msg and reads it back with n tag bytes.
func echoTagged(t *testing.T, c net.Conn, msg string, n int) string {
	t.Helper()
	c.Write([]byte(msg))
	got := make([]byte, len(msg)+n)
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	return string(got)
}

func TestDeadline(t *testing.T) {
	p := startProxy(t, 1)
	h := add(t, p, "limit_data=0,ttl=20ms")
	if h.Spec().Deadline.IsZero() {
		t.Fatal("ttl not resolved into a deadline")
	}
	<-h.Done()
	if h.Active() || len(p.Toxics()) != 0 {
		t.Fatal("toxic still installed after its deadline")
	}
	c := dial(t, p)
	if got := roundTrip(t, c, []byte("alive")); string(got) != "alive" {
		t.Fatalf("read %q", got)
	}
	if err := h.Remove(context.Background()); err != nil {
		t.Fatalf("Remove after expiry: %v", err)
	}
}
