package syntax

import (
	"syscall"
	"testing"
	"time"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_THREAD, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestZZCPU(t *testing.T) {
	srcs := []string{benchFormula, `DevVarDoubleArray([25+v*sin((1./k)*t) for v,k in [(5,60),(10,30),(15,45),(5,5)]])`}
	for _, s := range srcs {
		const n = 50000
		t0 := cpuNow()
		for i := 0; i < n; i++ {
			Parse(s, Options{})
		}
		t.Logf("%.0f ns cpu/op  %q", float64(cpuNow()-t0)/n, s[:20])
	}
}
