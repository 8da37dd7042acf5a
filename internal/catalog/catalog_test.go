package catalog

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata file name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(name, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from output:\n%s", name, diffLines(string(want), string(got)))
	}
}

func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + itoa(i+1) + ":\n  want: " + a + "\n  got:  " + b
		}
	}
	return ""
}

func itoa(i int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(i)) }

func fmtInt(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for i > 0 {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
	}
	return string(b)
}

func csvFiles(t *testing.T) []string {
	files, err := filepath.Glob("testdata/*.csv")
	if err != nil || len(files) == 0 {
		t.Fatal("no testdata/*.csv", err)
	}
	return files
}

// stripPos zeroes every position so that catalogs from different files compare.
func stripPos(c *Catalog) *Catalog {
	c.Path = ""
	c.Warnings = nil
	c.shifts = nil
	props := func(ps []*Property) {
		for _, p := range ps {
			p.Pos, p.At = Pos{}, nil
		}
	}
	attrs := func(as []*AttrConfig) {
		for _, a := range as {
			a.Pos = Pos{}
			props(a.Properties)
		}
	}
	for _, s := range c.Servers {
		s.Pos = Pos{}
		for _, d := range s.Devices {
			d.Pos = Pos{}
			props(d.Properties)
			attrs(d.Attributes)
		}
	}
	for _, k := range c.Classes {
		k.Pos = Pos{}
		props(k.Properties)
	}
	for _, tp := range c.Templates {
		tp.Pos = Pos{}
		props(tp.Properties)
		attrs(tp.Attributes)
	}
	return c
}

func mustLoad(t *testing.T, path string) *Catalog {
	t.Helper()
	c, err := Load(path)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	return c
}

// TestGolden reads every testdata/*.csv and compares its YAML form with
// testdata/*.golden.yaml.
func TestGolden(t *testing.T) {
	for _, f := range csvFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			c := mustLoad(t, f)
			var buf bytes.Buffer
			if err := WriteYAML(&buf, c); err != nil {
				t.Fatal(err)
			}
			golden(t, strings.TrimSuffix(f, ".csv")+".golden.yaml", buf.Bytes())
		})
	}
}

// TestRoundTrip: Load(Write(Load(x))) deep-equals Load(x) ignoring positions,
// through CSV (tab and comma) and YAML.
func TestRoundTrip(t *testing.T) {
	for _, f := range csvFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			want := stripPos(mustLoad(t, f))
			writers := []struct {
				name  string
				write func(*bytes.Buffer, *Catalog) error
				read  func([]byte) (*Catalog, error)
			}{
				{"csv-tab", func(b *bytes.Buffer, c *Catalog) error { return WriteCSV(b, c, CSVOptions{}) },
					func(d []byte) (*Catalog, error) { return ReadCSV("x.csv", bytes.NewReader(d)) }},
				{"csv-comma", func(b *bytes.Buffer, c *Catalog) error { return WriteCSV(b, c, CSVOptions{Delimiter: ','}) },
					func(d []byte) (*Catalog, error) { return ReadCSV("x.csv", bytes.NewReader(d)) }},
				{"yaml", func(b *bytes.Buffer, c *Catalog) error { return WriteYAML(b, c) },
					func(d []byte) (*Catalog, error) { return ReadYAML("x.yaml", d) }},
			}
			for _, w := range writers {
				t.Run(w.name, func(t *testing.T) {
					var buf bytes.Buffer
					if err := w.write(&buf, mustLoad(t, f)); err != nil {
						t.Fatal(err)
					}
					got, err := w.read(buf.Bytes())
					if err != nil {
						t.Fatalf("re-read: %v\n%s", err, firstLines(buf.String(), 20))
					}
					stripPos(got)
					if !reflect.DeepEqual(got, want) {
						t.Errorf("round trip differs: %s", firstDiff(want, got))
					}
				})
			}
		})
	}
}

func firstLines(s string, n int) string {
	l := strings.SplitN(s, "\n", n+1)
	if len(l) > n {
		l = l[:n]
	}
	return strings.Join(l, "\n")
}

// firstDiff names the first differing device or property.
func firstDiff(a, b *Catalog) string {
	if len(a.Servers) != len(b.Servers) {
		return "server count " + fmtInt(len(a.Servers)) + " vs " + fmtInt(len(b.Servers))
	}
	for i, s := range a.Servers {
		s2 := b.Servers[i]
		if s.Name != s2.Name || s.Host != s2.Host || len(s.Devices) != len(s2.Devices) {
			return "server " + s.Name + "@" + s.Host + " vs " + s2.Name + "@" + s2.Host
		}
		for j, d := range s.Devices {
			d2 := s2.Devices[j]
			if !reflect.DeepEqual(d, d2) {
				for k, p := range d.Properties {
					if k >= len(d2.Properties) || !reflect.DeepEqual(p, d2.Properties[k]) {
						var q *Property
						if k < len(d2.Properties) {
							q = d2.Properties[k]
						}
						return "device " + d.Name + " property " + p.Name + ": " + strings.Join(p.Values, "|") + " vs " + propText(q)
					}
				}
				return "device " + d.Name
			}
		}
	}
	if !reflect.DeepEqual(a.Classes, b.Classes) {
		return "classes"
	}
	return "templates"
}

func propText(p *Property) string {
	if p == nil {
		return "<nil>"
	}
	return p.Name + "=" + strings.Join(p.Values, "|")
}

// TestFillRules pins csv2tango's behaviour on hand-made cases.
func TestFillRules(t *testing.T) {
	c := mustLoad(t, "testdata/fill-rules.csv")
	s := c.Servers[0]
	one, two := s.Devices[0], s.Devices[1]
	vals := func(p *Property) []string {
		if p == nil {
			return nil
		}
		return p.Values
	}
	tests := []struct {
		name string
		got  []string
		want []string
	}{
		{"multi-line cell then next row", vals(one.Property("Multi")), []string{"first line\nsecond line", "next"}},
		{"literal \\n escapes", vals(one.Property("Esc")), []string{"one", "two", "three"}},
		{"trailing empty dropped", vals(one.Property("Trail")), []string{"x"}},
		{"/attr.prop", vals(one.Attribute("Temp").Property("unit")), []string{"degC"}},
		{"attr prop case", vals(one.Attribute("temp").Property("max_value")), []string{"100"}},
		{"empty single value", vals(two.Property("Empty")), []string{""}},
		{"doubled quotes", vals(two.Property("Quote")), []string{`He said "hi"`}},
		{"blank cells with spaces fill", vals(two.Property("Spaces")), []string{"padded"}},
		{"class property (empty device)", vals(c.Classes["Cls"].Property("ClassProp")), []string{"k1", "k2"}},
		{"#CLASS row", vals(c.Classes["Cls"].Property("FromTango2csv")), []string{"c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
	if d := s.Devices[2]; d.Name != "dom/fam/three" || d.Class != "Other" || !reflect.DeepEqual(vals(d.Property("OnlyClass")), []string{"1", "2"}) {
		t.Errorf("device three: %+v", d)
	}
	// positions: the value of Quote starts after the opening quote
	q := two.Property("Quote")
	if q.At[0].Line != 13 || q.At[0].Col != 11 {
		t.Errorf("Quote at %v, want 13:11", q.At[0])
	}
	m := one.Property("Multi")
	if m.At[1].Line != 4 || m.At[1].Col != 5 {
		t.Errorf("Multi[1] at %v, want 4:5", m.At[1])
	}
}

// TestTemplates: wildcard device rows apply to matching devices of the class.
func TestTemplates(t *testing.T) {
	c := mustLoad(t, "testdata/pyalarm-clock.csv")
	var ck05, group *Device
	for _, s := range c.Servers {
		for _, d := range s.Devices {
			switch d.Name {
			case "test/panic/ck05":
				ck05 = d
			case "test/panic/group":
				group = d
			}
		}
	}
	if p := ck05.Property("PollingPeriod"); p == nil || p.Values[0] != "0.125" || p.Template != "" {
		t.Errorf("ck05 PollingPeriod = %+v, want own 0.125", p)
	}
	if p := ck05.Property("AutoReset"); p == nil || p.Values[0] != "0.2" || p.Template != "test/panic/ck*" {
		t.Errorf("ck05 AutoReset = %+v, want 0.2 from template", p)
	}
	if p := group.Property("AutoReset"); p == nil || p.Values[0] != "0.0001" || p.Template != "" {
		t.Errorf("group AutoReset = %+v", p)
	}
	if k := c.Classes["PyAlarm"]; k == nil || k.Property("GlobalReceivers") == nil {
		t.Errorf("PyAlarm class properties missing: %+v", k)
	}
	// The blank line inside AlarmList of group is a dropped row, and the
	// blank value row ends no property: csv2tango's rules.
	if got := group.Property("AlarmList").Values; len(got) != 3 {
		t.Errorf("group AlarmList = %q", got)
	}
}

// TestBad: every testdata/bad file gives all its errors with positions.
func TestBad(t *testing.T) {
	files, _ := filepath.Glob("testdata/bad/*")
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".errors") {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, err := Load(f)
			if err == nil {
				t.Fatal("no error")
			}
			golden(t, f+".errors", []byte(err.Error()+"\n"))
		})
	}
	if n == 0 {
		t.Fatal("no bad files")
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		in   string
		want Format
	}{
		{"server\tclass\tdevice\tproperty\tvalue\n", FormatCSV},
		{"host,server,class,device,property,value\n", FormatCSV},
		{"servers:\n  A/b: {}\n", FormatYAML},
		{"# comment\nservers: {}\n", FormatYAML},
	}
	for _, tt := range tests {
		if got := Sniff([]byte(tt.in)); got != tt.want {
			t.Errorf("Sniff(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestErrorList(t *testing.T) {
	var l ErrorList
	if l.Err() != nil {
		t.Fatal("empty list must give nil")
	}
	l.Add(Pos{File: "f", Line: 3, Col: 1}, "b")
	l.Add(Pos{File: "f", Line: 1, Col: 9}, "a")
	l.Sort()
	if got := l.Error(); got != "f:1:9: a\nf:3:1: b" {
		t.Errorf("got %q", got)
	}
}

// TestMessagesSorted: errors and warnings print as one list in position
// order (a warning at 14:32 after an error at 4:5).
func TestMessagesSorted(t *testing.T) {
	data := "servers:\n  S/x:\n    host: h\n    devcies: {}\n  S/y:\n    devices:\n      a/b/c:\n        class: C\n        attributes:\n          B: {min_value: zero, max_vale: 16}\n"
	c, err := Read("f.yaml", []byte(data), FormatYAML)
	if c != nil {
		for _, e := range Check(c) {
			err = append(ErrorList(Errors(err)), e.(*Error))
		}
	}
	var got []string
	for _, m := range Messages(c, err) {
		s := m.Pos.String()
		if m.Warning {
			s += " warning"
		}
		got = append(got, s)
	}
	want := "f.yaml:4:5 f.yaml:10:26 f.yaml:10:32 warning"
	if strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}
