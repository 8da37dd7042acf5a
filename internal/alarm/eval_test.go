package alarm

import (
	"strings"
	"testing"
	"time"

	"chaoslab/internal/catalog"
	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/sim"
)

// fakeHost answers reads from a table; missing entries fail.
type fakeHost map[string]sim.Reading

func (h fakeHost) Read(now time.Time, dev, attr string) sim.Reading {
	if r, ok := h[strings.ToLower(dev+"/"+attr)]; ok {
		if r.Time.IsZero() {
			r.Time = now
		}
		return r
	}
	return sim.Reading{Attr: attr, Value: pyval.None, Quality: sim.Invalid, Time: now,
		Err: &sim.DevError{Reason: "API_DeviceNotExported", Desc: dev + " is down"}}
}
func (h fakeHost) Rand() pyval.Rand { return nil }

func newTestDevice(t testing.TB, host sim.Host, props map[string]string, alarms ...string) *Device {
	t.Helper()
	dev := &catalog.Device{Name: "test/alarms/1", Class: "PyAlarm"}
	dev.Properties = append(dev.Properties, &catalog.Property{Name: "AlarmList", Values: alarms})
	for k, v := range props {
		dev.Properties = append(dev.Properties, &catalog.Property{Name: k, Values: strings.Split(v, "\n")})
	}
	cat := &catalog.Catalog{Servers: []*catalog.Server{{Name: "PyAlarm/1", Devices: []*catalog.Device{dev}}}}
	k := Kinds(Options{Catalog: cat})["PyAlarm"]
	b, probs := k.NewDevice(dev, host)
	for _, p := range probs {
		t.Logf("problem: %v", p)
	}
	return b.(*Device)
}

func TestErrorSemantics(t *testing.T) {
	host := fakeHost{"ok/dev/1/x": {Value: pyval.Float(10)}, "ok/dev/1/state": {Value: pyval.Int(int64(sim.On))}}
	tests := []struct {
		name    string
		props   map[string]string
		formula string
		want    outcome
	}{
		{"attr fails, None > 5", nil, "bad/dev/1/x > 5", outFalse},
		{"attr fails, None < 5", nil, "bad/dev/1/x < 5", outTrue},
		{"state fails, RethrowState raises", nil, "bad/dev/1 == ON", outTrue},
		{"state fails, RethrowState off", map[string]string{"RethrowState": "False"}, "bad/dev/1 == ON", outFalse},
		{"formula error skipped", nil, "undefined_name > 1", outFailed},
		{"RethrowAttribute raises", map[string]string{"RethrowAttribute": "True"}, "bad/dev/1/x > 5", outTrue},
		{"IgnoreExceptions False raises", map[string]string{"IgnoreExceptions": "False"}, "bad/dev/1/x > 5", outTrue},
		{"IgnoreExceptions False, formula error active", map[string]string{"IgnoreExceptions": "False"}, "1/0", outTrue},
		{"NaN comparison false", map[string]string{"IgnoreExceptions": "NaN"}, "bad/dev/1/x > 5", outFalse},
		{"NaN is truthy", map[string]string{"IgnoreExceptions": "NaN"}, "bad/dev/1/x", outTrue},
		{"NaN formula error active", map[string]string{"IgnoreExceptions": "NaN"}, "1/0", outTrue},
		{".exception never raises", map[string]string{"RethrowAttribute": "True"}, "bad/dev/1/x.exception", outTrue},
		{".exception false when fine", nil, "ok/dev/1/x.exception", outFalse},
		{"good read", nil, "ok/dev/1/x > 5 and ok/dev/1 == ON", outTrue},
		{"upper-case operators", nil, "ok/dev/1/x > 50 OR NOT ok/dev/1/x", outFalse},
		{"NOW and t are epoch", nil, "abs(NOW() - t) < 1e-6 and t == now and T() == now", outTrue},
		{"syntax error is a formula error", nil, "x >", outFailed},
		{"$(DEVICE)", nil, "'$(DEVICE)' == DEVICE", outTrue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newTestDevice(t, host, tc.props, "A:"+tc.formula)
			a := d.alarms[0]
			o, v, err := d.evaluate(a.c, a.caches, time.Unix(1000, 0))
			if o != tc.want {
				t.Fatalf("%s: outcome %v (value %v, err %v), want %v (source %q)", tc.formula, o, v, err, tc.want, a.c.src)
			}
		})
	}
}

func TestDeltaAndHist(t *testing.T) {
	host := fakeHost{}
	d := newTestDevice(t, host, map[string]string{"AlarmThreshold": "2"}, "D:ok/dev/1/x.delta >= 3")
	a := d.alarms[0]
	vals := []float64{1, 2, 5, 9, 9}
	want := []outcome{outFalse, outFalse, outTrue, outTrue, outFalse} // window of 3: 5-1=4, 9-2=7, 9-5=4 ... newest-oldest
	want[4] = outTrue
	for i, v := range vals {
		now := time.Unix(int64(1000+i), 0)
		host["ok/dev/1/x"] = sim.Reading{Value: pyval.Float(v), Time: now}
		o, _, err := d.evaluate(a.c, a.caches, now)
		if err != nil || o != want[i] {
			t.Fatalf("step %d: %v %v, want %v", i, o, err, want[i])
		}
	}
	// same timestamp: not stored again, delta unchanged
	o, _, _ := d.evaluate(a.c, a.caches, time.Unix(1010, 0))
	if o != outTrue {
		t.Fatalf("repeated timestamp changed delta")
	}
}
