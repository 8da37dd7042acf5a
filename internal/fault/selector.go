package fault

import (
	"fmt"
	"strconv"
	"strings"
)

// Selector chooses fault targets:
//
//	host=H,server=S,device=D,attr=A,class=C,family=F,count=N|percent=P
//
// Every field but count and percent is a wildcard pattern ("*", "?"),
// matched case-insensitively; absent fields match everything. A bare word
// without "=" means server=WORD. family is the middle part of a device
// name (domain/FAMILY/member). count or percent limit how many of the
// matching targets are chosen; the choice is seeded (Spec.Seed), so the
// same seed chooses the same targets.
type Selector struct {
	Host, Server, Device, Attr, Class, Family string
	Count                                     int     // 0: no limit
	Percent                                   float64 // 0: no limit
}

// ParseSelector reads a selector; errors name the field and what was
// expected.
func ParseSelector(s string) (Selector, error) {
	var sel Selector
	if s == "" {
		return sel, nil
	}
	seen := map[string]bool{}
	for i, part := range strings.Split(s, ",") {
		key, val, ok := strings.Cut(part, "=")
		if !ok {
			if i == 0 && part != "" {
				key, val = "server", part
			} else {
				return sel, fmt.Errorf("selector item %d: want key=value, got %q", i+1, part)
			}
		}
		if val == "" {
			return sel, fmt.Errorf("selector item %d: %s has no value", i+1, key)
		}
		if seen[key] {
			return sel, fmt.Errorf("selector item %d: %s given twice", i+1, key)
		}
		seen[key] = true
		switch key {
		case "host":
			sel.Host = val
		case "server":
			sel.Server = val
		case "device":
			sel.Device = val
		case "attr":
			sel.Attr = val
		case "class":
			sel.Class = val
		case "family":
			sel.Family = val
		case "count":
			n, err := strconv.Atoi(val)
			if err != nil || n <= 0 {
				return sel, fmt.Errorf("selector item %d: count: want a positive integer, got %q", i+1, val)
			}
			sel.Count = n
		case "percent":
			p, err := strconv.ParseFloat(val, 64)
			if err != nil || !(p > 0 && p <= 100) {
				return sel, fmt.Errorf("selector item %d: percent: want a number in (0, 100], got %q", i+1, val)
			}
			sel.Percent = p
		default:
			return sel, fmt.Errorf("selector item %d: unknown key %q (want host, server, device, attr, class, family, count or percent)", i+1, key)
		}
	}
	if sel.Count > 0 && sel.Percent > 0 {
		return sel, fmt.Errorf("selector: give count or percent, not both")
	}
	return sel, nil
}

// String renders the selector in the form ParseSelector reads.
func (s Selector) String() string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("host", s.Host)
	add("server", s.Server)
	add("device", s.Device)
	add("attr", s.Attr)
	add("class", s.Class)
	add("family", s.Family)
	if s.Count > 0 {
		add("count", strconv.Itoa(s.Count))
	}
	if s.Percent > 0 {
		add("percent", strconv.FormatFloat(s.Percent, 'g', -1, 64))
	}
	return strings.Join(parts, ",")
}
