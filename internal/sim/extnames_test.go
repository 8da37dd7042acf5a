package sim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chaoslab/internal/catalog"
	"chaoslab/internal/formula/pyval"
)

func show(t *testing.T, r Reading) string {
	t.Helper()
	if r.Err != nil {
		return "ERR " + r.Err.Desc
	}
	s, err := pyval.Repr(&pyval.Context{Py2: true}, r.Value)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestExtNames covers self, EVAL, XDEV, DYN, ForceAttr, FORMULA, MODELS
// and the fandango helpers: each row is an attribute formula and what a
// read at t=2 s (after A and B were read) returns.
func TestExtNames(t *testing.T) {
	tests := []struct{ name, formula, want string }{
		{"self dyn_values", "DevDouble(self.dyn_values['A'].value + 1)", "4.0"},
		{"self dyn_values never read", "str(self.dyn_values['C'].value)", "'None'"},
		{"self get_name", "str(self.get_name())", "'x/y/z'"},
		{"self unknown", "str(self.last_reading)", "ERR AttributeError: 'DynamicDS' object has no attribute 'last_reading' (the twin's self offers dyn_values, get_name, get_state, get_status)"},
		{"EVAL", "str(EVAL('A*2'))", "'6.0'"},
		{"EVAL state evaluator never read", "str(EVAL('C > 1'))", "ERR attribute C has no value yet (never read): the state formula counts as false, as with DynamicDS's wrappers"},
		{"EVAL syntax", "str(EVAL('A +'))", "ERR SyntaxError: EVAL: SyntaxError: invalid syntax at 1:4"},
		{"XDEV", "str(XDEV('a/b/c'))", "ERR NotImplementedError: XDEV: device proxies are not available in the twin; use ATTR/XATTR, WATTR and COMM"},
		{"DYN value", "DYN(value=7.5, quality=ATTR_ALARM)", "7.5"},
		{"ForceAttr", "str([ForceAttr('A', 5), ForceAttr('a'), ForceAttr('B')])", "'[5, 5, None]'"},
		{"FORMULA", "str(FORMULA('A'))", "'DevDouble(3)'"},
		{"FORMULA missing", "str(FORMULA('nope'))", "ERR KeyError: 'nope'"},
		{"MODELS", "str(MODELS('M'))", `"['sys/tg_test/1/double_scalar', 'host:10000/a/b/c']"`},
		{"str2time duration", "DevDouble(str2time('1h') + str2time('30s') + str2time('2d'))", "176430.0"},
		{"str2time date", "DevDouble(str2time('2024-01-02 03:04:05'))", "1704164645.0"},
		{"str2time now", "DevDouble(str2time() - 1700000002)", "0.0"},
		{"str prefix types as DevString", "str2time('1h')", "'3600.0'"},
		{"str2time bad", "DevDouble(str2time('soon'))", `ERR ValueError: str2time: "soon" is neither a date (YYYY-MM-DD[ HH:MM:SS]) nor a duration (30s, 5m, 1h, 2d)`},
		{"time2str", "str(time2str(0))", "'1970-01-01 00:00:00'"},
		{"time2str fmt", "str(time2str(86400*366, '%Y/%m/%d %j'))", "'1971/01/02 002'"},
		{"toList", "str([toList(None), toList((1,2)), toList('ab'), toList([3])])", "\"[[], [1, 2], ['ab'], [3]]\""},
		{"isNumber", "str([isNumber(1), isNumber('2.5'), isNumber('x'), isNumber(None)])", "'[True, True, False, False]'"},
		{"isSequence isString", "str([isSequence([1]), isSequence('ab'), isString('ab'), isBool('true')])", "'[True, False, True, True]'"},
		{"str2type", "str([str2type('1'), str2type('2.5'), str2type('True'), str2type('x')])", "\"[1, 2.5, True, 'x']\""},
	}
	lines := []string{"A = DevDouble(3)", "B = DevDouble(A)", "C = DevDouble(1)", "M = str(ATTR('sys/tg_test/1/double_scalar', 0)) + \"host:10000/a/b/c\""}
	for i, tc := range tests {
		lines = append(lines, "X"+string(rune('a'+i))+" = "+tc.formula)
	}
	w := newWorld(t, dev("x/y/z", map[string][]string{"DynamicAttributes": lines, "StartupDelay": {"0"}}), Options{})
	read1(t, w, at(1), "x/y/z", "B")
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := show(t, read1(t, w, at(2), "x/y/z", "X"+string(rune('a'+i)))); got != tc.want {
				t.Errorf("%s\n got %s\nwant %s", tc.formula, got, tc.want)
			}
		})
	}
	if r := read1(t, w, at(2), "x/y/z", "X"+string(rune('a'+8))); r.Quality != Alarm {
		t.Errorf("DYN quality = %v, want ATTR_ALARM", r.Quality)
	}
}

func TestFILE(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "maps"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "maps", "plc.map"), []byte("10\n20\r\n30\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	outside := "../../" + filepath.Base(dir) + "-secret.txt" // PATH is maps/: ../.. leaves the catalog directory
	cat := dev("x/y/z", map[string][]string{
		"DynamicAttributes": {
			"L = DevVarLongArray(map(int, FILE('plc.map')))",
			"Abs = DevString(str(FILE('/etc/passwd')))",
			"Up = DevString(str(FILE('" + outside + "')))",
			"Missing = DevString(str(FILE('none.txt')))",
			"Dyn = DevString(str(FILE('plc' + '.map')))",
		},
		"PATH":         {"maps"},
		"StartupDelay": {"0"},
	})
	cat.Path = filepath.Join(dir, "cat.csv")
	w := newWorld(t, cat, Options{})
	var msgs []string
	for _, p := range w.Problems() {
		msgs = append(msgs, p.Name+": "+p.Msg)
	}
	got := strings.Join(msgs, "\n")
	for _, want := range []string{
		"Abs: FILE('/etc/passwd'): absolute paths are not read by the twin; put the file under the catalog's directory and name it relative to it (or to PATH); the formula fails with IOError where it calls FILE",
		"Up: FILE('" + outside + "'): the path leaves the catalog's directory; refused; the formula fails with IOError where it calls FILE",
		"Missing: FILE('maps/none.txt'): openat maps/none.txt: no such file or directory",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	tests := []struct{ attr, want string }{
		{"L", "[10, 20, 30]"},
		{"Abs", "ERR IOError: FILE('/etc/passwd'): absolute paths are not read by the twin; put the file under the catalog's directory and name it relative to it (or to PATH)"},
		{"Dyn", `"['10', '20', '30']"`},
	}
	for _, tc := range tests {
		t.Run(tc.attr, func(t *testing.T) {
			if got := show(t, read1(t, w, at(1), "x/y/z", tc.attr)); got != tc.want {
				t.Errorf("got %s want %s", got, tc.want)
			}
		})
	}
}

// TestStateNeverRead: a state formula comparing a never-read attribute is
// false (DynamicDS's wrappers give None), not Python 2's None < 5 == True.
func TestStateNeverRead(t *testing.T) {
	for _, py3 := range []bool{false, true} {
		w := newWorld(t, dev("x/y/z", map[string][]string{
			"DynamicAttributes": {"A = DevDouble(1)"},
			"DynamicStates":     {"FAULT = A < 5", "ALARM = 1"},
			"StartupDelay":      {"0"},
		}), Options{Py3: py3})
		if s, _ := w.State(at(1), "x/y/z"); s != AlarmState {
			t.Errorf("py3=%v: state before any read = %v, want ALARM", py3, s)
		}
		read1(t, w, at(1), "x/y/z", "A")
		if s, _ := w.State(at(1), "x/y/z"); s != Fault {
			t.Errorf("py3=%v: state after reading A = %v, want FAULT", py3, s)
		}
	}
}

func TestCheckDependenciesPairs(t *testing.T) {
	w := newWorld(t, dev("x/y/z", map[string][]string{
		"DynamicAttributes": {"A = 1/0", "B1 = DevDouble(VAR('x', default=1))", "C = DevDouble(2)"},
		"CheckDependencies": {"B.*:A", "C:Nope"},
		"StartupDelay":      {"0"},
	}), Options{})
	r := read1(t, w, at(1), "x/y/z", "B1")
	if r.Err == nil || !strings.Contains(r.Err.Desc, "ZeroDivisionError") {
		t.Errorf("B1 should carry A's error through the extra dependency, got %+v", r)
	}
	if r := read1(t, w, at(1), "x/y/z", "C"); r.Err != nil {
		t.Errorf("C: %v", r.Err)
	}
	var found bool
	for _, p := range w.Problems() {
		found = found || strings.Contains(p.Msg, `CheckDependencies "C:Nope": the device has no attribute Nope`)
	}
	if !found {
		t.Errorf("missing warning for C:Nope: %v", w.Problems())
	}
}

type countRemote struct {
	reads int
	age   time.Duration // how old the remote value is when read
}

func (r *countRemote) ReadAttribute(now time.Time, device, attr string) Reading {
	r.reads++
	return Reading{Attr: attr, Value: pyval.Int(int64(r.reads)), Time: now.Add(-r.age)}
}
func (r *countRemote) WriteAttribute(time.Time, string, string, pyval.Value) error { return nil }
func (r *countRemote) Command(time.Time, string, string, pyval.Value) (pyval.Value, error) {
	return pyval.None, nil
}

// TestRemoteKeep: remote readings are kept max(100 ms, KeepTime), measured
// from the remote value's timestamp.
func TestRemoteKeep(t *testing.T) {
	tests := []struct {
		name     string
		keepTime string
		age      time.Duration
		times    []float64
		want     int
	}{
		{"KeepTime 500", "500", 0, []float64{1, 1.3, 1.45, 1.6}, 2},
		{"KeepTime 0 keeps 100 ms", "0", 0, []float64{1, 1.05, 1.2}, 2},
		{"old remote value not kept", "500", 600 * time.Millisecond, []float64{1, 1.1, 1.2}, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rem := &countRemote{age: tc.age}
			w := newWorld(t, dev("x/y/z", map[string][]string{
				"DynamicAttributes": {"R = DevLong(ATTR('far/dev/1/v'))"},
				"KeepTime":          {tc.keepTime},
				"KeepAttributes":    {"no"},
				"StartupDelay":      {"0"},
			}), Options{Remote: rem})
			for _, s := range tc.times {
				read1(t, w, at(s), "x/y/z", "R")
			}
			if rem.reads != tc.want {
				t.Errorf("remote reads = %d, want %d", rem.reads, tc.want)
			}
		})
	}
}

// TestPropertyAfterBuild: PROPERTY works although the World dropped the
// catalog.
func TestPropertyAfterBuild(t *testing.T) {
	cat := dev("x/y/z", map[string][]string{
		"DynamicAttributes": {"P = str(PROPERTY('OFFSET'))", "Q = str(PROPERTY('DynamicAttributes'))", "K = str(PROPERTY('Colour'))"},
		"OFFSET":            {"12"},
		"StartupDelay":      {"0"},
	})
	cat.Classes = map[string]*catalog.Class{"SimulatorDS": {Name: "SimulatorDS", Properties: []*catalog.Property{{Name: "Colour", Values: []string{"red", "blue"}}}}}
	w := newWorld(t, cat, Options{})
	for attr, want := range map[string]string{"P": "'12'", "Q": `'["P=str(PROPERTY(\'OFFSET\'))", "Q=str(PROPERTY(\'DynamicAttributes\'))", "K=str(PROPERTY(\'Colour\'))"]'`, "K": `"['red', 'blue']"`} {
		if got := show(t, read1(t, w, at(1), "x/y/z", attr)); got != want {
			t.Errorf("%s = %s, want %s", attr, got, want)
		}
	}
}

func TestFindName(t *testing.T) {
	tests := []struct {
		src, name string
		line, col int
	}{
		{"IeeeFloat([1])", "IeeeFloat", 1, 1},
		{"DevDouble(Bit(x, 3))", "Bit", 1, 11},
		{"'Bit' + Bit", "Bit", 1, 9},
		{"xBit + Bit", "Bit", 1, 8},
		{"a and \\\n  PNV(1)", "PNV", 2, 3},
		{"'é' + PNV", "PNV", 1, 7},
		{"nothing", "PNV", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			if l, c, _ := findName(tc.src, tc.name); l != tc.line || c != tc.col {
				t.Errorf("findName(%q, %q) = %d:%d, want %d:%d", tc.src, tc.name, l, c, tc.line, tc.col)
			}
		})
	}
}

// TestParallelBuild: a World built on several cores (more devices than one
// build chunk) is the same as the sequential answer: same problems in the
// same order, same readings. Run with -race.
func TestParallelBuild(t *testing.T) {
	cat := bigCatalog(3*buildChunk+7, true)
	for i, d := range cat.Servers[0].Devices {
		if i%50 == 0 {
			d.Properties[0].Values = append(d.Properties[0].Values, "Z = Helper(A0)")
		}
	}
	w1 := newWorld(t, cat, Options{})
	w2 := newWorld(t, cat, Options{})
	if len(w1.Problems()) != 8 || w1.Problems().Error() != w2.Problems().Error() {
		t.Fatalf("problems differ or are not 8:\n%v\n---\n%v", w1.Problems(), w2.Problems())
	}
	for i, p := range w1.Problems() {
		if want := cat.Servers[0].Devices[i*50].Name; p.Device != want {
			t.Errorf("problem %d is of %s, want %s (device order)", i, p.Device, want)
		}
	}
	for _, d := range w1.Devices() {
		r1, _ := w1.Read(at(1), d.Name, "A0", "A9")
		r2, _ := w2.Read(at(1), d.Name, "A0", "A9")
		for k := range r1 {
			if show(t, r1[k]) != show(t, r2[k]) {
				t.Fatalf("%s: %s != %s", d.Name, show(t, r1[k]), show(t, r2[k]))
			}
		}
	}
}

// TestSharedEnvNested: devices share one Env per formula text; an
// evaluation nested inside another of the same text (XATTR of another
// device with the same formula) must not clobber the outer one.
func TestSharedEnvNested(t *testing.T) {
	f := "A = DevDouble(XATTR('y/y/y/A', 0)) + 1 + (1 if NAME == 'x/x/x' else 0)*10"
	mk := func(name string) *catalog.Device {
		return &catalog.Device{Name: name, Class: "SimulatorDS", Properties: []*catalog.Property{
			{Name: "DynamicAttributes", Values: []string{f}}, {Name: "StartupDelay", Values: []string{"0"}}}}
	}
	cat := &catalog.Catalog{Servers: []*catalog.Server{{Name: "SimulatorDS/t", Devices: []*catalog.Device{mk("x/x/x"), mk("y/y/y")}}}}
	w := newWorld(t, cat, Options{})
	// x: XATTR(y.A) → y evaluates the same Program (nested) → its own
	// XATTR(y.A) is a recursion → default 0 → y.A = 1; x.A = 1 + 1 + 10.
	if got := show(t, read1(t, w, at(1), "x/x/x", "A")); got != "12.0" {
		t.Errorf("x.A = %s, want 12.0", got)
	}
	if got := show(t, read1(t, w, at(1), "y/y/y", "A")); got != "1.0" {
		t.Errorf("y.A = %s, want 1.0 (kept from the nested evaluation)", got)
	}
}
