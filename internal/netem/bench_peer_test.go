package netem

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// peerEnv turns the test binary into the load peer of
// BenchmarkProxyThroughputPeer (see TestBenchPeer).
const peerEnv = "NETEM_BENCH_PEER"

// TestBenchPeer is not a test. Started by BenchmarkProxyThroughputPeer with
// peerEnv=1, it is the sender and the sink in a process of their own, as a
// real client and server would be, so the benchmark measures the proxy rather
// than three parties sharing one Go runtime.
//
// Protocol on stdin/stdout (lines prefixed "peer " because the test framework
// also writes to stdout): it prints "peer sink ADDR"; for each "send ADDR N"
// it connects to ADDR, writes N MiB, half-closes, waits until the sink has
// counted that connection and prints "peer sent S got G".
func TestBenchPeer(t *testing.T) {
	if os.Getenv(peerEnv) != "1" {
		t.Skip("load peer of BenchmarkProxyThroughputPeer; runs only as its child")
	}
	if err := runPeer(os.Stdin, os.Stdout); err != nil {
		t.Fatal(err)
	}
}

func runPeer(in io.Reader, out io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	counted := make(chan int64)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				n := drain(c)
				c.Close()
				counted <- n
			}()
		}
	}()
	fmt.Fprintf(out, "peer sink %s\n", ln.Addr())
	chunk := make([]byte, 1<<20)
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		var addr string
		var n int
		if _, err := fmt.Sscanf(sc.Text(), "send %s %d", &addr, &n); err != nil {
			return fmt.Errorf("peer: bad command %q: %w", sc.Text(), err)
		}
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return err
		}
		var sent int64
		for range n {
			k, err := c.Write(chunk)
			sent += int64(k)
			if err != nil {
				return err
			}
		}
		c.(*net.TCPConn).CloseWrite()
		got := <-counted
		c.Close()
		fmt.Fprintf(out, "peer sent %d got %d\n", sent, got)
	}
	return sc.Err()
}

// peer is a running load peer process.
type peer struct {
	in   io.WriteCloser
	out  *bufio.Scanner
	sink string
}

func startPeer(b *testing.B) *peer {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchPeer$", "-test.count=1")
	cmd.Env = append(os.Environ(), peerEnv+"=1")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		in.Close()
		cmd.Wait()
	})
	p := &peer{in: in, out: bufio.NewScanner(out)}
	line := p.line(b)
	if _, err := fmt.Sscanf(line, "sink %s", &p.sink); err != nil {
		b.Fatalf("peer: %q: %v", line, err)
	}
	return p
}

// line returns the next protocol line without its "peer " prefix.
func (p *peer) line(b *testing.B) string {
	for p.out.Scan() {
		if s, ok := strings.CutPrefix(p.out.Text(), "peer "); ok {
			return s
		}
	}
	b.Fatalf("peer exited: %v", p.out.Err())
	return ""
}

// send has the peer push n MiB to addr and returns the wall time it took.
func (p *peer) send(b *testing.B, addr string, n int) time.Duration {
	start := time.Now()
	fmt.Fprintf(p.in, "send %s %d\n", addr, n)
	line := p.line(b)
	el := time.Since(start)
	var sent, got int64
	if _, err := fmt.Sscanf(line, "sent %d got %d", &sent, &got); err != nil {
		b.Fatalf("peer: %q: %v", line, err)
	}
	if sent != int64(n)<<20 || got != sent {
		b.Fatalf("peer sent %d bytes, sink got %d, want %d", sent, got, int64(n)<<20)
	}
	return el
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkProxyThroughputPeer is the fair throughput measure: sender and
// sink run in a child process, the proxy (no toxics) alone in this one, and
// the same bytes also go directly, in alternating blocks, so both paths see
// the same machine load. It reports the proxy's rate (MB/s), the direct
// rate, their ratio, and this process's CPU per GB forwarded: the proxy's
// own cost, which does not depend on what else the machine is running.
func BenchmarkProxyThroughputPeer(b *testing.B) {
	pr := startPeer(b)
	p := New(Config{Upstream: pr.sink})
	if err := p.Start(); err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	b.ReportAllocs()
	b.SetBytes(1 << 20)
	const blocks = 4
	var direct, proxied, cpu time.Duration
	var dbytes int
	b.ResetTimer()
	for _, n := range splitBlocks(b.N, blocks) {
		b.StopTimer()
		direct += pr.send(b, pr.sink, n)
		dbytes += n
		b.StartTimer()
		c0 := cpuTime()
		proxied += pr.send(b, p.Addr(), n)
		cpu += cpuTime() - c0
	}
	b.StopTimer()
	dRate := float64(dbytes<<20) / direct.Seconds() / 1e6
	pRate := float64(b.N<<20) / proxied.Seconds() / 1e6
	b.ReportMetric(dRate, "direct-MB/s")
	b.ReportMetric(pRate/dRate, "proxy/direct")
	b.ReportMetric(cpu.Seconds()/(float64(b.N<<20)/1e9), "proxy-cpu-s/GB")
}
