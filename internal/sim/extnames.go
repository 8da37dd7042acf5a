package sim

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"chaoslab/internal/formula/pyval"
)

// The rarer DynamicDS names (simulatords.md §1.3): self, EVAL, FILE, XDEV,
// DYN, ForceAttr, FORMULA, MODELS and the fandango.functional helpers real
// formulas use. Like the other host names they are shared by every device
// and find theirs through Context.Host. docs/twin.md says what each does
// here and where it differs.

func addExtNames(g map[string]pyval.Value) {
	g["self"] = pyval.NewObject(selfObj{})
	g["EVAL"] = hostFunc("EVAL", func(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("EVAL", []string{"formula"}, args, kw)
		if err != nil {
			return pyval.None, err
		}
		src, err := strArg(ctx, "EVAL", p[0])
		if err != nil {
			return pyval.None, err
		}
		return d.evalText(src)
	})
	g["FILE"] = hostFunc("FILE", func(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("FILE", []string{"filename"}, args, kw)
		if err != nil {
			return pyval.None, err
		}
		name, err := strArg(ctx, "FILE", p[0])
		if err != nil {
			return pyval.None, err
		}
		lines, msg := d.w.fileLines(d.pathProp, name)
		if msg != "" {
			return pyval.None, pyval.Errorf("IOError", "%s", msg)
		}
		items := make([]pyval.Value, len(lines))
		for i, l := range lines {
			items[i] = pyval.Str(l)
		}
		return pyval.NewList(items), nil
	})
	g["XDEV"] = pyval.NewFunc(&pyval.Func{Name: "XDEV", Fn: func(*pyval.Context, []pyval.Value, []pyval.Keyword) (pyval.Value, error) {
		return pyval.None, pyval.Errorf("NotImplementedError", "XDEV: device proxies are not available in the twin; use ATTR/XATTR, WATTR and COMM")
	}})
	g["DYN"] = pyval.NewFunc(&pyval.Func{Name: "DYN", Fn: func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("DYN", []string{"value", "date", "quality"}, args, kw)
		if err != nil {
			return pyval.None, err
		}
		o := &dynObj{value: p[0], date: p[1], quality: -1}
		if p[2].K != pyval.NoneKind {
			n, ok := toFloat(p[2])
			if !ok || n < 0 || n > 4 {
				return pyval.None, pyval.Errorf("ValueError", "DYN() quality must be an AttrQuality (ATTR_VALID ... ATTR_WARNING)")
			}
			o.quality = int8(n)
		}
		return pyval.NewObject(o), nil
	}})
	g["ForceAttr"] = hostFunc("ForceAttr", func(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("ForceAttr", []string{"argin", "VALUE"}, args, kw)
		if err != nil {
			return pyval.None, err
		}
		name, err := strArg(ctx, "ForceAttr", p[0])
		if err != nil {
			return pyval.None, err
		}
		key := strings.ToLower(name)
		if p[1].K != pyval.NoneKind {
			if d.forced == nil {
				d.forced = map[string]pyval.Value{}
			}
			d.forced[key] = p[1]
			return p[1], nil
		}
		if v, ok := d.forced[key]; ok {
			return v, nil
		}
		return pyval.None, nil
	})
	g["FORMULA"] = hostFunc("FORMULA", func(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		src, err := d.formulaOf(ctx, "FORMULA", args, kw)
		if err != nil || src == "" {
			return pyval.None, err
		}
		return pyval.Str(src), nil
	})
	g["MODELS"] = hostFunc("MODELS", func(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		src, err := d.formulaOf(ctx, "MODELS", args, kw)
		if err != nil {
			return pyval.None, err
		}
		var out []pyval.Value
		for _, m := range modelRE.FindAllStringSubmatch(src, -1) {
			out = append(out, pyval.Str(m[2]))
		}
		return pyval.NewList(out), nil
	})
	for name, fn := range functional {
		g[name] = pyval.NewFunc(&pyval.Func{Name: name, Fn: fn})
	}
	g["str2time"] = hostFunc("str2time", str2time)
	g["T"] = g["str2time"]
	g["time2str"] = hostFunc("time2str", time2str)
}

// selfObj is the formula's `self`: a safe view of the device, not the
// device object. It offers what real configurations read:
// self.dyn_values[name].value (the kept value of an attribute, also
// .quality, .date, .name), get_name(), get_state(), get_status().
type selfObj struct{}

func (selfObj) TypeName() string { return "DynamicDS" }
func (selfObj) Repr() string     { return "<DynamicDS device>" }
func (selfObj) GetAttr(ctx *pyval.Context, name string) (pyval.Value, error) {
	d, ok := ctx.Host.(*device)
	if !ok {
		return pyval.None, pyval.Errorf("RuntimeError", "self is only available in a device formula")
	}
	switch name {
	case "dyn_values":
		dict, v := pyval.NewDict()
		for i := range d.attrs {
			dict.SetStr(d.attrs[i].name, pyval.NewObject(&dynAttrObj{d: d, i: i}))
		}
		return v, nil
	case "get_name":
		return constFunc(name, pyval.Str(d.name)), nil
	case "get_state":
		return constFunc(name, pyval.Int(int64(d.state))), nil
	case "get_status":
		return constFunc(name, pyval.Str(d.statusSet)), nil
	}
	return pyval.None, pyval.Errorf("AttributeError", "'DynamicDS' object has no attribute '%s' (the twin's self offers dyn_values, get_name, get_state, get_status)", name)
}

func constFunc(name string, v pyval.Value) pyval.Value {
	return pyval.NewFunc(&pyval.Func{Name: name, Fn: func(*pyval.Context, []pyval.Value, []pyval.Keyword) (pyval.Value, error) {
		return v, nil
	}})
}

// dynAttrObj is self.dyn_values[name]: the attribute's kept reading.
type dynAttrObj struct {
	d *device
	i int
}

func (*dynAttrObj) TypeName() string { return "DynamicAttribute" }
func (o *dynAttrObj) Repr() string   { return "<DynamicAttribute " + o.d.attrs[o.i].name + ">" }
func (o *dynAttrObj) GetAttr(ctx *pyval.Context, name string) (pyval.Value, error) {
	a := &o.d.attrs[o.i]
	switch name {
	case "value":
		if a.val.IsUndefined() || a.err != nil {
			return pyval.None, nil
		}
		return a.val, nil
	case "quality":
		return pyval.Int(int64(a.q)), nil
	case "date":
		return pyval.Float(float64(a.ts) / 1e9), nil
	case "name":
		return pyval.Str(a.name), nil
	}
	return pyval.None, pyval.Errorf("AttributeError", "'DynamicAttribute' object has no attribute '%s'", name)
}

// dynObj is DYN(value, date, quality): a result carrying its quality.
type dynObj struct {
	value, date pyval.Value
	quality     int8 // -1: not given
}

func (*dynObj) TypeName() string { return "DynamicAttribute" }
func (o *dynObj) Repr() string   { return "<DynamicAttribute>" }
func (o *dynObj) GetAttr(ctx *pyval.Context, name string) (pyval.Value, error) {
	switch name {
	case "value":
		return o.value, nil
	case "date":
		return o.date, nil
	case "quality":
		if o.quality < 0 {
			return pyval.Int(int64(Valid)), nil
		}
		return pyval.Int(int64(o.quality)), nil
	}
	return pyval.None, pyval.Errorf("AttributeError", "'DynamicAttribute' object has no attribute '%s'", name)
}

// unDYN unwraps a DYN(...) result: its value and quality (-1 if none).
func unDYN(v pyval.Value) (pyval.Value, int8) {
	if v.K == pyval.ObjectKind {
		if o, ok := v.O.(*dynObj); ok {
			return o.value, o.quality
		}
	}
	return v, -1
}

// modelRE finds quoted Tango models (dom/fam/mem or dom/fam/mem/attr,
// optionally host:port/ first) in a formula.
var modelRE = regexp.MustCompile(`(['"])((?:[\w.-]+:\d+/)?[\w.-]+/[\w.-]+/[\w.-]+(?:/[\w.-]+)?)['"]`)

func (d *device) formulaOf(ctx *pyval.Context, fn string, args []pyval.Value, kw []pyval.Keyword) (string, error) {
	p, err := params(fn, []string{"attr"}, args, kw)
	if err != nil {
		return "", err
	}
	name, err := strArg(ctx, fn, p[0])
	if err != nil {
		return "", err
	}
	if i := d.findAttr(name); i >= 0 {
		return d.attrs[i].src, nil
	}
	return "", pyval.Errorf("KeyError", "'%s'", name)
}

// evalText is EVAL(text): the state evaluator (attribute names bound to
// their kept values), result as str().
func (d *device) evalText(src string) (pyval.Value, error) {
	info, lits := d.w.compile(src, d.py2, nil, nil, nil)
	if info.err != nil {
		if lits != nil {
			return pyval.None, pyval.Errorf("SyntaxError", "EVAL: %s", firstLine(ownError(src, d.py2, info.err).Error()))
		}
		return pyval.None, pyval.Errorf("SyntaxError", "EVAL: %s", firstLine(info.err.Error()))
	}
	u := use{info: info, lits: lits}
	for slot, n := range info.prog.Names() {
		if i := d.findAttrExact(n); i >= 0 {
			u.binds = append(u.binds, bind{slot: int32(slot), attr: int32(i)})
		}
	}
	saved := d.fr
	d.fr = frame{now: saved.now, attr: -1}
	steps := d.ctx.Steps
	v, err := d.run(&u, saved.now, -1, false, pyval.None, pyval.Value{})
	d.ctx.Steps = min(steps, d.ctx.Steps) // nested: the outer budget goes on shrinking
	d.fr = saved
	if err != nil {
		return pyval.None, err
	}
	s, err := pyval.ToStr(&d.ctx, v)
	if err != nil {
		return pyval.None, err
	}
	return pyval.Str(s), nil
}

// functional are the fandango.functional helpers found in real formulas
// (and their obvious siblings): pure, no host needed.
var functional = map[string]func(*pyval.Context, []pyval.Value, []pyval.Keyword) (pyval.Value, error){
	"toList": func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("toList", []string{"val"}, args, kw)
		if err != nil {
			return pyval.None, err
		}
		switch v := p[0]; v.K {
		case pyval.NoneKind:
			return pyval.NewList(nil), nil
		case pyval.ListKind:
			return v, nil
		case pyval.TupleKind:
			return pyval.NewList(append([]pyval.Value(nil), seqItems(v)...)), nil
		default:
			return pyval.NewList([]pyval.Value{v}), nil
		}
	},
	"isNumber": func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("isNumber", []string{"seq"}, args, kw)
		if err != nil {
			return pyval.None, err
		}
		switch v := p[0]; v.K {
		case pyval.IntKind, pyval.FloatKind, pyval.BoolKind:
			return pyval.True, nil
		case pyval.StrKind:
			_, err := strconv.ParseFloat(strings.TrimSpace(v.String()), 64)
			return pyval.Bool(err == nil), nil
		}
		_, ok := toFloat(p[0])
		return pyval.Bool(ok), nil
	},
	"isString": func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("isString", []string{"seq"}, args, kw)
		if err != nil {
			return pyval.None, err
		}
		return pyval.Bool(p[0].K == pyval.StrKind), nil
	},
	"isSequence": func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("isSequence", []string{"seq"}, args, kw)
		if err != nil {
			return pyval.None, err
		}
		return pyval.Bool(p[0].K == pyval.ListKind || p[0].K == pyval.TupleKind), nil
	},
	"isBool": func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("isBool", []string{"seq"}, args, kw)
		if err != nil {
			return pyval.None, err
		}
		if p[0].K == pyval.StrKind {
			s := strings.ToLower(strings.TrimSpace(p[0].String()))
			return pyval.Bool(s == "true" || s == "false"), nil
		}
		return pyval.Bool(p[0].K == pyval.BoolKind), nil
	},
	"str2type": func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		p, err := params("str2type", []string{"s"}, args, kw)
		if err != nil {
			return pyval.None, err
		}
		if p[0].K != pyval.StrKind {
			return p[0], nil
		}
		s := strings.TrimSpace(p[0].String())
		switch strings.ToLower(s) {
		case "true":
			return pyval.True, nil
		case "false":
			return pyval.False, nil
		case "none", "":
			return pyval.None, nil
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return pyval.Int(n), nil
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return pyval.Float(f), nil
		}
		return pyval.Str(s), nil
	},
}

var durationUnits = map[string]float64{"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}

var durationRE = regexp.MustCompile(`^([+-]?[0-9]+(?:\.[0-9]*)?)\s*([smhdwy]?)$`)

// dateLayouts are the date formats str2time reads (UTC: the twin has no
// time zone; fandango uses the local one).
var dateLayouts = []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02", "2006/01/02 15:04:05", "2006/01/02"}

// str2time(s=None): a date (UTC) or a duration ("1h", "30m", "2d", a
// number of seconds) as seconds; no argument: the evaluation time.
func str2time(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
	p, err := params("str2time", []string{"seq"}, args, kw)
	if err != nil {
		return pyval.None, err
	}
	if p[0].K == pyval.NoneKind || (p[0].K == pyval.StrKind && strings.TrimSpace(p[0].String()) == "") {
		return pyval.Float(float64(d.fr.now) / 1e9), nil
	}
	s, err := strArg(ctx, "str2time", p[0])
	if err != nil {
		return pyval.None, err
	}
	s = strings.TrimSpace(s)
	if m := durationRE.FindStringSubmatch(s); m != nil {
		f, _ := strconv.ParseFloat(m[1], 64)
		return pyval.Float(f * durationUnits[m[2]]), nil
	}
	if k := strings.IndexByte(s, '.'); k > 0 && len(s) > 19 {
		s = s[:k] // fractions of seconds are dropped
	}
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return pyval.Float(float64(t.Unix())), nil
		}
	}
	return pyval.None, pyval.Errorf("ValueError", "str2time: %q is neither a date (YYYY-MM-DD[ HH:MM:SS]) nor a duration (30s, 5m, 1h, 2d)", s)
}

// time2str(epoch=None, cad='%Y-%m-%d %H:%M:%S'): UTC; no epoch: the
// evaluation time. Supports %Y %m %d %H %M %S %y %j %%.
func time2str(ctx *pyval.Context, d *device, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
	p, err := params("time2str", []string{"epoch", "cad"}, args, kw)
	if err != nil {
		return pyval.None, err
	}
	sec := float64(d.fr.now) / 1e9
	if p[0].K != pyval.NoneKind {
		f, ok := toFloat(p[0])
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
			return pyval.None, pyval.Errorf("TypeError", "time2str() epoch must be a number")
		}
		sec = f
	}
	cad := "%Y-%m-%d %H:%M:%S"
	if p[1].K != pyval.NoneKind {
		if cad, err = strArg(ctx, "time2str", p[1]); err != nil {
			return pyval.None, err
		}
	}
	t := time.Unix(0, int64(sec*1e9)).UTC()
	r := strings.NewReplacer("%Y", t.Format("2006"), "%m", t.Format("01"), "%d", t.Format("02"), "%H", t.Format("15"),
		"%M", t.Format("04"), "%S", t.Format("05"), "%y", t.Format("06"), "%j", t.Format("002"), "%%", "%")
	return pyval.Str(r.Replace(cad)), nil
}
