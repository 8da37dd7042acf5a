package catalog

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
)

// gen10k writes a 10,000-device catalog, each device with 10
// DynamicAttributes lines and min/max/unit for each of 10 attributes.
func gen10k(devices int) *bytes.Buffer {
	var b bytes.Buffer
	b.WriteString("host\tserver\tclass\tdevice\tproperty\tvalue\n")
	for d := 0; d < devices; d++ {
		fmt.Fprintf(&b, "host-%d\tSimulatorDS/s%d\tSimulatorDS\tsim/dev%d/%d\tDynamicAttributes\tA0=VAR(\"A0\",WRITE=True,default=0)\n", d/1000, d/100, d/100, d)
		for a := 1; a < 10; a++ {
			fmt.Fprintf(&b, "\t\t\t\t\tA%d=sin(t+%d)*%d\n", a, a, d)
		}
		fmt.Fprintf(&b, "\t\t\t\tKeepTime\t200\n")
		for a := 0; a < 10; a++ {
			fmt.Fprintf(&b, "\t\t\t\tA%d.min_value\t-%d\n\t\t\t\tA%d.max_value\t%d\n\t\t\t\tA%d.unit\tmbar\n", a, a, a, 100+a, a)
		}
	}
	return &b
}

func BenchmarkLoadCSV10k(b *testing.B) {
	data := gen10k(10000).Bytes()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		c, err := ReadCSV("bench.csv", bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		if errs := Check(c); len(errs) > 0 {
			b.Fatal(errs[0])
		}
	}
	reportPerDevice(b, func() any {
		c, _ := ReadCSV("bench.csv", bytes.NewReader(data))
		return c
	})
}

// gen10kYAML is gen10k written as YAML.
func gen10kYAML(tb testing.TB, devices int) []byte {
	tb.Helper()
	c, err := ReadCSV("gen.csv", gen10k(devices))
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteYAML(&buf, c); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkLoadYAML10k(b *testing.B) {
	data := gen10kYAML(b, 10000)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		c, err := ReadYAML("bench.yaml", data)
		if err != nil {
			b.Fatal(err)
		}
		if errs := Check(c); len(errs) > 0 {
			b.Fatal(errs[0])
		}
	}
	reportPerDevice(b, func() any {
		c, _ := ReadYAML("bench.yaml", data)
		return c
	})
}

// reportPerDevice measures the heap retained by one catalog of 10k devices.
func reportPerDevice(b *testing.B, load func() any) {
	b.StopTimer()
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	keep := load()
	runtime.GC()
	runtime.ReadMemStats(&m1)
	runtime.KeepAlive(keep)
	b.ReportMetric(float64(m1.HeapAlloc-m0.HeapAlloc)/10000, "retained-B/device")
}
