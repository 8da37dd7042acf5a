package sim

import (
	"strconv"
	"strings"

	"chaoslab/internal/catalog"
)

// line is one logical line of a DynamicDS string-array property after the
// comment and continuation rules, with where its text starts.
type line struct {
	text string
	pos  catalog.Pos // position of the property value cell it started in
	off  int         // byte offset of text in the cell (leading blanks stripped)
}

// propLines applies fandango's rules to a string-array property
// (fandango/tango/methods.py:L1070-1100): everything after the first '#'
// is dropped, even inside a quoted string; the element is stripped; an
// element whose predecessor ends with '\' is appended to it (backslash
// removed, no separator). Empty lines are dropped.
func propLines(p *catalog.Property, join bool) []line {
	if p == nil {
		return nil
	}
	out := make([]line, 0, len(p.Values))
	cont := false
	for i, v := range p.Values {
		if k := strings.IndexByte(v, '#'); k >= 0 {
			v = v[:k]
		}
		lead := len(v) - len(strings.TrimLeft(v, " \t"))
		v = strings.TrimSpace(v)
		pos := p.Pos
		if i < len(p.At) {
			pos = p.At[i]
		}
		if cont && len(out) > 0 {
			out[len(out)-1].text += v
			out[len(out)-1].off = -1 // columns after the join are not the first cell's
		} else {
			out = append(out, line{text: v, pos: pos, off: lead})
		}
		cont = false
		if join && strings.HasSuffix(v, `\`) {
			last := &out[len(out)-1]
			last.text = strings.TrimSuffix(last.text, `\`)
			cont = true
		}
	}
	n := 0
	for _, l := range out {
		if l.text != "" {
			out[n] = l
			n++
		}
	}
	return out[:n]
}

// decl is a "NAME = formula" line.
type decl struct {
	name, formula string
	pos           catalog.Pos
	off           int // byte offset of the formula in the cell; -1 unknown
}

// splitDecls splits lines at the first '=' (dyn.py:L637-657). Lines
// without '=' or with an empty side are returned as bad.
func splitDecls(ls []line) (ds []decl, bad []line) {
	for _, l := range ls {
		k := strings.IndexByte(l.text, '=')
		if k < 0 {
			bad = append(bad, l)
			continue
		}
		name, f := strings.TrimSpace(l.text[:k]), strings.TrimSpace(l.text[k+1:])
		if name == "" || f == "" {
			bad = append(bad, l)
			continue
		}
		off := -1
		if l.off >= 0 {
			rest := l.text[k+1:]
			off = l.off + k + 1 + len(rest) - len(strings.TrimLeft(rest, " \t"))
		}
		ds = append(ds, decl{name: name, formula: f, pos: l.pos, off: off})
	}
	return ds, bad
}

// propBool reads a DynamicDS boolean-ish property: empty/"no"/"false"/"0"
// are false. def applies when the property is absent or empty.
func propBool(p *catalog.Property, def bool) bool {
	if p == nil || len(p.Values) == 0 {
		return def
	}
	v := strings.ToLower(strings.TrimSpace(stripComment(p.Values[0])))
	switch v {
	case "":
		return def
	case "no", "false", "0", "none":
		return false
	}
	return true
}

// propFloat reads the first element of p as a number; def when absent or
// not a number (DynamicDS falls back to the default on a cast failure).
func propFloat(p *catalog.Property, def float64) (float64, bool) {
	if p == nil || len(p.Values) == 0 {
		return def, true
	}
	s := strings.TrimSpace(stripComment(p.Values[0]))
	if s == "" {
		return def, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return def, false
	}
	return f, true
}

func stripComment(s string) string {
	if k := strings.IndexByte(s, '#'); k >= 0 {
		return s[:k]
	}
	return s
}

// parseLimit reads an attribute property number; Tango writes
// "Not specified" (and exports "None") for unset values.
func parseLimit(p *catalog.Property) (Limit, bool) {
	if p == nil || len(p.Values) == 0 {
		return Limit{}, true
	}
	s := strings.TrimSpace(p.Values[0])
	switch strings.ToLower(s) {
	case "", "not specified", "none", "nan":
		return Limit{}, true
	}
	// Tango's abs_change may hold "-x,+y": the thresholds are symmetric here.
	if k := strings.IndexByte(s, ','); k >= 0 {
		s = strings.TrimSpace(s[k+1:])
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return Limit{}, false
	}
	if f < 0 {
		f = -f
	}
	return Limit{V: f, Set: true}, true
}

// parseSignedLimit is parseLimit without the absolute value (min/max values
// and alarms are signed).
func parseSignedLimit(p *catalog.Property) (Limit, bool) {
	if p == nil || len(p.Values) == 0 {
		return Limit{}, true
	}
	s := strings.TrimSpace(p.Values[0])
	switch strings.ToLower(s) {
	case "", "not specified", "none", "nan":
		return Limit{}, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return Limit{}, false
	}
	return Limit{V: f, Set: true}, true
}

// qualityRule is one DynamicQualities line.
type qualityRule struct {
	re      string // anchored pattern
	formula string
	pos     catalog.Pos
}

// splitQualities parses DynamicQualities (dyn.py:L777-806): split on every
// '=' keeping the first two pieces (so "==" truncates the formula, as in
// DynamicDS); '*' becomes '.*' when no '.*' is present; '$' is appended.
func splitQualities(ls []line) (rs []qualityRule, bad []line) {
	for _, l := range ls {
		parts := strings.Split(l.text, "=")
		if len(parts) < 2 || strings.TrimSpace(parts[0]) == "" || strings.TrimSpace(parts[1]) == "" {
			bad = append(bad, l)
			continue
		}
		key := strings.TrimSpace(parts[0])
		if !strings.Contains(key, ".*") {
			key = strings.ReplaceAll(key, "*", ".*")
		}
		rs = append(rs, qualityRule{re: "^(?:" + key + ")$", formula: strings.TrimSpace(parts[1]), pos: l.pos})
	}
	return rs, bad
}
