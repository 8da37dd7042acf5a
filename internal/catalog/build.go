package catalog

import (
	"regexp"
	"strings"
)

// builder assembles a Catalog from rows or YAML nodes, keeping the lookups
// that both readers need and collecting every error.
type builder struct {
	c       *Catalog
	errs    ErrorList
	warns   ErrorList
	servers map[string]*Server
	devices map[devKey]*Device
	// devOrder remembers which devices came before each template
	// (informative: chaoslab applies templates to every matching device).
	hostAt map[string]Pos
	// classClash remembers reported device/class conflicts (one error each).
	classClash map[devKey]bool
	// shifts holds, by the position of a value's text, where the file
	// spells the text with more bytes (see csvCell.shifts).
	shifts map[Pos][]int
}

type devKey struct{ server, device string }

func newBuilder(path string) *builder {
	return &builder{
		c:       &Catalog{Path: path, Classes: map[string]*Class{}},
		servers: map[string]*Server{},
		devices: map[devKey]*Device{},
		hostAt:  map[string]Pos{},

		classClash: map[devKey]bool{},
		shifts:     map[Pos][]int{},
	}
}

// server returns the server named name, creating it on first use. A server
// seen under two hosts is an error.
func (b *builder) server(name, host string, pos, hostPos Pos) *Server {
	s := b.servers[name]
	if s == nil {
		s = &Server{Name: name, Host: host, Pos: pos}
		b.servers[name] = s
		b.c.Servers = append(b.c.Servers, s)
		b.hostAt[name] = hostPos
		return s
	}
	if s.Host != host {
		b.errs.Add(hostPos, "server %s is on host %q here but on host %q at %s", name, host, s.Host, b.hostAt[name])
	}
	return s
}

// device returns the device name of server s, creating it on first use.
func (b *builder) device(s *Server, name, class string, pos, classPos Pos) *Device {
	k := devKey{s.Name, name}
	d := b.devices[k]
	if d == nil {
		d = &Device{Name: name, Class: class, Pos: pos}
		b.devices[k] = d
		s.Devices = append(s.Devices, d)
		return d
	}
	if d.Class != class && !b.classClash[devKey{s.Name + "\x00" + name, class}] {
		b.classClash[devKey{s.Name + "\x00" + name, class}] = true
		b.errs.Add(classPos, "device %s is of class %q here but of class %q at %s", name, class, d.Class, d.Pos)
	}
	return d
}

// class returns the class entry for name, creating it on first use.
func (b *builder) class(name string, pos Pos) *Class {
	k := b.c.Classes[name]
	if k == nil {
		k = &Class{Name: name, Pos: pos}
		b.c.Classes[name] = k
	}
	return k
}

// addValue appends one element to property name of ps (csv2tango merges
// every row of the same property name, even non-consecutive ones).
// Attribute property names compare case-insensitively (fold), device
// property names exactly, as csv2tango's dict does.
func addValue(ps *[]*Property, last **Property, name string, namePos Pos, value string, at Pos, fold bool) {
	p := *last
	if p == nil || p.Name != name {
		p = nil
		for _, q := range *ps {
			if q.Name == name || fold && equalFold(q.Name, name) {
				p = q
				break
			}
		}
		if p == nil {
			p = &Property{Name: name, Pos: namePos}
			*ps = append(*ps, p)
		}
		*last = p
	}
	p.Values = append(p.Values, value)
	p.At = append(p.At, at)
}

// attrConfig returns the AttrConfig for attribute name (case-insensitive).
func attrConfig(as *[]*AttrConfig, name string, pos Pos) *AttrConfig {
	for _, a := range *as {
		if equalFold(a.Name, name) {
			return a
		}
	}
	a := &AttrConfig{Name: name, Pos: pos}
	*as = append(*as, a)
	return a
}

// splitAttrProp splits "attr.prop" or "/attr.prop" into its parts. ok is
// false for a plain property name; bad is true for a malformed one.
func splitAttrProp(name string) (attr, prop string, ok, bad bool) {
	slash := strings.HasPrefix(name, "/")
	n := strings.TrimLeft(name, "/")
	i := strings.IndexByte(n, '.')
	if i < 0 {
		return "", "", false, slash
	}
	attr, prop = n[:i], n[i+1:]
	if attr == "" || prop == "" {
		return attr, prop, true, true
	}
	return attr, prop, true, false
}

// normalize applies csv2tango's per-property post-processing: the literal
// "\n" escape (if the first element contains the two characters \n, all
// elements are joined with \n and split again) and the removal of trailing
// empty elements (keeping at least one).
func normalize(p *Property, escapes bool, shifts map[Pos][]int) {
	if escapes && len(p.Values) > 0 && strings.Contains(p.Values[0], `\n`) {
		var vals []string
		var at []Pos
		for i, v := range p.Values {
			pos := Pos{}
			if i < len(p.At) {
				pos = p.At[i]
			}
			sh := shifts[pos]
			off := 0
			for {
				j := strings.Index(v[off:], `\n`)
				end := len(v)
				if j >= 0 {
					end = off + j
				}
				vals = append(vals, v[off:end])
				sub := advanceShifted(pos, v[:off], sh)
				at = append(at, sub)
				if off > 0 && len(sh) > 0 {
					var rest []int
					for _, o := range sh {
						if o > off {
							rest = append(rest, o-off)
						}
					}
					if rest != nil {
						shifts[sub] = rest
					}
				}
				if j < 0 {
					break
				}
				off = end + 2
			}
		}
		p.Values, p.At = vals, at
	}
	for len(p.Values) > 1 && p.Values[len(p.Values)-1] == "" {
		p.Values = p.Values[:len(p.Values)-1]
		if len(p.At) > len(p.Values) {
			p.At = p.At[:len(p.Values)]
		}
	}
}

// advance moves pos over text (which may hold newlines).
func advance(pos Pos, text string) Pos { return advanceShifted(pos, text, nil) }

// advanceShifted moves pos over text, which the file spells with one more
// byte before each offset in shifts (ascending; see csvCell.shifts).
func advanceShifted(pos Pos, text string, shifts []int) Pos {
	if !pos.IsValid() {
		return pos
	}
	for i := 0; i < len(text); i++ {
		for len(shifts) > 0 && shifts[0] <= i {
			if shifts[0] == i {
				pos.Col++
			}
			shifts = shifts[1:]
		}
		if text[i] == '\n' {
			pos.Line++
			pos.Col = 1
		} else {
			pos.Col++
		}
	}
	for _, o := range shifts {
		if o == len(text) { // the byte after text follows an extra one
			pos.Col++
		}
	}
	return pos
}

// isPattern reports whether a device cell is a csv2tango wildcard template
// (fandango.isRegexp: any of ^$*+?{\| and, as a convenience, [).
func isPattern(s string) bool { return strings.ContainsAny(s, `^$*+?{\|[`) }

// compilePattern turns a template pattern into a regexp the way fandango's
// clmatch does: "*" -> ".*" and "?" -> "." unless already regexp syntax,
// case-insensitive, anchored at the start only (re.match).
func compilePattern(p string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("(?i)^(?:")
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '*' && (i == 0 || p[i-1] != '.'):
			b.WriteString(".*")
		case c == '?' && (i == 0 || !strings.ContainsRune(".*+?)]}", rune(p[i-1]))):
			b.WriteString(".")
		default:
			b.WriteByte(c)
		}
	}
	b.WriteString(")")
	return regexp.Compile(b.String())
}

// finish normalizes properties, applies templates and sorts the messages.
func (b *builder) finish(escapes bool) (*Catalog, error) {
	c := b.c
	norm := func(ps []*Property) {
		for _, p := range ps {
			normalize(p, escapes, b.shifts)
		}
	}
	for _, k := range c.Classes {
		norm(k.Properties)
	}
	for _, t := range c.Templates {
		norm(t.Properties)
		for _, a := range t.Attributes {
			norm(a.Properties)
		}
	}
	for _, s := range c.Servers {
		for _, d := range s.Devices {
			norm(d.Properties)
			for _, a := range d.Attributes {
				norm(a.Properties)
			}
		}
	}
	b.warnAttrProps()
	b.applyTemplates()
	b.errs.Sort()
	b.warns.Sort()
	c.Warnings = b.warns
	if len(b.shifts) > 0 {
		c.shifts = b.shifts
	}
	return c, b.errs.Err()
}

// applyTemplates copies template properties into matching devices. Order:
// inherited properties first (templates in file order, a later template
// replacing an earlier one's property in place), then the device's own,
// each replacing an inherited property of the same name in place.
func (b *builder) applyTemplates() {
	if len(b.c.Templates) == 0 {
		return
	}
	res := make([]*regexp.Regexp, len(b.c.Templates))
	for i, t := range b.c.Templates {
		re, err := compilePattern(t.Pattern)
		if err != nil {
			b.errs.Add(t.Pos, "bad device pattern %q: %v", t.Pattern, err)
			b.errs.Sort()
			continue
		}
		res[i] = re
	}
	for _, s := range b.c.Servers {
		for _, d := range s.Devices {
			var props []*Property
			var attrs []*AttrConfig
			for i, t := range b.c.Templates {
				if res[i] == nil || !equalFold(t.Class, d.Class) || !res[i].MatchString(d.Name) {
					continue
				}
				for _, p := range t.Properties {
					props = mergeProp(props, inherit(p, t.Pattern))
				}
				for _, ta := range t.Attributes {
					a := findAttr(attrs, ta.Name)
					if a == nil {
						a = &AttrConfig{Name: ta.Name, Pos: ta.Pos}
						attrs = append(attrs, a)
					}
					for _, p := range ta.Properties {
						a.Properties = mergePropFold(a.Properties, inherit(p, t.Pattern))
					}
				}
			}
			if props == nil && attrs == nil {
				continue
			}
			for _, p := range d.Properties {
				props = mergeProp(props, p)
			}
			d.Properties = props
			for _, da := range d.Attributes {
				a := findAttr(attrs, da.Name)
				if a == nil {
					attrs = append(attrs, da)
					continue
				}
				a.Name, a.Pos = da.Name, da.Pos
				for _, p := range da.Properties {
					a.Properties = mergePropFold(a.Properties, p)
				}
			}
			d.Attributes = attrs
		}
	}
}

func inherit(p *Property, pattern string) *Property {
	q := *p
	q.Template = pattern
	return &q
}

func findAttr(as []*AttrConfig, name string) *AttrConfig {
	for _, a := range as {
		if equalFold(a.Name, name) {
			return a
		}
	}
	return nil
}

func mergeProp(ps []*Property, p *Property) []*Property {
	for i, q := range ps {
		if q.Name == p.Name {
			ps[i] = p
			return ps
		}
	}
	return append(ps, p)
}

func mergePropFold(ps []*Property, p *Property) []*Property {
	for i, q := range ps {
		if equalFold(q.Name, p.Name) {
			ps[i] = p
			return ps
		}
	}
	return append(ps, p)
}

// warnAttrProps flags attribute properties that look like typos of known ones.
func (b *builder) warnAttrProps() {
	check := func(as []*AttrConfig) {
		for _, a := range as {
			for _, p := range a.Properties {
				if knownAttrProp(p.Name) {
					continue
				}
				if sug := suggest(p.Name, attrPropNames); sug != "" {
					b.warns.Add(p.Pos, "unknown attribute property %q of %s (did you mean %q?)", p.Name, a.Name, sug)
				}
			}
		}
	}
	for _, t := range b.c.Templates {
		check(t.Attributes)
	}
	for _, s := range b.c.Servers {
		for _, d := range s.Devices {
			check(d.Attributes)
		}
	}
}
