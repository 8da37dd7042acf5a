package sim

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"chaoslab/internal/catalog"
	"chaoslab/internal/formula"
	"chaoslab/internal/formula/pyval"
)

// progInfo is a compiled formula shared by every device whose text has
// the same shape (formula.Shape: the same text up to number and string
// literals) and mode: the Program and the slots of the per-evaluation
// names. Each device evaluates it with its own literal table (use.lits).
type progInfo struct {
	prog  *formula.Program
	err   error
	src   string       // the first text of the shape (not a slice of the catalog file)
	env   *formula.Env // shared by every device (see device.run)
	busy  bool         // env is in use by an evaluation in progress
	slots struct{ t, read, write, value, attribute, name, state, args, deflt int32 }
	// vf: the text is one VAR call with literal arguments (device.run
	// calls VAR directly).
	vf *varFast
}

// progKey keys the compile cache by text: a device with a text seen
// before skips parsing and shares its literal table. World.shapes keys it
// by shape (see World.compile).
type progKey struct {
	src   string
	py2   bool
	extra string // device names that shadow globals (rare)
}

var baseHostNames = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range perEvalNames {
		m[n] = true
	}
	for _, n := range nsNames {
		m[n] = true
	}
	return m
}()

// compile returns the shared compiled form of src and src's own literal
// table (nil when src is the Program's own text). a, when not nil, holds
// the copy of src the World keeps (so that it is not a slice of the
// catalog file); buf, when not nil, is a reused buffer for the shape key.
func (w *World) compile(src string, py2 bool, extra []string, a *arena, buf *[]byte) (*progInfo, *formula.Literals) {
	key := progKey{src: src, py2: py2, extra: strings.Join(extra, ",")}
	w.progMu.Lock()
	t, ok := w.progs[key]
	w.progMu.Unlock()
	if ok {
		return t.info, t.lits
	}
	// A new text: copy it, so the World does not keep the catalog file
	// alive through a slice of it (nor through its literals).
	if a != nil {
		src = a.clone(src)
	} else {
		src = strings.Clone(src)
	}
	mode := formula.Py3
	mi := 0
	if py2 {
		mode, mi = formula.Py2, 1
	}
	var kb []byte
	if buf != nil {
		kb = (*buf)[:0]
	}
	// The shape key: mode, extra names, NUL, then formula.AppendShape's key.
	kb = append(kb, '2'+byte(mi))
	kb = append(kb, key.extra...)
	kb = append(kb, 0)
	kb, lits, err := formula.AppendShape(kb, src, mode)
	if buf != nil {
		*buf = kb
	}
	if err != nil {
		return &progInfo{src: src, err: err}, nil // a syntax error of this very text
	}
	w.progMu.Lock()
	p, ok := w.shapes[string(kb)]
	if ok {
		lits = ownLits(p, lits)
		key.src = src
		w.progs[key] = textEntry{p, lits}
	}
	w.progMu.Unlock()
	if ok {
		return p, lits
	}
	hn := baseHostNames
	if len(extra) > 0 {
		hn = make(map[string]bool, len(baseHostNames)+len(extra))
		for k := range baseHostNames {
			hn[k] = true
		}
		for _, k := range extra {
			hn[k] = true
		}
	}
	info := &progInfo{src: src}
	info.prog, info.err = formula.CompileShape(src, &formula.Options{Mode: mode, Globals: w.globals[mi], HostNames: hn, Borrow: hostBorrow})
	s := &info.slots
	if info.err == nil {
		p := info.prog
		s.t, s.read, s.write, s.value = int32(p.Slot("t")), int32(p.Slot("READ")), int32(p.Slot("WRITE")), int32(p.Slot("VALUE"))
		s.attribute, s.name, s.state = int32(p.Slot("ATTRIBUTE")), int32(p.Slot("NAME")), int32(p.Slot("STATE"))
		s.args, s.deflt = int32(p.Slot("ARGS")), int32(p.Slot("DEFAULT"))
		info.vf = newVarFast(p.LiteralCall())
	}
	// Devices are built in parallel: keep the first Program compiled for a
	// shape so that every device shares one.
	w.progMu.Lock()
	defer w.progMu.Unlock()
	key.src = src
	if p, ok := w.shapes[string(kb)]; ok {
		lits = ownLits(p, lits)
		w.progs[key] = textEntry{p, lits}
		return p, lits
	}
	w.progs[key] = textEntry{info, nil}
	w.shapes[string(kb)] = info
	return info, nil
}

// hostBorrow are the host functions that copy their arguments out (params)
// and keep no argument slice: their calls borrow argument slices from the
// Env instead of allocating (formula.Options.Borrow).
var hostBorrow = map[string]bool{"VAR": true, "GET": true, "SET": true, "ATTR": true, "Attr": true, "XATTR": true, "XAttr": true,
	"WATTR": true, "COMM": true, "PROPERTY": true, "PGET": true, "WPROPERTY": true, "PSET": true, "SetStatus": true,
	"Add2Status": true, "DELAY": true, "MATCH": true}

// textEntry is a compiled text: its shape's Program and its literals.
type textEntry struct {
	info *progInfo
	lits *formula.Literals // nil: info.src itself
}

// dropTexts forgets, after building, the texts that are not the first of
// their shape: their literal tables then live only in their devices.
// (A new map: Go maps do not shrink.)
func (w *World) dropTexts() {
	keep := make(map[progKey]textEntry, len(w.shapes))
	for k, t := range w.progs {
		if t.lits == nil {
			keep[k] = t
		}
	}
	w.progs = keep
}

// ownError is the compile error of src itself when its shape failed to
// compile: the shape's error is positioned in the shape's first text
// (errors are rare, so this text is compiled again).
func ownError(src string, py2 bool, shapeErr error) error {
	mode := formula.Py3
	if py2 {
		mode = formula.Py2
	}
	if _, err := formula.Compile(src, &formula.Options{Mode: mode}); err != nil {
		return err
	}
	return shapeErr
}

// ownLits is the literal table a device evaluates p with: nil when its
// text is p's own (or p lifts nothing). A compile error of the shape is
// reported at its position in the device's own text (see bindUse).
func ownLits(p *progInfo, lits *formula.Literals) *formula.Literals {
	if lits.Src == p.src || len(lits.Values) == 0 {
		return nil
	}
	return lits
}

// builder holds what building one device needs.
type builder struct {
	arena arena // copies of the catalog strings the World keeps
	w     *World
	cat   *catalog.Catalog
	d     *device
	probs *Problems
	lower map[string]int32 // lower-case attribute name -> index
	exact map[string]bool  // names a formula may read besides globals
	extra []string
	pos   []catalog.Pos // where each attribute is declared
	offs  []int         // byte offset of each attribute's formula in its cell (-1 unknown)
	foff  int           // offset of the formula being bound (-1 unknown)
	key   []byte        // shape key buffer (World.compile)
}

func (b *builder) warn(pos catalog.Pos, name, format string, args ...any) {
	*b.probs = append(*b.probs, Problem{Pos: pos, Device: b.d.name, Name: name, Msg: fmt.Sprintf(format, args...)})
}

func (b *builder) fatal(pos catalog.Pos, name, format string, args ...any) {
	*b.probs = append(*b.probs, Problem{Pos: pos, Device: b.d.name, Name: name, Msg: fmt.Sprintf(format, args...), Fatal: true})
}

func build(cat *catalog.Catalog, opts Options) (*World, error) {
	if cat == nil {
		return nil, errors.New("sim: nil catalog")
	}
	w := &World{opts: opts, cat: cat, catDir: catDir(cat.Path), byName: map[string]int32{}, progs: map[progKey]textEntry{}, shapes: map[string]*progInfo{}, cfgs: map[attrCfg]*attrCfg{}}
	w.start = opts.Start.UnixNano()
	w.last = w.start
	globalsOnce.Do(buildHostGlobals)
	for i := range w.globals {
		if len(opts.Helpers) == 0 {
			w.globals[i] = hostGlobals
			continue
		}
		g := make(map[string]pyval.Value, len(hostGlobals)+len(opts.Helpers))
		for k, v := range hostGlobals {
			g[k] = v
		}
		for k, v := range opts.Helpers {
			g[k] = v
		}
		w.globals[i] = g
	}
	kinds := map[string]Kind{}
	for k, v := range opts.Kinds {
		kinds[strings.ToLower(k)] = v
	}
	servers := map[string]bool{}
	for _, s := range opts.Servers {
		servers[strings.ToLower(s)] = true
	}
	var probs Problems
	var todo []*device
	var names arena
	for _, srv := range cat.Servers {
		if len(servers) > 0 && !servers[strings.ToLower(srv.Name)] {
			continue
		}
		if opts.Host != "" && !strings.EqualFold(srv.Host, opts.Host) {
			continue
		}
		srvName, srvHost := names.clone(srv.Name), names.clone(srv.Host)
		for _, cd := range srv.Devices {
			key := strings.ToLower(cd.Name)
			if _, dup := w.byName[key]; dup {
				probs = append(probs, Problem{Pos: cd.Pos, Device: cd.Name, Msg: "device declared twice; the first declaration is used"})
				continue
			}
			// Strings kept by the World are cloned: catalog strings are
			// slices of the whole file, which must not stay alive.
			d := &device{w: w, idx: int32(len(w.devs)), name: names.clone(cd.Name), class: names.clone(cd.Class), server: srvName, host: srvHost,
				cat: cd, t0: w.start, stateHeap: -1}
			d.rnd.seed = deviceSeed(opts.Seed, cd.Name)
			w.byName[strings.ToLower(d.name)] = d.idx // ToLower may return its argument: key on the clone
			w.devs = append(w.devs, d)
			if k := kinds[strings.ToLower(cd.Class)]; k != nil {
				bh, ps := k.NewDevice(cd, hostView{w: w, d: d})
				probs = append(probs, ps...)
				d.plug = bh
				w.plugged = append(w.plugged, d)
				continue
			}
			todo = append(todo, d)
		}
	}
	probs = append(probs, w.buildDevices(todo)...)
	for _, d := range w.devs {
		d.cat = nil // the World does not keep the catalog alive
	}
	w.classProps = classProps(cat)
	w.cat = nil
	probs.sort()
	if opts.Strict {
		for i := range probs {
			if probs[i].Line > 0 || strings.HasPrefix(probs[i].Msg, "unknown name") {
				probs[i].Fatal = true
			}
		}
	}
	if len(probs.Fatal()) > 0 {
		return nil, probs
	}
	w.warns = probs
	w.cfgs = nil // only needed while building
	w.dropTexts()
	for _, d := range w.devs {
		if d.statePoll > 0 {
			w.schedule(d, -1, w.start)
		}
		for i := range d.attrs {
			d.attrs[i].heap = -1
		}
		for i := range d.attrs {
			if d.attrs[i].period > 0 {
				w.schedule(d, int32(i), w.start)
			}
		}
	}
	return w, nil
}

// prop returns a device property, falling back to the class property.
func (b *builder) prop(name string) *catalog.Property {
	if p := b.d.cat.Property(name); p != nil {
		return p
	}
	if c := b.cat.Classes[b.d.class]; c != nil {
		for _, p := range c.Properties {
			if strings.EqualFold(p.Name, name) {
				return p
			}
		}
	}
	return nil
}

var dynamicClasses = map[string]bool{"simulatords": true, "dynamicds": true}

// device builds one DynamicDS-model device.
func (b *builder) device() {
	d := b.d
	d.py2 = !b.w.opts.Py3
	if p := b.prop("PythonVersion"); p != nil && len(p.Values) > 0 {
		switch strings.TrimSpace(p.Values[0]) {
		case "3":
			d.py2 = false
		case "2":
			d.py2 = true
		default:
			b.warn(p.Pos, "", "PythonVersion must be 2 or 3, not %q", p.Values[0])
		}
	}
	d.ctx = pyval.Context{Py2: d.py2, Rand: &d.rnd, Host: d}
	if pp := b.prop("PATH"); pp != nil && len(pp.Values) > 0 {
		d.pathProp = strings.Clone(strings.TrimSpace(pp.Values[0]))
	}
	var nsv pyval.Value
	d.ns, nsv = pyval.NewDict()
	_ = nsv
	var varsv pyval.Value
	d.vars, varsv = pyval.NewDict()
	d.ns.SetStr("VARS", varsv)
	d.ns.SetStr("ARGS", pyval.None)
	d.ns.SetStr("STATUS", pyval.Str(""))

	kt, ok := propFloat(b.prop("KeepTime"), 200)
	if !ok {
		b.warn(b.prop("KeepTime").Pos, "", "KeepTime is not a number; using 200 ms")
	}
	d.keepTime = int64(kt * float64(time.Millisecond))
	sd, ok := propFloat(b.prop("StartupDelay"), 1000)
	if !ok {
		b.warn(b.prop("StartupDelay").Pos, "", "StartupDelay is not a number; using 1000 ms")
	}
	d.startup = int64(sd * float64(time.Millisecond))
	d.checkDeps = propBool(b.prop("CheckDependencies"), true)
	if p := b.prop("ExtraModules"); p != nil && len(propLines(p, false)) > 0 {
		b.warn(p.Pos, "", "ExtraModules is not supported (%s): formulas using these modules fail; define the names with Options.Helpers",
			strings.Join(lineTexts(propLines(p, false)), ", "))
	}

	// Attribute declarations: LoadFromFile lines first, then the property,
	// so the property wins for a name declared twice (dyn.py:L455-456).
	var decls []decl
	b.pos, b.offs = b.pos[:0], b.offs[:0]
	if p := b.prop("LoadFromFile"); p != nil && len(p.Values) > 0 {
		decls = append(decls, b.loadFile(p)...)
	}
	dynAttrs := b.prop("DynamicAttributes")
	ds, bad := splitDecls(propLines(dynAttrs, true))
	for _, l := range bad {
		b.warn(l.pos, "", "DynamicAttributes line %q is not NAME=formula; ignored", l.text)
	}
	decls = append(decls, ds...)
	d.attrs = make([]attr, 0, len(decls))
	for _, dc := range decls {
		dc.name = b.arena.clone(dc.name)
		if i := d.findAttr(dc.name); i >= 0 {
			// Same name (case-insensitive): the first attribute, the last formula.
			d.attrs[i].src = dc.formula
			b.pos[i], b.offs[i] = dc.pos, dc.off
			continue
		}
		d.attrs = append(d.attrs, attr{name: dc.name, src: dc.formula, heap: -1})
		b.pos, b.offs = append(b.pos, dc.pos), append(b.offs, dc.off)
	}
	for i := range d.attrs {
		a := &d.attrs[i]
		a.typ = inferType(a.src)
		a.writable = isWritable(a.src)
	}

	// Commands.
	cds, bad := splitDecls(propLines(b.prop("DynamicCommands"), true))
	for _, l := range bad {
		b.warn(l.pos, "", "DynamicCommands line %q is not NAME=formula; ignored", l.text)
	}
	for _, c := range cds {
		switch strings.ToLower(c.name) {
		case "state", "status", "init":
			b.warn(c.pos, c.name, "a DynamicCommand cannot replace the standard %s command; ignored", c.name)
			continue
		}
		if k := d.findCmd(c.name); k >= 0 {
			d.cmds[k].src = c.formula
			continue
		}
		in, out, ot := commandTypes(c.formula)
		d.cmds = append(d.cmds, command{name: b.arena.clone(c.name), src: c.formula, in: in, out: out, outType: ot})
	}

	// Names formulas may read: attributes (bound), commands (namespace).
	clear(b.lower)
	clear(b.exact)
	b.extra = b.extra[:0]
	for i := range d.attrs {
		b.lower[strings.ToLower(d.attrs[i].name)] = int32(i)
		b.exact[d.attrs[i].name] = true
	}
	for k := range d.cmds {
		b.exact[d.cmds[k].name] = true
		d.ns.SetStr(d.cmds[k].name, cmdFunc(d, k))
	}
	mi := 0
	if d.py2 {
		mi = 1
	}
	builtins := formula.DefaultBuiltins(formula.Py3)
	if d.py2 {
		builtins = formula.DefaultBuiltins(formula.Py2)
	}
	for n := range b.exact {
		if _, ok := b.w.globals[mi][n]; ok {
			b.extra = append(b.extra, n)
		} else if _, ok := builtins[n]; ok {
			b.extra = append(b.extra, n)
		}
	}
	sort.Strings(b.extra)

	// Qualities (matched once per attribute).
	qrs, bad := splitQualities(propLines(b.prop("DynamicQualities"), true))
	for _, l := range bad {
		b.warn(l.pos, "", "DynamicQualities line %q is not regexp=formula; ignored", l.text)
	}
	type compiledQ struct {
		re *regexp.Regexp
		qualityRule
	}
	var cqs []compiledQ
	for _, q := range qrs {
		re, err := regexp.Compile(q.re)
		if err != nil {
			b.warn(q.pos, "", "DynamicQualities pattern %q: %v", q.re, err)
			continue
		}
		cqs = append(cqs, compiledQ{re, q})
	}

	// Compile attribute formulas.
	for i := range d.attrs {
		a := &d.attrs[i]
		var problem string
		b.foff = b.offs[i]
		b.bindUse(&a.u, a.src, b.pos[i], a.name, i, &problem)
		b.foff = -1
		a.src = a.u.src()
		if problem != "" {
			if d.problems == nil {
				d.problems = map[int32]string{}
			}
			d.problems[int32(i)] = problem
		}
		for _, q := range cqs {
			m := q.re.FindStringSubmatch(a.name)
			if m == nil {
				continue
			}
			src := q.formula
			for _, g := range m[1:] {
				src = strings.Replace(src, "$", g, 1)
			}
			a.qual = &use{}
			var qp string
			b.bindUse(a.qual, src, q.pos, a.name+" quality", i, &qp)
			a.deps = append(a.deps, b.deps(src, i)...)
			break
		}
		a.deps = append(a.deps, b.deps(a.src, i)...)
		a.deps = uniq(a.deps)
	}
	for k := range d.cmds {
		c := &d.cmds[k]
		var p string
		b.bindUse(&c.u, c.src, catalog.Pos{}, c.name, -1, &p)
		c.src = c.u.src()
	}

	// States.
	b.states()
	for _, l := range propLines(b.prop("DynamicStatus"), true) {
		var u use
		var p string
		b.bindUse(&u, l.text, l.pos, "Status", -1, &p)
		d.status = append(d.status, u)
	}

	// CheckDependencies "regexp:attr" elements add dependencies
	// (dyn.py:L438-445, L1021-1024): every attribute whose name matches
	// regexp (caseless prefix match, as fandango's matchCl) depends on attr.
	if d.checkDeps {
		b.extraDeps(b.prop("CheckDependencies"))
	}

	// Keep and dependencies.
	keep := keepSet(b.prop("KeepAttributes"))
	for i := range d.attrs {
		a := &d.attrs[i]
		a.keep = keep.all || keep.names[strings.ToLower(a.name)]
		if !d.checkDeps {
			a.deps = nil
		}
	}
	for i := range d.attrs {
		for _, j := range d.attrs[i].deps {
			d.attrs[j].keep = true
		}
	}
	if d.checkDeps {
		b.cycles()
	}

	b.configs()
	b.events()
	if len(d.attrs) == 0 && len(d.states) == 0 && len(d.cmds) == 0 && !dynamicClasses[strings.ToLower(d.class)] {
		b.warn(d.cat.Pos, "", "class %s has no DynamicAttributes, DynamicStates or DynamicCommands: served with State and Status only", d.class)
	}
	d.state = On
}

func lineTexts(ls []line) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.text
	}
	return out
}

func uniq(xs []int32) []int32 {
	if len(xs) < 2 {
		return xs
	}
	out := xs[:0]
	for i, x := range xs {
		dup := false
		for _, y := range xs[:i] {
			if y == x {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, x)
		}
	}
	return out
}

// bindUse compiles src into u and binds the device's attribute values,
// reporting syntax errors with their position inside the formula and
// unknown names per attribute.
func (b *builder) bindUse(u *use, src string, pos catalog.Pos, name string, self int, problem *string) {
	d := b.d
	for _, msg := range b.w.prefetchFiles(d.pathProp, src) {
		b.warn(pos, name, "%s; the formula fails with IOError where it calls FILE", msg)
	}
	info, lits := b.w.compile(src, d.py2, b.extra, &b.arena, &b.key)
	u.info, u.lits = info, lits
	src = u.src()
	if info.err != nil {
		perr := info.err
		if lits != nil {
			perr = ownError(src, d.py2, perr)
		}
		p := Problem{Pos: pos, Device: d.name, Name: name, Msg: firstLine(perr.Error())}
		var se *formula.SyntaxError
		var ce *formula.CompileError
		switch {
		case errors.As(perr, &se):
			p.Line, p.Col, p.Msg = se.Line, se.Col, "SyntaxError: "+se.Msg
		case errors.As(perr, &ce):
			p.Line, p.Col, p.Msg = ce.Line, ce.Col, "SyntaxError: "+ce.Msg
		}
		if p.Line > 0 {
			p.Pos = b.filePos(pos, src, byteOffset(src, p.Line, p.Col))
		}
		*b.probs = append(*b.probs, p)
		*problem = p.Msg
		return
	}
	var unknown []string
	for slot, n := range info.prog.Names() {
		if i, ok := b.lower[strings.ToLower(n)]; ok && d.attrs[i].name == n {
			u.binds = append(u.binds, bind{slot: int32(slot), attr: i})
			continue
		}
		if baseHostNames[n] || b.exact[n] {
			continue
		}
		unknown = append(unknown, n)
	}
	if len(unknown) == 0 {
		return
	}
	// Program.Names also holds Python 2 comprehension variables (they leak
	// into the namespace); only truly free names are unknown.
	free := info.prog.FreeNames()
	for _, n := range unknown {
		if !slices.Contains(free, n) {
			continue
		}
		msg := fmt.Sprintf("unknown name '%s'", n)
		p := Problem{Pos: pos, Device: d.name, Name: name,
			Msg: msg + ": the formula fails with NameError where it reaches it. A host-specific helper (PLC Bit, IeeeFloat, WriteFlag ...)? " +
				"Plug it in with sim.Options.Helpers; an attribute of another device? read it with ATTR('dom/fam/mem/attr')"}
		var off int
		p.Line, p.Col, off = findName(src, n)
		if p.Line > 0 {
			p.Pos = b.filePos(pos, src, off)
		}
		*b.probs = append(*b.probs, p)
		if *problem == "" {
			*problem = msg
		}
	}
	_ = self
}

// filePos is where byte off of the formula src being bound is in the
// catalog file: the formula starts b.foff bytes into the value at pos
// (after "NAME=" and blanks), and catalog.Locate accounts for the quotes,
// doubled quotes and line breaks of the cell. It is pos itself when the
// formula's offset is unknown (a continued line) or the source is not the
// cell's text.
func (b *builder) filePos(pos catalog.Pos, src string, off int) catalog.Pos {
	if b.foff < 0 || !pos.IsValid() || off < 0 || off > len(src) {
		return pos
	}
	return b.cat.Locate(pos, b.foff, src[:off])
}

// byteOffset converts a 1-based line:col (col in code points, as formula
// errors count) of src to a byte offset (clamped to len(src)).
func byteOffset(src string, line, col int) int {
	i := 0
	for l := 1; l < line; l++ {
		k := strings.IndexByte(src[i:], '\n')
		if k < 0 {
			return len(src)
		}
		i += k + 1
	}
	for c := 1; c < col && i < len(src); c++ {
		_, n := utf8.DecodeRuneInString(src[i:])
		i += n
	}
	return i
}

func firstLine(s string) string {
	if k := strings.IndexByte(s, '\n'); k >= 0 {
		return s[:k]
	}
	return s
}

// deps returns the attributes whose (lower-case) name is a token of src
// (dyn.py:L995-1030): tokens are separated by anything but letters,
// digits, '_' and quotes, so ATTR('X') is not a dependency. Self excluded.
func (b *builder) deps(src string, self int) []int32 {
	var out []int32
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		tok := strings.ToLower(src[start:end])
		start = -1
		if i, ok := b.lower[tok]; ok && int(i) != self {
			out = append(out, i)
		}
	}
	for k := 0; k < len(src); k++ {
		c := src[k]
		if isIdent(c) || c == '\'' || c == '"' || c >= 0x80 {
			if start < 0 {
				start = k
			}
			continue
		}
		flush(k)
	}
	flush(len(src))
	return out
}

// cycles reports every dependency cycle as a fatal problem naming it.
func (b *builder) cycles() {
	d := b.d
	color := make([]uint8, len(d.attrs)) // 0 white, 1 on stack, 2 done
	var stack []int32
	seen := map[string]bool{}
	var visit func(i int32)
	visit = func(i int32) {
		color[i] = 1
		stack = append(stack, i)
		for _, j := range d.attrs[i].deps {
			switch color[j] {
			case 0:
				visit(j)
			case 1:
				k := len(stack) - 1
				for stack[k] != j {
					k--
				}
				cyc := stack[k:]
				names := make([]string, 0, len(cyc)+1)
				for _, x := range cyc {
					names = append(names, d.attrs[x].name)
				}
				key := canonical(names)
				if !seen[key] {
					seen[key] = true
					names = append(names, d.attrs[j].name)
					b.fatal(b.pos[j], d.attrs[j].name, "dependency cycle: %s (DynamicDS would recurse until Python's recursion limit)", strings.Join(names, " → "))
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[i] = 2
	}
	for i := range d.attrs {
		if color[i] == 0 {
			visit(int32(i))
		}
	}
}

func canonical(names []string) string {
	s := append([]string(nil), names...)
	sort.Strings(s)
	return strings.Join(s, "\x00")
}

// states parses DynamicStates (dyn.py:L611-634).
func (b *builder) states() {
	d := b.d
	p := b.prop("DynamicStates")
	ds, bad := splitDecls(propLines(p, true))
	for _, l := range bad {
		b.warn(l.pos, "", "DynamicStates line %q is not STATE=formula; ignored", l.text)
	}
	declared := map[State]bool{}
	for _, dc := range ds {
		if s, ok := ParseState(dc.name); ok {
			declared[s] = true
		}
	}
	for _, dc := range ds {
		key := strings.ToUpper(dc.name)
		if key == "STATE" {
			// STATE=f yields the state whose number equals f's value.
			for s := On; s <= Unknown; s++ {
				if declared[s] {
					continue
				}
				r := stateRule{state: s, src: fmt.Sprintf("int(%s)==int(%s)", s, dc.formula)}
				var pr string
				b.bindUse(&r.u, r.src, dc.pos, "State", -1, &pr)
				r.src = r.u.src()
				d.states = append(d.states, r)
			}
			continue
		}
		s, ok := ParseState(key)
		if !ok {
			b.warn(dc.pos, "State", "%q is not a DevState; line ignored (as DynamicDS does)", dc.name)
			continue
		}
		r := stateRule{state: s, src: dc.formula}
		var pr string
		b.bindUse(&r.u, r.src, dc.pos, "State "+key, -1, &pr)
		r.src = r.u.src()
		d.states = append(d.states, r)
	}
}

// loadFile reads LoadFromFile lines: PATH prefix, relative to the catalog
// file's directory. A missing file is a warning.
func (b *builder) loadFile(p *catalog.Property) []decl {
	v := strings.TrimSpace(stripComment(p.Values[0]))
	switch strings.ToLower(v) {
	case "", "no", "false":
		return nil
	}
	path := v
	if pp := b.prop("PATH"); pp != nil && len(pp.Values) > 0 && strings.TrimSpace(pp.Values[0]) != "" {
		path = filepath.Join(strings.TrimSpace(pp.Values[0]), path)
	}
	if !filepath.IsAbs(path) && b.w.catDir != "" {
		path = filepath.Join(b.w.catDir, path)
	}
	pos := p.Pos
	if len(p.At) > 0 {
		pos = p.At[0]
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.warn(pos, "", "LoadFromFile: %v; the device runs without the file's attributes", err)
		return nil
	}
	var out []decl
	for n, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(stripComment(l))
		if l == "" {
			continue
		}
		lp := catalog.Pos{File: path, Line: n + 1, Col: 1}
		k := strings.IndexByte(l, '=')
		if k < 0 || strings.TrimSpace(l[:k]) == "" || strings.TrimSpace(l[k+1:]) == "" {
			b.warn(lp, "", "line %q is not NAME=formula; ignored", l)
			continue
		}
		out = append(out, decl{name: strings.TrimSpace(l[:k]), formula: strings.TrimSpace(l[k+1:]), pos: lp, off: -1})
	}
	return out
}

type keepInfo struct {
	all   bool
	names map[string]bool
}

// keepSet parses KeepAttributes (default yes): kept if the list contains
// '*', 'yes' or 'true' or the name, and not 'no'.
func keepSet(p *catalog.Property) keepInfo {
	if p == nil || len(p.Values) == 0 {
		return keepInfo{all: true}
	}
	k := keepInfo{names: map[string]bool{}}
	no := false
	for _, l := range propLines(p, false) {
		v := strings.ToLower(l.text)
		switch v {
		case "*", "yes", "true":
			k.all = true
		case "no", "false":
			no = true
		default:
			k.names[v] = true
		}
	}
	if no {
		return keepInfo{names: map[string]bool{}}
	}
	return k
}

// configs reads attribute properties (B.max_value ...).
func (b *builder) configs() {
	d := b.d
	for _, ac := range d.cat.Attributes {
		i := d.findAttr(ac.Name)
		if i < 0 {
			continue // attribute properties of non-dynamic attributes are ignored
		}
		a := &d.attrs[i]
		c := &attrCfg{}
		// One pass over the attribute's properties (first of a name wins,
		// as AttrConfig.Property), then lookups by known name.
		var props [len(attrPropNames)]*catalog.Property
		for _, p := range ac.Properties {
			if k, ok := attrPropIdx[lowerASCII(p.Name)]; ok && props[k] == nil {
				props[k] = p
			}
		}
		prop := func(name string) *catalog.Property { return props[attrPropIdx[name]] }
		signed := func(name string, dst *Limit) {
			p := prop(name)
			l, ok := parseSignedLimit(p)
			if !ok {
				b.warn(p.Pos, a.name, "%s %q is not a number; ignored", name, p.Values[0])
			}
			*dst = l
		}
		abs := func(name string) float64 {
			p := prop(name)
			l, ok := parseLimit(p)
			if !ok {
				b.warn(p.Pos, a.name, "%s %q is not a number; ignored", name, p.Values[0])
			}
			return l.V
		}
		ms := func(name string) time.Duration { return time.Duration(abs(name) * float64(time.Millisecond)) }
		signed("min_value", &c.minValue)
		signed("max_value", &c.maxValue)
		signed("min_alarm", &c.minAlarm)
		signed("max_alarm", &c.maxAlarm)
		signed("min_warning", &c.minWarning)
		signed("max_warning", &c.maxWarning)
		str := func(name string) string {
			if p := prop(name); p != nil && len(p.Values) > 0 {
				return strings.Join(p.Values, "\n")
			}
			return ""
		}
		c.unit, c.label, c.format, c.desc = str("unit"), str("label"), str("format"), str("description")
		c.events = EventConfig{AbsChange: abs("abs_change"), RelChange: abs("rel_change"), Period: ms("event_period"),
			ArchiveAbs: abs("archive_abs_change"), ArchiveRel: abs("archive_rel_change"), ArchivePeriod: ms("archive_period")}
		if pp := ms("polling_period"); pp > 0 {
			a.period = int64(pp)
		}
		// Equal configurations are shared (most devices of a family have
		// the same); mutCfg copies before any change.
		b.w.cfgMu.Lock()
		if sh, ok := b.w.cfgs[*c]; ok {
			c = sh
		} else {
			// Kept: copy the strings out of the catalog file.
			c.unit, c.label, c.format, c.desc = strings.Clone(c.unit), strings.Clone(c.label), strings.Clone(c.format), strings.Clone(c.desc)
			b.w.cfgs[*c] = c
		}
		b.w.cfgMu.Unlock()
		a.cfg = c
	}
	// polled_attr: name, period(ms) pairs (Tango's polling configuration).
	if p := b.prop("polled_attr"); p != nil {
		vs := p.Values
		for k := 0; k+1 < len(vs); k += 2 {
			name := strings.TrimSpace(vs[k])
			ms, err := strconv.ParseFloat(strings.TrimSpace(vs[k+1]), 64)
			pos := p.Pos
			if k+1 < len(p.At) {
				pos = p.At[k+1]
			}
			if err != nil || ms < 0 {
				b.warn(pos, name, "polled_attr period %q is not a number of milliseconds", vs[k+1])
				continue
			}
			period := int64(ms * float64(time.Millisecond))
			if strings.EqualFold(name, "state") {
				d.statePoll = period
				continue
			}
			if i := d.findAttr(name); i >= 0 {
				d.attrs[i].period = period
			} else if !strings.EqualFold(name, "status") {
				b.warn(pos, name, "polled_attr names an attribute the device does not have; ignored")
			}
		}
	}
}

// events parses UseEvents (dyn.py:L845-883).
func (b *builder) events() {
	d := b.d
	p := b.prop("UseEvents")
	ls := propLines(p, false)
	if len(ls) == 0 {
		return
	}
	first := strings.ToLower(ls[0].text)
	if first == "no" || first == "false" {
		return
	}
	apply := func(i int, typ string) {
		a := &d.attrs[i]
		switch {
		case strings.Contains(typ, "always"):
			a.ue = ueAlways
		case strings.Contains(typ, "push"):
			a.ue = uePush
		default:
			a.ue = ueTrue
		}
		if strings.Contains(typ, "archive") {
			a.mutCfg().archive = true
		}
		if ms, err := strconv.ParseFloat(typ, 64); err == nil && ms > 0 {
			a.period = int64(ms * float64(time.Millisecond))
		}
	}
	switch {
	case first == "true" || first == "yes" || first == "push" || first == "archive" || first == "always" || isNumber(first):
		for i := range d.attrs {
			apply(i, first)
		}
	default:
		for _, l := range ls {
			pat, typ := strings.ToLower(l.text), "true"
			if k := strings.IndexByte(pat, ':'); k >= 0 {
				pat, typ = pat[:k], pat[k+1:]
			}
			if !strings.Contains(pat, ".*") {
				pat = strings.ReplaceAll(pat, "*", ".*")
			}
			re, err := regexp.Compile("^(?i:" + pat + ")")
			if err != nil {
				b.warn(l.pos, "", "UseEvents pattern %q: %v", pat, err)
				continue
			}
			for i := range d.attrs {
				if re.MatchString(d.attrs[i].name) {
					apply(i, typ)
				}
			}
		}
	}
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// extraDeps applies CheckDependencies "regexp:attr" pairs.
func (b *builder) extraDeps(p *catalog.Property) {
	d := b.d
	for _, l := range propLines(p, false) {
		k := strings.LastIndexByte(l.text, ':')
		if k < 0 {
			continue // true/yes: the token dependencies only
		}
		pat, name := strings.TrimSpace(l.text[:k]), strings.TrimSpace(l.text[k+1:])
		j := d.findAttr(name)
		if j < 0 {
			b.warn(l.pos, "", "CheckDependencies %q: the device has no attribute %s; ignored", l.text, name)
			continue
		}
		for i := range d.attrs {
			if i != j && match(pat, d.attrs[i].name) {
				d.attrs[i].deps = uniq(append(d.attrs[i].deps, int32(j)))
			}
		}
	}
}

// findName returns the 1-based line:col (in runes) and the byte offset of
// the first use of identifier n in src outside string literals, or 0, 0, 0.
func findName(src, n string) (int, int, int) {
	line, col := 1, 1
	var quote byte
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
				col++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case (isIdent(c) || c >= 0x80) && (i == 0 || !isIdent(src[i-1]) && src[i-1] < 0x80):
			j := i
			for j < len(src) && (isIdent(src[j]) || src[j] >= 0x80) {
				j++
			}
			if src[i:j] == n && (c < '0' || c > '9') {
				return line, col, i
			}
			col += len([]rune(src[i:j])) - 1
			i = j - 1
		}
		if c == '\n' {
			line, col = line+1, 1
		} else if c < 0x80 || c >= 0xC0 {
			col++
		}
	}
	return 0, 0, 0
}

// attrPropNames are the attribute properties the model reads.
var attrPropNames = [...]string{"min_value", "max_value", "min_alarm", "max_alarm", "min_warning", "max_warning",
	"unit", "label", "format", "description", "abs_change", "rel_change", "event_period",
	"archive_abs_change", "archive_rel_change", "archive_period", "polling_period"}

var attrPropIdx = func() map[string]int {
	m := make(map[string]int, len(attrPropNames))
	for i, n := range attrPropNames {
		m[n] = i
	}
	return m
}()
