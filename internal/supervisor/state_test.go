package supervisor

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chaoslab/internal/api"
)

func testState(dir string) *State {
	st := &State{Version: StateVersion, Dir: dir, Catalog: "/x/twin.csv", Binary: "/x/chaoslab", Policy: DefaultPolicy}
	for _, sv := range testServers() {
		r := newServerRecord(dir, sv.Name, sv.Host, sv.Devices)
		r.Phase, r.Addr = PhaseRunning, "127.0.0.1:1"
		st.Servers = append(st.Servers, r)
	}
	st.Servers[1].Phase = PhaseStopped
	return st
}

func TestStateSaveLoad(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadState(dir); !errors.Is(err, ErrNoState) {
		t.Fatalf("LoadState of an empty dir = %v, want ErrNoState", err)
	}
	st := testState(dir)
	st.Servers[0].Started = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := st.Save(); err != nil {
		t.Fatal(err)
	}
	got, err := LoadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Servers) != 4 || !got.Servers[0].Started.Equal(st.Servers[0].Started) || got.Servers[1].Log != filepath.Join(dir, "logs", "SimulatorDS+h0b.log") {
		t.Errorf("round trip lost data: %+v", got.Servers[1])
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("Save left temporary files: %v", entries)
	}
}

func TestLoadStateErrors(t *testing.T) {
	for _, tt := range []struct{ name, data, want string }{
		{"version", `{"version": 9}`, "state version 9, want 1"},
		{"syntax", `{"version": `, "unexpected end of JSON input"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, StateFile), []byte(tt.data), 0o644)
			_, err := LoadState(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), StateFile) {
				t.Errorf("LoadState = %v, want an error naming %s and saying %q", err, StateFile, tt.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	st := testState("/s")
	for _, tt := range []struct {
		device, addr string
		reason       string
	}{
		{"test/h0/a", "127.0.0.1:1", ""},
		{"TEST/H0/A", "127.0.0.1:1", ""},
		{"test/h0/b2", "", api.ReasonUnavailable},
		{"test/none/1", "", api.ReasonDeviceNotFound},
	} {
		t.Run(tt.device, func(t *testing.T) {
			addr, err := st.Resolve(context.Background(), tt.device)
			if addr != tt.addr || api.ReasonOf(err) != tt.reason {
				t.Errorf("Resolve = %q, %v; want %q, reason %q", addr, err, tt.addr, tt.reason)
			}
		})
	}
	if sv := st.Lookup("test/h0/b2"); sv == nil || sv.Name != "SimulatorDS/h0b" {
		t.Errorf("Lookup(test/h0/b2) = %v", sv)
	}
}

func FuzzDecodeState(f *testing.F) {
	f.Add([]byte(`{"version":1,"servers":[{"name":"a/b","devices":["x/y/z"]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := decodeState("state.json", b)
		if err == nil {
			st.Lookup("x/y/z")
			st.Resolve(context.Background(), "x/y/z")
		}
	})
}

func TestDirResolver(t *testing.T) {
	dir := t.TempDir()
	r := NewResolver(dir)
	if _, err := r.Resolve(context.Background(), "test/h0/a"); !errors.Is(err, ErrNoState) {
		t.Fatalf("Resolve without state = %v, want ErrNoState", err)
	}
	st := testState(dir)
	st.Save()
	if a, err := r.Resolve(context.Background(), "test/h0/a"); a != "127.0.0.1:1" || err != nil {
		t.Fatalf("Resolve = %q, %v", a, err)
	}
	// A restart on another address is seen (the file changes size here;
	// the modification time changes too on any real rewrite).
	st.Servers[0].Addr = "127.0.0.1:12345"
	st.Save()
	if a, err := r.Resolve(context.Background(), "test/h0/a"); a != "127.0.0.1:12345" || err != nil {
		t.Fatalf("Resolve after a change = %q, %v", a, err)
	}
}
