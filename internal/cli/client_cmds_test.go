package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"chaoslab/internal/catalog"
	"chaoslab/internal/server"
)

// startLab serves the server package's lab catalog in-process.
func startLab(t *testing.T) string {
	t.Helper()
	return startLabServer(t, "SimulatorDS/testrw")
}

// startLabServer serves one server of the lab catalog in-process.
func startLabServer(t *testing.T, name string) string {
	t.Helper()
	cat, err := catalog.Load(filepath.Join("..", "server", "testdata", "lab.csv"))
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := server.OpenModel(cat, server.OpenOptions{Servers: []string{name}, Start: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := server.New(server.Options{Model: m})
	done := make(chan struct{})
	go func() { s.Serve(ln); close(done) }()
	t.Cleanup(func() { s.Close(); <-done })
	return ln.Addr().String()
}

// runClient runs one client command as Main would and returns stdout,
// stderr and the exit code.
func runClient(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	s := Streams{In: strings.NewReader(""), Out: &out, Err: &errb}
	root := &cobra.Command{Use: "chaoslab", SilenceUsage: true, SilenceErrors: true}
	root.SetOut(&out)
	root.SetErr(&errb)
	root.AddCommand(newClientCmds(s)...)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	code := ExitOK
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
			if ee.err != nil {
				errb.WriteString(ee.err.Error() + "\n")
			}
		} else {
			code = ExitUsage
			errb.WriteString(err.Error() + "\n")
		}
	}
	return out.String(), errb.String(), code
}

func TestClientCommands(t *testing.T) {
	addr := startLab(t)
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string // substrings
		stderr   []string
		noStdout bool
	}{
		{name: "ls", args: []string{"ls", "test/*"}, stdout: []string{"test/tango/rw", "SimulatorDS/testrw"}},
		{name: "ls long", args: []string{"ls", "-l"}, stdout: []string{"test/tango/rw/B", "DevDouble", "true"}},
		{name: "ls none", args: []string{"ls", "nothing/*"}, code: ExitFailure, stderr: []string{"no device matches nothing/*"}},
		{name: "write", args: []string{"write", "test/tango/rw/A", "3"}, noStdout: true},
		{name: "read", args: []string{"read", "test/tango/rw/A", "test/tango/rw/Twice"}, stdout: []string{"test/tango/rw/A", "3", "test/tango/rw/Twice", "6", "VALID"}},
		{name: "read wildcard", args: []string{"read", "test/tango/rw/S*"}, stdout: []string{"test/tango/rw/State", "ON", "test/tango/rw/Status"}},
		{name: "limit", args: []string{"write", "test/tango/rw/B", "20"}, code: ExitFailure, stderr: []string{"API_WAttrOutsideLimit", "max_value 16"}},
		{name: "not writable", args: []string{"write", "test/tango/rw/T", "1"}, code: ExitFailure, stderr: []string{"API_AttrNotWritable"}},
		{name: "unknown device", args: []string{"read", "no/such/dev/A"}, code: ExitFailure, stderr: []string{"API_DeviceNotFound", "no/such/dev"}},
		{name: "unknown attribute", args: []string{"read", "test/tango/rw/nope"}, code: ExitFailure, stderr: []string{"API_AttrNotFound"}},
		{name: "cmd", args: []string{"cmd", "test/tango/rw", "Double", `["4"]`}, stdout: []string{"8"}},
		{name: "cmd unknown", args: []string{"cmd", "test/tango/rw", "Nope"}, code: ExitFailure, stderr: []string{"API_CommandNotFound"}},
		{name: "config set", args: []string{"config", "test/tango/rw/T", "--polling", "10ms", "--event-period", "10ms"}, stdout: []string{"polling_period_ms", "10"}},
		{name: "config get", args: []string{"config", "test/tango/rw/B"}, stdout: []string{"max_value", "16"}},
		{name: "watch", args: []string{"watch", "test/tango/rw/T", "--event", "periodic", "--count", "3"}, stdout: []string{"test/tango/rw/T"}},
		{name: "watch bad event", args: []string{"watch", "test/tango/rw/T", "--event", "often"}, code: ExitUsage, stderr: []string{"want change, periodic or archive"}},
		{name: "no addr", args: []string{"read", "test/tango/rw/A", "--addr", ""}, code: ExitUsage, stderr: []string{"--addr"}},
		{name: "unreachable", args: []string{"read", "test/tango/rw/A", "--addr", "127.0.0.1:1"}, code: ExitError, stderr: []string{"API_CantConnectToDevice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if !containsFlag(args, "--addr") {
				args = append(args, "--addr", addr)
			}
			out, errs, code := runClient(t, args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errs)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
			if tt.noStdout && out != "" {
				t.Errorf("unexpected stdout:\n%s", out)
			}
		})
	}
}

func containsFlag(args []string, f string) bool {
	for _, a := range args {
		if a == f {
			return true
		}
	}
	return false
}

func TestClientJSON(t *testing.T) {
	addr := startLab(t)
	if _, errs, code := runClient(t, "write", "test/tango/rw/A", "2.5", "--addr", addr); code != 0 {
		t.Fatal(errs)
	}
	out, errs, code := runClient(t, "read", "test/tango/rw/A", "test/tango/rw/nope", "--json", "--addr", addr)
	if code != ExitFailure {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rs []jsonReading
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(rs) != 2 || rs[0].Value != 2.5 || rs[0].Quality != "VALID" || len(rs[1].Errors) != 1 || rs[1].Errors[0].Reason != "API_AttrNotFound" {
		t.Errorf("readings = %+v", rs)
	}
	if _, errs, code := runClient(t, "config", "test/tango/rw/T", "--polling", "10ms", "--event-period", "10ms", "--addr", addr); code != 0 {
		t.Fatal(errs)
	}
	out, errs, code = runClient(t, "watch", "test/tango/rw/T", "--event", "periodic", "--count", "2", "--json", "--addr", addr)
	if code != 0 {
		t.Fatalf("watch exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var ev jsonReading
	if len(lines) != 2 || json.Unmarshal([]byte(lines[0]), &ev) != nil || ev.Name != "test/tango/rw/T" {
		t.Errorf("watch --json:\n%s", out)
	}
	out, _, _ = runClient(t, "ls", "--json", "--addr", addr)
	var devs []jsonDevice
	if err := json.Unmarshal([]byte(out), &devs); err != nil || len(devs) != 1 || len(devs[0].Attributes) == 0 {
		t.Errorf("ls --json: %v %s", err, out)
	}
}
