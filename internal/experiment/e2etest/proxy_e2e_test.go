package e2etest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"chaoslab/internal/fault"
	"chaoslab/internal/journal"
	"chaoslab/internal/netem"
	"chaoslab/internal/supervisor"
)

// TestSupervisorProxies: on a twin up with --proxy, a net.latency action
// goes through the supervisor's proxy (the probe sees it: deviated), is
// recorded as a fault of internal/fault, and nothing is left after.
func TestSupervisorProxies(t *testing.T) {
	tw := upTwin(t, "examples/rw/rw.csv", "--proxy")
	st, err := supervisor.LoadState(tw.state)
	if err != nil || st.Supervisor.Netem == "" {
		t.Fatalf("state: %v, netem %q", err, st.Supervisor.Netem)
	}
	server := st.Servers[0].Name
	p := tw.write("net.yaml", fmt.Sprintf(`title: latency through the supervisor's proxy
steady_state:
  interval: 200ms
  probes:
    - name: read latency
      metric: read_latency_ms
      servers: [%q]
      tolerance: {max: 150}
method:
  - action: net.latency
    target: {servers: [%q]}
    attributes: {latency: 300ms}
    duration: 1500ms
`, server, server))
	jp := filepath.Join(tw.dir, "net.jsonl")
	code, out := tw.run("run", p, "--journal", jp)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (deviated)\n%s", code, out)
	}
	evs := readJournal(t, jp)
	if len(types(evs, journal.TypeFault)) != 1 || len(types(evs, journal.TypeUndo)) != 1 {
		t.Errorf("want one fault, undone")
	}
	ts, err := netem.NewClient(st.Supervisor.Netem, nil).Toxics(context.Background(), server)
	if err != nil || len(ts) != 0 {
		t.Errorf("toxics left: %v %v", ts, err)
	}
	if recs, _ := fault.Records(tw.state); len(recs) != 0 {
		t.Errorf("fault records left: %v", recs)
	}
}
