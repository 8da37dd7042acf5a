package experiment

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"path"
	"slices"
	"strings"
	"time"

	"chaoslab/internal/fault"
	"chaoslab/internal/load"
)

// Inventory is what the twin runs: every server with its host and devices.
type Inventory struct {
	Servers []ServerInfo `json:"servers"`
}

// ServerInfo is one server of the inventory.
type ServerInfo struct {
	Name    string   `json:"name"`
	Host    string   `json:"host,omitempty"`
	Devices []string `json:"devices"`
}

// Plan is an experiment resolved against an inventory with a seed: every
// target and pause is fixed before anything runs, so the same seed and
// inventory give the same plan (and --replay reruns it).
type Plan struct {
	Seed      uint64        `json:"seed"`
	Method    []PlannedStep `json:"method"`
	Rollbacks []PlannedStep `json:"rollbacks,omitempty"`
	// Touched is what the method may affect (for the blast radius).
	Touched Touched `json:"touched"`
}

// Touched counts the servers, devices and hosts a method may affect.
type Touched struct {
	Servers      []string `json:"servers"`
	Devices      int      `json:"devices"`
	Hosts        []string `json:"hosts"`
	TotalServers int      `json:"total_servers"`
	TotalDevices int      `json:"total_devices"`
	TotalHosts   int      `json:"total_hosts"`
}

// PlannedStep is a step with its targets resolved and its timing fixed.
type PlannedStep struct {
	Index      int            `json:"index"`
	Name       string         `json:"name"`
	Kind       string         `json:"kind"` // action kind, "probe" or "pause"
	Servers    []string       `json:"servers,omitempty"`
	Devices    []string       `json:"devices,omitempty"`
	Attribute  string         `json:"attribute,omitempty"`
	Attributes map[string]any `json:"attributes,omitempty"`
	// Pause is waited before the step (pause plus seeded jitter).
	Pause      time.Duration `json:"pause,omitempty"`
	Duration   time.Duration `json:"duration,omitempty"`
	Background bool          `json:"background,omitempty"`
	Repeat     int           `json:"repeat,omitempty"`
	Every      time.Duration `json:"every,omitempty"`
	Probe      *ProbeSpec    `json:"probe,omitempty"`
	Load       *load.Spec    `json:"load,omitempty"`
}

// Stream returns the named random stream of a seed: each component gets
// its own, so adding one does not shift the others' numbers.
func Stream(seed uint64, name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// ErrBlastRadius is wrapped by the error of a plan that exceeds its caps.
var ErrBlastRadius = fmt.Errorf("blast radius exceeded")

// MakePlan resolves x against inv with seed. It fails when a target
// matches nothing or the method could exceed the blast radius.
func MakePlan(x *Experiment, inv Inventory, seed uint64) (*Plan, error) {
	p := &Plan{Seed: seed}
	targets := Stream(seed, "targets")
	sched := Stream(seed, "schedule")
	var errs []string
	resolve := func(steps []Step, what string) []PlannedStep {
		var out []PlannedStep
		for i, s := range steps {
			ps := PlannedStep{Index: i, Name: s.Name, Kind: s.Action, Attribute: s.Target.Attribute,
				Attributes: s.Attributes, Duration: s.Duration.D(), Background: s.Background,
				Repeat: max(s.Repeat, 1), Every: s.Every.D(), Probe: s.Probe, Load: s.Load}
			ps.Pause = s.Pause.D()
			if s.Jitter > 0 {
				ps.Pause += time.Duration(sched.Int64N(int64(s.Jitter)))
			}
			switch {
			case s.Probe != nil:
				ps.Kind = "probe"
			case s.Action == "":
				ps.Kind = "pause"
			}
			if ps.Name == "" {
				ps.Name = fmt.Sprintf("%s[%d] %s", what, i, ps.Kind)
			}
			var err error
			if len(s.Target.Servers) > 0 {
				ps.Servers, err = pickServers(inv, s.Target, targets)
			} else if len(s.Target.Devices) > 0 {
				ps.Devices, err = pickDevices(inv, s.Target, targets)
			}
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s[%d] (%s): %v", what, i, ps.Name, err))
			}
			out = append(out, ps)
		}
		return out
	}
	p.Method = resolve(x.Method, "method")
	p.Rollbacks = resolve(x.Rollbacks, "rollbacks")
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	p.Touched = touched(inv, p.Method)
	if err := checkBlast(x.BlastRadius, p.Touched); err != nil {
		return p, err
	}
	return p, nil
}

// match is a case-insensitive glob where * also matches "/" (server and
// device names contain slashes); ? and [classes] as in path.Match.
func match(pattern, name string) bool {
	pattern, name = strings.ToLower(pattern), strings.ToLower(name)
	if !strings.Contains(pattern, "*") {
		ok, err := path.Match(pattern, name)
		return err == nil && ok
	}
	parts := strings.Split(pattern, "*")
	// Each part matches a substring in order (parts are path.Match
	// patterns without *, so compare piecewise).
	return globParts(parts, name)
}

func globParts(parts []string, name string) bool {
	if len(parts) == 1 {
		ok, err := path.Match(parts[0], name)
		return err == nil && ok
	}
	head := parts[0]
	for i := 0; i <= len(name); i++ {
		ok, err := path.Match(head, name[:i])
		if err != nil {
			return false
		}
		if ok {
			rest := name[i:]
			for j := 0; j <= len(rest); j++ {
				if globParts(parts[1:], rest[j:]) {
					return true
				}
			}
		}
	}
	return false
}

func pickServers(inv Inventory, t Target, rng *rand.Rand) ([]string, error) {
	var names []string
	for _, s := range inv.Servers {
		for _, p := range t.Servers {
			if match(p, s.Name) {
				names = append(names, s.Name)
				break
			}
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no server matches %s", strings.Join(t.Servers, ", "))
	}
	return pick(names, t.Pick, rng), nil
}

func pickDevices(inv Inventory, t Target, rng *rand.Rand) ([]string, error) {
	var names []string
	for _, s := range inv.Servers {
		for _, d := range s.Devices {
			for _, p := range t.Devices {
				if match(p, d) {
					names = append(names, d)
					break
				}
			}
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no device matches %s", strings.Join(t.Devices, ", "))
	}
	return pick(names, t.Pick, rng), nil
}

// pick chooses amount of names with rng (all when amount is unset); the
// result keeps inventory order so journals read naturally.
func pick(names []string, a Amount, rng *rand.Rand) []string {
	n := a.Of(len(names))
	if !a.Set || n >= len(names) {
		return names
	}
	idx := rng.Perm(len(names))[:n]
	slices.Sort(idx)
	out := make([]string, n)
	for i, j := range idx {
		out[i] = names[j]
	}
	return out
}

// touched computes what the method may affect: servers targeted (with all
// their devices and hosts), devices targeted, and the whole server of a
// device targeted by a process-level action.
func touched(inv Inventory, steps []PlannedStep) Touched {
	byName := map[string]ServerInfo{}
	devServer := map[string]ServerInfo{}
	hosts := map[string]bool{}
	var t Touched
	for _, s := range inv.Servers {
		byName[s.Name] = s
		hosts[s.Host] = true
		t.TotalDevices += len(s.Devices)
		for _, d := range s.Devices {
			devServer[strings.ToLower(d)] = s
		}
	}
	t.TotalServers, t.TotalHosts = len(inv.Servers), len(hosts)
	servers, devices, hs := map[string]bool{}, map[string]bool{}, map[string]bool{}
	wholeServer := func(s ServerInfo) {
		servers[s.Name] = true
		hs[s.Host] = true
		for _, d := range s.Devices {
			devices[strings.ToLower(d)] = true
		}
	}
	for _, st := range steps {
		switch st.Kind {
		case "probe", "pause", "load.run", "server.start":
			continue
		}
		// A server target touches the server with all its devices; a
		// device target its device, or its whole server for faults that
		// act on processes (proc.*, server.memory/cpu, net.*).
		for _, n := range st.Servers {
			wholeServer(byName[n])
		}
		k := faultKind(st.Kind)
		perServer := strings.HasPrefix(st.Kind, "net.") || slices.Contains(ServerActions, st.Kind) || k != nil && k.Level == fault.LevelServer
		for _, d := range st.Devices {
			s := devServer[strings.ToLower(d)]
			if perServer {
				wholeServer(s)
				continue
			}
			devices[strings.ToLower(d)] = true
			hs[s.Host] = true
		}
	}
	for n := range servers {
		t.Servers = append(t.Servers, n)
	}
	slices.Sort(t.Servers)
	for h := range hs {
		t.Hosts = append(t.Hosts, h)
	}
	slices.Sort(t.Hosts)
	t.Devices = len(devices)
	return t
}

func checkBlast(b BlastRadius, t Touched) error {
	var msgs []string
	chk := func(what string, cap Amount, n, total int) {
		if cap.Set && n > cap.Of(total) {
			msgs = append(msgs, fmt.Sprintf("the method may touch %d of %d %s; blast_radius.%s allows %s (%d)", n, total, what, what, cap, cap.Of(total)))
		}
	}
	chk("servers", b.Servers, len(t.Servers), t.TotalServers)
	chk("devices", b.Devices, t.Devices, t.TotalDevices)
	chk("hosts", b.Hosts, len(t.Hosts), t.TotalHosts)
	if len(msgs) > 0 {
		return fmt.Errorf("%w: %s", ErrBlastRadius, strings.Join(msgs, "; "))
	}
	return nil
}
