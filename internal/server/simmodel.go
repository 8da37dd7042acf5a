package server

import (
	"fmt"
	"math"
	"strings"
	"time"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/sim"
)

// SimModel serves a sim.World: it converts between the model's values and
// the wire's, expands wildcards and maps DevErrors.
type SimModel struct {
	w       *sim.World
	devs    []sim.DeviceInfo
	attrs   map[string][]sim.AttrInfo // by device name, lazily filled
	nattrs  int
	evalErr uint64
	names   []string // reused by Read
	// readings is AppendRead's reused buffer.
	readings []sim.Reading
	refs     []AttrRef
}

var _ Model = (*SimModel)(nil)

// NewSimModel wraps w.
func NewSimModel(w *sim.World) *SimModel {
	// Attribute descriptions are built when a client first needs a
	// device's (about 400 bytes each): a server of 1000 attributes would
	// otherwise hold 0.4 MB that a read-only client never asks for.
	return &SimModel{w: w, devs: w.Devices(), attrs: map[string][]sim.AttrInfo{}, nattrs: w.NumAttributes()}
}

// World returns the wrapped world.
func (m *SimModel) World() *sim.World { return m.w }

func (m *SimModel) attributes(dev string) []sim.AttrInfo {
	if as, ok := m.attrs[dev]; ok {
		return as
	}
	as, _ := m.w.Attributes(dev)
	m.attrs[dev] = as
	return as
}

// devError converts a model error to the wire error.
func devError(err error) error {
	if err == nil {
		return nil
	}
	if de, ok := err.(*sim.DevError); ok {
		return api.NewError(reasonOf(de.Reason), de.Desc, de.Origin)
	}
	return api.NewError(api.ReasonInternal, err.Error(), "server")
}

// reasonOf normalizes the model's "device not hosted" to the API's reason.
func reasonOf(r string) string {
	if r == "API_DeviceNotExported" {
		return api.ReasonDeviceNotFound
	}
	return r
}

func notFound(dev string) error {
	return api.NewError(api.ReasonDeviceNotFound, fmt.Sprintf("device %s is not hosted by this server", dev), "server")
}

// matchDevices returns the hosted devices matching pattern, or the one
// device named exactly.
func (m *SimModel) matchDevices(pattern string) []string {
	var out []string
	for _, d := range m.devs {
		if api.Match(pattern, d.Name) {
			out = append(out, d.Name)
		}
	}
	return out
}

// Devices implements Model.
func (m *SimModel) Devices(pattern string) []*pb.DeviceInfo {
	var out []*pb.DeviceInfo
	for _, d := range m.devs {
		if !api.Match(pattern, d.Name) {
			continue
		}
		di := &pb.DeviceInfo{Name: d.Name, Class: d.Class, Server: d.Server}
		for _, a := range m.attributes(d.Name) {
			di.Attributes = append(di.Attributes, attrInfo(d.Name, a))
		}
		cs, _ := m.w.Commands(d.Name)
		for _, c := range cs {
			di.Commands = append(di.Commands, &pb.CommandInfo{Name: c.Name, InType: c.In.String(), OutType: c.Out.String()})
		}
		out = append(out, di)
	}
	return out
}

func limitStr(l sim.Limit) *string {
	if !l.Set {
		return nil
	}
	s := fmt.Sprint(l.V)
	return &s
}

func strPtr(s string) *string { return &s }

func attrInfo(dev string, a sim.AttrInfo) *pb.AttributeInfo {
	typ := a.Type.String()
	if a.Format != sim.Scalar {
		typ = a.Format.String() + "(" + typ + ")"
	}
	ms := func(d time.Duration) *int64 { v := d.Milliseconds(); return &v }
	f := func(v float64) *float64 { return &v }
	c := &pb.AttrConfig{
		PollingPeriodMs: ms(a.Polling), AbsChange: f(a.Events.AbsChange), RelChange: f(a.Events.RelChange),
		EventPeriodMs: ms(a.Events.Period), ArchiveAbsChange: f(a.Events.ArchiveAbs), ArchiveRelChange: f(a.Events.ArchiveRel),
		ArchivePeriodMs: ms(a.Events.ArchivePeriod),
		MinValue:        limitStr(a.MinValue), MaxValue: limitStr(a.MaxValue), MinAlarm: limitStr(a.MinAlarm), MaxAlarm: limitStr(a.MaxAlarm),
		MinWarning: limitStr(a.MinWarning), MaxWarning: limitStr(a.MaxWarning),
		Unit: strPtr(a.Unit), Format: strPtr(a.DisplayFormat), Label: strPtr(a.Label), Description: strPtr(a.Description),
	}
	return &pb.AttributeInfo{Name: dev + "/" + a.Name, DataType: typ, Writable: a.Writable, Config: c}
}

// expand turns one name (wildcards allowed) into device/attribute pairs.
// Exact names pass through unchecked (the model reports unknown ones).
func (m *SimModel) expand(name string, out []AttrRef) ([]AttrRef, error) {
	dev, attr, ok := api.SplitAttr(name)
	if !ok {
		return out, api.NewError(api.ReasonBadArgument, fmt.Sprintf("%q is not an attribute name (domain/family/member/attribute)", name), "server")
	}
	if !api.HasWildcard(name) {
		return append(out, AttrRef{dev, attr, name}), nil
	}
	n := len(out)
	for _, d := range m.matchDevices(dev) {
		for _, a := range m.attributes(d) {
			if api.Match(attr, a.Name) {
				out = append(out, AttrRef{Device: d, Attr: a.Name})
			}
		}
	}
	if len(out) == n {
		return out, api.NewError(api.ReasonAttrNotFound, fmt.Sprintf("no attribute matches %s", name), "server")
	}
	return out, nil
}

// Read implements Model: consecutive names of one device are read with one
// model call.
func (m *SimModel) Read(now time.Time, names []string, out []*pb.Reading) []*pb.Reading {
	ts := now.UnixNano()
	refs := m.refs[:0]
	for _, n := range names {
		var err error
		before := len(refs)
		refs, err = m.expand(n, refs)
		if err != nil {
			out = m.readRefs(now, refs[:before], out)
			refs = refs[:0]
			out = append(out, errReading(n, ts, err))
		}
	}
	out = m.readRefs(now, refs, out)
	clear(refs)
	m.refs = refs[:0]
	return out
}

func (m *SimModel) readRefs(now time.Time, refs []AttrRef, out []*pb.Reading) []*pb.Reading {
	for i := 0; i < len(refs); {
		j := i + 1
		for j < len(refs) && refs[j].Device == refs[i].Device {
			j++
		}
		m.names = m.names[:0]
		for _, r := range refs[i:j] {
			m.names = append(m.names, r.Attr)
		}
		rs, err := m.w.Read(now, refs[i].Device, m.names...)
		if err != nil {
			for _, r := range refs[i:j] {
				out = append(out, errReading(r.String(), now.UnixNano(), devError(err)))
			}
		} else {
			for k, r := range rs {
				if r.Err != nil && r.Err.Reason != "API_AttrNotFound" {
					m.evalErr++
				}
				out = append(out, wireReading(refs[i+k].String(), &r))
			}
		}
		i = j
	}
	return out
}

func errReading(name string, ts int64, err error) *pb.Reading {
	r := &pb.Reading{Name: name, Quality: pb.Quality_QUALITY_INVALID, TimeUnixNano: ts}
	if e, ok := err.(*api.Error); ok {
		r.Errors = e.Errors
	} else {
		r.Errors = []*pb.DevError{{Reason: api.ReasonInternal, Desc: err.Error(), Origin: "server"}}
	}
	return r
}

func wireReading(name string, r *sim.Reading) *pb.Reading {
	out := &pb.Reading{Name: name, Quality: pb.Quality(r.Quality), TimeUnixNano: r.Time.UnixNano()}
	if r.Err != nil {
		out.Errors = []*pb.DevError{{Reason: reasonOf(r.Err.Reason), Desc: r.Err.Desc, Origin: r.Err.Origin}}
		return out
	}
	out.Value = WireValue(r.Value)
	if r.Value.K == pyval.IntKind && strings.EqualFold(r.Attr, "State") {
		// DevState travels by name, as Tango clients show it.
		out.Value = api.Str(sim.State(r.Value.Int64()).String())
	}
	return out
}

// Write implements Model.
func (m *SimModel) Write(now time.Time, name string, v *pb.Value) error {
	dev, attr, ok := api.SplitAttr(name)
	if !ok {
		return api.NewError(api.ReasonBadArgument, fmt.Sprintf("%q is not an attribute name (domain/family/member/attribute)", name), "server")
	}
	return devError(m.w.Write(now, dev, attr, PyValue(v)))
}

// Command implements Model.
func (m *SimModel) Command(now time.Time, dev, cmd string, arg *pb.Value) (*pb.Value, error) {
	v, err := m.w.Command(now, dev, cmd, PyValue(arg))
	if err != nil {
		return nil, devError(err)
	}
	if v.K == pyval.IntKind && m.returnsState(dev, cmd) {
		// A DevState result travels by name, as the State attribute does.
		return api.Str(sim.State(v.Int64()).String()), nil
	}
	return WireValue(v), nil
}

// returnsState reports whether command cmd of dev returns a DevState.
func (m *SimModel) returnsState(dev, cmd string) bool {
	cmds, err := m.w.Commands(dev)
	if err != nil {
		return false
	}
	for _, c := range cmds {
		if strings.EqualFold(c.Name, cmd) {
			return c.Out == sim.DevStateType
		}
	}
	return false
}

func (m *SimModel) find(name string) (AttrRef, sim.AttrInfo, error) {
	dev, attr, ok := api.SplitAttr(name)
	if !ok {
		return AttrRef{}, sim.AttrInfo{}, api.NewError(api.ReasonBadArgument, fmt.Sprintf("%q is not an attribute name (domain/family/member/attribute)", name), "server")
	}
	if !m.w.Hosts(dev) {
		return AttrRef{}, sim.AttrInfo{}, notFound(dev)
	}
	for _, d := range m.devs {
		if strings.EqualFold(d.Name, dev) {
			for _, a := range m.attributes(d.Name) {
				if strings.EqualFold(a.Name, attr) {
					return AttrRef{Device: d.Name, Attr: a.Name}, a, nil
				}
			}
			return AttrRef{}, sim.AttrInfo{}, api.NewError(api.ReasonAttrNotFound, fmt.Sprintf("device %s has no attribute %s", d.Name, attr), "server")
		}
	}
	return AttrRef{}, sim.AttrInfo{}, notFound(dev)
}

// Config implements Model.
func (m *SimModel) Config(names []string) ([]*pb.AttributeInfo, error) {
	var out []*pb.AttributeInfo
	for _, n := range names {
		if api.HasWildcard(n) {
			refs, err := m.expand(n, nil)
			if err != nil {
				return nil, err
			}
			for _, r := range refs {
				_, a, err := m.find(r.String())
				if err != nil {
					return nil, err
				}
				out = append(out, attrInfo(r.Device, a))
			}
			continue
		}
		ref, a, err := m.find(n)
		if err != nil {
			return nil, err
		}
		out = append(out, attrInfo(ref.Device, a))
	}
	return out, nil
}

// checkEventConfig refuses periods outside Tango's range (negative, or
// beyond a DevLong of milliseconds, which also keeps them from
// overflowing a time.Duration) and thresholds that are not finite
// numbers (NaN would never trigger an event, quietly).
func checkEventConfig(c *pb.AttrConfig) error {
	for _, p := range []struct {
		name string
		v    *int64
	}{{"polling_period_ms", c.PollingPeriodMs}, {"event_period_ms", c.EventPeriodMs}, {"archive_period_ms", c.ArchivePeriodMs}} {
		if p.v != nil && (*p.v < 0 || *p.v > math.MaxInt32) {
			return api.NewError(api.ReasonBadArgument, fmt.Sprintf("%s must be 0 to %d (Tango's DevLong milliseconds), got %d", p.name, math.MaxInt32, *p.v), "server")
		}
	}
	for _, p := range []struct {
		name string
		v    *float64
	}{{"abs_change", c.AbsChange}, {"rel_change", c.RelChange}, {"archive_abs_change", c.ArchiveAbsChange}, {"archive_rel_change", c.ArchiveRelChange}} {
		if p.v != nil && (math.IsNaN(*p.v) || math.IsInf(*p.v, 0)) {
			return api.NewError(api.ReasonBadArgument, fmt.Sprintf("%s must be a finite number, got %g", p.name, *p.v), "server")
		}
	}
	return nil
}

// SetConfig implements Model. Polling and event settings change; the
// static properties (limits, unit, label ...) are read-only here.
func (m *SimModel) SetConfig(now time.Time, name string, c *pb.AttrConfig) (*pb.AttributeInfo, error) {
	ref, a, err := m.find(name)
	if err != nil {
		return nil, err
	}
	if c == nil {
		c = &pb.AttrConfig{}
	}
	if c.MinValue != nil || c.MaxValue != nil || c.MinAlarm != nil || c.MaxAlarm != nil || c.MinWarning != nil ||
		c.MaxWarning != nil || c.Unit != nil || c.Format != nil || c.Label != nil || c.Description != nil {
		return nil, api.NewError(api.ReasonBadArgument, "only polling_period_ms and the event settings can be changed at run time", "server")
	}
	if err := checkEventConfig(c); err != nil {
		return nil, err
	}
	if c.PollingPeriodMs != nil {
		if err := m.w.SetPolling(ref.Device, ref.Attr, time.Duration(*c.PollingPeriodMs)*time.Millisecond); err != nil {
			return nil, devError(err)
		}
	}
	ev := a.Events
	changed := false
	setF := func(dst *float64, p *float64) {
		if p != nil {
			// A single threshold is symmetric, as in Tango and in the
			// catalog's abs_change: -1 is a change of 1 either way.
			*dst, changed = math.Abs(*p), true
		}
	}
	setD := func(dst *time.Duration, p *int64) {
		if p != nil {
			*dst, changed = time.Duration(*p)*time.Millisecond, true
		}
	}
	setF(&ev.AbsChange, c.AbsChange)
	setF(&ev.RelChange, c.RelChange)
	setF(&ev.ArchiveAbs, c.ArchiveAbsChange)
	setF(&ev.ArchiveRel, c.ArchiveRelChange)
	setD(&ev.Period, c.EventPeriodMs)
	setD(&ev.ArchivePeriod, c.ArchivePeriodMs)
	if changed {
		if err := m.w.SetEventConfig(ref.Device, ref.Attr, ev); err != nil {
			return nil, devError(err)
		}
	}
	delete(m.attrs, ref.Device)
	_, a, err = m.find(ref.String())
	if err != nil {
		return nil, err
	}
	return attrInfo(ref.Device, a), nil
}

// State implements Model.
func (m *SimModel) State(now time.Time, devs []string) []*pb.DeviceState {
	var out []*pb.DeviceState
	one := func(dev string) {
		st, err := m.w.State(now, dev)
		if err != nil {
			out = append(out, &pb.DeviceState{Device: dev, State: sim.Unknown.String(), Errors: devError(err).(*api.Error).Errors})
			return
		}
		status, _ := m.w.Status(now, dev)
		out = append(out, &pb.DeviceState{Device: dev, State: st.String(), Status: status})
	}
	for _, p := range devs {
		if !api.HasWildcard(p) {
			one(p)
			continue
		}
		for _, d := range m.matchDevices(p) {
			one(d)
		}
	}
	return out
}

// Resolve implements Model.
func (m *SimModel) Resolve(names []string) ([]AttrRef, error) {
	var out []AttrRef
	for _, n := range names {
		if api.HasWildcard(n) {
			var err error
			if out, err = m.expand(n, out); err != nil {
				return nil, err
			}
			continue
		}
		ref, _, err := m.find(n)
		if err != nil {
			return nil, err
		}
		out = append(out, ref)
	}
	if len(out) == 0 {
		return nil, api.NewError(api.ReasonBadArgument, "no attributes to subscribe to", "server")
	}
	return out, nil
}

var eventTypes = [...]pb.EventType{sim.ChangeEvent: pb.EventType_EVENT_TYPE_CHANGE, sim.PeriodicEvent: pb.EventType_EVENT_TYPE_PERIODIC, sim.ArchiveEvent: pb.EventType_EVENT_TYPE_ARCHIVE}

// Advance implements Model.
func (m *SimModel) Advance(now time.Time, want func(dev, attr string, t pb.EventType) bool, out []Event) ([]Event, time.Time) {
	u := m.w.Advance(now)
	for i := range u.Events {
		e := &u.Events[i]
		if e.Err != nil {
			m.evalErr++
		}
		if int(e.Kind) >= len(eventTypes) {
			continue
		}
		t := eventTypes[e.Kind]
		if !want(e.Device, e.Attr, t) {
			continue
		}
		// No name in event readings: subscribers have the names table, and
		// the name would cost bytes and an allocation per event.
		out = append(out, Event{Device: e.Device, Attr: e.Attr, Type: t, Reading: wireReading("", &e.Reading)})
	}
	return out, u.Next
}

// Stats implements Model.
func (m *SimModel) Stats() (devices, attributes int, evalErrors uint64) {
	return len(m.devs), m.nattrs, m.evalErr
}

// WireValue converts a model value to a wire value. Lists and tuples become
// arrays of their element kind (nested lists are flattened, as images are
// sent row by row); other objects travel as their repr.
func WireValue(v pyval.Value) *pb.Value {
	switch v.K {
	case pyval.Undefined, pyval.NoneKind:
		return nil
	case pyval.BoolKind:
		return api.Bool(v.N != 0)
	case pyval.IntKind:
		return api.Int(v.Int64())
	case pyval.FloatKind:
		return api.Float(v.Float64())
	case pyval.StrKind:
		return api.Str(v.String())
	case pyval.BytesKind:
		return &pb.Value{Kind: &pb.Value_Raw{Raw: []byte(v.String())}}
	case pyval.BigKind:
		return api.Str(fmt.Sprint(v.O))
	case pyval.ListKind, pyval.TupleKind:
		var items []pyval.Value
		flatten(v, &items)
		return arrayOf(items)
	}
	return api.Str(fmt.Sprint(v.O))
}

func flatten(v pyval.Value, out *[]pyval.Value) {
	var items []pyval.Value
	switch o := v.O.(type) {
	case *pyval.List:
		items = o.Items
	case *pyval.Tuple:
		items = o.Items
	}
	for _, it := range items {
		if it.K == pyval.ListKind || it.K == pyval.TupleKind {
			flatten(it, out)
		} else {
			*out = append(*out, it)
		}
	}
}

func arrayOf(items []pyval.Value) *pb.Value {
	kinds := map[pyval.Kind]bool{}
	for _, it := range items {
		kinds[it.K] = true
	}
	switch {
	case len(items) == 0:
		return &pb.Value{Kind: &pb.Value_Doubles{Doubles: &pb.DoubleArray{}}}
	case len(kinds) == 1 && kinds[pyval.BoolKind]:
		bs := make([]bool, len(items))
		for i, it := range items {
			bs[i] = it.N != 0
		}
		return &pb.Value{Kind: &pb.Value_Bools{Bools: &pb.BoolArray{V: bs}}}
	case len(kinds) == 1 && kinds[pyval.IntKind]:
		is := make([]int64, len(items))
		for i, it := range items {
			is[i] = it.Int64()
		}
		return &pb.Value{Kind: &pb.Value_Ints{Ints: &pb.Int64Array{V: is}}}
	case !kinds[pyval.StrKind] && !kinds[pyval.NoneKind] && !kinds[pyval.BigKind] && !kinds[pyval.BytesKind]:
		ds := make([]float64, len(items))
		for i, it := range items {
			switch it.K {
			case pyval.FloatKind:
				ds[i] = it.Float64()
			default:
				ds[i] = float64(it.Int64())
			}
		}
		return &pb.Value{Kind: &pb.Value_Doubles{Doubles: &pb.DoubleArray{V: ds}}}
	}
	ss := make([]string, len(items))
	for i, it := range items {
		ss[i] = api.FormatValue(WireValue(it))
	}
	return &pb.Value{Kind: &pb.Value_Strings{Strings: &pb.StringArray{V: ss}}}
}

// PyValue converts a wire value to a model value (nil: None).
func PyValue(v *pb.Value) pyval.Value {
	switch k := v.GetKind().(type) {
	case *pb.Value_B:
		return pyval.Bool(k.B)
	case *pb.Value_I:
		return pyval.Int(k.I)
	case *pb.Value_D:
		return pyval.Float(k.D)
	case *pb.Value_S:
		return pyval.Str(k.S)
	case *pb.Value_Raw:
		return pyval.Value{K: pyval.BytesKind, O: string(k.Raw)}
	case *pb.Value_Bools:
		return list(len(k.Bools.V), func(i int) pyval.Value { return pyval.Bool(k.Bools.V[i]) })
	case *pb.Value_Ints:
		return list(len(k.Ints.V), func(i int) pyval.Value { return pyval.Int(k.Ints.V[i]) })
	case *pb.Value_Doubles:
		return list(len(k.Doubles.V), func(i int) pyval.Value { return pyval.Float(k.Doubles.V[i]) })
	case *pb.Value_Strings:
		return list(len(k.Strings.V), func(i int) pyval.Value { return pyval.Str(k.Strings.V[i]) })
	}
	return pyval.None
}

func list(n int, f func(int) pyval.Value) pyval.Value {
	items := make([]pyval.Value, n)
	for i := range items {
		items[i] = f(i)
	}
	return pyval.Value{K: pyval.ListKind, O: &pyval.List{Items: items}}
}
