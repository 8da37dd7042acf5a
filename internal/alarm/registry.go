package alarm

import (
	"regexp"
	"sort"
	"strings"

	"chaoslab/internal/catalog"
)

// Registry is what PANIC's AlarmAPI and the Tango database know: every
// PyAlarm device with its alarms, and every attribute name of the catalog
// (for FIND). It is built once from the catalog and read-only afterwards.
type Registry struct {
	devices []regDevice
	tagDev  map[string]string // tag -> device (first declaration wins)
	tags    []string          // longest first
	attrs   []string          // "dom/fam/mem/attr", lower-case, sorted
	formula map[string]string // tag -> formula (COPY)
}

type regDevice struct {
	name string
	tags []string
}

// NewRegistry indexes a catalog. class is the alarm class name (PyAlarm).
func NewRegistry(cat *catalog.Catalog, class string) *Registry {
	r := &Registry{tagDev: map[string]string{}, formula: map[string]string{}}
	if cat == nil {
		return r
	}
	seenAttr := map[string]bool{}
	addAttr := func(dev, attr string) {
		k := strings.ToLower(dev + "/" + attr)
		if !seenAttr[k] {
			seenAttr[k] = true
			r.attrs = append(r.attrs, k)
		}
	}
	for _, s := range cat.Servers {
		for _, d := range s.Devices {
			addAttr(d.Name, "State")
			addAttr(d.Name, "Status")
			if strings.EqualFold(d.Class, class) {
				rd := regDevice{name: d.Name}
				if p := d.Property("AlarmList"); p != nil {
					defs, _ := ParseAlarmList(p.Values, nil)
					for _, df := range defs {
						rd.tags = append(rd.tags, df.Tag)
						if _, dup := r.tagDev[df.Tag]; !dup {
							r.tagDev[df.Tag] = d.Name
							r.formula[df.Tag] = df.Formula
						}
						addAttr(d.Name, AttrName(df.Tag))
					}
				}
				r.devices = append(r.devices, rd)
				continue
			}
			if p := d.Property("DynamicAttributes"); p != nil {
				for _, line := range p.Values {
					if k := strings.IndexByte(line, '#'); k >= 0 {
						line = line[:k]
					}
					name, _, ok := strings.Cut(line, "=")
					name = strings.TrimSpace(name)
					if ok && name != "" && !strings.ContainsAny(name, " \t()") {
						addAttr(d.Name, name)
					}
				}
			}
		}
	}
	sort.Strings(r.attrs)
	r.tags = sortTags(r.tagDev)
	return r
}

// Device returns the device declaring tag.
func (r *Registry) Device(tag string) (string, bool) {
	d, ok := r.tagDev[tag]
	return d, ok
}

// matchCl is fandango's matchCl: case-insensitive, '*' -> '.*' and '?' ->
// '.', matched at the start and not anchored at the end. An invalid
// pattern matches literally.
func matchCl(pattern string) func(string) bool {
	p := strings.ToLower(pattern)
	if strings.Contains(p, "*") && !strings.Contains(p, ".*") {
		p = strings.ReplaceAll(p, "*", ".*")
	}
	if strings.Contains(p, "?") && !strings.Contains(p, "*?") && !strings.Contains(p, "]?") && !strings.Contains(p, ")?") {
		p = strings.ReplaceAll(p, "?", ".")
	}
	re, err := regexp.Compile("^(?:" + p + ")")
	if err != nil {
		lp := strings.ToLower(pattern)
		return func(s string) bool { return strings.HasPrefix(strings.ToLower(s), lp) }
	}
	return func(s string) bool { return re.MatchString(strings.ToLower(s)) }
}

// wildcard is a whole-name, case-insensitive '*'/'?' match (FIND).
func wildcard(pattern string) func(string) bool {
	var b strings.Builder
	b.WriteString("^")
	for _, c := range strings.ToLower(pattern) {
		switch c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re := regexp.MustCompile(b.String())
	return func(s string) bool { return re.MatchString(strings.ToLower(s)) }
}

// group expands GROUP(args) (api:L1711-1740).
func (r *Registry) group(args string) string {
	match, cond, hasCond := strings.Cut(args, ";")
	cond = strings.TrimSpace(cond)
	var attrs []string
	for _, e := range strings.Split(match, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if k := strings.LastIndexByte(e, '/'); k >= 0 {
			devOK, tagOK := matchCl(e[:k]), matchCl(e[k+1:])
			for _, d := range r.devices {
				if !devOK(d.name) {
					continue
				}
				for _, t := range d.tags {
					if tagOK(t) {
						attrs = append(attrs, d.name+"/"+t)
					}
				}
			}
			continue
		}
		ok := matchCl(e)
		for _, d := range r.devices {
			for _, t := range d.tags {
				if ok(t) && r.tagDev[t] == d.name {
					attrs = append(attrs, d.name+"/"+t)
				}
			}
		}
	}
	if !hasCond || cond == "" {
		for i := range attrs {
			attrs[i] += ".delta"
		}
		cond = "x > 0"
	}
	return "any([" + cond + " for x in [ " + strings.Join(attrs, " , ") + " ]])"
}

// find expands FIND(pattern[.what]) to the text of a list of names
// (teval:L309-317).
func (r *Registry) find(arg string) string {
	arg = strings.Trim(strings.TrimSpace(arg), `'"`)
	what := ""
	for _, w := range whats {
		if strings.HasSuffix(arg, "."+w) {
			what, arg = "."+w, arg[:len(arg)-len(w)-1]
			break
		}
	}
	ok := wildcard(arg)
	var out []string
	for _, a := range r.attrs {
		if ok(a) {
			out = append(out, a+what)
		}
	}
	return "[" + strings.Join(out, ", ") + "]"
}

// copyOf expands COPY(TAG[,old=new...]) (api:L1742-1753).
func (r *Registry) copyOf(args string) (string, bool) {
	parts := strings.Split(args, ",")
	f, ok := r.formula[strings.TrimSpace(parts[0])]
	if !ok {
		return "", false
	}
	for _, p := range parts[1:] {
		if o, n, ok := strings.Cut(p, "="); ok {
			f = strings.ReplaceAll(f, strings.TrimSpace(o), strings.TrimSpace(n))
		}
	}
	return f, true
}

// expandMacro replaces each NAME(...) call (innermost parentheses balanced)
// with fn(args).
func expandMacro(s, name string, fn func(string) (string, error)) (string, error) {
	for guard := 0; guard < 100; guard++ {
		i := indexCall(s, name)
		if i < 0 {
			return s, nil
		}
		open := i + len(name)
		depth, j := 0, -1
		for k := open; k < len(s); k++ {
			if s[k] == '(' {
				depth++
			} else if s[k] == ')' {
				depth--
				if depth == 0 {
					j = k
					break
				}
			}
		}
		if j < 0 {
			return "", &ParseError{Msg: "col " + itoa(i+1) + ": " + name + "( without closing parenthesis"}
		}
		rep, err := fn(s[open+1 : j])
		if err != nil {
			return "", err
		}
		s = s[:i] + rep + s[j+1:]
	}
	return "", &ParseError{Msg: name + ": too many expansions (recursive macro?)"}
}

// indexCall finds name immediately followed by '(' and not preceded by a
// name character.
func indexCall(s, name string) int {
	off := 0
	for {
		i := strings.Index(s[off:], name+"(")
		if i < 0 {
			return -1
		}
		i += off
		if i == 0 || !nameChar(s[i-1]) && s[i-1] != '.' {
			return i
		}
		off = i + 1
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
