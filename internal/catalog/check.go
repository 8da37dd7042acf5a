package catalog

import (
	"strconv"
	"strings"
)

// Check reports semantic errors of a catalog, sorted by position: server
// names must be Class/instance, device names domain/family/member, a device
// may appear in one server only (names are case-insensitive), and numeric
// attribute properties (min_value, max_value, abs_change, polling_period
// ...) must hold numbers, "Not specified", "None" and the like meaning unset.
func Check(c *Catalog) []error {
	var l ErrorList
	seen := map[string]*Device{}
	where := map[*Device]*Server{}
	for _, s := range c.Servers {
		if !nameParts(s.Name, 2) {
			l.Add(s.Pos, "server name %q must be Class/instance", s.Name)
		}
		for _, d := range s.Devices {
			if !nameParts(d.Name, 3) {
				l.Add(d.Pos, "device name %q must be domain/family/member", d.Name)
			}
			k := strings.ToLower(d.Name)
			if prev := seen[k]; prev != nil {
				ps := where[prev]
				if ps == s {
					l.Add(d.Pos, "device %s appears twice in server %s (first at %s)", d.Name, s.Name, prev.Pos)
				} else {
					l.Add(d.Pos, "device %s is in server %s and in server %s (at %s)", d.Name, s.Name, ps.Name, prev.Pos)
				}
			} else {
				seen[k] = d
				where[d] = s
			}
			checkAttrs(&l, d.Name, d.Attributes)
		}
	}
	for _, t := range c.Templates {
		checkAttrs(&l, t.Pattern, t.Attributes)
	}
	l.Sort()
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

func checkAttrs(l *ErrorList, dev string, as []*AttrConfig) {
	for _, a := range as {
		for _, p := range a.Properties {
			if p.Template != "" || !numericAttrProps[strings.ToLower(p.Name)] {
				continue
			}
			for i, v := range p.Values {
				if IsUnset(v) {
					continue
				}
				if _, err := ParseNumber(v); err != nil {
					pos := p.Pos
					if i < len(p.At) {
						pos = p.At[i]
					}
					l.Add(pos, "%s/%s %s must be a number, got %q", dev, a.Name, p.Name, v)
				}
			}
		}
	}
}

// ParseNumber reads a numeric attribute property as Tango does (decimal or
// float text, surrounding blanks ignored).
func ParseNumber(v string) (float64, error) {
	return strconv.ParseFloat(trimSpace(v), 64)
}

// Number returns attribute property name as a number; ok is false when it
// is absent or unset ("Not specified", "None" ...) or not a number.
func (a *AttrConfig) Number(name string) (v float64, ok bool) {
	p := a.Property(name)
	if p == nil || len(p.Values) == 0 || IsUnset(p.Values[0]) {
		return 0, false
	}
	f, err := ParseNumber(p.Values[0])
	return f, err == nil
}

func nameParts(name string, n int) bool {
	parts := strings.Split(name, "/")
	if len(parts) != n {
		return false
	}
	for _, p := range parts {
		if trimSpace(p) == "" || p != trimSpace(p) {
			return false
		}
	}
	return true
}
