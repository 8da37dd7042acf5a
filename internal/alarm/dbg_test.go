package alarm

import (
	"testing"
	"time"

	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/sim"
)

func TestDbg(t *testing.T) {
	d := newTestDevice(t, fakeHost{}, map[string]string{"PollingPeriod": "1", "AlarmThreshold": "1"}, "B:True", "A:True")
	start := time.Unix(1_000_000, 0)
	d.Advance(start, nil)
	d.Advance(start.Add(10*time.Second), nil)
	now := start.Add(10 * time.Second)
	d.Command(now, "Disable", pyval.NewList([]pyval.Value{pyval.Str("B"), pyval.Str("x"), pyval.Str("2s")}))
	t.Logf("disabled until %v cycle %d pos %d due %v", d.byTag["B"].Disabled.Sub(start), len(d.cycle), d.pos, d.due.Sub(start))
	for _, s := range []int{11, 12, 13, 15} {
		n := d.Advance(start.Add(time.Duration(s)*time.Second), func(sim.Event) {})
		t.Logf("%d: next %v active %v cycle %d pos %d", s, n.Sub(start), d.byTag["B"].Active.Sub(start), len(d.cycle), d.pos)
	}
}
