package sim

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"chaoslab/internal/formula"
	"chaoslab/internal/formula/pyval"
)

// The DynamicDS namespace (simulatords.md §1.3/§1.4). Host functions are
// shared by every device and every World: they find their device through
// Context.Host and the evaluation in progress through device.fr.

// perEvalNames are bound per evaluation (HostNames: they shadow globals).
var perEvalNames = []string{"t", "READ", "WRITE", "VALUE", "ATTRIBUTE", "NAME", "STATE", "ARGS", "DEFAULT"}

// nsNames live in each device's namespace dict from the start.
var nsNames = []string{"VARS", "ARGS", "STATUS"}

var (
	globalsOnce sync.Once
	hostGlobals map[string]pyval.Value // mode-independent
)

func hostFunc(name string, fn func(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error)) pyval.Value {
	return pyval.NewFunc(&pyval.Func{Name: name, Fn: func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		d, ok := ctx.Host.(*device)
		if !ok {
			return pyval.None, pyval.Errorf("RuntimeError", "%s() is only available in a device formula", name)
		}
		return fn(ctx, d, args, kw)
	}})
}

// params binds positional and keyword arguments to names, like a Python
// signature with defaults None. It runs on every host call of every
// evaluation (VAR, GET, ATTR ...): keyword names are matched by length and
// first byte before the full comparison.
func params(fn string, names []string, args []pyval.Value, kw []pyval.Keyword) (out [4]pyval.Value, err error) {
	if len(args) > len(names) {
		return out, pyval.Errorf("TypeError", "%s() takes at most %d arguments (%d given)", fn, len(names), len(args))
	}
	n := copy(out[:], args)
	for i := n; i < len(names); i++ {
		out[i] = pyval.None
	}
	for _, k := range kw {
		i := paramIndex(names, k.Name)
		if i < 0 {
			return out, pyval.Errorf("TypeError", "%s() got an unexpected keyword argument '%s'", fn, k.Name)
		}
		out[i] = k.Value
	}
	return out, nil
}

func paramIndex(names []string, name string) int {
	if name == "" {
		return -1
	}
	for i, n := range names {
		if len(n) == len(name) && n[0] == name[0] && n == name {
			return i
		}
	}
	return -1
}

func given(args []pyval.Value, kw []pyval.Keyword, pos int, name string) bool {
	if len(args) > pos {
		return true
	}
	for _, k := range kw {
		if k.Name == name {
			return true
		}
	}
	return false
}

func strArg(ctx *pyval.Context, fn string, v pyval.Value) (string, error) {
	if v.K == pyval.StrKind {
		return v.String(), nil
	}
	return "", pyval.Errorf("TypeError", "%s() argument must be a string, not %s", fn, pyval.TypeName(v))
}

// varParams is VAR's signature.
var varParams = []string{"name", "v", "default", "WRITE"}

// varOp is VAR(name, v, default, WRITE) (dyn.py:L1691-1731), for the host
// function and for varFast.
func (d *device) varOp(ctx *pyval.Context, name, v, def, wr pyval.Value) (pyval.Value, error) {
	if name.K == pyval.NoneKind {
		if d.fr.attr < 0 {
			return pyval.None, pyval.Errorf("TypeError", "VAR() needs a name outside attribute formulas")
		}
		name = pyval.Str(d.attrs[d.fr.attr].name)
	}
	if pyval.Truth(wr) && d.fr.write {
		if d.fr.value.K != pyval.NoneKind && !d.fr.value.IsUndefined() {
			v = d.fr.value
		}
	}
	if v.K != pyval.NoneKind {
		if err := d.vars.Set(ctx, name, v); err != nil {
			return pyval.None, err
		}
		return v, nil
	}
	cur, ok, err := d.vars.Get(ctx, name)
	if err != nil {
		return pyval.None, err
	}
	if !ok || cur.K == pyval.NoneKind {
		if err := d.vars.Set(ctx, name, def); err != nil {
			return pyval.None, err
		}
		return def, nil
	}
	return cur, nil
}

// varFast is a formula text that is one VAR call with literal arguments
// (formula.LitCall), bound to VAR's parameters once per shape: arg[i] is
// the index in lc.Args of parameter i, or -1 (None). device.run calls VAR
// directly for it.
type varFast struct {
	lc  *formula.LitCall
	arg [4]int8
}

// newVarFast binds lc as params binds a call (a later argument for the
// same parameter wins); nil when lc is not such a call or would raise.
func newVarFast(lc *formula.LitCall) *varFast {
	if lc == nil || lc.Name != "VAR" {
		return nil
	}
	npos := len(lc.Args) - len(lc.Keywords)
	if npos > len(varParams) {
		return nil
	}
	vf := &varFast{lc: lc, arg: [4]int8{-1, -1, -1, -1}}
	for i := 0; i < npos; i++ {
		vf.arg[i] = int8(i)
	}
	for j, k := range lc.Keywords {
		i := paramIndex(varParams, k)
		if i < 0 {
			return nil
		}
		vf.arg[i] = int8(npos + j)
	}
	return vf
}

// call runs the VAR call for a device whose text has the literals lits
// (nil: the shape's own).
func (vf *varFast) call(d *device, p *formula.Program, lits *formula.Literals) (pyval.Value, error) {
	var a [4]pyval.Value
	for i, j := range vf.arg {
		if j < 0 {
			a[i] = pyval.None
		} else {
			a[i] = vf.lc.Args[j].Arg(p, lits)
		}
	}
	return d.varOp(&d.ctx, a[0], a[1], a[2], a[3])
}

func buildHostGlobals() {
	g := map[string]pyval.Value{}
	// VAR(name=None, v=None, default=None, WRITE=None) (dyn.py:L1691-1731).
	g["VAR"] = hostFunc("VAR", func(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("VAR", varParams, args, kw)
		if err != nil {
			return pyval.None, err
		}
		return d.varOp(ctx, p[0], p[1], p[2], p[3])
	})
	// GET(name, default=None): the variable if it exists or a default is
	// given, else the namespace entry (e.g. a kept attribute value).
	g["GET"] = hostFunc("GET", func(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("GET", []string{"name", "default"}, args, kw)
		if err != nil {
			return pyval.None, err
		}
		if cur, ok, err := d.vars.Get(ctx, p[0]); err != nil {
			return pyval.None, err
		} else if ok {
			return cur, nil
		}
		if given(args, kw, 1, "default") {
			return p[1], nil
		}
		if p[0].K == pyval.StrKind {
			if v, ok := d.ns.GetStr(p[0].String()); ok {
				return v, nil
			}
			if i := d.findAttrExact(p[0].String()); i >= 0 && !d.attrs[i].val.IsUndefined() {
				return d.attrs[i].val, nil
			}
		}
		return pyval.None, nil
	})
	g["SET"] = hostFunc("SET", func(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("SET", []string{"name", "value"}, args, kw)
		if err != nil {
			return pyval.None, err
		}
		return p[1], d.vars.Set(ctx, p[0], p[1])
	})
	attrFn := func(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("ATTR", []string{"name", "default"}, args, kw)
		if err != nil {
			return pyval.None, err
		}
		name, err := strArg(ctx, "ATTR", p[0])
		if err != nil {
			return pyval.None, err
		}
		v, de := d.attrValue(name, d.fr.now)
		if de != nil {
			if given(args, kw, 1, "default") {
				return p[1], nil
			}
			if d.fr.cause == nil {
				d.fr.cause = de
			}
			return pyval.None, pyval.Errorf("DevFailed", "%s", de.Desc)
		}
		return v, nil
	}
	g["ATTR"] = hostFunc("ATTR", attrFn)
	g["Attr"] = g["ATTR"]
	// XATTR swallows errors: the default comes back and the error is
	// remembered, to be reported if the formula then fails.
	xattr := func(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("XATTR", []string{"model", "default"}, args, kw)
		if err != nil {
			return pyval.None, err
		}
		model, err := strArg(ctx, "XATTR", p[0])
		if err != nil {
			return pyval.None, err
		}
		v, de := d.attrValue(model, d.fr.now)
		if de != nil {
			if d.fr.cause == nil {
				d.fr.cause = de
			}
			return p[1], nil
		}
		if v.K == pyval.NoneKind {
			return p[1], nil
		}
		if n, err := pyval.Len(ctx, v); err == nil && n == 0 && (v.K == pyval.ListKind || v.K == pyval.TupleKind) {
			if p[1].K == pyval.ListKind || p[1].K == pyval.TupleKind {
				return p[1], nil
			}
			return pyval.NewList(nil), nil
		}
		return v, nil
	}
	g["XATTR"] = hostFunc("XATTR", xattr)
	g["XAttr"] = g["XATTR"]
	g["WATTR"] = hostFunc("WATTR", func(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("WATTR", []string{"model", "value"}, args, kw)
		if err != nil {
			return pyval.None, err
		}
		model, err := strArg(ctx, "WATTR", p[0])
		if err != nil {
			return pyval.None, err
		}
		if de := d.writeModel(model, p[1], d.fr.now); de != nil {
			return pyval.None, pyval.Errorf("DevFailed", "%s", de.Desc)
		}
		return p[1], nil
	})
	// COMM(dev/cmd, argin=None, ...): errors swallowed, returns None.
	g["COMM"] = hostFunc("COMM", func(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("COMM", []string{"command", "argin", "feedback", "expected"}, args, kw)
		if err != nil {
			return pyval.None, err
		}
		name, err := strArg(ctx, "COMM", p[0])
		if err != nil {
			return pyval.None, err
		}
		v, _ := d.commandModel(name, p[1], d.fr.now)
		return v, nil
	})
	prop := func(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("PROPERTY", []string{"name", "update"}, args, kw)
		if err != nil {
			return pyval.None, err
		}
		name, err := strArg(ctx, "PROPERTY", p[0])
		if err != nil {
			return pyval.None, err
		}
		return d.property(name), nil
	}
	g["PROPERTY"] = hostFunc("PROPERTY", prop)
	g["PGET"] = g["PROPERTY"]
	wprop := func(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("WPROPERTY", []string{"name", "value"}, args, kw)
		if err != nil {
			return pyval.None, err
		}
		name, err := strArg(ctx, "WPROPERTY", p[0])
		if err != nil {
			return pyval.None, err
		}
		if d.props == nil {
			d.props = map[string]pyval.Value{}
		}
		d.props[strings.ToLower(name)] = p[1]
		return p[1], nil
	}
	g["WPROPERTY"] = hostFunc("WPROPERTY", wprop)
	g["PSET"] = g["WPROPERTY"]
	statusFn := func(add bool) func(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		return func(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
			p, err := params("SetStatus", []string{"status"}, args, kw)
			if err != nil {
				return pyval.None, err
			}
			s, err := pyval.ToStr(ctx, p[0])
			if err != nil {
				return pyval.None, err
			}
			if add && d.hasStatus {
				d.statusSet += "\n" + s
			} else {
				d.statusSet = s
			}
			d.hasStatus = true
			d.ns.SetStr("STATUS", pyval.Str(d.statusSet))
			return pyval.NewList([]pyval.Value{pyval.True, pyval.None}), nil
		}
	}
	g["SetStatus"] = hostFunc("SetStatus", statusFn(false))
	g["Add2Status"] = hostFunc("Add2Status", statusFn(true))
	g["now"] = hostFunc("now", func(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		return pyval.Float(float64(d.fr.now) / 1e9), nil
	})
	g["time"] = pyval.NewObject(timeModule{})
	g["DELAY"] = pyval.NewFunc(&pyval.Func{Name: "DELAY", Fn: func(*pyval.Context, []pyval.Value, []pyval.Keyword) (pyval.Value, error) {
		return pyval.None, nil // no sleeping in a pure core
	}})
	g["MATCH"] = pyval.NewFunc(&pyval.Func{Name: "MATCH", Fn: func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("MATCH", []string{"expr", "s"}, args, kw)
		if err != nil {
			return pyval.None, err
		}
		e, err := strArg(ctx, "MATCH", p[0])
		if err != nil {
			return pyval.None, err
		}
		s, err := pyval.ToStr(ctx, p[1])
		if err != nil {
			return pyval.None, err
		}
		return pyval.Bool(match(e, s)), nil
	}})
	// Typed casts.
	for i := range dynTypes {
		typ := uint8(i)
		g[dynTypes[i].name] = caster(dynTypes[i].name, typ)
	}
	for _, alias := range [][2]string{{"DevDouble64", "DevDouble"}, {"DevChar", "DevUChar"}, {"DevVarUCharArray", "DevVarCharArray"}} {
		g[alias[0]] = caster(alias[0], typeIndex(alias[1]))
	}
	for _, sc := range []struct {
		name   string
		format Format
	}{{"SCALAR", Scalar}, {"SPECTRUM", Spectrum}, {"IMAGE", Image}} {
		format := sc.format
		name := sc.name
		g[name] = pyval.NewFunc(&pyval.Func{Name: name, Fn: func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
			p, err := params(name, []string{"type", "value"}, args, kw)
			if err != nil {
				return pyval.None, err
			}
			k, ok := castOfType(p[0])
			if !ok {
				r, _ := pyval.Repr(ctx, p[0])
				return pyval.None, pyval.Errorf("KeyError", "%s", r)
			}
			switch format {
			case Scalar:
				return castScalar(ctx, k, p[1])
			case Spectrum:
				return castSeq(ctx, k, p[1], false)
			}
			return castSeq(ctx, k, p[1], true)
		}})
	}
	for q, n := range qualityNames {
		g[n] = pyval.Int(int64(q))
	}
	for s, n := range stateNames {
		g[n] = pyval.Int(int64(s))
	}
	addExtNames(g)
	hostGlobals = g
}

// caster is a DynamicDSTypes caster callable from formulas (DevDouble(x)).
func caster(name string, typ uint8) pyval.Value {
	return pyval.NewFunc(&pyval.Func{Name: name, F1: func(ctx *pyval.Context, a pyval.Value) (pyval.Value, error) {
		return cast(ctx, typ, a)
	}, Fn: func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		if len(args) != 1 || len(kw) != 0 {
			return pyval.None, pyval.Errorf("TypeError", "%s() takes exactly 1 argument (%d given)", name, len(args)+len(kw))
		}
		return cast(ctx, typ, args[0])
	}})
}

// castOfType maps the type objects accepted by SCALAR/SPECTRUM/IMAGE.
func castOfType(v pyval.Value) (castKind, bool) {
	if v.K != pyval.FuncKind {
		return 0, false
	}
	switch v.O.(*pyval.Func).Class {
	case "int", "long":
		return castInt, true
	case "float":
		return castFloat, true
	case "bool":
		return castBool, true
	case "str":
		return castStr, true
	}
	return 0, false
}

// match is fandango's caseless regexp prefix match: '*' means '.*' when the
// expression has no '.*'.
func match(expr, s string) bool {
	if !strings.Contains(expr, ".*") {
		expr = strings.ReplaceAll(expr, "*", ".*")
	}
	re, err := regexpCache(expr)
	if err != nil {
		return false
	}
	loc := re.FindStringIndex(s)
	return loc != nil && loc[0] == 0
}

var (
	reMu    sync.Mutex
	reCache = map[string]*regexp.Regexp{}
)

func regexpCache(expr string) (*regexp.Regexp, error) {
	reMu.Lock()
	defer reMu.Unlock()
	if re, ok := reCache[expr]; ok {
		return re, nil
	}
	re, err := regexp.Compile("(?i)" + expr)
	if err != nil {
		return nil, err
	}
	if len(reCache) < 10000 {
		reCache[expr] = re
	}
	return re, nil
}

// timeModule is the formula's `time`: time() is the evaluation's time
// (never the wall clock); sleep does nothing.
type timeModule struct{}

func (timeModule) TypeName() string { return "module" }
func (timeModule) Repr() string     { return "<module 'time' (built-in)>" }
func (timeModule) GetAttr(ctx *pyval.Context, name string) (pyval.Value, error) {
	switch name {
	case "time":
		return hostFunc("time", func(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
			return pyval.Float(float64(d.fr.now) / 1e9), nil
		}), nil
	case "sleep":
		return pyval.NewFunc(&pyval.Func{Name: "sleep", Fn: func(*pyval.Context, []pyval.Value, []pyval.Keyword) (pyval.Value, error) {
			return pyval.None, nil
		}}), nil
	}
	return pyval.None, pyval.Errorf("AttributeError", "module 'time' has no attribute '%s'", name)
}

// property returns a device property as DynamicDS's PROPERTY does: a list
// of strings, a one-element list as its single string. WPROPERTY values
// (in memory) win; then device properties; then class properties.
func (d *device) property(name string) pyval.Value {
	if v, ok := d.props[strings.ToLower(name)]; ok {
		return v
	}
	p := findKV(d.propv, name)
	if p == nil {
		p = findKV(d.w.classProps[d.class], name)
	}
	if p == nil {
		return d.formulaProperty(name)
	}
	if len(p.values) == 1 {
		return pyval.Str(p.values[0])
	}
	items := make([]pyval.Value, len(p.values))
	for i, v := range p.values {
		items[i] = pyval.Str(v)
	}
	return pyval.NewList(items)
}

func (d *device) findAttrExact(name string) int {
	for i := range d.attrs {
		if d.attrs[i].name == name {
			return i
		}
	}
	return -1
}

// attrValue is ATTR/XATTR: an own attribute (no '/'), State/Status, or
// dom/fam/mem/attr on this World or through Remote.
func (d *device) attrValue(model string, now int64) (pyval.Value, *DevError) {
	dev, attrName := splitModel(model)
	if dev == "" || strings.EqualFold(dev, d.name) {
		switch {
		case strings.EqualFold(attrName, "state"):
			return pyval.Int(int64(d.state)), nil
		case strings.EqualFold(attrName, "status"):
			return pyval.Str(d.statusText(now)), nil
		}
		i := d.findAttr(attrName)
		if i < 0 {
			if dev == "" {
				return pyval.None, nil // unknown own attribute: None (dyn.py:L1637-1667)
			}
			return pyval.None, d.attrNotFound(attrName)
		}
		if e := d.get(i, now); e != nil {
			return pyval.None, e
		}
		return d.attrs[i].val, nil
	}
	r := d.w.readModel(now, dev, attrName, d.keepTime)
	if r.Err != nil {
		return pyval.None, r.Err
	}
	return r.Value, nil
}

// splitModel splits "[tango://][host:port/]dom/fam/mem[/attr]"; a bare
// name is an own attribute; a device name alone means its State.
func splitModel(model string) (dev, attr string) {
	m := strings.TrimPrefix(model, "tango://")
	parts := strings.Split(m, "/")
	if len(parts) > 1 && strings.Contains(parts[0], ":") {
		parts = parts[1:]
	}
	switch len(parts) {
	case 1:
		return "", parts[0]
	case 3:
		return strings.Join(parts, "/"), "State"
	case 4:
		return strings.Join(parts[:3], "/"), parts[3]
	}
	return m, ""
}

func (d *device) writeModel(model string, v pyval.Value, now int64) *DevError {
	dev, attrName := splitModel(model)
	if dev == "" || strings.EqualFold(dev, d.name) {
		if err := d.write(now, attrName, v); err != nil {
			return asDevError(err)
		}
		return nil
	}
	return d.w.writeModel(now, dev, attrName, v)
}

func (d *device) commandModel(model string, arg pyval.Value, now int64) (pyval.Value, *DevError) {
	k := strings.LastIndexByte(model, '/')
	if k < 0 {
		if c := d.findCmd(model); c >= 0 {
			v, err := d.runCommand(c, now, arg)
			return v, asDevError(err)
		}
		v, err := d.command(now, model, arg)
		return v, asDevError(err)
	}
	dev, cmd := model[:k], model[k+1:]
	if strings.EqualFold(dev, d.name) {
		return d.commandModel(cmd, arg, now)
	}
	return d.w.commandModel(now, dev, cmd, arg)
}

func asDevError(err error) *DevError {
	if err == nil {
		return nil
	}
	if de, ok := err.(*DevError); ok {
		return de
	}
	return &DevError{Reason: "PyDs_PythonError", Desc: err.Error()}
}

// cmdFunc makes a DynamicCommand callable from formulas: Name(argin).
func cmdFunc(d *device, k int) pyval.Value {
	name := d.cmds[k].name
	return pyval.NewFunc(&pyval.Func{Name: name, Fn: func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		arg := pyval.None
		if len(args) > 0 {
			arg = args[0]
		}
		v, err := d.runCommand(k, d.fr.now, arg)
		if err != nil {
			return pyval.None, pyval.Errorf("DevFailed", "%v", err)
		}
		return v, nil
	}})
}

var _ = fmt.Sprint

var _ formula.LocalsHost = (*device)(nil)

// SyncLocals writes the kept attributes' last values into the namespace,
// where DynamicDS keeps them (self._locals[aname] = value after each
// evaluation, None before the first), so that locals() shows them:
// `TEST_BOOL=DevBoolean(not locals().get(ATTRIBUTE))` toggles. An
// evaluation that raised leaves the previous value.
func (d *device) SyncLocals() {
	for i := range d.attrs {
		a := &d.attrs[i]
		if !a.keep && a.ue == ueNone {
			continue
		}
		if a.err == nil && !a.val.IsUndefined() {
			d.ns.SetStr(a.name, a.val)
		} else if _, ok := d.ns.GetStr(a.name); !ok {
			d.ns.SetStr(a.name, pyval.None)
		}
	}
}
