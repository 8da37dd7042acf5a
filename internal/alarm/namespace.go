package alarm

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/sim"
)

// PANIC's explicit-read and device names (teval:L252-290, pya:L351-406):
//
//   - READ(dev[, attr[, what]]), ATTR, XATTR: read like a reference written
//     in the formula ("dev/attr.what" in one string, or its parts), same
//     error semantics (RethrowState/RethrowAttribute/IgnoreExceptions) and
//     .delta/.hist from a per-device cache; through sim.Host.Read.
//   - DEV(name), DEVICES[name]: read-only device views (attribute values as
//     Python attributes, State(), Status(), read_attribute(a), name()); no
//     writes, no commands. `name in DEVICES` and iteration cover the devices
//     the PyAlarm device's own formulas reference.
//   - SELF: this PyAlarm device: get_name(), get_state(), CheckAlarm,
//     CheckAcknowledged, CheckDisabled, and the commands ResetAlarm,
//     Acknowledge, Disable, Enable. The commands are deferred: they are
//     checked when called and run after the evaluation that called them
//     (after its lifecycle step), so a formula never changes an alarm in
//     the middle of its own evaluation.

// addPanicNames adds READ/ATTR/XATTR, DEV/DEVICES and SELF to g.
func (d *Device) addPanicNames(g map[string]pyval.Value) {
	read := pyval.NewFunc(&pyval.Func{Name: "READ", Fn: func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		dev, attr, what, err := readArgs(ctx, args, kw)
		if err != nil {
			return pyval.None, err
		}
		return d.explicitRead(dev, attr, what)
	}})
	g["READ"], g["ATTR"], g["XATTR"] = read, read, read
	g["DEV"] = pyval.NewFunc(&pyval.Func{Name: "DEV", Fn: func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		if len(args) != 1 || len(kw) > 0 || args[0].K != pyval.StrKind {
			return pyval.None, pyval.Errorf("TypeError", "DEV() takes one device name")
		}
		return d.devView(args[0].String())
	}})
	g["DEVICES"] = pyval.NewObject(devicesObj{d: d})
	g["SELF"] = pyval.NewObject(selfObj{d: d})
}

// readArgs parses READ's arguments: "dev/attr[.what]", "dev[.what]" (its
// State), or dev, attr[, what].
func readArgs(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (dev, attr, what string, err error) {
	if len(kw) > 0 || len(args) == 0 || len(args) > 3 {
		return "", "", "", pyval.Errorf("TypeError", "READ(dev[, attr[, what]]) takes 1 to 3 positional arguments")
	}
	parts := make([]string, len(args))
	for i, a := range args {
		if a.K != pyval.StrKind {
			return "", "", "", pyval.Errorf("TypeError", "READ() argument %d must be str, not %s", i+1, pyval.TypeNameCtx(ctx, a))
		}
		parts[i] = strings.TrimSpace(a.String())
	}
	name := parts[0]
	if len(parts) > 1 {
		name += "/" + parts[1]
	}
	if len(parts) > 2 {
		what = parts[2]
	} else if i := strings.LastIndexByte(name, '.'); i >= 0 && slices.Contains(whats, name[i+1:]) {
		name, what = name[:i], name[i+1:]
	}
	if what != "" && !slices.Contains(whats, what) {
		return "", "", "", pyval.Errorf("ValueError", "READ: unknown suffix %q (expected one of %s)", what, strings.Join(whats, ", "))
	}
	name = strings.TrimPrefix(name, "tango://")
	host := ""
	if i := strings.IndexByte(name, '/'); i >= 0 && strings.Contains(name[:i], ":") {
		host, name = name[:i+1], name[i+1:]
	}
	f := strings.Split(name, "/")
	switch {
	case len(f) == 3 && f[0] != "" && f[1] != "" && f[2] != "":
		return host + name, "State", what, nil
	case len(f) == 4 && f[0] != "" && f[1] != "" && f[2] != "" && f[3] != "":
		return host + strings.Join(f[:3], "/"), f[3], what, nil
	}
	return "", "", "", pyval.Errorf("ValueError", "READ: %q is not a Tango name (dom/fam/mem[/attr][.what])", parts[0])
}

// explicitRead reads dev/attr at the evaluation time with the reference
// semantics of §3.3.
func (d *Device) explicitRead(dev, attr, what string) (pyval.Value, error) {
	now := d.evalAt
	var rd sim.Reading
	if strings.EqualFold(dev, d.name) {
		rd = d.Read(now, attr)
	} else {
		rd = d.host.Read(now, dev, attr)
	}
	if what == "exception" {
		return pyval.Bool(rd.Err != nil), nil
	}
	key := strings.ToLower(dev + "/" + attr)
	if rd.Err != nil {
		raise := (strings.EqualFold(attr, "State") && d.cfg.RethrowState) || d.cfg.RethrowAttribute || d.cfg.Ignore == ignoreFalse
		switch {
		case raise:
			return pyval.None, rd.Err
		case d.cfg.Ignore == ignoreNaN:
			return nan, nil
		}
		return pyval.None, nil
	}
	if d.readCaches == nil {
		d.readCaches = map[string]*ring{}
	}
	c := d.readCaches[key]
	if c == nil {
		if len(d.readCaches) >= maxReadCaches {
			return pyval.None, pyval.Errorf("RuntimeError", "READ: more than %d distinct attributes read by %s", maxReadCaches, d.name)
		}
		c = &ring{}
		d.readCaches[key] = c
	}
	c.add(d.cfg.Threshold+1, rd.Time.UnixNano(), plain(rd.Value))
	return d.whatValue(&rd, what, c), nil
}

// maxReadCaches bounds the READ caches of one device: names computed at
// run time must not grow memory without end.
const maxReadCaches = 4096

// devView is DEV(name): a read-only view of a device.
func (d *Device) devView(name string) (pyval.Value, error) {
	dev, _, _, err := readArgs(d.ctx, []pyval.Value{pyval.Str(name)}, nil)
	if err != nil {
		return pyval.None, pyval.Errorf("ValueError", "DEV: %q is not a device name (dom/fam/mem)", name)
	}
	if strings.Count(strings.TrimPrefix(name, "tango://"), "/") > 2+strings.Count(dev, ":") {
		return pyval.None, pyval.Errorf("ValueError", "DEV: %q is not a device name (dom/fam/mem)", name)
	}
	return pyval.NewObject(&devObj{d: d, name: dev}), nil
}

// devObj is a read-only device proxy.
type devObj struct {
	d    *Device
	name string
}

func (*devObj) TypeName() string { return "DeviceProxy" }
func (o *devObj) Repr() string   { return "DeviceProxy(" + o.name + ")" }
func (o *devObj) GetAttr(ctx *pyval.Context, name string) (pyval.Value, error) {
	read := func(attr string) sim.Reading {
		if strings.EqualFold(o.name, o.d.name) {
			return o.d.Read(o.d.evalAt, attr)
		}
		return o.d.host.Read(o.d.evalAt, o.name, attr)
	}
	value := func(attr string) (pyval.Value, error) {
		r := read(attr)
		if r.Err != nil {
			return pyval.None, r.Err
		}
		return r.Value, nil
	}
	switch name {
	case "name", "dev_name":
		return constFunc(name, pyval.Str(o.name)), nil
	case "State", "state", "Status", "status":
		attr := strings.ToUpper(name[:1]) + name[1:]
		return pyval.NewFunc(&pyval.Func{Name: name, Fn: func(*pyval.Context, []pyval.Value, []pyval.Keyword) (pyval.Value, error) {
			return value(attr)
		}}), nil
	case "read_attribute":
		return pyval.NewFunc(&pyval.Func{Name: name, Fn: func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
			if len(args) != 1 || len(kw) > 0 || args[0].K != pyval.StrKind {
				return pyval.None, pyval.Errorf("TypeError", "read_attribute() takes one attribute name")
			}
			r := read(args[0].String())
			if r.Err != nil {
				return pyval.None, r.Err
			}
			return pyval.NewObject(&attrValueObj{r: r}), nil
		}}), nil
	case "write_attribute", "command_inout", "put_property", "delete_property", "init", "Init":
		return pyval.None, pyval.Errorf("AttributeError", "'DeviceProxy' object has no attribute '%s' (alarm formulas only read: DEV offers attribute values, State(), Status(), read_attribute(), name())", name)
	}
	if strings.HasPrefix(name, "_") {
		return pyval.None, pyval.Errorf("AttributeError", "'DeviceProxy' object has no attribute '%s'", name)
	}
	return value(name)
}

// attrValueObj is a DeviceAttribute: .value, .quality, .time, .name.
type attrValueObj struct{ r sim.Reading }

func (*attrValueObj) TypeName() string { return "DeviceAttribute" }
func (o *attrValueObj) Repr() string   { return "DeviceAttribute(" + o.r.Attr + ")" }
func (o *attrValueObj) GetAttr(ctx *pyval.Context, name string) (pyval.Value, error) {
	switch name {
	case "value":
		return o.r.Value, nil
	case "quality":
		return pyval.Int(int64(o.r.Quality)), nil
	case "time":
		return pyval.Float(float64(o.r.Time.UnixNano()) / 1e9), nil
	case "name":
		return pyval.Str(o.r.Attr), nil
	}
	return pyval.None, pyval.Errorf("AttributeError", "'DeviceAttribute' object has no attribute '%s' (value, quality, time, name)", name)
}

// devicesObj is DEVICES: DEVICES[name] is DEV(name); `in` and iteration
// cover the devices referenced by this PyAlarm device's formulas (the
// proxies TangoEval holds).
type devicesObj struct{ d *Device }

func (devicesObj) TypeName() string { return "dict" }
func (devicesObj) Repr() string     { return "<DEVICES>" }
func (devicesObj) GetAttr(ctx *pyval.Context, name string) (pyval.Value, error) {
	return pyval.None, pyval.Errorf("AttributeError", "DEVICES offers DEVICES[name], `name in DEVICES` and iteration only (no '%s')", name)
}

// GetItem makes DEVICES[name] a device view.
func (o devicesObj) GetItem(ctx *pyval.Context, k pyval.Value) (pyval.Value, error) {
	if k.K != pyval.StrKind {
		return pyval.None, pyval.Errorf("KeyError", "DEVICES keys are device names")
	}
	return o.d.devView(k.String())
}

// Contains reports whether name is a device referenced by the formulas.
func (o devicesObj) Contains(ctx *pyval.Context, k pyval.Value) (bool, error) {
	return k.K == pyval.StrKind && slices.Contains(o.d.referenced(), strings.ToLower(k.String())), nil
}

// Iterate yields the referenced device names.
func (o devicesObj) Iterate(ctx *pyval.Context, f func(pyval.Value) error) error {
	for _, n := range o.d.referenced() {
		if err := f(pyval.Str(n)); err != nil {
			return err
		}
	}
	return nil
}

// referenced lists the devices the device's alarm formulas reference,
// lower-case, sorted.
func (d *Device) referenced() []string {
	var out []string
	for _, a := range d.alarms {
		if a.c == nil {
			continue
		}
		for _, r := range a.c.refs {
			if n := strings.ToLower(r.Device); !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	slices.Sort(out)
	return out
}

// selfObj is SELF: this PyAlarm device.
type selfObj struct{ d *Device }

func (selfObj) TypeName() string { return "PyAlarm" }
func (o selfObj) Repr() string   { return "<PyAlarm " + o.d.name + ">" }

// selfCommands are the commands SELF offers; they are deferred.
var selfCommands = []string{"ResetAlarm", "Acknowledge", "Disable", "Enable"}

// selfChecks are the read-only commands SELF offers, run at once.
var selfChecks = []string{"CheckAlarm", "CheckAcknowledged", "CheckDisabled"}

type selfCall struct {
	cmd  string
	args []string
}

func (o selfObj) GetAttr(ctx *pyval.Context, name string) (pyval.Value, error) {
	d := o.d
	switch name {
	case "get_name":
		return constFunc(name, pyval.Str(d.name)), nil
	case "get_state":
		return pyval.NewFunc(&pyval.Func{Name: name, Fn: func(*pyval.Context, []pyval.Value, []pyval.Keyword) (pyval.Value, error) {
			s, _ := d.State(d.evalAt)
			return pyval.Int(int64(s)), nil
		}}), nil
	}
	if slices.Contains(selfChecks, name) {
		return pyval.NewFunc(&pyval.Func{Name: name, Fn: func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
			return d.Command(d.evalAt, name, selfArgs(ctx, args))
		}}), nil
	}
	if slices.Contains(selfCommands, name) {
		return pyval.NewFunc(&pyval.Func{Name: name, Fn: func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
			return d.deferCommand(ctx, name, selfArgs(ctx, args))
		}}), nil
	}
	return pyval.None, pyval.Errorf("AttributeError", "'PyAlarm' object has no attribute '%s' (SELF offers get_name, get_state, %s, %s)",
		name, strings.Join(selfChecks, ", "), strings.Join(selfCommands, ", "))
}

// selfArgs accepts both SELF.ResetAlarm(['TAG', 'comment']) (the Tango
// command's string array) and SELF.ResetAlarm('TAG', 'comment').
func selfArgs(ctx *pyval.Context, args []pyval.Value) pyval.Value {
	if len(args) == 1 {
		return args[0]
	}
	return pyval.NewList(args)
}

// maxDeferred bounds the SELF commands one evaluation may queue.
const maxDeferred = 1000

// deferCommand checks a SELF command now (so a bad tag raises in the
// formula) and queues it for after the evaluation.
func (d *Device) deferCommand(ctx *pyval.Context, cmd string, arg pyval.Value) (pyval.Value, error) {
	args := argStrings(ctx, arg)
	if len(args) == 0 || d.byTag[args[0]] == nil {
		tag := ""
		if len(args) > 0 {
			tag = args[0]
		}
		return pyval.None, d.cmdErr("PyAlarm_UnknownAlarm", fmt.Sprintf("SELF.%s: unknown alarm %q", cmd, tag))
	}
	switch cmd {
	case "ResetAlarm":
		if len(args) < 2 {
			return pyval.None, d.cmdErr("UserMessageRequiredAs2ndArgument", "SELF.ResetAlarm: a comment is required as second argument")
		}
	case "Disable":
		if len(args) > 2 && strings.TrimSpace(args[2]) != "" {
			if _, ok := ParseTimeout(args[2]); !ok {
				return pyval.None, d.cmdErr("API_IncompatibleCmdArgumentType", "SELF.Disable: timeout "+args[2]+": expected a number with unit s, m, h, d, w, M or y")
			}
		}
	}
	if len(d.deferred) >= maxDeferred {
		return pyval.None, pyval.Errorf("RuntimeError", "SELF: more than %d commands in one evaluation", maxDeferred)
	}
	d.deferred = append(d.deferred, selfCall{cmd: cmd, args: args})
	return pyval.Bool(true), nil
}

// runDeferred runs the SELF commands queued by the last evaluation and
// reports whether any ran.
func (d *Device) runDeferred(now time.Time) bool {
	if len(d.deferred) == 0 || d.inEval > 0 {
		return false
	}
	calls := d.deferred
	d.deferred = nil
	for _, c := range calls {
		vs := make([]pyval.Value, len(c.args))
		for i, s := range c.args {
			vs[i] = pyval.Str(s)
		}
		// checked when queued; a tag gone since cannot happen (tags are fixed)
		d.Command(now, c.cmd, pyval.NewList(vs))
	}
	return true
}

func constFunc(name string, v pyval.Value) pyval.Value {
	return pyval.NewFunc(&pyval.Func{Name: name, Fn: func(*pyval.Context, []pyval.Value, []pyval.Keyword) (pyval.Value, error) {
		return v, nil
	}})
}
