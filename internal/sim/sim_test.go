package sim

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"chaoslab/internal/catalog"
	"chaoslab/internal/formula/pyval"
)

// t0 is the start of every test World; at(s) is s seconds later.
var t0 = time.Unix(1_700_000_000, 0)

func at(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }

// dev builds a one-device catalog in code: props are "Name" -> values,
// attribute properties are "Attr.prop".
func dev(name string, props map[string][]string) *catalog.Catalog {
	d := &catalog.Device{Name: name, Class: "SimulatorDS"}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	// deterministic order
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	line := 2
	for _, k := range keys {
		vs := props[k]
		at := make([]catalog.Pos, len(vs))
		for i := range vs {
			at[i] = catalog.Pos{File: "test.csv", Line: line, Col: 5}
			line++
		}
		p := &catalog.Property{Name: k, Values: vs, Pos: at[0], At: at}
		if a, prop, ok := strings.Cut(k, "."); ok {
			ac := d.Attribute(a)
			if ac == nil {
				ac = &catalog.AttrConfig{Name: a}
				d.Attributes = append(d.Attributes, ac)
			}
			p.Name = prop
			ac.Properties = append(ac.Properties, p)
			continue
		}
		d.Properties = append(d.Properties, p)
	}
	return &catalog.Catalog{Servers: []*catalog.Server{{Name: "SimulatorDS/test", Devices: []*catalog.Device{d}}}}
}

func newWorld(t testing.TB, cat *catalog.Catalog, opts Options) *World {
	t.Helper()
	if opts.Start.IsZero() {
		opts.Start = t0
	}
	w, err := New(cat, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return w
}

func read1(t testing.TB, w *World, now time.Time, d, a string) Reading {
	t.Helper()
	rs, err := w.Read(now, d, a)
	if err != nil {
		t.Fatalf("Read %s/%s: %v", d, a, err)
	}
	return rs[0]
}

func num(t testing.TB, v pyval.Value) float64 {
	t.Helper()
	f, ok := toFloat(v)
	if !ok {
		t.Fatalf("not a number: %#v", v)
	}
	return f
}

func TestRWSeed(t *testing.T) {
	cat, err := catalog.Load("../../examples/rw/rw.csv")
	if err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, cat, Options{})
	if ps := w.Problems(); len(ps) != 0 {
		t.Fatalf("problems: %v", ps)
	}
	now := at(2)
	rs, err := w.Read(now, "test/tango/rw", "A", "B", "State", "Status")
	if err != nil {
		t.Fatal(err)
	}
	if num(t, rs[0].Value) != 0 || num(t, rs[1].Value) != 0 || rs[0].Value.K != pyval.FloatKind {
		t.Fatalf("initial A, B = %v, %v", rs[0].Value, rs[1].Value)
	}
	if rs[2].Value.Int64() != int64(On) || rs[3].Value.String() != "The device is in ON state." {
		t.Fatalf("state/status = %v %q", rs[2].Value, rs[3].Value.String())
	}
	if err := w.Write(now, "test/tango/rw", "a", pyval.Int(2)); err != nil {
		t.Fatalf("write A: %v", err)
	}
	err = w.Write(now, "test/tango/rw", "b", pyval.Int(20))
	var de *DevError
	if !errors.As(err, &de) || de.Reason != "API_WAttrOutsideLimit" || !strings.Contains(de.Desc, "max_value 16") ||
		!strings.Contains(de.Desc, "above the maximum authorized") {
		t.Fatalf("write B=20: %v", err)
	}
	rs, _ = w.Read(now, "test/tango/rw", "a", "b")
	if num(t, rs[0].Value) != 2 || num(t, rs[1].Value) != 0 {
		t.Fatalf("after writes A, B = %v, %v; want 2, 0", rs[0].Value, rs[1].Value)
	}
	infos, _ := w.Attributes("test/tango/rw")
	if !infos[0].Writable || !infos[1].Writable || !infos[1].MaxValue.Set || infos[1].MaxValue.V != 16 || infos[0].Type != DevDouble {
		t.Fatalf("attribute info: %+v", infos[:2])
	}
}

func TestKeepTime(t *testing.T) {
	w := newWorld(t, dev("a/b/c", map[string][]string{"DynamicAttributes": {"T = t"}}), Options{})
	cases := []struct{ at, want float64 }{{2, 2}, {2.1, 2}, {2.19, 2}, {2.2, 2.2}, {2.3, 2.2}, {2.5, 2.5}}
	for _, c := range cases {
		if got := num(t, read1(t, w, at(c.at), "a/b/c", "T").Value); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("t=%v: T=%v, want %v", c.at, got, c.want)
		}
	}
	w = newWorld(t, dev("a/b/c", map[string][]string{"DynamicAttributes": {"T = t"}, "KeepTime": {"0"}}), Options{})
	if got := num(t, read1(t, w, at(2.1), "a/b/c", "T").Value); math.Abs(got-2.1) > 1e-9 {
		t.Errorf("KeepTime 0: T=%v", got)
	}
}

func TestDependencies(t *testing.T) {
	w := newWorld(t, dev("a/b/c", map[string][]string{"DynamicAttributes": {
		"A = t", "B = A*2", "Q = 'A'", "E = 1/0", "F = E + 1", "G = F + 1"}}), Options{})
	if got := num(t, read1(t, w, at(2), "a/b/c", "B").Value); got != 4 {
		t.Errorf("B = %v, want 4", got)
	}
	if got := num(t, read1(t, w, at(3), "a/b/c", "B").Value); got != 6 {
		t.Errorf("B after 1 s = %v, want 6 (A refreshed)", got)
	}
	e := read1(t, w, at(3), "a/b/c", "E")
	for _, name := range []string{"F", "G"} {
		r := read1(t, w, at(3), "a/b/c", name)
		if r.Quality != Invalid || r.Err == nil || r.Err != e.Err {
			t.Errorf("%s: %+v, want INVALID with E's error %v", name, r, e.Err)
		}
	}
	if e.Err == nil || !strings.Contains(e.Err.Desc, "ZeroDivisionError") {
		t.Errorf("E error = %v", e.Err)
	}
	if d := w.devs[0]; len(d.attrs[2].deps) != 0 {
		t.Errorf("quoted name is a dependency: %v", d.attrs[2].deps)
	}
}

func TestCycle(t *testing.T) {
	_, err := New(dev("a/b/c", map[string][]string{"DynamicAttributes": {"A = B + 1", "B = C + 1", "C = A + 1", "D = D + 1"}}), Options{Start: t0})
	if err == nil {
		t.Fatal("cycle accepted")
	}
	msg := err.Error()
	if !strings.Contains(msg, "dependency cycle: A → B → C → A") || !strings.Contains(msg, "test.csv:") {
		t.Fatalf("message %q", msg)
	}
	if strings.Contains(msg, "D →") {
		t.Fatalf("self reference reported as a cycle: %q", msg)
	}
}

func TestStates(t *testing.T) {
	w := newWorld(t, dev("a/b/c", map[string][]string{
		"DynamicAttributes": {"X = VAR('x', default=0, WRITE=True)"},
		"DynamicStates":     {"ALARM = X > 5", "MOVING = X > 2", "FAULT = X > 1", "CLOSED = 1"},
	}), Options{})
	d := "a/b/c"
	st := func(now float64) State {
		read1(t, w, at(now), d, "X") // refresh the kept value
		s, err := w.State(at(now), d)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := st(2); s != On {
		t.Errorf("no state true: %v, want ON (unchanged)", s)
	}
	w.Write(at(3), d, "X", pyval.Int(6))
	if s := st(3); s != AlarmState {
		t.Errorf("X=6: %v, want ALARM (first true wins)", s)
	}
	w.Write(at(4), d, "X", pyval.Int(3))
	if s := st(4); s != Moving {
		t.Errorf("X=3: %v, want MOVING", s)
	}
	w.Write(at(5), d, "X", pyval.Int(0))
	if s := st(5); s != Moving {
		t.Errorf("X=0: %v, want MOVING (unchanged when none true)", s)
	}
	found := false
	for _, p := range w.Problems() {
		found = found || strings.Contains(p.Msg, `"CLOSED" is not a DevState`)
	}
	if !found {
		t.Errorf("unknown state key not reported: %v", w.Problems())
	}
}

func TestQualities(t *testing.T) {
	w := newWorld(t, dev("a/b/c", map[string][]string{
		"DynamicAttributes": {"P = VAR('p', default=1e-9, WRITE=True)", "V_VAL = VAR('v', default=1, WRITE=True)", "V_ALRM = V_VAL > 3"},
		"DynamicQualities":  {"(*)_VAL = ATTR_ALARM if ATTR('$_ALRM') else ATTR_VALID"},
		"P.max_alarm":       {"1e-7"},
		"P.max_warning":     {"1e-8"},
	}), Options{})
	d := "a/b/c"
	q := func(now float64, a string) Quality { return read1(t, w, at(now), d, a).Quality }
	if got := q(2, "P"); got != Valid {
		t.Errorf("P=1e-9: %v", got)
	}
	w.Write(at(2), d, "P", pyval.Float(5e-8))
	if got := q(3, "P"); got != Warning {
		t.Errorf("P=5e-8: %v, want WARNING", got)
	}
	w.Write(at(3), d, "P", pyval.Float(2e-7))
	if got := q(4, "P"); got != Alarm {
		t.Errorf("P=2e-7: %v, want ALARM", got)
	}
	if got := q(4, "V_VAL"); got != Valid {
		t.Errorf("V=1: %v", got)
	}
	w.Write(at(4), d, "V_VAL", pyval.Int(5))
	if got := q(5, "V_VAL"); got != Alarm {
		t.Errorf("V=5: %v, want ALARM from DynamicQualities", got)
	}
}

func TestTypeInference(t *testing.T) {
	cases := []struct {
		formula string
		typ     TangoType
		format  Format
	}{
		{"DevDouble(1)", DevDouble, Scalar},
		{"1+2", DevDouble, Scalar},
		{"DevLong(3.7)", DevLong, Scalar},
		{"int(t)", DevLong, Scalar},
		{"integral*2", DevLong, Scalar},
		{"DevLong64(1)", DevLong64, Scalar},
		{"long(1)", DevLong64, Scalar},
		{"DevString(x)", DevString, Scalar},
		{"str(1)", DevString, Scalar},
		{"strength", DevString, Scalar},
		{"DevBoolean (WRITE and 1)", DevBoolean, Scalar},
		{"bool(1)", DevBoolean, Scalar},
		{"Bit(x,1)", DevBoolean, Scalar},
		{"Flag", DevBoolean, Scalar},
		{"float(1)", DevDouble, Scalar},
		{"IeeeFloat([1,2])", DevDouble, Scalar},
		{"DevFloat(1)", DevFloat, Scalar},
		{"DevShort(1)", DevShort, Scalar},
		{"DevUShort(1)", DevUShort, Scalar},
		{"DevState(1)", DevStateType, Scalar},
		{"[1,2]", DevDouble, Spectrum},
		{"list(x)", DevDouble, Spectrum},
		{"[int(i) for i in x]", DevLong, Spectrum},
		{"DevVarDoubleArray([1])", DevDouble, Spectrum},
		{"DevVarLongArray([1])", DevLong, Spectrum},
		{"DevVarStringArray([])", DevString, Spectrum},
		{"DevVarBooleanArray([])", DevBoolean, Spectrum},
		{"SPECTRUM(float, x)", DevDouble, Spectrum},
		{"SCALAR(int, x)", DevLong, Scalar},
		{"DevVarDoubleImage([[1]])", DevDouble, Image},
	}
	for _, c := range cases {
		t.Run(c.formula, func(t *testing.T) {
			ty := &dynTypes[inferType(c.formula)]
			if ty.base != c.typ || ty.format != c.format {
				t.Errorf("%s: %v %v, want %v %v", c.formula, ty.base, ty.format, c.typ, c.format)
			}
		})
	}
}

func TestWritableToken(t *testing.T) {
	cases := map[string]bool{
		"WRITE and 1 or 2":                      true,
		"VAR('x', WRITE=True)":                  true,
		"1 if WRITE else 2":                     true,
		"(WRITE)":                               true,
		"WRITE*2":                               false,
		"READ and 1":                            false,
		"VAR('x',default=0,WRITE=True)":         true,
		"DevBoolean(READ and x or WRITE and y)": true,
		"'WRITE'":                               false,
		"[WRITE,1]":                             true,
		"x+WRITE":                               true,
		"not WRITE":                             true,
		"WRITE_FLAG":                            false,
		"DevLong(READ and PROPERTY('D',True) or WRITE and WPROPERTY('D',VALUE))": true,
	}
	for f, want := range cases {
		if got := isWritable(f); got != want {
			t.Errorf("isWritable(%q) = %v, want %v", f, got, want)
		}
	}
}

func TestVAR(t *testing.T) {
	w := newWorld(t, dev("a/b/c", map[string][]string{"DynamicAttributes": {
		"A = VAR('a', default=5)",
		"B = VAR('b', 7)",
		"C = DevString(VAR('Hello World!', WRITE=True))",
		"D = VAR(default=3, WRITE=True)",
		"N = VAR('nothing') is None",
		"G = GET('a')",
		"H = GET('zz', 9)",
		"S = SET('s', 4) + VAR('s')",
		"W = VAR('w', 1, WRITE=True)",
	}}), Options{})
	d := "a/b/c"
	want := map[string]float64{"A": 5, "B": 7, "D": 3, "N": 1, "G": 5, "H": 9, "S": 8, "W": 1}
	for _, a := range []string{"A", "B", "D", "N", "G", "H", "S", "W"} {
		r := read1(t, w, at(2), d, a)
		if r.Err != nil || num(t, r.Value) != want[a] {
			t.Errorf("%s = %v %v, want %v", a, r.Value, r.Err, want[a])
		}
	}
	if r := read1(t, w, at(2), d, "C"); r.Value.String() != "" {
		t.Errorf("C = %q, want '' (variable named 'Hello World!' is None)", r.Value.String())
	}
	// WRITE=True stores the written value; the positional value on reads.
	if err := w.Write(at(2), d, "W", pyval.Int(42)); err != nil {
		t.Fatal(err)
	}
	if got := num(t, read1(t, w, at(2), d, "W").Value); got != 1 {
		t.Errorf("W after write then read = %v, want 1 (the read stores the positional 1 again)", got)
	}
	if err := w.Write(at(3), d, "D", pyval.Int(11)); err != nil {
		t.Fatal(err)
	}
	if got := num(t, read1(t, w, at(3), d, "D").Value); got != 11 {
		t.Errorf("D = %v, want 11 (VAR without name uses the attribute name)", got)
	}
	if err := w.Write(at(3), d, "A", pyval.Int(1)); err == nil {
		t.Error("A is not writable but the write succeeded")
	}
}

func TestCommands(t *testing.T) {
	w := newWorld(t, dev("a/b/c", map[string][]string{
		"DynamicAttributes": {"X = VAR('x', default=0)"},
		"DynamicCommands": {
			"Add = DevLong(VAR('x', (VAR('x') or 0) + SCALAR(int,ARGS)))",
			"Names = DevVarStringArray([str(a).upper() for a in ARGS])",
			"Hello = 'hello'",
			"Twice = DevDouble(2*Add(1))",
		}}), Options{})
	d := "a/b/c"
	cmds, _ := w.Commands(d)
	want := map[string][2]TangoType{"Add": {DevLong, DevLong}, "Names": {DevVarStringArray, DevVarStringArray}, "Hello": {DevVoid, DevString}, "Twice": {DevVoid, DevDouble}}
	for _, c := range cmds {
		if wt, ok := want[c.Name]; ok && (c.In != wt[0] || c.Out != wt[1]) {
			t.Errorf("%s: %v -> %v, want %v -> %v", c.Name, c.In, c.Out, wt[0], wt[1])
		}
	}
	v, err := w.Command(at(2), d, "add", pyval.Str("5"))
	if err != nil || v.Int64() != 5 || v.K != pyval.IntKind {
		t.Fatalf("Add(5) = %v, %v", v, err)
	}
	v, err = w.Command(at(2), d, "Twice", pyval.None)
	if err != nil || num(t, v) != 12 {
		t.Fatalf("Twice = %v, %v", v, err)
	}
	v, err = w.Command(at(2), d, "Names", pyval.NewList([]pyval.Value{pyval.Str("a"), pyval.Str("b")}))
	if err != nil || len(seqItems(v)) != 2 || seqItems(v)[1].String() != "B" {
		t.Fatalf("Names = %v, %v", v, err)
	}
	if v, _ := w.Command(at(2), d, "Hello", pyval.None); v.String() != "hello" {
		t.Fatalf("Hello = %v", v)
	}
	if _, err := w.Command(at(2), d, "Nope", pyval.None); err == nil || !strings.Contains(err.Error(), "API_CommandNotFound") {
		t.Fatalf("unknown command: %v", err)
	}
}

func TestPollingEvents(t *testing.T) {
	w := newWorld(t, dev("a/b/c", map[string][]string{
		"DynamicAttributes":    {"X = VAR('x', default=0, WRITE=True)"},
		"KeepTime":             {"0"},
		"StartupDelay":         {"0"},
		"X.abs_change":         {"1"},
		"X.event_period":       {"2000"},
		"X.archive_rel_change": {"50"},
		"X.polling_period":     {"1000"},
	}), Options{})
	d := "a/b/c"
	count := func(u Update) map[EventKind]int {
		m := map[EventKind]int{}
		for _, e := range u.Events {
			if e.Attr == "X" {
				m[e.Kind]++
			}
		}
		return m
	}
	u := w.Advance(at(0))
	if c := count(u); c[ChangeEvent] != 1 || c[PeriodicEvent] != 1 || c[ArchiveEvent] != 1 {
		t.Fatalf("first poll: %v", c)
	}
	if !u.Next.Equal(at(1)) {
		t.Errorf("Next = %v, want %v", u.Next, at(1))
	}
	w.Write(at(0.5), d, "X", pyval.Float(0.5))
	if c := count(w.Advance(at(1))); c[ChangeEvent] != 0 || c[PeriodicEvent] != 0 {
		t.Errorf("below abs_change: %v", c)
	}
	w.Write(at(1.5), d, "X", pyval.Float(1.2))
	if c := count(w.Advance(at(2))); c[ChangeEvent] != 1 || c[PeriodicEvent] != 1 || c[ArchiveEvent] != 1 {
		t.Errorf("abs_change crossed at t=2: %v", c)
	}
	w.Write(at(2.5), d, "X", pyval.Float(1.5))
	if c := count(w.Advance(at(3))); c[ChangeEvent] != 0 || c[ArchiveEvent] != 0 {
		t.Errorf("1.2 -> 1.5 (25%%): %v", c)
	}
	if err := w.SetPolling(d, "X", 0); err != nil {
		t.Fatal(err)
	}
	w.Write(at(3.5), d, "X", pyval.Float(10))
	if u := w.Advance(at(10)); len(u.Events) != 0 || !u.Next.IsZero() {
		t.Errorf("polling stopped, still %v (next %v)", u.Events, u.Next)
	}
	if err := w.SetPolling(d, "X", 500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if c := count(w.Advance(at(10))); c[ChangeEvent] != 1 {
		t.Errorf("polling restarted: %v", c)
	}
	if err := w.SetEventConfig(d, "X", EventConfig{RelChange: 10}); err != nil {
		t.Fatal(err)
	}
	w.Write(at(10.2), d, "X", pyval.Float(10.5))
	if c := count(w.Advance(at(10.5))); c[ChangeEvent] != 0 {
		t.Errorf("5%% under rel_change 10: %v", c)
	}
	w.Write(at(10.7), d, "X", pyval.Float(12))
	if c := count(w.Advance(at(11))); c[ChangeEvent] != 1 {
		t.Errorf("20%% over rel_change 10: %v", c)
	}
}

func TestStartupDelay(t *testing.T) {
	w := newWorld(t, dev("a/b/c", map[string][]string{"DynamicAttributes": {"X = 1"}, "StartupDelay": {"500"}}), Options{})
	r := read1(t, w, at(0.4), "a/b/c", "X")
	if r.Err == nil || r.Err.Reason != "API_AttrNotAllowed" {
		t.Fatalf("read during StartupDelay: %+v", r)
	}
	if r := read1(t, w, at(0.5), "a/b/c", "X"); r.Err != nil || num(t, r.Value) != 1 {
		t.Fatalf("read after StartupDelay: %+v", r)
	}
	w.Init(at(10), "a/b/c")
	if r := read1(t, w, at(10.1), "a/b/c", "X"); r.Err == nil {
		t.Fatalf("StartupDelay not re-applied after Init: %+v", r)
	}
}

func TestUnknownHelper(t *testing.T) {
	cat := dev("elin/beam/run", map[string][]string{"DynamicAttributes": {"Delay = IeeeFloat([1, 2])", "Ok = 2"}})
	w := newWorld(t, cat, Options{})
	ps := w.Problems()
	if len(ps) != 1 || ps[0].Error() != "test.csv:2:13: elin/beam/run/Delay: formula 1:1: unknown name 'IeeeFloat': the formula fails with NameError where it reaches it. "+
		"A host-specific helper (PLC Bit, IeeeFloat, WriteFlag ...)? Plug it in with sim.Options.Helpers; an attribute of another device? read it with ATTR('dom/fam/mem/attr')" {
		t.Fatalf("problems: %v", ps)
	}
	if r := read1(t, w, at(2), "elin/beam/run", "Delay"); r.Err == nil || !strings.Contains(r.Err.Desc, "NameError") {
		t.Errorf("Delay read: %+v", r)
	}
	if r := read1(t, w, at(2), "elin/beam/run", "Ok"); r.Err != nil || num(t, r.Value) != 2 {
		t.Errorf("Ok read: %+v", r)
	}
	ieee := pyval.NewFunc(&pyval.Func{Name: "IeeeFloat", F1: func(ctx *pyval.Context, a pyval.Value) (pyval.Value, error) {
		return pyval.Float(float64(len(seqItems(a)))), nil
	}})
	w = newWorld(t, cat, Options{Helpers: map[string]pyval.Value{"IeeeFloat": ieee}})
	if len(w.Problems()) != 0 {
		t.Fatalf("problems with helper: %v", w.Problems())
	}
	if r := read1(t, w, at(2), "elin/beam/run", "Delay"); r.Err != nil || num(t, r.Value) != 2 {
		t.Errorf("Delay with helper: %+v", r)
	}
}

func TestBadFormulas(t *testing.T) {
	cat := dev("a/b/c", map[string][]string{"DynamicAttributes": {"A = 1 +", "B = (2", "C = 3"}})
	w, err := New(cat, Options{Start: t0})
	if err != nil {
		t.Fatal(err)
	}
	ps := w.Problems()
	if len(ps) != 2 {
		t.Fatalf("problems: %v", ps)
	}
	for _, p := range ps {
		if p.Line == 0 || p.Col == 0 || p.Pos.Line == 0 || !strings.Contains(p.Msg, "SyntaxError") {
			t.Errorf("problem without position: %v", p)
		}
	}
	// The file position is the caret's: "A = " then "1 +" puts the end
	// of the formula 7 bytes into the value at 2:5.
	if !strings.HasPrefix(ps[0].Error(), "test.csv:2:12: a/b/c/A: formula 1:4: ") {
		t.Errorf("format: %s", ps[0].Error())
	}
	if r := read1(t, w, at(2), "a/b/c", "A"); r.Err == nil || r.Quality != Invalid {
		t.Errorf("A: %+v", r)
	}
	if _, err := New(cat, Options{Start: t0, Strict: true}); err == nil || len(err.(Problems)) != 2 {
		t.Errorf("strict: %v", err)
	}
}

func TestCrossDevice(t *testing.T) {
	cat := dev("sr/vc/a", map[string][]string{"DynamicAttributes": {"P = 2.0"}})
	d2 := &catalog.Device{Name: "sr/vc/b", Class: "SimulatorDS", Properties: []*catalog.Property{
		{Name: "DynamicAttributes", Values: []string{"Q = ATTR('sr/vc/a/P') * 2", "R = XATTR('x/y/z/w', -1)", "S = ATTR('x/y/z/w') + 1"}}}}
	cat.Servers[0].Devices = append(cat.Servers[0].Devices, d2)
	w := newWorld(t, cat, Options{})
	if r := read1(t, w, at(2), "sr/vc/b", "Q"); r.Err != nil || num(t, r.Value) != 4 {
		t.Errorf("Q = %+v", r)
	}
	if r := read1(t, w, at(2), "sr/vc/b", "R"); r.Err != nil || num(t, r.Value) != -1 {
		t.Errorf("R = %+v", r)
	}
	if r := read1(t, w, at(2), "sr/vc/b", "S"); r.Err == nil || !strings.Contains(r.Err.Desc, "x/y/z") {
		t.Errorf("S = %+v", r)
	}
}

func TestDeterministicRandom(t *testing.T) {
	mk := func(extra bool) float64 {
		cat := dev("r/a/1", map[string][]string{"DynamicAttributes": {"X = random()"}})
		if extra {
			cat.Servers[0].Devices = append([]*catalog.Device{{Name: "r/a/0", Class: "SimulatorDS", Properties: []*catalog.Property{
				{Name: "DynamicAttributes", Values: []string{"Y = random()"}}}}}, cat.Servers[0].Devices...)
		}
		w := newWorld(t, cat, Options{Seed: 7})
		if extra {
			read1(t, w, at(2), "r/a/0", "Y")
		}
		return num(t, read1(t, w, at(2), "r/a/1", "X").Value)
	}
	if a, b := mk(false), mk(true); a != b {
		t.Errorf("adding a device shifted the stream: %v vs %v", a, b)
	}
}

// TestReadOrder: a read finds each attribute whatever the order and
// spelling of its names (findAttr guesses the next attribute first).
func TestReadOrder(t *testing.T) {
	w := newWorld(t, dev("t/r/1", map[string][]string{
		"DynamicAttributes": {"A=1", "B=2", "C=3"},
		"StartupDelay":      {"0"},
	}), Options{})
	names := []string{"A", "B", "C", "C", "B", "A", "a", "c", "Nope", "B", "C", "State", "A"}
	want := []string{"1", "2", "3", "3", "2", "1", "1", "3", "", "2", "3", "", "1"}
	rs, err := w.Read(t0.Add(time.Second), "t/r/1", names...)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rs {
		got := ""
		if want[i] != "" {
			got = fmt.Sprint(num(t, r.Value))
		}
		if got != want[i] || want[i] == "" && names[i] == "Nope" && r.Err == nil {
			t.Errorf("%s: %v (err %v), want %s", names[i], r.Value, r.Err, want[i])
		}
	}
}

// TestAppendReadIDs: reading resolved attributes gives what reading them
// by name gives, run for run of one device, with the state hook, the
// StartupDelay refusal, State and Status and names in any case; and
// ResolveAttr refuses what AppendRead would report as unknown.
func TestAppendReadIDs(t *testing.T) {
	const csv = "server\tclass\tdevice\tproperty\tvalue\n" +
		"S/1\tSimulatorDS\tt/ids/1\tDynamicAttributes\tA=VAR('A', default=1)\n" +
		"\t\t\t\tB=A + t\n" +
		"\t\t\t\tC=DevString('c')\n" +
		"\t\t\tDynamicStates\tALARM=B > 3\n" +
		"\t\t\t\tON=1\n" +
		"\t\t\tStartupDelay\t0\n" +
		"S/1\tSimulatorDS\tt/ids/2\tDynamicAttributes\tX=t*2\n" +
		"\t\t\tStartupDelay\t1000\n"
	mk := func() *World {
		cat, err := catalog.ReadCSV("ids.csv", strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		return newWorld(t, cat, Options{})
	}
	byName, byID := mk(), mk()
	type ref struct{ dev, attr string }
	reads := [][]ref{
		{{"t/ids/1", "A"}, {"t/ids/1", "b"}, {"t/ids/1", "State"}, {"t/ids/1", "status"}, {"t/ids/1", "C"}},
		{{"t/ids/2", "X"}, {"T/IDS/1", "B"}, {"t/ids/2", "STATE"}},
		{{"t/ids/1", "B"}, {"t/ids/1", "B"}, {"t/ids/2", "x"}, {"t/ids/1", "state"}},
	}
	for i, rd := range reads {
		for _, at := range []time.Duration{500 * time.Millisecond, 2 * time.Second, 5 * time.Second} {
			now := t0.Add(at)
			var want []Reading
			for j := 0; j < len(rd); {
				k := j
				var attrs []string
				for ; k < len(rd) && strings.EqualFold(rd[k].dev, rd[j].dev); k++ {
					attrs = append(attrs, rd[k].attr)
				}
				var err error
				if want, err = byName.AppendRead(want, now, rd[j].dev, attrs...); err != nil {
					t.Fatal(err)
				}
				j = k
			}
			ids := make([]AttrID, len(rd))
			for j, r := range rd {
				var ok bool
				if ids[j], ok = byID.ResolveAttr(r.dev, r.attr); !ok {
					t.Fatalf("ResolveAttr(%s, %s) failed", r.dev, r.attr)
				}
			}
			got := byID.AppendReadIDs(nil, now, ids)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("read %d at %v:\n got %+v\nwant %+v", i, at, got, want)
			}
		}
	}
	for _, r := range []ref{{"t/ids/1", "Nope"}, {"t/ids/9", "A"}, {"t/ids", "A"}, {"t/ids/1", ""}} {
		if id, ok := byID.ResolveAttr(r.dev, r.attr); ok {
			t.Errorf("ResolveAttr(%s, %s) = %v, want not found", r.dev, r.attr, id)
		}
	}
}

// TestWriteChecks: what Tango's WAttribute::check_written_value refuses
// before the formula sees a write: a scalar written as a sequence of
// other than one value, and NaN or infinity written to a floating-point
// attribute (scalar or any element of a spectrum).
func TestWriteChecks(t *testing.T) {
	w := newWorld(t, dev("a/b/c", map[string][]string{"DynamicAttributes": {
		"D = DevDouble(VAR('D', WRITE=True, default=0))",
		"S = DevVarDoubleArray(VAR('S', WRITE=True, default=[0, 0, 0]))",
		"L = DevLong(VAR('L', WRITE=True, default=0))",
	}}), Options{})
	now := at(2)
	seq := func(vs ...pyval.Value) pyval.Value { return pyval.NewList(vs) }
	for _, c := range []struct {
		attr   string
		v      pyval.Value
		reason string // "" : accepted
		desc   string
	}{
		{"D", seq(pyval.Float(1), pyval.Float(2)), "API_AttrIncorrectDataNumber", "2 values written to scalar attribute D"},
		{"D", seq(), "API_AttrIncorrectDataNumber", "0 values"},
		{"D", pyval.NewTuple([]pyval.Value{pyval.Float(3)}), "", ""},
		{"D", pyval.Float(math.NaN()), "API_WAttrOutsideLimit", "D is a NaN or INF value (at least element 0)"},
		{"D", pyval.Float(math.Inf(-1)), "API_WAttrOutsideLimit", "NaN or INF"},
		{"S", seq(pyval.Float(1), pyval.Float(math.NaN()), pyval.Float(3)), "API_WAttrOutsideLimit", "S is a NaN or INF value (at least element 1)"},
		{"S", seq(pyval.Float(1), pyval.Float(2), pyval.Float(3)), "", ""},
		{"L", pyval.Int(5), "", ""},
	} {
		err := w.Write(now, "a/b/c", c.attr, c.v)
		var de *DevError
		switch {
		case c.reason == "" && err != nil:
			t.Errorf("write %s = %v: %v", c.attr, c.v, err)
		case c.reason != "" && (!errors.As(err, &de) || de.Reason != c.reason || !strings.Contains(de.Desc, c.desc)):
			t.Errorf("write %s = %v: %v, want %s: ...%s", c.attr, c.v, err, c.reason, c.desc)
		}
	}
	if got := num(t, read1(t, w, now, "a/b/c", "D").Value); got != 3 {
		t.Errorf("D after the writes = %v, want 3 (the refused ones change nothing)", got)
	}
}

// TestLocals: locals() is DynamicDS's locals dict, which holds every kept
// attribute's last value (None before its first evaluation): the corpus's
// TEST_BOOL toggles, and another attribute reads it by name.
func TestLocals(t *testing.T) {
	w := newWorld(t, dev("a/b/c", map[string][]string{
		"DynamicAttributes": {
			"TEST_BOOL=DevBoolean(not locals().get(ATTRIBUTE))",
			"TEST_STR=DevString(str(locals().get('TEST_BOOL')))",
			"NAMES=DevString(str(sorted(k for k in locals() if k.startswith('TEST'))))",
		},
		"KeepTime":     {"0"},
		"StartupDelay": {"0"},
	}), Options{})
	read := func(s float64, a string) string {
		t.Helper()
		r := read1(t, w, at(s), "a/b/c", a)
		if r.Err != nil {
			t.Fatalf("%s: %v", a, r.Err)
		}
		txt, err := pyval.Repr(nil, r.Value)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Trim(txt, `"'`)
	}
	if got := read(1, "TEST_STR"); got != "None" {
		t.Errorf("TEST_STR before TEST_BOOL was read = %s, want None", got)
	}
	for i, want := range []string{"True", "False", "True"} {
		if got := read(2+float64(i), "TEST_BOOL"); got != want {
			t.Errorf("read %d of TEST_BOOL = %s, want %s", i+1, got, want)
		}
		if got := read(2+float64(i), "TEST_STR"); got != want {
			t.Errorf("TEST_STR after read %d = %s, want %s", i+1, got, want)
		}
	}
	if got := read(9, "NAMES"); got != "['TEST_BOOL', 'TEST_STR']" {
		t.Errorf("NAMES = %s", got)
	}
}
