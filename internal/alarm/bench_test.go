package alarm

import (
	"testing"
	"time"

	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/sim"
)

// BenchmarkEvaluate measures one alarm evaluation (reads, formula,
// lifecycle) of typical PANIC formulas.
func BenchmarkEvaluate(b *testing.B) {
	host := fakeHost{"sr/vc/gauge-01/pressure": {Value: pyval.Float(2e-9)}, "sr/vc/gauge-01/state": {Value: pyval.Int(int64(sim.On))}}
	for _, f := range []string{
		"sr/vc/gauge-01/pressure > 1e-8",
		"sr/vc/gauge-01/pressure > 1e-8 and sr/vc/gauge-01 == ON or sr/vc/gauge-01/pressure.delta > 1e-9",
		"NOW()%5 < 2.5",
	} {
		b.Run(f, func(b *testing.B) {
			d := newTestDevice(b, host, nil, "P:"+f)
			a := d.alarms[0]
			now := time.Unix(1000, 0)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				now = now.Add(time.Second)
				d.process(a, now, nil)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
		})
	}
}
