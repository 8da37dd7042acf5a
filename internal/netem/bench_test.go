package netem

import (
	"io"
	"net"
	"slices"
	"testing"
	"time"
)

// BenchmarkProxyLatency ping-pongs 64-byte messages with an echo server,
// alternating a direct connection and one through the proxy (no toxics),
// and reports p50/p99 of both and the p50 the proxy adds.
func BenchmarkProxyLatency(b *testing.B) {
	b.ReportAllocs()
	up := echoServer(b)
	p := New(Config{Upstream: up})
	if err := p.Start(); err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	direct, err := net.Dial("tcp", up)
	if err != nil {
		b.Fatal(err)
	}
	defer direct.Close()
	proxied, err := net.Dial("tcp", p.Addr())
	if err != nil {
		b.Fatal(err)
	}
	defer proxied.Close()
	msg := make([]byte, 64)
	buf := make([]byte, 64)
	rt := func(c net.Conn) time.Duration {
		start := time.Now()
		if _, err := c.Write(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	for range 100 { // warm up both paths
		rt(direct)
		rt(proxied)
	}
	var d, q []time.Duration
	b.ResetTimer()
	for b.Loop() {
		d = append(d, rt(direct))
		q = append(q, rt(proxied))
	}
	b.StopTimer()
	slices.Sort(d)
	slices.Sort(q)
	pct := func(s []time.Duration, f float64) float64 {
		return float64(s[int(f*float64(len(s)-1))]) / 1e3
	}
	b.ReportMetric(pct(d, 0.5), "direct-p50-µs")
	b.ReportMetric(pct(q, 0.5), "proxy-p50-µs")
	b.ReportMetric(pct(q, 0.99), "proxy-p99-µs")
	b.ReportMetric(pct(q, 0.5)-pct(d, 0.5), "added-p50-µs")
}

// sink accepts one connection and counts bytes; counted receives totals.
func sink(b *testing.B) (string, <-chan int64) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	counted := make(chan int64, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		n, _ := io.Copy(io.Discard, c)
		c.Close()
		counted <- n
	}()
	return ln.Addr().String(), counted
}

// BenchmarkProxyThroughput sends 1 MiB per op one way and waits until the
// server has received everything.
func BenchmarkProxyThroughput(b *testing.B) {
	for _, tc := range []struct {
		name  string
		proxy bool
		toxic string
	}{{"direct", false, ""}, {"proxy", true, ""}, {"proxy-noop-toxic", true, "latency=0s,stream=up"}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			addr, counted := sink(b)
			if tc.proxy {
				p := New(Config{Upstream: addr})
				if err := p.Start(); err != nil {
					b.Fatal(err)
				}
				defer p.Close()
				if tc.toxic != "" {
					add(b, p, tc.toxic)
				}
				addr = p.Addr()
			}
			c, err := net.Dial("tcp", addr)
			if err != nil {
				b.Fatal(err)
			}
			chunk := make([]byte, 1<<20)
			b.SetBytes(int64(len(chunk)))
			var total int64
			for b.Loop() {
				if _, err := c.Write(chunk); err != nil {
					b.Fatal(err)
				}
				total += int64(len(chunk))
			}
			c.Close()
			if got := <-counted; got != total {
				b.Fatalf("server got %d bytes, sent %d", got, total)
			}
		})
	}
}
