package alarm

import (
	"math"
	"strconv"
	"strings"
	"time"

	"chaoslab/internal/formula"
	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/sim"
)

// Rewrite applies PANIC's and TangoEval's pre-processing to a formula
// (simulatords.md §3.2): COPY macros, alarm tags -> device/TAG, upper-case
// operators, '#' comments, $(NAME), GROUP and FIND macros, then Tango-name
// recognition. It returns the Python source to compile and its references.
func (r *Registry) Rewrite(f string, vars func(string) (string, bool)) (string, []Ref, error) {
	var err error
	f, err = expandMacro(f, "COPY", func(a string) (string, error) {
		c, ok := r.copyOf(a)
		if !ok {
			return "", &ParseError{Msg: "COPY(" + a + "): unknown alarm"}
		}
		return c, nil
	})
	if err != nil {
		return "", nil, err
	}
	f = replaceTags(f, r.tagDev, r.tags)
	f = lowerOps(f)
	if i := strings.IndexByte(f, '#'); i >= 0 {
		f = f[:i]
	}
	if vars != nil {
		if f, err = substVars(f, vars); err != nil {
			return "", nil, err
		}
	}
	if f, err = expandMacro(f, "GROUP", func(a string) (string, error) { return r.group(a), nil }); err != nil {
		return "", nil, err
	}
	if f, err = expandMacro(f, "FIND", func(a string) (string, error) { return r.find(a), nil }); err != nil {
		return "", nil, err
	}
	src, refs := FindNames(f)
	return strings.TrimSpace(src), refs, nil
}

// compiled is a rewritten, compiled formula with its bindings.
type compiled struct {
	src                                  string
	prog                                 *formula.Program
	env                                  *formula.Env
	refs                                 []Ref
	slots                                []int    // Env slot of each ref (-1: unused)
	keys                                 []refKey // distinct (device, attr) reads
	keyOf                                []int    // index in keys of each ref
	state                                bool     // reads a device State (RethrowState applies)
	tSlot, nowSlot, tagSlot, formulaSlot int
	err                                  error // rewrite or compile error: the evaluation raises it
}

type refKey struct {
	dev, attr string
	self      bool
}

// hostNames are the per-evaluation names besides the references.
var hostNames = []string{"t", "now", "TAG", "formula"}

func (d *Device) compile(f, tag string) *compiled {
	c := &compiled{tSlot: -1, nowSlot: -1, tagSlot: -1, formulaSlot: -1}
	src, refs, err := d.reg.Rewrite(f, d.lookupVar)
	c.src, c.refs = src, refs
	if err != nil {
		c.err = err
		return c
	}
	hn := map[string]bool{}
	for _, n := range hostNames {
		hn[n] = true
	}
	for _, r := range refs {
		hn[r.Ident] = true
	}
	prog, err := formula.Compile(src, &formula.Options{Mode: formula.Py2, Globals: d.globals, HostNames: hn})
	if err != nil {
		c.err = err
		return c
	}
	c.prog = prog
	c.env = prog.NewEnv(d.ctx)
	c.tSlot, c.nowSlot, c.tagSlot, c.formulaSlot = prog.Slot("t"), prog.Slot("now"), prog.Slot("TAG"), prog.Slot("formula")
	if c.tagSlot >= 0 {
		c.env.Vars[c.tagSlot] = pyval.Str(tag)
	}
	if c.formulaSlot >= 0 {
		c.env.Vars[c.formulaSlot] = pyval.Str(f)
	}
	idx := map[refKey]int{}
	for _, r := range refs {
		c.slots = append(c.slots, prog.Slot(r.Ident))
		k := refKey{dev: strings.ToLower(r.Device), attr: strings.ToLower(r.Attr)}
		k.self = k.dev == strings.ToLower(d.name)
		i, ok := idx[k]
		if !ok {
			i = len(c.keys)
			idx[k] = i
			c.keys = append(c.keys, k)
		}
		c.keyOf = append(c.keyOf, i)
		if r.DevOnly || strings.EqualFold(r.Attr, "State") {
			c.state = true
		}
	}
	return c
}

// lookupVar serves $(NAME): the device's naming constants, then its
// properties.
func (d *Device) lookupVar(name string) (string, bool) {
	if v, ok := d.globals[name]; ok && v.K == pyval.StrKind {
		return v.String(), true
	}
	if d.cat != nil {
		if p := d.cat.Property(name); p != nil {
			return strings.Join(p.Values, "\n"), true
		}
	}
	return "", false
}

// newGlobals builds the device's constant namespace (teval:L252-290).
func (d *Device) newGlobals() map[string]pyval.Value {
	g := map[string]pyval.Value{}
	for s := sim.State(0); s <= sim.Unknown; s++ {
		g[s.String()] = pyval.Int(int64(s))
	}
	for q := sim.Quality(0); q <= sim.Warning; q++ {
		g[q.String()] = pyval.Int(int64(q))
	}
	parts := strings.Split(d.name, "/")
	for len(parts) < 3 {
		parts = append(parts, "")
	}
	g["DEVICE"] = pyval.Str(d.name)
	g["DOMAIN"], g["FAMILY"], g["MEMBER"] = pyval.Str(parts[0]), pyval.Str(parts[1]), pyval.Str(parts[2])
	g["NOW"] = pyval.NewFunc(&pyval.Func{Name: "NOW", Fn: func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		return pyval.Float(d.evalNow), nil
	}})
	t := pyval.NewFunc(&pyval.Func{Name: "T", Fn: func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		if len(args) == 0 || args[0].K == pyval.NoneKind {
			return pyval.Float(d.evalNow), nil
		}
		return str2time(ctx, args[0])
	}})
	g["T"], g["str2time"] = t, t
	d.addPanicNames(g)
	return g
}

// str2time converts a number, a duration ("1h", "-30m") or a date
// ("2017-03-01", "2017-03-01 12:00:00", UTC) to epoch seconds (a
// duration gives its seconds, as fandango's str2time does).
func str2time(ctx *pyval.Context, v pyval.Value) (pyval.Value, error) {
	if v.K != pyval.StrKind {
		f, err := pyval.ToFloat(ctx, v)
		if err != nil {
			return pyval.Value{}, err
		}
		return pyval.Float(f), nil
	}
	s := strings.TrimSpace(v.String())
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return pyval.Float(f), nil
	}
	neg := strings.HasPrefix(s, "-")
	if d, ok := ParseTimeout(strings.TrimLeft(s, "+-")); ok {
		f := d.Seconds()
		if neg {
			f = -f
		}
		return pyval.Float(f), nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if tm, err := time.Parse(layout, s); err == nil {
			return pyval.Float(float64(tm.UnixNano()) / 1e9), nil
		}
	}
	return pyval.Value{}, pyval.Errorf("ValueError", "str2time: cannot parse %q", s)
}

var nan = pyval.Float(math.NaN())
