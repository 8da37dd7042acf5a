package supervisor

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"chaoslab/internal/api"
	"chaoslab/internal/client"
)

// StateVersion is the version of the state file format.
const StateVersion = 1

// File names inside a state directory.
const (
	StateFile = "state.json"
	LockFile  = "lock"
	LogDir    = "logs"
	RunDir    = "run"
)

// Desired is what the operator wants for a server.
type Desired string

// Desired states.
const (
	DesiredRunning Desired = "running"
	DesiredStopped Desired = "stopped"
)

// Phase is what a server process is doing, as the supervisor sees it.
type Phase string

// Phases. "dead" and "orphan" are never written by the supervisor: Inspect
// reports them when /proc disagrees with the file or the supervisor is gone.
const (
	PhaseStarting Phase = "starting" // spawned, not ready yet
	PhaseRunning  Phase = "running"  // ready file seen: every device answers
	PhaseStopping Phase = "stopping" // SIGTERM sent
	PhaseStopped  Phase = "stopped"  // not running, as desired
	PhaseBackoff  Phase = "backoff"  // exited; restart scheduled
	PhaseFailed   Phase = "failed"   // exited; the policy gave up
	PhaseDead     Phase = "dead"     // recorded as live but not in /proc
	PhaseOrphan   Phase = "orphan"   // alive, but its supervisor is gone
)

// Proc identifies a process robustly: pids are reused, so the start time
// (clock ticks since boot, /proc/PID/stat field 22) is kept with it.
type Proc struct {
	Pid   int    `json:"pid,omitempty"`
	Ticks uint64 `json:"ticks,omitempty"`
}

// Server is the record of one catalog server.
type Server struct {
	Name    string   `json:"name"` // Class/instance
	Host    string   `json:"host,omitempty"`
	Devices []string `json:"devices"`
	Desired Desired  `json:"desired"`
	Phase   Phase    `json:"phase"`
	Proc             // current process, zero when none
	Addr    string   `json:"addr,omitempty"` // host:port it listens on (kept across restarts)
	// Unix is its Unix socket ("@name": Linux's abstract namespace, no
	// file to leave behind), which local clients take (see ClientAddr).
	Unix     string    `json:"unix,omitempty"`
	Started  time.Time `json:"started,omitzero"`
	Restarts int       `json:"restarts"` // restarts made by the policy
	// Hold names the fault holding the server down (desired stopped until
	// that fault releases it); empty when no fault holds it.
	Hold string `json:"hold,omitempty"`
	// HoldUntil is the hold's deadline: the supervisor releases a hold
	// whose deadline passed (a dead-man's switch for an injector that
	// died). Zero: no deadline.
	HoldUntil time.Time `json:"hold_until,omitzero"`
	// ProxyAddr is the client-facing address (the supervisor's netem proxy
	// in front of Addr) when the twin runs with proxies; empty otherwise.
	ProxyAddr string `json:"proxy_addr,omitempty"`
	// RestartTimes are the policy's recent restarts (for its window).
	RestartTimes []time.Time `json:"restart_times,omitempty"`
	LastExit     string      `json:"last_exit,omitempty"`
	LastExitAt   time.Time   `json:"last_exit_at,omitzero"`
	Log          string      `json:"log"`        // absolute path of its log
	ReadyFile    string      `json:"ready_file"` // absolute path of its ready file
}

// Supervisor is the record of the supervisor process.
type Supervisor struct {
	Proc
	Started time.Time `json:"started,omitzero"`
	Control string    `json:"control,omitempty"` // HTTP control endpoint, 127.0.0.1:port
	Token   string    `json:"token,omitempty"`   // bearer token of the control endpoint
	// Netem is the base URL of the netem control API (http://127.0.0.1:port)
	// serving the proxies, when the twin runs with proxies.
	Netem string `json:"netem,omitempty"`
}

// State is the content of DIR/state.json: what runs where.
type State struct {
	Version    int        `json:"version"`
	Dir        string     `json:"dir"`     // absolute state directory
	Catalog    string     `json:"catalog"` // absolute catalog path
	Binary     string     `json:"binary"`  // chaoslab executable used for servers
	Policy     Policy     `json:"policy"`
	Supervisor Supervisor `json:"supervisor"`
	Servers    []*Server  `json:"servers"`
	// Proxies puts one netem proxy (run by the supervisor) in front of
	// every server: clients resolving through the state, and the servers'
	// peers, connect through it. See ClientAddr.
	Proxies bool `json:"proxies,omitempty"`
	// ProxySeed seeds the proxies' random choices.
	ProxySeed uint64 `json:"proxy_seed,omitempty"`
	// ServeArgs are extra arguments for every `chaoslab serve` (the alarm
	// flags of `up`).
	ServeArgs []string `json:"serve_args,omitempty"`
}

// ErrNoState means the state directory has no state file: nothing is up.
var ErrNoState = errors.New("no twin is up")

// LoadState reads DIR/state.json. A missing file gives an error wrapping
// ErrNoState.
func LoadState(dir string) (*State, error) {
	path := filepath.Join(dir, StateFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", dir, ErrNoState)
	}
	if err != nil {
		return nil, err
	}
	return decodeState(path, data)
}

func decodeState(path string, data []byte) (*State, error) {
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if st.Version != StateVersion {
		return nil, fmt.Errorf("%s: state version %d, want %d", path, st.Version, StateVersion)
	}
	for i, sv := range st.Servers {
		if sv == nil || sv.Name == "" {
			return nil, fmt.Errorf("%s: servers[%d]: no server name", path, i)
		}
	}
	return &st, nil
}

// Save writes the state to DIR/state.json atomically (temporary file,
// then rename), so a reader never sees half a file.
func (s *State) Save() error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(s.Dir, StateFile), append(data, '\n'))
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// Server returns the record of the named server (case-insensitive), or nil.
func (s *State) Server(name string) *Server {
	for _, sv := range s.Servers {
		if strings.EqualFold(sv.Name, name) {
			return sv
		}
	}
	return nil
}

// Lookup returns the server hosting device (case-insensitive), or nil.
func (s *State) Lookup(device string) *Server {
	for _, sv := range s.Servers {
		for _, d := range sv.Devices {
			if strings.EqualFold(d, device) {
				return sv
			}
		}
	}
	return nil
}

// Resolve implements client.Resolver: the address of the server hosting
// device, an *api.Error with ReasonDeviceNotFound when no recorded server
// hosts it, or ReasonUnavailable when its server is not running.
func (s *State) Resolve(_ context.Context, device string) (string, error) {
	sv := s.Lookup(device)
	if sv == nil {
		return "", api.NewError(api.ReasonDeviceNotFound, fmt.Sprintf("no server of the twin in %s hosts device %s", s.Dir, device), "supervisor")
	}
	if sv.Addr == "" || sv.Phase != PhaseRunning {
		return "", api.NewError(api.ReasonUnavailable, fmt.Sprintf("server %s of device %s is %s", sv.Name, device, sv.Phase), "supervisor")
	}
	return sv.ClientAddr(), nil
}

// ClientAddr is the address clients connect to: the proxy's when the twin
// runs with proxies (network faults must reach them), else the server's
// Unix socket (a round trip costs about half of one over loopback TCP),
// else its TCP address.
func (sv *Server) ClientAddr() string {
	switch {
	case sv.ProxyAddr != "":
		return sv.ProxyAddr
	case sv.Unix != "":
		return api.UnixAddr(sv.Unix)
	}
	return sv.Addr
}

// unixName is the abstract Unix socket of server in the twin of state
// directory dir: fixed across restarts like its port, unique per twin, and
// within the 107 bytes a socket name may have.
func unixName(dir, server string) string {
	h := sha256.Sum256([]byte(dir))
	name := fileName(server)
	if len(name) > 64 {
		hs := sha256.Sum256([]byte(server))
		name = name[:40] + "-" + hex.EncodeToString(hs[:8])
	}
	return "@chaoslab-" + hex.EncodeToString(h[:8]) + "-" + name
}

var _ client.Resolver = (*State)(nil)

// fileName maps a server name to a file name: Tango server names are
// Class/instance and never contain '+'.
func fileName(server string) string { return strings.ReplaceAll(server, "/", "+") }

// DefaultDir is the state directory used without --state or CHAOSLAB_STATE.
const DefaultDir = ".chaoslab"
