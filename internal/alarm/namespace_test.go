package alarm

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"
	"time"

	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/sim"
)

// TestPanicNames: READ/ATTR/XATTR read like references (same error
// semantics), DEV/DEVICES are read-only views, SELF offers its checks and
// (deferred) commands.
func TestPanicNames(t *testing.T) {
	now := time.Unix(2_000_000, 0)
	host := fakeHost{
		"sr/vc/gauge-01/pressure": {Value: pyval.Float(2e-8), Quality: sim.Alarm, Time: time.Unix(1_999_999, 0)},
		"sr/vc/gauge-01/state":    {Value: pyval.Int(int64(sim.On))},
		"sr/vc/valve-01/open":     {Value: pyval.Bool(true)},
	}
	tests := []struct {
		name    string
		props   map[string]string
		formula string
		want    string // repr of the value, or "ERR ..." for a failed evaluation
	}{
		{"READ attr", nil, "READ('sr/vc/gauge-01/pressure')", "2e-08"},
		{"READ parts", nil, "READ('sr/vc/gauge-01', 'pressure') > 1e-8", "True"},
		{"READ what", nil, "READ('sr/vc/gauge-01', 'pressure', 'quality') == ATTR_ALARM", "True"},
		{"READ suffix", nil, "READ('sr/vc/gauge-01/pressure.time')", "1999999.0"},
		{"READ flag suffix", nil, "READ('sr/vc/gauge-01/pressure.ALARM')", "True"},
		{"READ device is State", nil, "READ('sr/vc/gauge-01') == ON", "True"},
		{"READ bool is int", nil, "READ('sr/vc/valve-01/open')", "1"},
		{"ATTR alias", nil, "ATTR('sr/vc/gauge-01/pressure') > 1e-8", "True"},
		{"XATTR alias", nil, "XATTR('sr/vc/gauge-01/pressure.quality')", "2"},
		{"READ failed, ignored", nil, "READ('bad/dev/1/x')", "None"},
		{"READ failed, exception", nil, "READ('bad/dev/1/x.exception')", "True"},
		{"READ failed, NaN", map[string]string{"IgnoreExceptions": "NaN"}, "READ('bad/dev/1/x')", "nan"},
		{"READ failed, raises", map[string]string{"RethrowAttribute": "true"}, "READ('bad/dev/1/x')", "ERR API_DeviceNotExported: bad/dev/1 is down"},
		{"READ failed State raises", nil, "READ('bad/dev/1')", "ERR API_DeviceNotExported: bad/dev/1 is down"},
		{"READ own attribute", nil, "READ('test/alarms/1/ActiveAlarms')", "[]"},
		{"READ not a name", nil, "READ('pressure')", "ERR ValueError: READ: \"pressure\" is not a Tango name (dom/fam/mem[/attr][.what])"},
		{"READ bad suffix", nil, "READ('a/b/c/d', 'e', 'delta2')", "ERR ValueError: READ: unknown suffix \"delta2\" (expected one of value, time, quality, exception, delta, all, hist, ALARM, WARNING, VALID, INVALID, OK)"},
		{"DEV attribute", nil, "DEV('sr/vc/gauge-01').pressure", "2e-08"},
		{"DEV State()", nil, "DEV('sr/vc/gauge-01').State() == ON", "True"},
		{"DEV read_attribute", nil, "DEV('sr/vc/gauge-01').read_attribute('pressure').quality", "2"},
		{"DEV name", nil, "DEV('sr/vc/gauge-01').name()", "'sr/vc/gauge-01'"},
		{"DEV no writes", nil, "DEV('sr/vc/valve-01').write_attribute('open', 0)", "ERR AttributeError: 'DeviceProxy' object has no attribute 'write_attribute' (alarm formulas only read: DEV offers attribute values, State(), Status(), read_attribute(), name())"},
		{"DEV no commands", nil, "DEV('sr/vc/valve-01').command_inout('Close')", "ERR AttributeError: 'DeviceProxy' object has no attribute 'command_inout' (alarm formulas only read: DEV offers attribute values, State(), Status(), read_attribute(), name())"},
		{"DEV read error raises", nil, "DEV('bad/dev/1').x", "ERR API_DeviceNotExported: bad/dev/1 is down"},
		{"DEV not a device", nil, "DEV('a/b/c/d')", "ERR ValueError: DEV: \"a/b/c/d\" is not a device name (dom/fam/mem)"},
		{"DEVICES item", nil, "DEVICES['sr/vc/gauge-01'].pressure > 1e-8", "True"},
		{"DEVICES referenced", nil, "'sr/vc/gauge-01' in DEVICES and 'x/y/z' not in DEVICES", "True"},
		{"DEVICES iterate", nil, "sorted(DEVICES)", "['sr/vc/gauge-01']"},
		{"SELF name", nil, "SELF.get_name()", "'test/alarms/1'"},
		{"SELF check", nil, "SELF.CheckAlarm('HIGH')", "False"},
		{"SELF unknown", nil, "SELF.init_device()", "ERR AttributeError: 'PyAlarm' object has no attribute 'init_device' (SELF offers get_name, get_state, CheckAlarm, CheckAcknowledged, CheckDisabled, ResetAlarm, Acknowledge, Disable, Enable)"},
		{"SELF reset needs comment", nil, "SELF.ResetAlarm('HIGH')", "ERR UserMessageRequiredAs2ndArgument: SELF.ResetAlarm: a comment is required as second argument (test/alarms/1)"},
		{"SELF unknown tag", nil, "SELF.Acknowledge('NOPE', 'x')", "ERR PyAlarm_UnknownAlarm: SELF.Acknowledge: unknown alarm \"NOPE\" (test/alarms/1)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newTestDevice(t, host, tc.props, "HIGH:sr/vc/gauge-01/pressure > 1e-8")
			c := d.compile(tc.formula, "")
			if c.err != nil {
				t.Fatalf("compile: %v", c.err)
			}
			_, v, err := d.evaluate(c, nil, now)
			got := ""
			if err != nil {
				got = "ERR " + err.Error()
			} else if got, err = pyval.Repr(d.ctx, v); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("%s = %s, want %s", tc.formula, got, tc.want)
			}
		})
	}
}

// TestReadDelta: READ(...'.delta') keeps the same AlarmThreshold+1 history
// as a reference.
func TestReadDelta(t *testing.T) {
	host := fakeHost{}
	d := newTestDevice(t, host, map[string]string{"AlarmThreshold": "2"}, "X:False")
	c := d.compile("READ('a/b/c/n.delta')", "")
	var got []string
	for i, v := range []float64{1, 4, 9, 16} {
		now := time.Unix(int64(100+i), 0)
		host["a/b/c/n"] = sim.Reading{Value: pyval.Float(v), Time: now}
		_, r, err := d.evaluate(c, nil, now)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := pyval.Repr(d.ctx, r)
		got = append(got, s)
	}
	// depth 3: 0 (one value), 4-1, 9-1, 16-4
	if want := "[0 3.0 8.0 12.0]"; fmtSlice(got) != want {
		t.Errorf("deltas %s, want %s", fmtSlice(got), want)
	}
}

func fmtSlice(ss []string) string {
	out := "["
	for i, s := range ss {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out + "]"
}

// TestSelfCommandsDeferred: SELF commands called by a formula run after
// that evaluation's lifecycle step: an alarm that resets another.
func TestSelfCommandsDeferred(t *testing.T) {
	host := fakeHost{}
	var notes []string
	d := newTestDevice(t, host, map[string]string{"AlarmThreshold": "1", "PollingPeriod": "1", "Enabled": "true"},
		"A_FIRE:True",
		"B_CLEAR:A_FIRE and SELF.ResetAlarm('A_FIRE', 'cleared by B_CLEAR')")
	d.notify = func(n Notification) { notes = append(notes, string(n.Type)+" "+n.Tag+" "+n.Comment) }
	start := time.Unix(1000, 0)
	d.start = start
	// A_FIRE at 3.5 (active), B_CLEAR at 4.0: reads A_FIRE true, resets it
	d.Advance(start.Add(4*time.Second), nil)
	a := d.Alarm("A_FIRE")
	if !a.Active.IsZero() {
		t.Errorf("A_FIRE still active after SELF.ResetAlarm")
	}
	if b := d.Alarm("B_CLEAR"); b.Active.IsZero() {
		t.Errorf("B_CLEAR not active (value %v, err %v): the reset must run after its own evaluation", b.Value, b.Err)
	}
	want := []string{"ALARM A_FIRE ", "ALARM B_CLEAR ", "RESET A_FIRE cleared by B_CLEAR"}
	if len(notes) != 3 || notes[0] != want[0] || notes[1] != want[1] || notes[2] != want[2] {
		t.Errorf("notifications %q, want %q", notes, want)
	}
	if len(d.deferred) != 0 {
		t.Errorf("%d commands left queued", len(d.deferred))
	}
}

// TestCorpusPanicNames: the corpus's PANIC formulas that use READ, ATTR,
// XATTR, DEVICES, DEV or SELF compile and evaluate. (The corpus has none
// today: the names come from the PANIC docs' namespace table; the cases
// of TestPanicNames follow it.)
func TestCorpusPanicNames(t *testing.T) {
	b, err := os.ReadFile("/work/shared/reference/corpus/formulas.json")
	if err != nil {
		t.Skip("corpus not available:", err)
	}
	var entries []struct{ ID, System, Formula string }
	if err := json.Unmarshal(b, &entries); err != nil {
		t.Fatal(err)
	}
	uses := regexp.MustCompile(`\b(READ|X?ATTR|DEVICES|DEV|SELF)\b\s*[(\[.]`)
	n := 0
	for _, e := range entries {
		if e.System != "PANIC" || !uses.MatchString(e.Formula) {
			continue
		}
		n++
		d := newTestDevice(t, fakeHost{}, nil, "X:False")
		c := d.compile(e.Formula, "")
		if c.err != nil {
			t.Errorf("%s %q: %v", e.ID, e.Formula, c.err)
			continue
		}
		if _, _, err := d.evaluate(c, nil, time.Unix(0, 0)); err != nil {
			t.Logf("%s %q: %v (reads a device the test does not host)", e.ID, e.Formula, err)
		}
	}
	t.Logf("%d corpus PANIC formulas use READ/ATTR/XATTR/DEVICES/DEV/SELF", n)
}

// BenchmarkReadCall: one evaluation of a formula with an explicit READ.
func BenchmarkReadCall(b *testing.B) {
	host := fakeHost{"sr/vc/gauge-01/pressure": {Value: pyval.Float(2e-8)}}
	d := newTestDevice(b, host, nil, "X:False")
	c := d.compile("READ('sr/vc/gauge-01/pressure') > 1e-8", "")
	now := time.Unix(1000, 0)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		d.evaluate(c, nil, now.Add(time.Duration(i)))
	}
}
