package fault

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Spec is one fault to inject, in the form the command line and the
// records use:
//
//	KIND [target=SELECTOR] [for=DURATION] [seed=N] [param=value ...]
//
// e.g. "server.noise target=device=sr/*/*,attr=Current,count=2 for=30s amplitude=0.5".
type Spec struct {
	Kind   string
	Target Selector
	For    time.Duration // 0: DefaultFor
	Seed   uint64
	Params map[string]string
}

// String renders the spec in the form DecodeSpec reads (params sorted).
func (s Spec) String() string {
	var b strings.Builder
	b.WriteString(s.Kind)
	if t := s.Target.String(); t != "" {
		b.WriteString(" target=" + t)
	}
	if s.For != 0 {
		b.WriteString(" for=" + s.For.String())
	}
	if s.Seed != 0 {
		b.WriteString(" seed=" + strconv.FormatUint(s.Seed, 10))
	}
	keys := make([]string, 0, len(s.Params))
	for k := range s.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString(" " + k + "=" + s.Params[k])
	}
	return b.String()
}

// Duration returns For, or DefaultFor when it is zero.
func (s Spec) Duration() time.Duration {
	if s.For <= 0 {
		return DefaultFor
	}
	return s.For
}

// DecodeSpec reads a spec. Errors say at which column (1-based) and what
// was expected. The kind must be registered in Kinds and its parameters
// must be ones it accepts.
func DecodeSpec(text string) (Spec, error) {
	toks := fields(text)
	if len(toks) == 0 {
		return Spec{}, fmt.Errorf("col 1: empty fault spec: want KIND [target=SELECTOR] [for=DURATION] [param=value ...]")
	}
	sp := Spec{Kind: toks[0].s}
	k, err := lookupKind(sp.Kind)
	if err != nil {
		return Spec{}, fmt.Errorf("col %d: %w", toks[0].col, err)
	}
	for _, t := range toks[1:] {
		key, val, ok := strings.Cut(t.s, "=")
		if !ok || key == "" {
			return Spec{}, fmt.Errorf("col %d: want key=value, got %q", t.col, t.s)
		}
		vcol := t.col + len(key) + 1
		switch key {
		case "target":
			sel, err := ParseSelector(val)
			if err != nil {
				return Spec{}, fmt.Errorf("col %d: target: %w", vcol, err)
			}
			sp.Target = sel
		case "for":
			d, err := time.ParseDuration(val)
			if err != nil || d <= 0 {
				return Spec{}, fmt.Errorf("col %d: for: want a positive duration like 30s, got %q", vcol, val)
			}
			sp.For = d
		case "seed":
			n, err := strconv.ParseUint(val, 10, 64)
			if err != nil {
				return Spec{}, fmt.Errorf("col %d: seed: want an unsigned integer, got %q", vcol, val)
			}
			sp.Seed = n
		default:
			if err := k.checkParam(sp.Kind, key); err != nil {
				return Spec{}, fmt.Errorf("col %d: %w", t.col, err)
			}
			if _, dup := sp.Params[key]; dup {
				return Spec{}, fmt.Errorf("col %d: parameter %s given twice", t.col, key)
			}
			if sp.Params == nil {
				sp.Params = map[string]string{}
			}
			sp.Params[key] = val
		}
	}
	return sp, nil
}

// ParseParams reads param=value arguments of kind (the command line's
// trailing arguments).
func ParseParams(kind string, args []string) (map[string]string, error) {
	k, err := lookupKind(kind)
	if err != nil {
		return nil, err
	}
	var m map[string]string
	for i, a := range args {
		key, val, ok := strings.Cut(a, "=")
		if !ok || key == "" {
			return nil, fmt.Errorf("argument %d: want param=value, got %q", i+1, a)
		}
		if err := k.checkParam(kind, key); err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+1, err)
		}
		if m == nil {
			m = map[string]string{}
		}
		if _, dup := m[key]; dup {
			return nil, fmt.Errorf("argument %d: parameter %s given twice", i+1, key)
		}
		m[key] = val
	}
	return m, nil
}

type token struct {
	s   string
	col int
}

// fields splits on spaces and tabs, keeping 1-based byte columns.
func fields(s string) []token {
	var out []token
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' {
			if start >= 0 {
				out = append(out, token{s[start:i], start + 1})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	return out
}
