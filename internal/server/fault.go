package server

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/sim"
)

// The fault endpoint (InjectFault, ClearFault, ListFaults). Each fault has
// its own deadline timer: it lifts itself at the deadline even when the
// process that injected it died (a dead-man's switch).
//
// Stacking: faults on one attribute or device compose in the order they
// were injected (the later one sees the earlier one's output: stuck then
// noise gives a noisy constant, noise then stuck a constant), and removing
// one leaves the others in their order. Latencies add up.

// overrider is the part of a model that can install sim overrides.
type overrider interface {
	SetOverride(dev, attr string, o sim.Override) error
}

// SetOverride installs an override on the wrapped world (see sim.World).
func (m *SimModel) SetOverride(dev, attr string, o sim.Override) error {
	return devError(m.w.SetOverride(dev, attr, o))
}

// activeFault is one installed fault.
type activeFault struct {
	spec  *pb.ServerFault
	kind  *faultKind
	attrs []AttrRef             // attribute targets (layerAttr, server.state's State)
	apply map[AttrRef]applyFunc // per attribute: each has its own state
	devs  map[string]struct{}   // lower-case device names (layerDevice)
	timer *time.Timer
	stop  func() // ends background work (memory, CPU)

	// Device-layer settings.
	latency, jitter time.Duration
	ops             map[api.Kind]bool
	rngMu           sync.Mutex
	rng             *rand.Rand
	command         string // command_fail: wildcard pattern
	reason, desc    string
	state           sim.State
	status          string
	factor          int   // event_flood: copies; cpu: workers
	memRate, memCap int64 // memory: bytes per second, bytes
}

func (f *activeFault) hasDevice(dev string) bool {
	_, ok := f.devs[strings.ToLower(dev)]
	return ok
}

// faultSet holds the active faults. Lock order: faultSet.mu, then the
// world lock. Request paths read the device-layer faults from hooks, a
// snapshot replaced on every change, without locking.
type faultSet struct {
	mu    sync.Mutex
	list  []*activeFault // in injection order
	hooks atomic.Pointer[[]*activeFault]
	// cleared is closed, and replaced, when faults are cleared: it wakes
	// the requests that an injected latency holds (faultWait).
	cleared chan struct{}
}

// clearedSignal returns the channel the next ClearFaults closes.
func (fs *faultSet) clearedSignal() <-chan struct{} {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.cleared == nil {
		fs.cleared = make(chan struct{})
	}
	return fs.cleared
}

func seededRand(seed uint64, id string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(id))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// InjectFault installs a fault; see the DeviceService documentation.
func (s *Server) InjectFault(f *pb.ServerFault) ([]string, error) {
	bad := func(format string, a ...any) error {
		return api.NewError(api.ReasonBadArgument, fmt.Sprintf(format, a...), "server fault")
	}
	if f == nil || f.Id == "" {
		return nil, bad("a fault needs an id")
	}
	k, ok := faultKinds[f.Kind]
	if !ok {
		return nil, bad("unknown in-server fault kind %q (want one of %s)", f.Kind, strings.Join(FaultKinds(), ", "))
	}
	now := s.now()
	deadline := time.Unix(0, f.DeadlineUnixNano)
	if f.DeadlineUnixNano == 0 || !deadline.After(now) {
		return nil, bad("fault %s: the deadline must be in the future (every in-server fault lifts itself)", f.Id)
	}
	p := params{kind: f.Kind, m: f.Params}
	if err := p.check(k.params); err != nil {
		return nil, bad("%v", err)
	}
	af := &activeFault{spec: f, kind: k, rng: seededRand(f.Seed, f.Id)}
	if err := af.configure(p); err != nil {
		return nil, bad("%v", err)
	}

	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	for _, o := range s.faults.list {
		if o.spec.Id == f.Id {
			return nil, bad("fault %s is already active", f.Id)
		}
	}
	var resolved []string
	s.mu.Lock()
	err := func() error {
		switch k.layer {
		case layerAttr:
			refs, err := s.faultAttrs(f.Targets)
			if err != nil {
				return err
			}
			af.attrs, af.apply = refs, map[AttrRef]applyFunc{}
			for _, r := range refs {
				fn, err := k.attr(p, af.rng, now)
				if err != nil {
					return api.NewError(api.ReasonBadArgument, err.Error(), "server fault")
				}
				af.apply[r] = fn
				resolved = append(resolved, r.Device+"/"+r.Attr)
			}
		case layerDevice:
			devs, err := s.faultDevices(f.Targets)
			if err != nil {
				return err
			}
			af.devs = map[string]struct{}{}
			for _, d := range devs {
				af.devs[strings.ToLower(d)] = struct{}{}
				resolved = append(resolved, d)
			}
			if f.Kind == "server.state" {
				af.apply = map[AttrRef]applyFunc{}
				for _, d := range devs {
					r := AttrRef{Device: d, Attr: "State"}
					af.attrs = append(af.attrs, r)
					af.apply[r] = newForcedState(af.state)
				}
			}
		}
		return nil
	}()
	if err == nil {
		s.faults.list = append(s.faults.list, af)
		err = s.installOverrides(af.attrs)
		if err != nil {
			s.faults.list = s.faults.list[:len(s.faults.list)-1]
			_ = s.installOverrides(af.attrs)
		}
	}
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	af.start(s)
	s.publishHooks()
	id := f.Id
	af.timer = time.AfterFunc(deadline.Sub(now), func() {
		s.log.Info("fault deadline reached: lifting it", "fault", id)
		s.ClearFaults([]string{id}, false)
	})
	s.log.Info("fault injected", "fault", id, "kind", f.Kind, "targets", len(resolved), "deadline", deadline)
	return resolved, nil
}

// configure reads the device- and server-layer parameters.
func (af *activeFault) configure(p params) error {
	var err error
	switch af.spec.Kind {
	case "server.latency":
		if af.latency, err = p.duration("latency", 0, true); err != nil {
			return err
		}
		if af.jitter, err = p.duration("jitter", 0, false); err != nil {
			return err
		}
		af.ops = map[api.Kind]bool{}
		for _, op := range strings.Split(p.str("ops", "read,write,command"), ",") {
			switch strings.TrimSpace(op) {
			case "read":
				af.ops[api.KindRead] = true
			case "write":
				af.ops[api.KindWrite] = true
			case "command":
				af.ops[api.KindCommand] = true
			case "state":
				af.ops[api.KindState] = true
			case "all":
				for _, k := range []api.Kind{api.KindRead, api.KindWrite, api.KindCommand, api.KindState, api.KindGetConfig, api.KindSetConfig, api.KindList} {
					af.ops[k] = true
				}
			default:
				return fmt.Errorf("server.latency: parameter ops: unknown operation %q (want read, write, command, state or all)", op)
			}
		}
	case "server.command_fail":
		af.command = p.str("command", "*")
		af.reason = p.str("reason", "API_CommandFailed")
		af.desc = p.str("desc", "command failure injected by chaoslab")
	case "server.state":
		name := p.str("state", "FAULT")
		st, ok := sim.ParseState(name)
		if !ok {
			return fmt.Errorf("server.state: parameter state: unknown state %q (want FAULT, ALARM, ...)", name)
		}
		af.state, af.status = st, p.str("status", "")
	case "server.event_flood":
		f, err := p.float("factor", 10, false)
		if err != nil {
			return err
		}
		if f < 1 || f > 1000 || f != float64(int(f)) {
			return fmt.Errorf("server.event_flood: parameter factor must be a whole number in [1, 1000], got %g", f)
		}
		af.factor = int(f)
	case "server.memory", "server.cpu":
		return af.configureLoad(p)
	}
	return nil
}

// faultAttrs resolves attribute targets: "dev/attr" (wildcards allowed) or
// a device pattern, meaning its attributes other than State and Status.
func (s *Server) faultAttrs(targets []string) ([]AttrRef, error) {
	if len(targets) == 0 {
		return nil, api.NewError(api.ReasonBadArgument, "an attribute fault needs targets", "server fault")
	}
	var out []AttrRef
	for _, t := range targets {
		if _, _, ok := api.SplitAttr(t); ok {
			refs, err := s.model.Resolve([]string{t})
			if err != nil {
				return nil, err
			}
			out = append(out, refs...)
			continue
		}
		n := len(out)
		for _, d := range s.model.Devices(t) {
			for _, a := range d.Attributes {
				_, attr, _ := api.SplitAttr(a.Name)
				if !strings.EqualFold(attr, "State") && !strings.EqualFold(attr, "Status") {
					out = append(out, AttrRef{Device: d.Name, Attr: attr})
				}
			}
		}
		if len(out) == n {
			return nil, api.NewError(api.ReasonDeviceNotFound, fmt.Sprintf("no device or attribute matches %s", t), "server fault")
		}
	}
	for i := range out {
		out[i].Name = "" // canonical keys
	}
	slices.SortFunc(out, func(a, b AttrRef) int {
		return strings.Compare(strings.ToLower(a.String()), strings.ToLower(b.String()))
	})
	return slices.CompactFunc(out, func(a, b AttrRef) bool { return strings.EqualFold(a.String(), b.String()) }), nil
}

// faultDevices resolves device targets ("dev" or "dev/attr" patterns);
// no targets means every device.
func (s *Server) faultDevices(targets []string) ([]string, error) {
	if len(targets) == 0 {
		targets = []string{"*"}
	}
	seen := map[string]bool{}
	var out []string
	for _, t := range targets {
		if dev, _, ok := api.SplitAttr(t); ok {
			t = dev
		}
		ds := s.model.Devices(t)
		if len(ds) == 0 {
			return nil, api.NewError(api.ReasonDeviceNotFound, fmt.Sprintf("no device matches %s", t), "server fault")
		}
		for _, d := range ds {
			if !seen[strings.ToLower(d.Name)] {
				seen[strings.ToLower(d.Name)] = true
				out = append(out, d.Name)
			}
		}
	}
	return out, nil
}

// chain applies the stacked faults of one attribute in injection order.
type chain []applyFunc

// Apply implements sim.Override.
func (c chain) Apply(now time.Time, _ string, r *sim.Reading) bool {
	keep := true
	for _, f := range c {
		if !f(now, r) {
			keep = false
		}
	}
	return keep
}

// installOverrides rebuilds the override chain of each attribute in refs
// from the active faults. Both locks must be held.
func (s *Server) installOverrides(refs []AttrRef) error {
	if len(refs) == 0 {
		return nil
	}
	ov, ok := s.model.(overrider)
	if !ok {
		return api.NewError(api.ReasonBadRequest, "this server's model does not support in-server faults", "server fault")
	}
	for _, r := range refs {
		var c chain
		for _, f := range s.faults.list {
			for ar, fn := range f.apply {
				if strings.EqualFold(ar.Device, r.Device) && strings.EqualFold(ar.Attr, r.Attr) {
					c = append(c, fn)
				}
			}
		}
		var o sim.Override
		if len(c) > 0 {
			o = c
		}
		if err := ov.SetOverride(r.Device, r.Attr, o); err != nil {
			return err
		}
	}
	return nil
}

// publishHooks replaces the snapshot of device-layer faults. faults.mu
// must be held.
func (s *Server) publishHooks() {
	var hs []*activeFault
	for _, f := range s.faults.list {
		if f.kind.layer == layerDevice {
			hs = append(hs, f)
		}
	}
	s.faults.hooks.Store(&hs)
}

// ClearFaults removes the faults with the given ids (all with all) and
// returns the ids that were active. Unknown ids are not an error.
func (s *Server) ClearFaults(ids []string, all bool) []string {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	var cleared []string
	var gone []*activeFault
	keep := s.faults.list[:0:0]
	for _, f := range s.faults.list {
		if all || slices.Contains(ids, f.spec.Id) {
			gone = append(gone, f)
			cleared = append(cleared, f.spec.Id)
		} else {
			keep = append(keep, f)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	s.faults.list = keep
	if s.faults.cleared != nil {
		close(s.faults.cleared)
		s.faults.cleared = nil
	}
	s.mu.Lock()
	for _, f := range gone {
		if err := s.installOverrides(f.attrs); err != nil {
			s.log.Warn("clearing fault", "fault", f.spec.Id, "err", err)
		}
	}
	s.mu.Unlock()
	s.publishHooks()
	for _, f := range gone {
		if f.timer != nil {
			f.timer.Stop()
		}
		if f.stop != nil {
			f.stop()
		}
		s.log.Info("fault cleared", "fault", f.spec.Id)
	}
	s.wakePoll()
	return cleared
}

// Faults lists the active faults in injection order.
func (s *Server) Faults() []*pb.ServerFault {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	out := make([]*pb.ServerFault, len(s.faults.list))
	for i, f := range s.faults.list {
		out[i] = f.spec
	}
	return out
}

// deviceHooks returns the device-layer faults (nil when none).
func (s *Server) deviceHooks() []*activeFault {
	if p := s.faults.hooks.Load(); p != nil {
		return *p
	}
	return nil
}

// callDevices lists the devices a request touches.
func callDevices(req any) []string {
	switch r := req.(type) {
	case *pb.ReadRequest:
		out := make([]string, 0, len(r.Names))
		for _, n := range r.Names {
			if d, _, ok := api.SplitAttr(n); ok {
				out = append(out, d)
			}
		}
		return out
	case *pb.WriteRequest:
		if d, _, ok := api.SplitAttr(r.Name); ok {
			return []string{d}
		}
	case *pb.CommandRequest:
		return []string{r.Device}
	case *pb.StateRequest:
		return r.Devices
	case *pb.GetConfigRequest:
		return r.Names
	case *pb.SetConfigRequest:
		if d, _, ok := api.SplitAttr(r.Name); ok {
			return []string{d}
		}
	}
	return nil
}

// testHookFaultWait, when set (tests), is called when a request starts
// waiting out an injected latency.
var testHookFaultWait func()

// testHookFaultWaitCut, if set, is called when a wait ends before its
// delay because ctx or the server ended.
var testHookFaultWaitCut func()

// faultWait waits out an injected latency outside the world lock; delay
// is what the active faults add. It is cut short when faults are cleared
// (delay is asked again: a cleared latency fault holds nothing more, also
// the requests it already holds), when ctx ends (the connection closes or
// the client goes away) and when the server closes: a latency of hours
// must not hold a shutdown.
func (s *Server) faultWait(ctx context.Context, delay func() time.Duration) {
	start := time.Now()
	for {
		// The signal first: a clear after it is seen.
		cleared := s.faults.clearedSignal()
		d := delay() - time.Since(start)
		if d <= 0 {
			return
		}
		if testHookFaultWait != nil {
			testHookFaultWait()
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
			return
		case <-ctx.Done():
		case <-s.ctx.Done():
		case <-cleared:
			t.Stop()
			continue
		}
		t.Stop()
		if testHookFaultWaitCut != nil {
			testHookFaultWaitCut()
		}
		return
	}
}

// faultDelay is the latency the active faults add to a call: the sum over
// the latency faults that match one of its devices and its operation.
func (s *Server) faultDelay(c *call) time.Duration {
	hs := s.deviceHooks()
	if len(hs) == 0 {
		return 0
	}
	var d time.Duration
	devs := callDevices(c.req)
	for _, f := range hs {
		if f.latency == 0 && f.jitter == 0 || !f.ops[c.kind] {
			continue
		}
		for _, dev := range devs {
			if f.matchDevice(dev) {
				d += f.latency
				if f.jitter > 0 {
					f.rngMu.Lock()
					d += time.Duration(f.rng.Int64N(int64(f.jitter) + 1))
					f.rngMu.Unlock()
				}
				break
			}
		}
	}
	return d
}

// matchDevice matches a device name or pattern from a request.
func (f *activeFault) matchDevice(dev string) bool {
	if !api.HasWildcard(dev) {
		return f.hasDevice(dev)
	}
	for d := range f.devs {
		if api.Match(dev, d) {
			return true
		}
	}
	return false
}

// applyFaults alters a call's reply for the device-layer faults. The world
// lock is held.
func (s *Server) applyFaults(c *call) {
	hs := s.deviceHooks()
	if len(hs) == 0 {
		return
	}
	switch r := c.req.(type) {
	case *pb.CommandRequest:
		for _, f := range hs {
			if f.spec.Kind == "server.command_fail" && f.hasDevice(r.Device) && api.Match(f.command, r.Command) {
				c.resp, c.err = nil, api.NewError(f.reason, f.desc, "chaoslab fault "+f.spec.Id)
				return
			}
		}
	case *pb.StateRequest:
		resp, _ := c.resp.(*pb.StateResponse)
		if resp == nil {
			return
		}
		for _, st := range resp.States {
			for _, f := range hs {
				if f.spec.Kind == "server.state" && f.hasDevice(st.Device) {
					st.State = f.state.String()
					if f.status != "" {
						st.Status = f.status
					}
				}
			}
		}
	}
}

// floodEvents repeats the events of flooded devices (factor-1 copies).
func (s *Server) floodEvents(evs []Event) []Event {
	hs := s.deviceHooks()
	if len(hs) == 0 {
		return evs
	}
	n := len(evs)
	for _, f := range hs {
		if f.factor <= 1 {
			continue
		}
		for i := 0; i < n; i++ {
			if f.hasDevice(evs[i].Device) {
				for k := 1; k < f.factor; k++ {
					evs = append(evs, evs[i])
				}
			}
		}
	}
	return evs
}

// closeFaults lifts every fault when the server closes.
func (s *Server) closeFaults() { s.ClearFaults(nil, true) }
