package cli

import (
	"strings"
	"testing"

	"chaoslab/internal/supervisor"
)

// TestClientCommandsFindServersInState: without --addr, client commands
// find each device's server in the twin's state directory, and send
// device patterns to every server, reporting a pattern that matches nothing
// once.
func TestClientCommandsFindServersInState(t *testing.T) {
	dir := t.TempDir()
	st := &supervisor.State{Version: supervisor.StateVersion, Dir: dir, Servers: []*supervisor.Server{
		{Name: "SimulatorDS/testrw", Devices: []string{"test/tango/rw"}, Phase: supervisor.PhaseRunning, Addr: startLabServer(t, "SimulatorDS/testrw")},
		{Name: "SimulatorDS/other", Devices: []string{"test/tango/other"}, Phase: supervisor.PhaseRunning, Addr: startLabServer(t, "SimulatorDS/other")},
	}}
	if err := st.Save(); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CHAOSLAB_ADDR", "")

	out, errs, code := runClient(t, "read", "--state", dir, "test/tango/rw/A", "test/tango/other/State")
	if code != 0 || !strings.Contains(out, "test/tango/rw/A") || !strings.Contains(out, "test/tango/other/State") {
		t.Fatalf("read across two servers: code %d\n%s%s", code, out, errs)
	}
	out, errs, code = runClient(t, "ls", "--state", dir, "test/tango/*")
	if code != 0 || !strings.Contains(out, "test/tango/rw") || !strings.Contains(out, "test/tango/other") {
		t.Fatalf("ls of a pattern over two servers: code %d\n%s%s", code, out, errs)
	}
	_, errs, code = runClient(t, "read", "--state", dir, "zz*/x/y/A")
	if code != ExitFailure || strings.Count(errs, "API_AttrNotFound") != 1 {
		t.Fatalf("a pattern matching nothing: code %d, want one error line\n%s", code, errs)
	}
	_, errs, code = runClient(t, "write", "--state", dir, "test/tango/rw/B", "20")
	if code != ExitFailure || !strings.Contains(errs, "API_WAttrOutsideLimit") {
		t.Fatalf("write out of limits through the state: code %d\n%s", code, errs)
	}
	_, errs, code = runClient(t, "read", "--state", t.TempDir(), "test/tango/rw/A")
	if code != ExitUsage || !strings.Contains(errs, "chaoslab up") {
		t.Fatalf("no twin: code %d\n%s", code, errs)
	}
}
