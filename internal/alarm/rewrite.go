package alarm

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Ref is one Tango name recognised in a formula: it is replaced by Ident
// and bound at evaluation time.
type Ref struct {
	Ident  string // identifier in the rewritten source
	Name   string // the name as written, without the suffix
	Device string // dom/fam/mem, with host:port/ prefix if any
	Attr   string // attribute; "State" for a device-only reference
	What   string // suffix: "", value, time, quality, exception, delta, all, hist, ALARM, WARNING, VALID, INVALID, OK
	// DevOnly marks a device-only reference (read as its State).
	DevOnly bool
}

// whats are the recognised suffixes (teval:L186-205).
var whats = []string{"value", "time", "quality", "exception", "delta", "all", "hist", "ALARM", "WARNING", "VALID", "INVALID", "OK"}

// tangoName is the whole-reference grammar, anchored:
// [host:port/]dom/fam/mem[/attr][.what].
var tangoName = regexp.MustCompile(`^(?:[A-Za-z0-9_.-]+:[0-9]+/)?[A-Za-z0-9_.*+-]+/[A-Za-z0-9_.*+-]+/[A-Za-z0-9_.*+-]+(?:/[A-Za-z0-9_-]+)?(?:\.(?:` + strings.Join(whats, "|") + `))?$`)

func nameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// runChar is any character a reference can contain.
func runChar(c byte) bool {
	return nameChar(c) || c == '.' || c == '*' || c == '+' || c == '-' || c == '/' || c == ':'
}

// badBefore/badAfter are the neighbours that prevent recognition.
func badBefore(c byte) bool { return nameChar(c) || c == '\'' || c == '"' || c == '.' || c == '/' }
func badAfter(c byte) bool  { return nameChar(c) || c == '\'' || c == '"' || c == '/' }

// FindNames rewrites every Tango name of src (outside string literals) to
// an identifier and returns the new source and the references, each
// distinct name+suffix once, in order of first appearance. Recognition
// follows fandango's regexp rules: a/b/c/d-1 is one attribute, any x/y/z
// triple is a device, a name followed by '/' is not recognised at all.
func FindNames(src string) (string, []Ref) {
	var b strings.Builder
	var refs []Ref
	seen := map[string]int{}
	i := 0
	for i < len(src) {
		c := src[i]
		if c == '\'' || c == '"' {
			j := skipString(src, i)
			b.WriteString(src[i:j])
			i = j
			continue
		}
		if !(nameChar(c) || c == '*') || (i > 0 && badBefore(src[i-1])) {
			b.WriteByte(c)
			i++
			continue
		}
		end := i
		for end < len(src) && runChar(src[end]) {
			end++
		}
		j := -1
		if strings.Count(src[i:end], "/") >= 2 {
			for e := end; e > i; e-- {
				if e < len(src) && badAfter(src[e]) {
					continue
				}
				if tangoName.MatchString(src[i:e]) {
					j = e
					break
				}
			}
		}
		if j < 0 {
			// not a reference: copy the word (so that a later start inside
			// it is not considered: it would be preceded by a name char).
			w := i + 1
			for w < len(src) && nameChar(src[w]) {
				w++
			}
			b.WriteString(src[i:w])
			i = w
			continue
		}
		r := parseRef(src[i:j])
		if k, ok := seen[r.Ident]; ok {
			r = refs[k]
		} else {
			seen[r.Ident] = len(refs)
			refs = append(refs, r)
		}
		b.WriteString(r.Ident)
		i = j
	}
	return b.String(), refs
}

// skipString returns the end of the string literal starting at i (the
// whole rest when unterminated).
func skipString(s string, i int) int {
	q := s[i]
	triple := strings.HasPrefix(s[i:], strings.Repeat(string(q), 3))
	if triple {
		if k := strings.Index(s[i+3:], strings.Repeat(string(q), 3)); k >= 0 {
			return i + 3 + k + 3
		}
		return len(s)
	}
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case q:
			return j + 1
		}
	}
	return len(s)
}

// parseRef splits a recognised name.
func parseRef(text string) Ref {
	r := Ref{}
	name := text
	for _, w := range whats {
		if strings.HasSuffix(name, "."+w) {
			r.What = w
			name = name[:len(name)-len(w)-1]
			break
		}
	}
	r.Name = name
	host := ""
	rest := name
	if k := strings.Index(name, ":"); k >= 0 {
		if s := strings.IndexByte(name[k:], '/'); s >= 0 {
			host, rest = name[:k+s+1], name[k+s+1:]
		}
	}
	parts := strings.Split(rest, "/")
	if len(parts) == 4 {
		r.Device, r.Attr = host+strings.Join(parts[:3], "/"), parts[3]
	} else {
		r.Device, r.Attr, r.DevOnly = host+rest, "State", true
	}
	r.Ident = identOf(text)
	return r
}

// identOf is TangoEval's variable name: the lower-cased name with
// "/ - . : _" (and the wildcards) mapped to '_'; a leading digit gets a '_'.
func identOf(text string) string {
	bs := []byte(strings.ToLower(text))
	for i, c := range bs {
		if !nameChar(c) {
			bs[i] = '_'
		}
	}
	if len(bs) > 0 && bs[0] >= '0' && bs[0] <= '9' {
		return "_" + string(bs)
	}
	return string(bs)
}

// lowerOps lower-cases the upper-case operators OR AND NOT IN IS NOW when
// surrounded by spaces (or at the start), and maps " || " and " && "
// (teval:L472-500).
func lowerOps(s string) string {
	s = strings.ReplaceAll(s, " || ", " or ")
	s = strings.ReplaceAll(s, " && ", " and ")
	for _, op := range []string{"OR", "AND", "NOT", "IN", "IS", "NOW"} {
		low := strings.ToLower(op)
		s = strings.ReplaceAll(s, " "+op+" ", " "+low+" ")
		if strings.HasPrefix(s, op+" ") {
			s = low + s[len(op):]
		}
	}
	return s
}

// replaceTags replaces every known alarm tag that stands alone (not next
// to letters, digits, '-', '_', '/' or quotes) by device/TAG
// (api:L1783-1819). tags maps tag to its device.
func replaceTags(s string, tags map[string]string, sorted []string) string {
	if len(tags) == 0 {
		return s
	}
	stop := func(c byte) bool { return nameChar(c) || c == '-' || c == '/' || c == '\'' || c == '"' }
	var b strings.Builder
	i := 0
outer:
	for i < len(s) {
		if i == 0 || !stop(s[i-1]) {
			for _, t := range sorted {
				if strings.HasPrefix(s[i:], t) && (i+len(t) == len(s) || !stop(s[i+len(t)])) {
					b.WriteString(tags[t])
					b.WriteByte('/')
					b.WriteString(t)
					i += len(t)
					continue outer
				}
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// sortTags orders tags longest first, so that the longest match wins.
func sortTags(tags map[string]string) []string {
	out := make([]string, 0, len(tags))
	for t := range tags {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) > len(out[j])
		}
		return out[i] < out[j]
	})
	return out
}

// substVars replaces $(NAME) by str() of the namespace entry.
func substVars(s string, lookup func(string) (string, bool)) (string, error) {
	for {
		i := strings.Index(s, "$(")
		if i < 0 {
			return s, nil
		}
		j := strings.IndexByte(s[i:], ')')
		if j < 0 {
			return "", fmt.Errorf("col %d: $( without closing parenthesis", i+1)
		}
		name := strings.TrimSpace(s[i+2 : i+j])
		v, ok := lookup(name)
		if !ok {
			return "", fmt.Errorf("col %d: $(%s): unknown name", i+1, name)
		}
		s = s[:i] + v + s[i+j+1:]
	}
}
