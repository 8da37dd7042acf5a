package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/api/chaoslabv1/chaoslabv1connect"
	"chaoslab/internal/client"
)

// procCPU returns the CPU time (user + system) a process has used, from
// /proc/PID/stat (clock ticks of 10 ms: run benchmarks for a second or more).
func procCPU(tb testing.TB, pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		tb.Skipf("no procfs: %v", err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// procRSS returns a process's resident set size in bytes.
func procRSS(tb testing.TB, pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Skipf("no procfs: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			kb, _ := strconv.ParseInt(strings.Fields(l)[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// benchServer starts a server process for the lab catalog, or a generated
// one with devs × attrs attributes when devs > 0.
func benchServer(b *testing.B, devs, attrs int) (Ready, *proc) {
	cat, _ := filepath.Abs(labCatalog)
	servers := []string{"SimulatorDS/testrw"}
	if devs > 0 {
		cat = writeCatalog(b, devs, attrs, "VAR('A%d', WRITE=True, default=%d)")
		servers = []string{"SimulatorDS/gen"}
	}
	r, p := serveProcess(b, RunConfig{Catalog: cat, Servers: servers})
	b.Cleanup(func() { _ = p.stop(b) })
	return r, p
}

func reportServerCPU(b *testing.B, p *proc, before time.Duration, reads int) {
	cpu := procCPU(b, p.cmd.Process.Pid) - before
	b.ReportMetric(float64(cpu.Nanoseconds())/1e3/float64(reads), "server-µs/read")
}

// BenchmarkRead is one synchronous caller reading one attribute from a
// server process over the framed protocol.
func BenchmarkRead(b *testing.B) {
	r, p := benchServer(b, 0, 0)
	c := dial(b, r.Addr)
	ctx := context.Background()
	names := []string{"test/tango/rw/A"}
	b.ReportAllocs()
	before := procCPU(b, p.cmd.Process.Pid)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.ReadAttributes(ctx, names); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
	reportServerCPU(b, p, before, b.N)
}

// BenchmarkRead10 reads 10 attributes of one device per call.
func BenchmarkRead10(b *testing.B) {
	r, p := benchServer(b, 1, 10)
	c := dial(b, r.Addr)
	ctx := context.Background()
	names := make([]string, 10)
	for i := range names {
		names[i] = fmt.Sprintf("gen/dev/0/A%d", i)
	}
	before := procCPU(b, p.cmd.Process.Pid)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.ReadAttributes(ctx, names); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
	reportServerCPU(b, p, before, b.N)
}

// BenchmarkRead64 is 64 concurrent callers sharing one pipelined
// connection, one attribute per call.
func BenchmarkRead64(b *testing.B) {
	r, p := benchServer(b, 0, 0)
	c := dial(b, r.Addr)
	ctx := context.Background()
	names := []string{"test/tango/rw/A"}
	before := procCPU(b, p.cmd.Process.Pid)
	b.ReportAllocs()
	b.SetParallelism((64 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.ReadAttributes(ctx, names); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
	reportServerCPU(b, p, before, b.N)
}

// BenchmarkLoopbackPingPong is the floor under every synchronous call: one
// 40-byte TCP round trip between two goroutines, no protocol at all. Compare
// BenchmarkRead with it on a loaded machine.
func BenchmarkLoopbackPingPong(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 64)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			if _, err := c.Write(buf[:n]); err != nil {
				return
			}
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 64)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Write(buf[:40]); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf[:40]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "round-trips/s")
	c.Close()
	<-done
}

// BenchmarkReadInProcess measures the server's own cost per read without
// a socket: decode, lock, model read, encode.
func BenchmarkReadInProcess(b *testing.B) {
	_, s := startServer(b, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c := call{kind: api.KindRead, req: &pb.ReadRequest{Names: []string{"test/tango/rw/A"}}}
		s.do(context.Background(), &c)
		if c.err != nil {
			b.Fatal(c.err)
		}
	}
}

// BenchmarkEvents measures fan-out and transport: events injected into the
// fan-out of an in-process server reach one framed-protocol subscriber.
// The figure is events delivered per second.
func BenchmarkEvents(b *testing.B) {
	addr, s := startServer(b, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	c := dial(b, addr)
	sub, err := c.Subscribe(context.Background(), []string{"test/tango/rw/A"}, pb.EventType_EVENT_TYPE_CHANGE, client.SubscribeOptions{Buffer: 1024})
	if err != nil {
		b.Fatal(err)
	}
	defer sub.Close()
	ev := Event{Device: "test/tango/rw", Attr: "A", Type: pb.EventType_EVENT_TYPE_CHANGE,
		Reading: &pb.Reading{Value: api.Float(1.5), TimeUnixNano: time.Now().UnixNano()}}
	batch := make([]Event, 100)
	for i := range batch {
		batch[i] = ev
	}
	touched := map[*subscriber]struct{}{}
	var got, dropped uint64
	var received atomic.Uint64
	progress := make(chan struct{}, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	b.ResetTimer()
	go func() {
		defer wg.Done()
		for bt := range sub.C {
			got += uint64(len(bt.Events))
			dropped += bt.Dropped
			received.Store(got + dropped)
			select {
			case progress <- struct{}{}:
			default:
			}
			if got+dropped >= uint64(b.N) {
				return
			}
		}
	}()
	for sent := 0; sent < b.N; sent += len(batch) {
		n := min(len(batch), b.N-sent)
		// Stay within the queue (4096 events): this measures delivery, not
		// dropping. The publisher waits for the consumer, it does not spin.
		for uint64(sent) > received.Load()+3000 {
			<-progress
		}
		s.fan.publish(batch[:n], 1, touched)
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(got)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(dropped), "dropped")
}

// BenchmarkEventLag publishes 100k events/s (paced in 1 ms steps of 100)
// to one subscriber and reports lag percentiles (receive time minus
// publish time).
func BenchmarkEventLag(b *testing.B) {
	addr, s := startServer(b, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	c := dial(b, addr)
	sub, err := c.Subscribe(context.Background(), []string{"test/tango/rw/A"}, pb.EventType_EVENT_TYPE_CHANGE, client.SubscribeOptions{Queue: 1 << 16, Buffer: 1024})
	if err != nil {
		b.Fatal(err)
	}
	defer sub.Close()
	n := max(b.N, 100)
	lags := make([]time.Duration, 0, n)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for bt := range sub.C {
			if bt.Initial {
				continue // the value at subscription: its age, not a lag
			}
			now := time.Now().UnixNano()
			for _, e := range bt.Events {
				lags = append(lags, time.Duration(now-e.Reading.TimeUnixNano))
			}
			if len(lags)+int(bt.Dropped) >= n {
				return
			}
		}
	}()
	touched := map[*subscriber]struct{}{}
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	b.ResetTimer()
	for sent := 0; sent < n; sent += 100 {
		<-tick.C
		k := min(100, n-sent)
		batch := make([]Event, k)
		ts := time.Now().UnixNano()
		for i := range batch {
			batch[i] = Event{Device: "test/tango/rw", Attr: "A", Type: pb.EventType_EVENT_TYPE_CHANGE,
				Reading: &pb.Reading{Value: api.Float(float64(sent + i)), TimeUnixNano: ts}}
		}
		s.fan.publish(batch, 1, touched)
	}
	<-done
	b.StopTimer()
	sort.Slice(lags, func(i, j int) bool { return lags[i] < lags[j] })
	if len(lags) > 0 {
		b.ReportMetric(float64(lags[len(lags)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(lags[len(lags)*99/100].Microseconds()), "p99-µs")
		b.ReportMetric(float64(lags[len(lags)-1].Microseconds()), "max-µs")
	}
}

// BenchmarkStartup starts server processes for generated catalogs and
// reports the time to ready and the resident memory.
func BenchmarkStartup(b *testing.B) {
	for _, sz := range []struct{ devs, attrs int }{{100, 10}, {10000, 1}} {
		b.Run(fmt.Sprintf("%dx%d", sz.devs, sz.attrs), func(b *testing.B) {
			cat := writeCatalog(b, sz.devs, sz.attrs, "VAR('A%d', WRITE=True, default=%d)")
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				r, p := serveProcess(b, RunConfig{Catalog: cat, Servers: []string{"SimulatorDS/gen"}})
				ready := time.Since(t0)
				rss := procRSS(b, r.Pid)
				if err := p.stop(b); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(ready.Milliseconds()), "ms-to-ready")
				b.ReportMetric(float64(rss)/(1<<20), "MiB-RSS")
			}
		})
	}
}

// BenchmarkReadInProcess64 is BenchmarkRead64 with client and server in one
// process (for profiling the whole path).
func BenchmarkReadInProcess64(b *testing.B) {
	addr, _ := startServer(b, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	c := dial(b, addr)
	ctx := context.Background()
	names := []string{"test/tango/rw/A"}
	b.ReportAllocs()
	b.SetParallelism((64 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.ReadAttributes(ctx, names); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
}

// BenchmarkConnectRead is the same single-attribute read over connect-go
// (gRPC over h2c, Connect protobuf and Connect JSON over HTTP/1.1), one
// synchronous caller, client and server in one process.
func BenchmarkConnectRead(b *testing.B) {
	addr, _ := startServer(b, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	var h2 http.Protocols
	h2.SetUnencryptedHTTP2(true)
	for _, m := range []struct {
		name string
		tr   *http.Transport
		opts []connect.ClientOption
	}{
		{"grpc-h2c", &http.Transport{Protocols: &h2}, []connect.ClientOption{connect.WithGRPC()}},
		{"connect-proto-http1", &http.Transport{}, nil},
		{"connect-json-http1", &http.Transport{}, []connect.ClientOption{connect.WithProtoJSON()}},
	} {
		b.Run(m.name, func(b *testing.B) {
			defer m.tr.CloseIdleConnections()
			c := chaoslabv1connect.NewDeviceServiceClient(&http.Client{Transport: m.tr}, "http://"+addr, m.opts...)
			req := connect.NewRequest(&pb.ReadRequest{Names: []string{"test/tango/rw/A"}})
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := c.ReadAttributes(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
		})
	}
}

// BenchmarkFramedReadInProcess is the framed path with one synchronous
// caller, client and server in one process (compare BenchmarkConnectRead).
func BenchmarkFramedReadInProcess(b *testing.B) {
	addr, _ := startServer(b, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	c := dial(b, addr)
	names := []string{"test/tango/rw/A"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.ReadAttributes(context.Background(), names); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
}
