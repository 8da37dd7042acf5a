package sim

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"chaoslab/internal/catalog"
)

// bigCatalog builds n devices of 10 attributes each, every attribute
// polled every second. distinct makes every device's formula texts
// different (the compile-cost worst case).
func bigCatalog(n int, distinct bool) *catalog.Catalog {
	srv := &catalog.Server{Name: "SimulatorDS/big"}
	for i := 0; i < n; i++ {
		k := 1.0
		if distinct {
			k = float64(i + 1)
		}
		d := &catalog.Device{Name: fmt.Sprintf("big/dev/%05d", i), Class: "SimulatorDS"}
		vals := []string{
			fmt.Sprintf("A0 = DevDouble(%g*sin(t/10.) + random())", k),
			"A1 = A0 * 2 + 1",
			fmt.Sprintf("A2 = VAR('sp', default=%g, WRITE=True)", k),
			"A3 = DevLong(t) % 7",
			"A4 = A1 + A2",
			"A5 = DevBoolean(A4 > 3)",
			"A6 = ramp(t, 1., 60.)",
			"A7 = DevString('x%d' % A3)",
			"A8 = gauss(0, 1)",
			"A9 = max(A0, A8)",
		}
		d.Properties = append(d.Properties, &catalog.Property{Name: "DynamicAttributes", Values: vals},
			&catalog.Property{Name: "StartupDelay", Values: []string{"0"}},
			&catalog.Property{Name: "DynamicStates", Values: []string{"ALARM = A5", "ON = 1"}})
		for a := 0; a < 10; a++ {
			d.Attributes = append(d.Attributes, &catalog.AttrConfig{Name: fmt.Sprintf("A%d", a), Properties: []*catalog.Property{
				{Name: "polling_period", Values: []string{"1000"}},
				{Name: "abs_change", Values: []string{"0.5"}},
			}})
		}
		srv.Devices = append(srv.Devices, d)
	}
	return &catalog.Catalog{Servers: []*catalog.Server{srv}}
}

func BenchmarkBuild10k(b *testing.B) {
	for _, distinct := range []bool{false, true} {
		b.Run(fmt.Sprintf("distinct=%v", distinct), func(b *testing.B) {
			cat := bigCatalog(10_000, distinct)
			b.ReportAllocs()
			b.ResetTimer()
			c0 := cpuTime()
			for i := 0; i < b.N; i++ {
				if _, err := New(cat, Options{Start: t0}); err != nil {
					b.Fatal(err)
				}
			}
			// CPU time (all threads, GC included): steadier than wall time on a shared machine.
			b.ReportMetric((cpuTime()-c0).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// BenchmarkAdvance100k polls 100,000 attributes (10,000 devices × 10) in
// one Advance: every attribute is due once per simulated second.
func BenchmarkAdvance100k(b *testing.B) {
	w, err := New(bigCatalog(10_000, false), Options{Start: t0})
	if err != nil {
		b.Fatal(err)
	}
	w.Advance(t0) // first poll of everything (first events)
	b.ReportAllocs()
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		w.Advance(t0.Add(time.Duration(i+1) * time.Second))
	}
	b.StopTimer()
	b.ReportMetric((cpuTime()-c0).Seconds()/float64(b.N)/100_000*1e9, "cpu-ns/attr")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100_000, "ns/attr")
}

// BenchmarkRead reads one attribute with a dependency chain, cache missed.
func BenchmarkRead(b *testing.B) {
	w, err := New(bigCatalog(1, false), Options{Start: t0})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		w.Read(t0.Add(time.Duration(i+1)*time.Second), "big/dev/00000", "A9")
	}
}

// TestMemoryPerDevice measures the steady-state heap per device of 10
// attributes after every attribute was evaluated (the World does not keep
// the catalog). It reports; it does not assert.
func TestMemoryPerDevice(t *testing.T) {
	if testing.Short() {
		t.Skip("measures memory")
	}
	const n = 5000
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	// The catalog is built inside the measurement: were it built before,
	// its release after New would be subtracted from the World's heap.
	w, err := New(bigCatalog(n, false), Options{Start: t0})
	if err != nil {
		t.Fatal(err)
	}
	w.Advance(t0)
	w.Advance(t0.Add(time.Second))
	runtime.GC()
	runtime.ReadMemStats(&m1)
	per := float64(m1.HeapAlloc-m0.HeapAlloc) / n
	t.Logf("steady-state heap: %.0f bytes per device of 10 polled attributes (%d devices)", per, n)
	runtime.KeepAlive(w)
}
