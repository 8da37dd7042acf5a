package sim

import (
	"bytes"
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"chaoslab/internal/catalog"
)

// elinacCSV writes a realistic catalog in the shape of the seed's elinac
// export: n devices of 10 attributes whose formula texts embed each
// device's own default value (so every device has distinct texts), with
// states, a command, and attribute properties (limits, unit, polling).
func elinacCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("host\tserver\tclass\tdevice\tproperty\tvalue\n")
	for i := 0; i < n; i++ {
		dev := fmt.Sprintf("elin/dev%03d/%05d", i/100, i)
		for a := 0; a < 10; a++ {
			lead := "\t\t\t\t"
			if a == 0 {
				lead = fmt.Sprintf("host-%d\tDynamicDS/s%03d\tSimulatorDS\t%s\tDynamicAttributes\t", i/1000, i/100, dev)
			} else {
				lead += "\t"
			}
			def := float64(i%997) + float64(a)/10
			switch a % 3 {
			case 0:
				fmt.Fprintf(&b, "%sA%d = DevDouble(VAR('A%d', default=%g * (1+2*sin(t)%%3.14)))\n", lead, a, a, def)
			case 1:
				fmt.Fprintf(&b, "%sA%d = DevDouble(%g + 0.5*random() + A%d)\n", lead, a, def, a-1)
			default:
				fmt.Fprintf(&b, "%sA%d = DevLong(VAR('A%d', default=%d, WRITE=True))\n", lead, a, a, i%1000+a)
			}
		}
		fmt.Fprintf(&b, "\t\t\t\tDynamicCommands\tReset = DevString('%s/Reset')\n", dev)
		b.WriteString("\t\t\t\tDynamicStates\tALARM = A1 > 1e9\n\t\t\t\t\tON = 1\n")
		b.WriteString("\t\t\t\tStartupDelay\t0\n")
		for a := 0; a < 10; a++ {
			fmt.Fprintf(&b, "\t\t\t\tA%d.polling_period\t3000\n\t\t\t\tA%d.min_value\t-%d\n\t\t\t\tA%d.max_value\t%d\n\t\t\t\tA%d.unit\tmbar\n", a, a, a, a, 10000+a, a)
		}
	}
	return b.Bytes()
}

func loadAndBuild(tb testing.TB, data []byte) *World {
	cat, err := catalog.Read("elinac10k.csv", data, catalog.FormatCSV)
	if err != nil {
		tb.Fatal(err)
	}
	if errs := catalog.Check(cat); len(errs) > 0 {
		tb.Fatal(errs[0])
	}
	w, err := New(cat, Options{Start: t0})
	if err != nil {
		tb.Fatal(err)
	}
	if len(w.Problems()) > 0 {
		tb.Fatal(w.Problems()[0])
	}
	return w
}

// BenchmarkLoadAndBuild10k is the end-to-end target: CSV bytes →
// catalog (read + check) → World, 10,000 devices × 10 attributes with
// distinct formula texts per device.
func BenchmarkLoadAndBuild10k(b *testing.B) {
	data := elinacCSV(10_000)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	c0 := cpuTime()
	for b.Loop() {
		loadAndBuild(b, data)
	}
	// CPU time (all threads, GC included) is steadier than wall time on a
	// shared machine; on an idle 2-core machine wall ≈ cpu / 1.6.
	b.ReportMetric((cpuTime()-c0).Seconds()/float64(b.N), "cpu-s/op")
}

// cpuTime is the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkMemoryPerDevice reports the steady-state heap per device of 10
// polled attributes after two polling rounds, measured from before the
// catalog is read: the catalog counts when the World keeps it alive (it
// does not). distinct: the elinac-like CSV (every device has its own
// formula texts, so its own compiled Programs); shared: bigCatalog (one
// text per attribute across devices).
func BenchmarkMemoryPerDevice(b *testing.B) {
	const n = 5000
	data := elinacCSV(n)
	for _, tc := range []struct {
		name  string
		build func() *World
		step  time.Duration
	}{
		{"distinct", func() *World { return loadAndBuild(b, data) }, 3 * time.Second},
		{"shared", func() *World {
			w, err := New(bigCatalog(n, false), Options{Start: t0})
			if err != nil {
				b.Fatal(err)
			}
			return w
		}, time.Second},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				runtime.GC()
				var m0, m1 runtime.MemStats
				runtime.ReadMemStats(&m0)
				w := tc.build()
				w.Advance(t0)
				w.Advance(t0.Add(tc.step))
				runtime.GC()
				runtime.ReadMemStats(&m1)
				b.ReportMetric(float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc))/n, "B/device")
				runtime.KeepAlive(w)
			}
		})
	}
}
