package sim

import "testing"

// TestPeriodicDueKeepsGrid: polls every 10 ms that each run a little late
// still give one periodic event per poll, i.e. 100 events/s, not fewer.
func TestPeriodicDueKeepsGrid(t *testing.T) {
	const ms = int64(1e6)
	var next int64
	events := 0
	for k := int64(0); k < 100; k++ {
		late := (k % 3) * ms / 2 // 0, 0.5 ms or 1 ms late
		if periodicDue(&next, k*10*ms+late, 10*ms) {
			events++
		}
	}
	if events != 100 {
		t.Fatalf("periodic events over 100 polls at the period = %d, want 100", events)
	}
	// A poller a whole period behind restarts the grid: no burst.
	next = 0
	periodicDue(&next, 0, 10*ms)
	if !periodicDue(&next, 35*ms, 10*ms) || periodicDue(&next, 36*ms, 10*ms) {
		t.Fatal("after falling behind, one event and then the grid from now")
	}
	// Polls faster than the period give events at the period only.
	next, events = 0, 0
	for k := int64(0); k < 100; k++ {
		if periodicDue(&next, k*ms, 10*ms) {
			events++
		}
	}
	if events != 10 {
		t.Fatalf("events from 1 ms polls with a 10 ms period = %d, want 10", events)
	}
}
