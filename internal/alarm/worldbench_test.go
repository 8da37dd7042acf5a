package alarm_test

import (
	"fmt"
	"testing"
	"time"

	"chaoslab/internal/alarm"
	"chaoslab/internal/catalog"
	"chaoslab/internal/sim"
)

// BenchmarkWorldAlarms measures alarm evaluations per second through the
// World: 64 alarms on one PyAlarm device reading the vacuum twin's gauge
// pressures (DynamicDS formulas evaluated on read) with PollingPeriod 1 s.
// One op is one alarm evaluation.
func BenchmarkWorldAlarms(b *testing.B) {
	vac, err := catalog.Load("../../examples/vacuum/vacuum.csv")
	if err != nil {
		b.Fatal(err)
	}
	dev := &catalog.Device{Name: "sr/vc/bench", Class: "PyAlarm"}
	var lines []string
	for i := 0; i < 64; i++ {
		lines = append(lines, fmt.Sprintf("P%02d:sr%02d/vc/ccg-%02d/Pressure > 1e-8 or sr%02d/vc/ccg-%02d/Pressure.delta > 1e-9", i, 1+i/32, 1+i%8, 1+i/32, 1+(i+1)%8))
	}
	dev.Properties = []*catalog.Property{{Name: "AlarmList", Values: lines}, {Name: "PollingPeriod", Values: []string{"1"}},
		{Name: "StartupDelay", Values: []string{"0"}}, {Name: "Enabled", Values: []string{"True"}}}
	vac.Servers = append(vac.Servers, &catalog.Server{Name: "PyAlarm/bench", Devices: []*catalog.Device{dev}})
	start := time.Unix(1_700_000_000, 0)
	w, err := sim.New(vac, sim.Options{Start: start, Servers: []string{"SimulatorDS/vc-gauges-sr01-04", "PyAlarm/bench"},
		Kinds: alarm.Kinds(alarm.Options{Catalog: vac, Start: start})})
	if err != nil {
		b.Fatal(err)
	}
	now := start.Add(3 * time.Second)
	w.Advance(now)
	step := time.Second / 64 // one alarm evaluation per step
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		now = now.Add(step)
		w.Advance(now)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
}
