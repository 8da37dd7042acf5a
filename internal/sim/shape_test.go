package sim

import (
	"fmt"
	"strings"
	"testing"

	"chaoslab/internal/catalog"
	"chaoslab/internal/formula/pyval"
)

// shapeDevice is one device whose formulas differ from its neighbours'
// only in literals (the elinac export's shape).
func shapeDevice(name string, def string, label string, k int) *catalog.Device {
	d := &catalog.Device{Name: name, Class: "SimulatorDS"}
	vals := []string{
		fmt.Sprintf("A = DevDouble(VAR('%s', default=%s * (1+2*sin((int(PROPERTY(\"OFFSET\")))+t))))", label, def),
		fmt.Sprintf("S = DevString('%s%%d' %% %d)", label, k),
		fmt.Sprintf("Z = DevDouble(%d/0 + A)", k),
		fmt.Sprintf("L = DevLong({'%s': %d}['%s'])", label, k, label),
		fmt.Sprintf("W = DevLong(VAR('w%s', default=%d, WRITE=True))", label, k),
		fmt.Sprintf("E = '%s' + 1j", label),
		fmt.Sprintf("N = DevDouble(%d*t - %s)", k, def),
	}
	d.Properties = append(d.Properties,
		&catalog.Property{Name: "DynamicAttributes", Values: vals},
		&catalog.Property{Name: "OFFSET", Values: []string{fmt.Sprint(k)}},
		&catalog.Property{Name: "StartupDelay", Values: []string{"0"}},
		&catalog.Property{Name: "DynamicStates", Values: []string{fmt.Sprintf("ALARM = A > %d", 1000+k), "ON = 1"}})
	return d
}

// Devices whose formulas differ only in literals share one compiled
// Program per formula, and each reads as it would alone.
func TestShapeSharing(t *testing.T) {
	devs := []*catalog.Device{
		shapeDevice("s/d/1", "-72.0", "GridV", 3),
		shapeDevice("s/d/2", "15.6", "GridCurrent", 12345),
		shapeDevice("s/d/3", "15.6", "GridV", 3),
	}
	cat := &catalog.Catalog{Servers: []*catalog.Server{{Name: "SimulatorDS/s", Devices: devs}}}
	w := newWorld(t, cat, Options{})
	names := []string{"A", "S", "Z", "L", "W", "E", "N", "State"}
	for i, cd := range devs {
		alone := newWorld(t, &catalog.Catalog{Servers: []*catalog.Server{{Name: "SimulatorDS/s", Devices: []*catalog.Device{cd}}}}, Options{})
		got, err := w.Read(at(7.5), cd.Name, names...)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := alone.Read(at(7.5), cd.Name, names...)
		for j := range got {
			g, wn := showReading(got[j]), showReading(want[j])
			if g != wn {
				t.Errorf("%s/%s: shared %s, alone %s", cd.Name, names[j], g, wn)
			}
		}
		// Problems (the complex literal) are positioned in the device's own text.
		var mine, ref []string
		for _, p := range w.Problems() {
			if p.Device == cd.Name {
				mine = append(mine, p.Error())
			}
		}
		for _, p := range alone.Problems() {
			ref = append(ref, p.Error())
		}
		if strings.Join(mine, "\n") != strings.Join(ref, "\n") || len(ref) == 0 {
			t.Errorf("%s problems:\n%s\nalone:\n%s", cd.Name, strings.Join(mine, "\n"), strings.Join(ref, "\n"))
		}
		// PROPERTY('DynamicAttributes') shows the device's own texts.
		d := w.devs[w.byName[strings.ToLower(cd.Name)]]
		for k := range d.attrs {
			if want := cd.Properties[0].Values[k]; !strings.HasSuffix(want, d.attrs[k].src) {
				t.Errorf("%s: attribute %d text %q, declared %q", cd.Name, k, d.attrs[k].src, want)
			}
		}
		if testing.Verbose() {
			for j := range got {
				t.Logf("%d %s/%s = %s", i, cd.Name, names[j], showReading(got[j]))
			}
			t.Log(strings.Join(mine, "\n"))
		}
	}
	// One Program per formula shape, whatever the literals.
	d1, d2 := w.devs[0], w.devs[1]
	for k := range d1.attrs {
		if d1.attrs[k].u.info != d2.attrs[k].u.info {
			t.Errorf("attribute %s: not shared", d1.attrs[k].name)
		}
	}
	if d1.attrs[0].u.lits != nil || d2.attrs[0].u.lits == nil {
		t.Errorf("literal tables: first device %v, second %v", d1.attrs[0].u.lits, d2.attrs[0].u.lits)
	}
	// A write goes through the shared Program with the device's own literals.
	if err := w.Write(at(8), "s/d/2", "W", pyval.Int(9)); err != nil {
		t.Fatal(err)
	}
	rs, _ := w.Read(at(9), "s/d/2", "W")
	rs1, _ := w.Read(at(9), "s/d/1", "W")
	if showReading(rs[0]) != "9" || showReading(rs1[0]) != "3" {
		t.Errorf("after writing 9 to s/d/2/W: s/d/2 %s, s/d/1 %s", showReading(rs[0]), showReading(rs1[0]))
	}
}

func showReading(r Reading) string {
	if r.Err != nil {
		return "!" + r.Err.Error()
	}
	s, err := pyval.Repr(&pyval.Context{}, r.Value)
	if err != nil {
		return "!repr " + err.Error()
	}
	return s
}
