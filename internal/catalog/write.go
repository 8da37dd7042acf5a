package catalog

import (
	"bufio"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// CSVOptions tune WriteCSV.
type CSVOptions struct {
	// Delimiter between cells; 0 means tab (tango2csv's choice).
	Delimiter byte
	// Host forces the host column; without it the column is written only
	// when some server has a host.
	Host bool
}

// WriteCSV writes c in tango2csv's legacy layout, readable by csv2tango:
// class properties first (rows with an empty device cell), then templates,
// then each device, its first row carrying host, server, class and device,
// each property name on its first value row only. Cells are quoted only
// when they must be (delimiter, line break, leading quote), so that
// csv2tango's sniffed dialect reads them the same way; see docs/formats.md
// for the values neither reader can round-trip.
func WriteCSV(w io.Writer, c *Catalog, opts CSVOptions) error {
	d := opts.Delimiter
	if d == 0 {
		d = '\t'
	}
	host := opts.Host
	for _, s := range c.Servers {
		if s.Host != "" {
			host = true
		}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := &csvWriter{w: bw, d: d, host: host}
	cw.row("host", "server", "class", "device", "property", "value")
	for _, name := range sortedClasses(c) {
		k := c.Classes[name]
		first := true
		for _, p := range k.Properties {
			for i, v := range p.Values {
				switch {
				case first:
					cw.row("", name, name, "", p.Name, v)
					first = false
				case i == 0:
					cw.row("", "", "", "", p.Name, v)
				default:
					cw.row("", "", "", "", "", v)
				}
			}
		}
	}
	for _, t := range c.Templates {
		server := t.Server
		if server == "" {
			server = t.Class + "/*"
		}
		cw.entity("", server, t.Class, t.Pattern, t.Properties, t.Attributes)
	}
	for _, s := range c.Servers {
		for _, dv := range s.Devices {
			cw.entity(s.Host, s.Name, dv.Class, dv.Name, dv.Properties, dv.Attributes)
		}
	}
	return bw.Flush()
}

func sortedClasses(c *Catalog) []string {
	names := make([]string, 0, len(c.Classes))
	for n, k := range c.Classes {
		if len(k.Properties) > 0 {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

type csvWriter struct {
	w    *bufio.Writer
	d    byte
	host bool
}

// entity writes the rows of one device (or template).
func (cw *csvWriter) entity(host, server, class, device string, props []*Property, attrs []*AttrConfig) {
	first := true
	emit := func(name string, vals []string) {
		for i, v := range vals {
			switch {
			case first:
				cw.row(host, server, class, device, name, v)
				first = false
			case i == 0:
				cw.row("", "", "", "", name, v)
			default:
				cw.row("", "", "", "", "", v)
			}
		}
	}
	for _, p := range props {
		if p.Template == "" {
			emit(p.Name, p.Values)
		}
	}
	for _, a := range attrs {
		for _, p := range a.Properties {
			if p.Template == "" {
				emit(a.Name+"."+p.Name, p.Values)
			}
		}
	}
	if first {
		cw.row(host, server, class, device, "", "")
	}
}

func (cw *csvWriter) row(host string, cells ...string) {
	if cw.host {
		cw.cell(host)
		cw.w.WriteByte(cw.d)
	}
	for i, c := range cells {
		if i > 0 {
			cw.w.WriteByte(cw.d)
		}
		cw.cell(c)
	}
	cw.w.WriteString("\r\n")
}

func (cw *csvWriter) cell(s string) {
	if !strings.ContainsAny(s, string(cw.d)+"\n\r") && !strings.HasPrefix(s, `"`) {
		cw.w.WriteString(s)
		return
	}
	cw.w.WriteByte('"')
	cw.w.WriteString(strings.ReplaceAll(s, `"`, `""`))
	cw.w.WriteByte('"')
}

// WriteYAML writes c in chaoslab's YAML form (see Schema), in catalog order.
func WriteYAML(w io.Writer, c *Catalog) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	y := &yamlWriter{w: bw}
	if len(c.Servers) > 0 {
		bw.WriteString("servers:\n")
		for _, s := range c.Servers {
			y.key(1, s.Name)
			if s.Host == "" && len(s.Devices) == 0 {
				bw.WriteString(" {}\n")
				continue
			}
			bw.WriteByte('\n')
			if s.Host != "" {
				y.key(2, "host")
				y.scalar(s.Host)
			}
			if len(s.Devices) > 0 {
				y.key(2, "devices")
				bw.WriteByte('\n')
				for _, d := range s.Devices {
					y.key(3, d.Name)
					bw.WriteByte('\n')
					y.key(4, "class")
					y.scalar(d.Class)
					y.props(4, "properties", d.Properties)
					y.attrs(4, d.Attributes)
				}
			}
		}
	}
	if names := sortedClasses(c); len(names) > 0 {
		bw.WriteString("classes:\n")
		for _, n := range names {
			y.key(1, n)
			bw.WriteByte('\n')
			y.props(2, "properties", c.Classes[n].Properties)
		}
	}
	if len(c.Templates) > 0 {
		bw.WriteString("templates:\n")
		for _, t := range c.Templates {
			bw.WriteString("  - devices: ")
			y.scalar(t.Pattern)
			y.key(2, "class")
			y.scalar(t.Class)
			if t.Server != "" {
				y.key(2, "server")
				y.scalar(t.Server)
			}
			y.props(2, "properties", t.Properties)
			y.attrs(2, t.Attributes)
		}
	}
	return bw.Flush()
}

type yamlWriter struct{ w *bufio.Writer }

func (y *yamlWriter) indent(n int) {
	for i := 0; i < n; i++ {
		y.w.WriteString("  ")
	}
}

// key writes "key:" at depth n (the caller writes what follows).
func (y *yamlWriter) key(n int, k string) {
	y.indent(n)
	y.w.WriteString(yamlQuote(k))
	y.w.WriteByte(':')
}

func (y *yamlWriter) scalar(v string) {
	y.w.WriteByte(' ')
	y.w.WriteString(yamlQuote(v))
	y.w.WriteByte('\n')
}

func own(ps []*Property) []*Property {
	out := ps[:0:0]
	for _, p := range ps {
		if p.Template == "" {
			out = append(out, p)
		}
	}
	return out
}

func (y *yamlWriter) props(n int, name string, ps []*Property) {
	ps = own(ps)
	if len(ps) == 0 {
		return
	}
	y.key(n, name)
	y.w.WriteByte('\n')
	for _, p := range ps {
		y.values(n+1, p)
	}
}

func (y *yamlWriter) values(n int, p *Property) {
	y.key(n, p.Name)
	switch len(p.Values) {
	case 0:
		y.w.WriteString(" []\n")
	case 1:
		y.scalar(p.Values[0])
	default:
		y.w.WriteByte('\n')
		for _, v := range p.Values {
			y.indent(n + 1)
			y.w.WriteString("- ")
			y.w.WriteString(yamlQuote(v))
			y.w.WriteByte('\n')
		}
	}
}

func (y *yamlWriter) attrs(n int, as []*AttrConfig) {
	var keep []*AttrConfig
	for _, a := range as {
		if len(own(a.Properties)) > 0 {
			keep = append(keep, a)
		}
	}
	if len(keep) == 0 {
		return
	}
	y.key(n, "attributes")
	y.w.WriteByte('\n')
	for _, a := range keep {
		ps := own(a.Properties)
		if flowable(ps) {
			y.key(n+1, a.Name)
			y.w.WriteString(" {")
			for i, p := range ps {
				if i > 0 {
					y.w.WriteString(", ")
				}
				y.w.WriteString(p.Name)
				y.w.WriteString(": ")
				y.w.WriteString(p.Values[0])
			}
			y.w.WriteString("}\n")
			continue
		}
		y.key(n+1, a.Name)
		y.w.WriteByte('\n')
		for _, p := range ps {
			y.values(n+2, p)
		}
	}
}

// flowable: every property single-valued with a short word-like value, so
// that {min_value: 0, max_value: 16} reads back unchanged.
func flowable(ps []*Property) bool {
	for _, p := range ps {
		if len(p.Values) != 1 || !simpleWord(p.Name) || !simpleWord(p.Values[0]) {
			return false
		}
	}
	return true
}

func simpleWord(s string) bool {
	if s == "" || len(s) > 40 || isYAMLNull(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-' && i > 0 || c == '+' && i > 0) {
			return false
		}
	}
	return true
}

func isYAMLNull(s string) bool {
	switch s {
	case "", "~", "null", "Null", "NULL":
		return true
	}
	return false
}

// yamlQuote returns s as a plain scalar when that reads back as the same
// text, else as a double-quoted scalar.
func yamlQuote(s string) string {
	if plainOK(s) {
		return s
	}
	return strconv.Quote(s)
}

func plainOK(s string) bool {
	if isYAMLNull(s) || !utf8.ValidString(s) {
		return false
	}
	if strings.ContainsAny(s[:1], "-?:,[]{}#&*!|>'\"%@` \t") || strings.HasSuffix(s, " ") || strings.HasSuffix(s, ":") {
		return false
	}
	if strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.Contains(s, "\t") {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xfeff {
			return false
		}
	}
	return true
}
