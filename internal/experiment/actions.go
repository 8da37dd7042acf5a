package experiment

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/fault"
	"chaoslab/internal/load"
	"chaoslab/internal/netem"
	"chaoslab/internal/supervisor"
)

// Undo is what Recover needs to undo a fault after the runner died. It is
// written to the fault record before the fault is applied.
type Undo struct {
	// Kind: "server.start" (start Servers), "config.set" (restore Configs),
	// "attribute.write" (write Values back), "fault" (clear the records of
	// Faults in Dir, see internal/fault) or "none" (the fault lived in the
	// runner process: in-process netem proxies and load die with it).
	Kind    string            `json:"kind"`
	Faults  []string          `json:"faults,omitempty"` // fault: record ids
	Dir     string            `json:"dir,omitempty"`
	Servers []string          `json:"servers,omitempty"`
	Addrs   map[string]string `json:"addrs,omitempty"`   // attribute → server address
	Configs map[string]Config `json:"configs,omitempty"` // attribute → previous configuration
	Values  map[string]string `json:"values,omitempty"`  // attribute → previous value
}

// Config is the part of an attribute's configuration config.set changes.
type Config struct {
	PollingPeriodMs *int64   `json:"polling_period_ms,omitempty"`
	AbsChange       *float64 `json:"abs_change,omitempty"`
	RelChange       *float64 `json:"rel_change,omitempty"`
	EventPeriodMs   *int64   `json:"event_period_ms,omitempty"`
}

func (c Config) pb() *pb.AttrConfig {
	return &pb.AttrConfig{PollingPeriodMs: c.PollingPeriodMs, AbsChange: c.AbsChange, RelChange: c.RelChange, EventPeriodMs: c.EventPeriodMs}
}

// Undoer is implemented by actions whose undo can be recorded.
type Undoer interface{ Undo() Undo }

// ActionFunc adapts a function into an Action.
type ActionFunc func(ctx context.Context) (Revert, error)

// Inject calls f.
func (f ActionFunc) Inject(ctx context.Context) (Revert, error) { return f(ctx) }

// Action builds the action of a planned step.
func (t *Twin) Action(st PlannedStep) (Action, error) {
	switch {
	case slices.Contains(ServerActions, st.Kind):
		return &serverAction{dir: t.Dir, verb: strings.TrimPrefix(st.Kind, "server."), servers: st.Servers}, nil
	case faultKind(st.Kind) != nil, strings.HasPrefix(st.Kind, "net.") && t.sup:
		return t.faultAction(st)
	case strings.HasPrefix(st.Kind, "net."):
		spec, err := toxicSpec(st.Kind, st.Attributes)
		if err != nil {
			return nil, err
		}
		var ps []*netem.Proxy
		for _, s := range st.Servers {
			if p := t.proxy[s]; p != nil {
				ps = append(ps, p)
			}
		}
		return &netAction{spec: spec, proxies: ps}, nil
	case st.Kind == "config.set":
		return t.configAction(st)
	case st.Kind == "attribute.write":
		return t.writeAction(st)
	case st.Kind == "load.run":
		return ActionFunc(func(ctx context.Context) (Revert, error) {
			return t.runLoad(ctx, *st.Load)
		}), nil
	}
	return nil, fmt.Errorf("unknown action %q", st.Kind)
}

// faultAction is a fault of internal/fault as an action. Its record
// (STATE/faults/<id>.json, written before it is applied) is also what
// the runner's crash record points to: Undo clears it by id.
type faultAction struct {
	dir string
	in  *fault.Injection
}

// faultGrace is how long a fault outlives its step's duration at most if
// the runner dies: its deadline (the dead-man's switch) is the step's end
// plus this.
const faultGrace = 10 * time.Second

// faultAction builds the fault of a step over its planned targets.
func (t *Twin) faultAction(st PlannedStep) (Action, error) {
	params := map[string]string{}
	for k, v := range st.Attributes {
		if k == "name" && strings.HasPrefix(st.Kind, "net.") {
			continue // the fault names its toxic
		}
		params[k] = fmt.Sprint(v)
	}
	spec := fault.Spec{Kind: st.Kind, Seed: t.seed + uint64(st.Index), Params: params}
	if st.Duration > 0 {
		spec.For = st.Duration + faultGrace
	}
	in, err := fault.NewExplicit(fault.Env{Dir: t.Dir}, spec, fault.Explicit{Servers: st.Servers, Devices: st.Devices, Attr: st.Attribute})
	if err != nil {
		return nil, err
	}
	return &faultAction{dir: t.Dir, in: in}, nil
}

// Undo implements Undoer.
func (a *faultAction) Undo() Undo {
	return Undo{Kind: "fault", Dir: a.dir, Faults: []string{a.in.ID()}}
}

// Inject implements Action.
func (a *faultAction) Inject(ctx context.Context) (Revert, error) {
	r, err := a.in.Inject(ctx)
	if err != nil {
		return nil, err
	}
	return Revert(r), nil
}

type serverAction struct {
	dir     string
	verb    string
	servers []string
}

func (a *serverAction) Undo() Undo {
	if a.verb == supervisor.VerbStop || a.verb == supervisor.VerbKill {
		return Undo{Kind: "server.start", Dir: a.dir, Servers: a.servers}
	}
	return Undo{Kind: "none"}
}

func (a *serverAction) Inject(ctx context.Context) (Revert, error) {
	_, err := supervisor.Servers(ctx, supervisor.ServersOptions{Dir: a.dir, Verb: a.verb, Patterns: a.servers, Timeout: 30 * time.Second})
	if err != nil {
		return nil, err
	}
	u := a.Undo()
	if u.Kind == "none" {
		return nil, nil
	}
	return func(ctx context.Context) error { return u.apply(ctx) }, nil
}

type netAction struct {
	spec    netem.ToxicSpec
	proxies []*netem.Proxy
}

func (a *netAction) Undo() Undo { return Undo{Kind: "none"} }

func (a *netAction) Inject(ctx context.Context) (Revert, error) {
	var hs []*netem.Handle
	undo := func(ctx context.Context) error {
		var errs []error
		for _, h := range hs {
			errs = append(errs, h.Remove(ctx))
		}
		return errors.Join(errs...)
	}
	for _, p := range a.proxies {
		h, err := p.Add(ctx, a.spec)
		if err != nil {
			undo(context.WithoutCancel(ctx))
			return nil, fmt.Errorf("%s: %w", p.Name(), err)
		}
		hs = append(hs, h)
	}
	return undo, nil
}

func (t *Twin) attrAddrs(st PlannedStep) map[string]string {
	out := map[string]string{}
	for _, d := range st.Devices {
		if s := t.state.Server(t.byDev[strings.ToLower(d)]); s != nil {
			out[d+"/"+st.Attribute] = s.Addr
		}
	}
	return out
}

// configAction reads the current configuration now (before the fault is
// recorded) so the record holds what to restore.
func (t *Twin) configAction(st PlannedStep) (Action, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u := Undo{Kind: "config.set", Addrs: t.attrAddrs(st), Configs: map[string]Config{}}
	var want Config
	for k, v := range st.Attributes {
		f, err := configValue(k, v)
		if err != nil {
			return nil, err
		}
		switch k {
		case "polling_period":
			n := int64(f)
			want.PollingPeriodMs = &n
		case "event_period":
			n := int64(f)
			want.EventPeriodMs = &n
		case "abs_change":
			want.AbsChange = &f
		case "rel_change":
			want.RelChange = &f
		}
	}
	for name := range u.Addrs {
		c, err := t.pool.Device(ctx, deviceOf(name))
		if err != nil {
			return nil, err
		}
		infos, err := c.GetConfig(ctx, []string{name})
		if err != nil || len(infos) == 0 {
			return nil, fmt.Errorf("read configuration of %s: %v", name, err)
		}
		old := infos[0].GetConfig()
		var prev Config
		if want.PollingPeriodMs != nil {
			prev.PollingPeriodMs = ptr(old.GetPollingPeriodMs())
		}
		if want.EventPeriodMs != nil {
			prev.EventPeriodMs = ptr(old.GetEventPeriodMs())
		}
		if want.AbsChange != nil {
			prev.AbsChange = ptr(old.GetAbsChange())
		}
		if want.RelChange != nil {
			prev.RelChange = ptr(old.GetRelChange())
		}
		u.Configs[name] = prev
	}
	return &recorded{undo: u, inject: func(ctx context.Context) error {
		for name := range u.Addrs {
			c, err := t.pool.Device(ctx, deviceOf(name))
			if err != nil {
				return err
			}
			if _, err := c.SetConfig(ctx, name, want.pb()); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		return nil
	}}, nil
}

func (t *Twin) writeAction(st PlannedStep) (Action, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u := Undo{Kind: "attribute.write", Addrs: t.attrAddrs(st), Values: map[string]string{}}
	names := make([]string, 0, len(u.Addrs))
	for n := range u.Addrs {
		names = append(names, n)
	}
	for _, n := range names {
		c, err := t.pool.Device(ctx, deviceOf(n))
		if err != nil {
			return nil, err
		}
		rs, err := c.ReadAttributes(ctx, []string{n})
		if err != nil || len(rs) == 0 || len(rs[0].Errors) > 0 {
			return nil, fmt.Errorf("read %s before writing it: %v", n, err)
		}
		u.Values[n] = api.FormatValue(rs[0].Value)
	}
	val := fmt.Sprint(st.Attributes["value"])
	return &recorded{undo: u, inject: func(ctx context.Context) error {
		for _, n := range names {
			c, err := t.pool.Device(ctx, deviceOf(n))
			if err != nil {
				return err
			}
			if err := c.Write(ctx, n, api.ParseValue(val)); err != nil {
				return fmt.Errorf("%s: %w", n, err)
			}
		}
		return nil
	}}, nil
}

// recorded is an action whose undo is data (so Recover can run it too).
type recorded struct {
	undo   Undo
	inject func(ctx context.Context) error
}

func (r *recorded) Undo() Undo { return r.undo }

func (r *recorded) Inject(ctx context.Context) (Revert, error) {
	if err := r.inject(ctx); err != nil {
		r.undo.apply(context.WithoutCancel(ctx)) // partial: put back what changed
		return nil, err
	}
	return r.undo.apply, nil
}

// apply carries an undo out; it needs no runner state (Recover uses it).
func (u Undo) apply(ctx context.Context) error {
	switch u.Kind {
	case "fault":
		_, err := fault.Clear(ctx, u.Dir, fault.ClearOptions{IDs: u.Faults, IgnoreMissing: true})
		return err
	case "server.start":
		_, err := supervisor.Servers(ctx, supervisor.ServersOptions{Dir: u.Dir, Verb: supervisor.VerbStart, Patterns: u.Servers, Timeout: 30 * time.Second})
		return err
	case "config.set", "attribute.write":
		var errs []error
		for name, addr := range u.Addrs {
			c, err := dialOnce(ctx, addr)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if u.Kind == "config.set" {
				_, err = c.SetConfig(ctx, name, u.Configs[name].pb())
			} else {
				err = c.Write(ctx, name, api.ParseValue(u.Values[name]))
			}
			c.Close()
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
		}
		return errors.Join(errs...)
	}
	return nil
}

func deviceOf(attr string) string {
	if i := strings.LastIndexByte(attr, '/'); i > 0 {
		return attr[:i]
	}
	return attr
}

func ptr[T any](v T) *T { return &v }

// runLoad runs an extra load (a spike) until its duration ends or it is
// reverted.
func (t *Twin) runLoad(ctx context.Context, spec load.Spec) (Revert, error) {
	b, err := load.DialBackend(ctx, t.proxyAddrs(), max(spec.Connections, 1))
	if err != nil {
		return nil, err
	}
	tg, err := load.ResolveTargets(ctx, b, spec.Targets, spec.Commands)
	if err != nil {
		b.Close()
		return nil, err
	}
	// While the step's load runs, the load metrics (rate, event lag, …)
	// come from it: a step that switches the clients' model (polling to
	// events) is then measured as the clients see it.
	live := load.NewLive(120, nil)
	t.mu.Lock()
	prev := t.live
	t.live = live
	t.mu.Unlock()
	lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer b.Close()
		load.Run(lctx, spec, tg, load.Options{Backend: b, Subscriber: b, Live: live, Interval: 250 * time.Millisecond})
	}()
	return func(context.Context) error {
		cancel()
		<-done
		t.mu.Lock()
		if t.live == live {
			t.live = prev
		}
		t.mu.Unlock()
		return nil
	}, nil
}
