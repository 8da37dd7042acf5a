package load

import (
	"context"
	"testing"
	"time"
)

// benchRun runs b.N requests of the open model at a rate above what the
// generator can reach (so it runs flat out) and reports the generator's
// CPU per request.
func benchRun(b *testing.B, be Backend, tg *Targets, patterns []string) {
	b.ReportAllocs()
	spec := Spec{Targets: patterns, Rate: 5_000_000, Requests: int64(b.N), MaxRequests: max(int64(b.N), 1), MaxInFlight: 256, MaxLate: Duration(time.Minute)}
	b.ResetTimer()
	cpu0 := ProcessCPU()
	res, err := Run(context.Background(), spec, tg, Options{Backend: be})
	if err != nil {
		b.Fatal(err)
	}
	cpu := ProcessCPU() - cpu0
	if res.Total.OK != int64(b.N) {
		b.Fatalf("ok %d of %d", res.Total.OK, b.N)
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/1e3, "cpu-µs/req")
	b.ReportMetric(res.AchievedRate, "req/s")
}

// BenchmarkGeneratorInProcess: the generator alone (a backend that answers
// at once).
func BenchmarkGeneratorInProcess(b *testing.B) {
	benchRun(b, &fakeBackend{}, testTargets(), []string{"*"})
}

// BenchmarkGeneratorServer: against a real server process (client
// included in the generator's CPU).
func BenchmarkGeneratorServer(b *testing.B) {
	r, _ := twin(b)
	be, tg := dialTargets(b, r.Addr, 2, []string{"test/load/rw/A"}, nil)
	benchRun(b, be, tg, []string{"test/load/rw/A"})
}

func BenchmarkRecorderDone(b *testing.B) {
	b.ReportAllocs()
	r := NewRecorder()
	t0 := time.Unix(0, 0)
	for i := 0; b.Loop(); i++ {
		r.Done(OpRead, t0, t0.Add(time.Microsecond), t0.Add(time.Duration(i%1000)*time.Microsecond), "")
	}
}
