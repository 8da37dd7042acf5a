package sim

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"chaoslab/internal/formula/pyval"
)

// This file is DynamicDS's read path (dyn.py:L1032-1135, L1252-1395):
// dependency refresh, the KeepTime cache, evaluation, casting and quality.

// isFresh reports whether attribute a may be served from the KeepTime cache.
func (d *device) isFresh(a *attr, now int64) bool {
	return a.keep && a.fresh && now-a.ts < d.keepTime
}

// get brings attribute i up to date at now and returns its error (nil when
// it holds a value). Dependencies older than KeepTime are re-evaluated
// first; an error in a dependency becomes this attribute's error
// (the original DevError, unchanged); a dependency whose value changed
// since this attribute was evaluated bypasses the cache.
func (d *device) get(i int, now int64) *DevError {
	a := &d.attrs[i]
	if a.busy {
		return &DevError{Reason: "PyDs_RecursionError", Desc: fmt.Sprintf("attribute %s/%s is read while it is being evaluated (dependency cycle through ATTR/XATTR)", d.name, a.name), Origin: d.name + "/" + a.name}
	}
	depChanged := false
	var depErr *DevError
	if d.checkDeps {
		for _, j := range a.deps {
			b := &d.attrs[j]
			if !d.isFresh(b, now) {
				d.get(int(j), now)
			}
			if b.err != nil && depErr == nil {
				depErr = b.err
			}
			if b.chg > a.seen {
				depChanged = true
			}
		}
	}
	if depErr != nil {
		d.store(i, now, pyval.None, Invalid, depErr)
		return depErr
	}
	if !depChanged && d.isFresh(a, now) {
		return a.err
	}
	d.evaluate(i, now)
	return a.err
}

// evaluate runs attribute i's formula for a read and stores the result.
func (d *device) evaluate(i int, now int64) {
	a := &d.attrs[i]
	if a.u.info == nil || a.u.info.err != nil {
		d.store(i, now, pyval.None, Invalid, &DevError{Reason: "PyDs_PythonError", Desc: d.problems[int32(i)], Origin: d.name + "/" + a.name})
		return
	}
	saved := d.fr
	d.fr = frame{now: now, attr: int32(i)}
	a.busy = true
	v, err := d.run(&a.u, now, i, false, pyval.None, pyval.Value{})
	a.busy = false
	cause := d.fr.cause
	d.fr = saved
	dq := int8(-1)
	if err == nil {
		v, dq = unDYN(v)
		v, err = cast(&d.ctx, a.typ, v)
	}
	if err != nil {
		d.store(i, now, pyval.None, Invalid, d.evalError(a.name, err, cause))
		return
	}
	q := d.quality(i, v, now)
	if dq > 0 && a.qual == nil {
		q = Quality(dq) // DYN(quality=...) when no DynamicQualities formula applies
	}
	d.store(i, now, v, q, nil)
}

// evalError turns a formula error into a DevError. An error remembered
// from XATTR/ATTR (a swallowed remote failure, a failing dependency) is
// reported in place of the formula's own error, as DynamicDS does.
func (d *device) evalError(name string, err error, cause *DevError) *DevError {
	if cause != nil {
		return cause
	}
	var de *DevError
	if errors.As(err, &de) {
		return de
	}
	return &DevError{Reason: "PyDs_PythonError", Desc: err.Error(), Origin: d.name + "/" + name}
}

// store records an evaluation of attribute i and generates the events of
// UseEvents attributes.
func (d *device) store(i int, now int64, v pyval.Value, q Quality, e *DevError) {
	a := &d.attrs[i]
	w := d.w
	w.stamp++
	changed := !a.fresh || (a.err == nil) != (e == nil) || a.q != q || !sameValue(&d.ctx, a.val, v)
	a.val, a.q, a.err = v, q, e
	a.ts, a.fresh, a.seen = now, true, w.stamp
	if changed {
		a.chg = w.stamp
		d.dirty = true
	}
	if a.ue != ueNone && !w.polling {
		d.events(i, now, false)
	}
}

// run evaluates a compiled formula with the per-evaluation names bound.
// attrIdx is the attribute being evaluated (-1 for states, status and
// commands); args is bound to ARGS when defined.
func (d *device) run(u *use, now int64, attrIdx int, write bool, value, args pyval.Value) (pyval.Value, error) {
	info := u.info
	if info.vf != nil && attrIdx >= 0 && args.IsUndefined() && !d.w.noVarFast && d.ctx.Depth < maxDepth(&d.ctx) {
		// The text is one VAR call with literal arguments: call VAR. This
		// is the interpreter's evaluation, bookkeeping included: the
		// budget is refilled as below (a VAR call charges no step), and a
		// nested evaluation at the depth limit (a cycle through ATTR)
		// takes the general path, which raises RecursionError there. A
		// failure (not expected with literal arguments) also takes it,
		// so that the error is raised where the formula raises it.
		d.refill()
		if v, err := info.vf.call(d, info.prog, u.lits); err == nil {
			return v, nil
		}
	}
	// One Env per Program, shared by every device using the text (the
	// World is single-threaded); a nested evaluation of the same Program
	// (ATTR of another device with the same formula) gets its own.
	env := info.env
	switch {
	case env == nil:
		env = info.prog.NewEnv(&d.ctx)
		info.env = env
	case info.busy:
		env = info.prog.NewEnv(&d.ctx)
	default:
		clear(env.Vars)
	}
	env.Ctx, env.Namespace, env.Lits = &d.ctx, d.ns, u.lits
	vars := env.Vars
	state := attrIdx < 0 && args.IsUndefined()
	for _, b := range u.binds {
		v := d.attrs[b.attr].val
		if state && (v.IsUndefined() || v.K == pyval.NoneKind) {
			// DynamicDS binds DynamicAttribute wrappers here whose operators
			// return None when the value is None (never read): comparisons
			// come out None, so the state line is false. The observable
			// consequence is reproduced: the line fails (counts as false).
			return pyval.None, &neverRead{name: d.attrs[b.attr].name}
		}
		vars[b.slot] = v
	}
	s := &info.slots
	if s.t >= 0 {
		vars[s.t] = pyval.Float(float64(now-d.t0) / 1e9)
	}
	if s.read >= 0 {
		vars[s.read] = pyval.Bool(!write)
	}
	if s.write >= 0 {
		vars[s.write] = pyval.Bool(write)
	}
	if s.value >= 0 {
		vars[s.value] = value
	}
	if s.attribute >= 0 {
		if attrIdx >= 0 {
			vars[s.attribute] = pyval.Str(d.attrs[attrIdx].name)
		} else {
			vars[s.attribute] = pyval.Str("")
		}
	}
	if s.name >= 0 {
		vars[s.name] = pyval.Str(d.name)
	}
	if s.state >= 0 {
		vars[s.state] = pyval.Int(int64(d.state))
	}
	if s.args >= 0 && !args.IsUndefined() {
		vars[s.args] = args
	}
	if s.deflt >= 0 && d.qualDefault {
		vars[s.deflt] = pyval.Int(int64(Valid))
	}
	d.refill()
	if env != info.env {
		return info.prog.Eval(env)
	}
	info.busy = true
	v, err := info.prog.Eval(env)
	info.busy = false
	return v, err
}

// maxDepth is the nesting limit of formula evaluations (pyval.Context).
func maxDepth(ctx *pyval.Context) int {
	if ctx.MaxDepth > 0 {
		return ctx.MaxDepth
	}
	return pyval.DefaultMaxDepth
}

// refill resets the step budget for one evaluation (or one cast).
func (d *device) refill() {
	budget := d.w.opts.Budget
	if budget <= 0 {
		budget = pyval.DefaultSteps
	}
	d.ctx.Steps = budget
}

// quality computes an attribute's quality: the matched DynamicQualities
// formula (VALUE, DEFAULT bound; any error gives VALID), then Tango's
// alarm and warning limits for numeric scalars that are still VALID.
func (d *device) quality(i int, v pyval.Value, now int64) Quality {
	a := &d.attrs[i]
	q := Valid
	if a.qual != nil && a.qual.info != nil && a.qual.info.err == nil {
		saved := d.fr
		d.fr = frame{now: now, attr: int32(i)}
		d.qualDefault = true
		r, err := d.run(a.qual, now, i, false, v, pyval.Value{})
		d.qualDefault = false
		d.fr = saved
		if err == nil && pyval.Truth(r) {
			if n, ok := toFloat(r); ok && n >= 0 && n <= 4 {
				q = Quality(n)
			}
		}
	}
	if q == Valid && a.cfg != nil {
		if f, ok := toFloat(v); ok && dynTypes[a.typ].format == Scalar {
			c := a.cfg
			switch {
			case c.minAlarm.Set && f < c.minAlarm.V, c.maxAlarm.Set && f > c.maxAlarm.V:
				q = Alarm
			case c.minWarning.Set && f < c.minWarning.V, c.maxWarning.Set && f > c.maxWarning.V:
				q = Warning
			}
		}
	}
	return q
}

// allowed reports whether attributes may be read at now (StartupDelay).
func (d *device) allowed(now int64) bool { return now-d.t0 >= d.startup }

// readOne is one attribute of a client read, written into r (an element
// of the caller's slice: no Reading is copied on the way).
func (d *device) readOne(now int64, name string, r *Reading) {
	switch {
	case len(name) == len("State") && strings.EqualFold(name, "State"):
		d.readAt(now, stateAttr, r)
		return
	case len(name) == len("Status") && strings.EqualFold(name, "Status"):
		d.readAt(now, statusAttr, r)
		return
	}
	i := d.findAttr(name)
	if i < 0 {
		*r = Reading{Attr: name, Value: pyval.None, Quality: Invalid, Time: time.Unix(0, now), Err: d.attrNotFound(name)}
		return
	}
	d.readAt(now, i, r)
}

// readAt is readOne of the attribute at index i, or of State or Status.
func (d *device) readAt(now int64, i int, r *Reading) {
	switch i {
	case stateAttr:
		r.Attr, r.Value, r.Quality, r.Time, r.Err = "State", pyval.Int(int64(d.state)), Valid, time.Unix(0, now), nil
		d.w.overrideInto(d, stateAttr, now, r)
		return
	case statusAttr:
		r.Attr, r.Value, r.Quality, r.Time, r.Err = "Status", pyval.Str(d.statusText(now)), Valid, time.Unix(0, now), nil
		d.w.overrideInto(d, statusAttr, now, r)
		return
	}
	if !d.allowed(now) {
		*r = Reading{Attr: d.attrs[i].name, Value: pyval.None, Quality: Invalid, Time: time.Unix(0, now),
			Err: &DevError{Reason: "API_AttrNotAllowed", Desc: fmt.Sprintf("It is currently not allowed to read attribute %s (StartupDelay)", d.attrs[i].name), Origin: "DeviceImpl::read_attributes"}}
		return
	}
	d.get(i, now)
	d.readingInto(i, r)
	d.w.overrideInto(d, int32(i), now, r)
}

func (d *device) read(now int64, names []string, out []Reading) []Reading {
	if d.plug != nil {
		t := time.Unix(0, now)
		for _, n := range names {
			out = append(out, d.plug.Read(t, n))
		}
		return out
	}
	d.hook(now)
	out = slices.Grow(out, len(names))
	for _, n := range names {
		out = out[:len(out)+1]
		d.readOne(now, n, &out[len(out)-1])
	}
	return out
}

// write is a client write (dyn.py:L1142-1160).
func (d *device) write(now int64, name string, v pyval.Value) error {
	if d.plug != nil {
		return d.plug.Write(time.Unix(0, now), name, v)
	}
	d.hook(now)
	i := d.findAttr(name)
	if i < 0 {
		return d.attrNotFound(name)
	}
	a := &d.attrs[i]
	origin := d.name + "/" + a.name
	if !a.writable {
		return &DevError{Reason: "API_AttrNotWritable", Desc: fmt.Sprintf("Attribute %s of device %s is not writable", a.name, d.name), Origin: "DeviceImpl::write_attributes"}
	}
	if !d.allowed(now) {
		return &DevError{Reason: "API_AttrNotAllowed", Desc: fmt.Sprintf("It is currently not allowed to write attribute %s (StartupDelay)", a.name), Origin: "DeviceImpl::write_attributes"}
	}
	t := &dynTypes[a.typ]
	if t.format == Scalar && (v.K == pyval.ListKind || v.K == pyval.TupleKind) {
		// Tango carries a scalar as a sequence of one: any other length
		// is refused (WAttribute::check_written_value).
		items := seqItems(v)
		if len(items) != 1 {
			return &DevError{Reason: "API_AttrIncorrectDataNumber",
				Desc:   fmt.Sprintf("Incorrect data number: %d values written to scalar attribute %s", len(items), a.name),
				Origin: "WAttribute::check_written_value()"}
		}
		v = items[0]
	}
	d.refill()
	cv, err := cast(&d.ctx, a.typ, v)
	if err != nil {
		return &DevError{Reason: "API_IncompatibleAttrArgumentType", Desc: fmt.Sprintf("cannot convert written value for %s to %s: %v", a.name, t.name, err), Origin: origin}
	}
	if e := checkLimits(a, cv); e != nil {
		return e
	}
	if a.u.info == nil || a.u.info.err != nil {
		return &DevError{Reason: "PyDs_PythonError", Desc: d.problems[int32(i)], Origin: origin}
	}
	saved := d.fr
	d.fr = frame{now: now, attr: int32(i), write: true, value: cv}
	a.busy = true
	_, err = d.run(&a.u, now, i, true, cv, pyval.Value{})
	a.busy = false
	cause := d.fr.cause
	d.fr = saved
	// The written value shows on the next read: DynamicDS keeps serving
	// the cached value for up to KeepTime; dropping the cache here is a
	// deliberate difference (docs/twin.md).
	a.fresh = false
	if err != nil {
		return d.evalError(a.name, err, cause)
	}
	return nil
}

// checkLimits rejects what Tango's WAttribute::check_written_value
// rejects once the type is right: NaN or INF written to a floating-point
// attribute, and values outside min_value/max_value (the description
// names the limit).
func checkLimits(a *attr, v pyval.Value) *DevError {
	c := a.cfg
	limited := c != nil && (c.minValue.Set || c.maxValue.Set)
	base := dynTypes[a.typ].base
	floating := base == DevDouble || base == DevFloat
	if !limited && !floating {
		return nil
	}
	items := []pyval.Value{v}
	if v.K == pyval.ListKind {
		items = seqItems(v)
	}
	for k, x := range items {
		f, ok := toFloat(x)
		if !ok {
			continue
		}
		if floating && (math.IsNaN(f) || math.IsInf(f, 0)) {
			return &DevError{Reason: "API_WAttrOutsideLimit",
				Desc:   fmt.Sprintf("Set value for attribute %s is a NaN or INF value (at least element %d)", a.name, k),
				Origin: "WAttribute::check_written_value()"}
		}
		if !limited {
			continue
		}
		if c.maxValue.Set && f > c.maxValue.V {
			return &DevError{Reason: "API_WAttrOutsideLimit",
				Desc:   fmt.Sprintf("Set value for attribute %s is above the maximum authorized (at least element %d): %v > max_value %v", a.name, k, f, c.maxValue.V),
				Origin: "WAttribute::check_written_value()"}
		}
		if c.minValue.Set && f < c.minValue.V {
			return &DevError{Reason: "API_WAttrOutsideLimit",
				Desc:   fmt.Sprintf("Set value for attribute %s is below the minimum authorized (at least element %d): %v < min_value %v", a.name, k, f, c.minValue.V),
				Origin: "WAttribute::check_written_value()"}
		}
	}
	return nil
}

func seqItems(v pyval.Value) []pyval.Value {
	switch v.K {
	case pyval.ListKind:
		return v.O.(*pyval.List).Items
	case pyval.TupleKind:
		return v.O.(*pyval.Tuple).Items
	}
	return nil
}

// hook re-evaluates the device state as DynamicDS's always_executed_hook
// does before every client request: DynamicStates in declaration order,
// first true wins, state unchanged when none is true; a failing formula
// counts as false.
func (d *device) hook(now int64) {
	if d.plug != nil {
		s, _ := d.plug.State(time.Unix(0, now))
		d.setState(s, now)
		return
	}
	if len(d.states) == 0 || d.inHook {
		return
	}
	d.inHook = true
	saved := d.fr
	for k := range d.states {
		r := &d.states[k]
		if r.u.info == nil || r.u.info.err != nil {
			continue
		}
		d.fr = frame{now: now, attr: -1}
		v, err := d.run(&r.u, now, -1, false, pyval.None, pyval.Value{})
		if err != nil {
			d.lastErr = r.state.String() + ": " + err.Error()
			continue
		}
		if pyval.Truth(v) {
			d.setState(r.state, now)
			break
		}
	}
	d.fr = saved
	d.inHook = false
}

func (d *device) setState(s State, now int64) {
	if s == d.state {
		return
	}
	d.state = s
	r := Reading{Attr: "State", Value: pyval.Int(int64(s)), Time: time.Unix(0, now)}
	d.w.emit(d, -1, ChangeEvent, r, now)
}

// statusText builds the status: DynamicStatus lines (state evaluator,
// str() of each, failing lines skipped, joined by newlines), else the text
// set by SetStatus/Add2Status, else Tango's default.
func (d *device) statusText(now int64) string {
	if d.plug != nil {
		_, s := d.plug.State(time.Unix(0, now))
		return s
	}
	if len(d.status) > 0 {
		var b strings.Builder
		saved := d.fr
		for k := range d.status {
			u := &d.status[k]
			if u.info == nil || u.info.err != nil {
				continue
			}
			d.fr = frame{now: now, attr: -1}
			v, err := d.run(u, now, -1, false, pyval.None, pyval.Value{})
			if err != nil {
				continue
			}
			s, err := pyval.ToStr(&d.ctx, v)
			if err != nil {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(s)
		}
		d.fr = saved
		return b.String()
	}
	if d.hasStatus {
		return d.statusSet
	}
	return "The device is in " + d.state.String() + " state."
}

// command runs a command (dyn.py:L1389-1393, L2479-2541).
func (d *device) command(now int64, name string, arg pyval.Value) (pyval.Value, error) {
	if d.plug != nil {
		return d.plug.Command(time.Unix(0, now), name, arg)
	}
	switch strings.ToLower(name) {
	case "state":
		d.hook(now)
		return pyval.Int(int64(d.state)), nil
	case "status":
		d.hook(now)
		return pyval.Str(d.statusText(now)), nil
	case "init":
		d.init(now)
		return pyval.None, nil
	}
	k := d.findCmd(name)
	if k < 0 {
		return pyval.None, &DevError{Reason: "API_CommandNotFound", Desc: fmt.Sprintf("Command %s not found", name), Origin: "Device_3Impl::command_inout"}
	}
	d.hook(now)
	return d.runCommand(k, now, arg)
}

func (d *device) runCommand(k int, now int64, arg pyval.Value) (pyval.Value, error) {
	c := &d.cmds[k]
	origin := d.name + "/" + c.name
	d.refill()
	in, err := castArg(&d.ctx, c.in, arg)
	if err != nil {
		return pyval.None, &DevError{Reason: "API_IncompatibleCmdArgumentType", Desc: fmt.Sprintf("command %s expects %s: %v", c.name, c.in, err), Origin: origin}
	}
	if c.u.info == nil || c.u.info.err != nil {
		return pyval.None, &DevError{Reason: "PyDs_PythonError", Desc: "command formula does not compile", Origin: origin}
	}
	d.ns.SetStr("ARGS", in) // ARGS persists in the namespace, as in DynamicDS
	saved := d.fr
	d.fr = frame{now: now, attr: -1}
	v, err := d.run(&c.u, now, -1, false, pyval.None, in)
	cause := d.fr.cause
	d.fr = saved
	if err == nil {
		v, err = cast(&d.ctx, c.outType, v)
	}
	if err != nil {
		return pyval.None, d.evalError(c.name, err, cause)
	}
	return v, nil
}

// castArg converts a command argin to the command's declared type.
func castArg(ctx *pyval.Context, t TangoType, v pyval.Value) (pyval.Value, error) {
	switch t {
	case DevVoid:
		return pyval.None, nil
	case DevLong:
		return castScalar(ctx, castInt, v)
	case DevDouble:
		return castScalar(ctx, castFloat, v)
	case DevString:
		return castScalar(ctx, castStr, v)
	case DevBoolean:
		return castScalar(ctx, castBool, v)
	case DevVarLongArray:
		return castSeq(ctx, castInt, v, false)
	case DevVarDoubleArray:
		return castSeq(ctx, castFloat, v, false)
	case DevVarBooleanArray:
		return castSeq(ctx, castBool, v, false)
	default: // DevVarStringArray: a scalar becomes a one-element list
		if v.K != pyval.ListKind && v.K != pyval.TupleKind {
			if v.K == pyval.NoneKind || v.IsUndefined() {
				return pyval.NewList(nil), nil
			}
			v = pyval.NewList([]pyval.Value{v})
		}
		return castSeq(ctx, castStr, v, false)
	}
}

// neverRead fails a state or status formula that reads an attribute
// holding no value (see device.run).
type neverRead struct{ name string }

func (e *neverRead) Error() string {
	return "attribute " + e.name + " has no value yet (never read): the state formula counts as false, as with DynamicDS's wrappers"
}
