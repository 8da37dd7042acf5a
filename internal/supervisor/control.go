package supervisor

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"time"
)

// Verbs of the control endpoint. Start, Stop, Kill and Restart are the
// verbs of tango_servers.
const (
	VerbStart    = "start"    // desired running; start now if not running
	VerbStop     = "stop"     // desired stopped; SIGTERM, SIGKILL after the grace period
	VerbKill     = "kill"     // SIGKILL, desired state unchanged: the policy restarts it
	VerbRestart  = "restart"  // stop, then start again at once (not counted as a restart)
	VerbAdd      = "add"      // add servers to the twin and start them
	VerbShutdown = "shutdown" // stop every server, then the supervisor exits
	// VerbHold holds servers down for a fault (Fault names it): desired
	// stopped, SIGTERM (or SIGKILL with Kill), and no restart until
	// VerbRelease by the same fault or an operator start.
	VerbHold = "hold"
	// VerbRelease ends a fault's hold: desired running again, started now.
	// Servers held by another fault, or not held, are left alone, so a
	// release is idempotent.
	VerbRelease = "release"
)

// ctlRequest is the body of POST /control.
type ctlRequest struct {
	Verb     string    `json:"verb"`
	Patterns []string  `json:"patterns,omitempty"`
	Add      []*Server `json:"add,omitempty"`
	Fault    string    `json:"fault,omitempty"` // hold, release: the fault's id
	Kill     bool      `json:"kill,omitempty"`  // hold: SIGKILL instead of SIGTERM
	Until    time.Time `json:"until,omitzero"`  // hold: released by the supervisor at this time
}

// ctlReply is its answer: the servers acted on, or an error.
type ctlReply struct {
	Servers []string `json:"servers,omitempty"`
	Error   string   `json:"error,omitempty"`
}

func newToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("control token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// serveControl serves POST /control on ln. Requests are handed to the loop
// goroutine, which owns the state, and answered when it has applied them.
func (s *supervisor) serveControl(ln net.Listener, token string) *http.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /control", func(w http.ResponseWriter, r *http.Request) {
		// Constant time: the token is the only thing between a local
		// process and the twin's kill switch.
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+token)) != 1 {
			http.Error(w, "bad token", http.StatusUnauthorized)
			return
		}
		var req ctlRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
			return
		}
		ev := ctlEvent{req: req, reply: make(chan ctlReply, 1)}
		select {
		case s.events <- ev:
		case <-s.quit:
			http.Error(w, "supervisor stopping", http.StatusServiceUnavailable)
			return
		case <-r.Context().Done():
			return
		}
		var rep ctlReply
		select {
		case rep = <-ev.reply:
		case <-s.quit:
			select {
			case rep = <-ev.reply: // answered just before the loop ended
			default:
				http.Error(w, "supervisor stopping", http.StatusServiceUnavailable)
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		if rep.Error != "" {
			w.WriteHeader(http.StatusBadRequest)
		}
		json.NewEncoder(w).Encode(rep)
	})
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln)
	return hs
}

// control applies a request in the loop goroutine.
func (s *supervisor) control(req ctlRequest) ctlReply {
	if s.shutdown {
		return ctlReply{Error: "the supervisor is shutting down"}
	}
	switch req.Verb {
	case VerbShutdown:
		s.opts.Log.Info("shutdown requested")
		s.beginShutdown()
		return ctlReply{}
	case VerbAdd:
		var added []*Server
		for _, n := range req.Add {
			if n == nil || n.Name == "" || s.st.Server(n.Name) != nil {
				continue
			}
			sv := newServerRecord(s.st.Dir, n.Name, n.Host, n.Devices)
			s.st.Servers = append(s.st.Servers, sv)
			s.reserve(sv, s.proc(sv.Name))
			added = append(added, sv)
		}
		// Every new address is known before the first start: each new
		// server gets all its peers.
		names := make([]string, 0, len(added))
		for _, sv := range added {
			s.start(sv)
			names = append(names, sv.Name)
		}
		return ctlReply{Servers: names}
	case VerbStart, VerbStop, VerbKill, VerbRestart:
	case VerbHold, VerbRelease:
		if req.Fault == "" {
			return ctlReply{Error: req.Verb + " needs the id of a fault"}
		}
	default:
		return ctlReply{Error: fmt.Sprintf("unknown verb %q: want start, stop, kill or restart", req.Verb)}
	}
	sel, err := Select(s.st.Servers, req.Patterns)
	if err != nil {
		return ctlReply{Error: err.Error()}
	}
	var names []string
	for _, sv := range sel {
		p := s.proc(sv.Name)
		names = append(names, sv.Name)
		s.opts.Log.Info(req.Verb, "server", sv.Name)
		switch req.Verb {
		case VerbHold:
			sv.Desired, sv.Hold, sv.HoldUntil = DesiredStopped, req.Fault, req.Until
			s.armHold(sv)
			p.startAfter = false
			if req.Kill && p.alive {
				stopTimer(&p.restartTimer)
				p.stopping = true
				sv.Phase = PhaseStopping
				s.signal(sv, p, syscall.SIGKILL)
				continue
			}
			s.stop(sv, p)
		case VerbRelease:
			if sv.Hold != req.Fault {
				continue
			}
			s.release(sv, p)
		case VerbStart:
			sv.Desired, sv.Hold, sv.HoldUntil = DesiredRunning, "", time.Time{}
			if p.alive {
				p.startAfter = p.stopping // started again while stopping
				continue
			}
			sv.RestartTimes = nil // an operator start ends a crash loop
			s.start(sv)
		case VerbStop:
			sv.Desired, sv.Hold, sv.HoldUntil = DesiredStopped, "", time.Time{}
			p.startAfter = false
			s.stop(sv, p)
		case VerbKill:
			s.signal(sv, p, syscall.SIGKILL)
		case VerbRestart:
			sv.Desired = DesiredRunning
			if !p.alive {
				sv.RestartTimes = nil
				s.start(sv)
				continue
			}
			s.stop(sv, p)
			p.startAfter = true
		}
	}
	return ctlReply{Servers: names}
}

// Control is a client of a running supervisor's control endpoint.
type Control struct {
	addr, token string
	hc          *http.Client
}

// NewControl returns a client for the supervisor recorded in st.
func NewControl(st *State) *Control {
	return &Control{addr: st.Supervisor.Control, token: st.Supervisor.Token, hc: &http.Client{Timeout: 30 * time.Second}}
}

func (c *Control) do(ctx context.Context, req ctlRequest) ([]string, error) {
	body, _ := json.Marshal(req)
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+c.addr+"/control", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Authorization", "Bearer "+c.token)
	hr.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("supervisor control %s: %w", c.addr, err)
	}
	defer resp.Body.Close()
	var rep ctlReply
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
		return nil, fmt.Errorf("supervisor control %s: %s", c.addr, resp.Status)
	}
	if rep.Error != "" {
		return nil, fmt.Errorf("%s", rep.Error)
	}
	return rep.Servers, nil
}

// Servers applies a verb (VerbStart, VerbStop, VerbKill, VerbRestart) to
// the servers patterns select and returns their names.
func (c *Control) Servers(ctx context.Context, verb string, patterns []string) ([]string, error) {
	return c.do(ctx, ctlRequest{Verb: verb, Patterns: patterns})
}

// Hold holds the selected servers down for fault id (SIGKILL with kill,
// else SIGTERM) and returns their names; see VerbHold. A non-zero until is
// the hold's deadline: the supervisor releases it then by itself.
func (c *Control) Hold(ctx context.Context, id string, patterns []string, kill bool, until time.Time) ([]string, error) {
	return c.do(ctx, ctlRequest{Verb: VerbHold, Patterns: patterns, Fault: id, Kill: kill, Until: until})
}

// Release ends the hold of fault id on the selected servers; see VerbRelease.
func (c *Control) Release(ctx context.Context, id string, patterns []string) ([]string, error) {
	return c.do(ctx, ctlRequest{Verb: VerbRelease, Patterns: patterns, Fault: id})
}

// Add adds servers (name, host, devices) to the twin and starts them; it
// returns the names of those that were not there yet.
func (c *Control) Add(ctx context.Context, servers []*Server) ([]string, error) {
	return c.do(ctx, ctlRequest{Verb: VerbAdd, Add: servers})
}

// Shutdown asks the supervisor to stop every server and exit.
func (c *Control) Shutdown(ctx context.Context) error {
	_, err := c.do(ctx, ctlRequest{Verb: VerbShutdown})
	return err
}
