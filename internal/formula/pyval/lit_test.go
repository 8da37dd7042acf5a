package pyval

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// parseLit parses the repr() of a Python literal (numbers, inf/nan, str,
// bytes, None/True/False, lists, tuples, dicts, sets, frozenset({...})) into
// a Value. It exists for the table tests only.
func parseLit(s string) (Value, error) {
	p := &litParser{s: s}
	v, err := p.value()
	if err != nil {
		return Value{}, err
	}
	p.ws()
	if p.i != len(p.s) {
		return Value{}, fmt.Errorf("trailing input at %d in %q", p.i, s)
	}
	return v, nil
}

func mustLit(s string) Value {
	v, err := parseLit(s)
	if err != nil {
		panic(err)
	}
	return v
}

type litParser struct {
	s string
	i int
}

func (p *litParser) ws() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *litParser) eat(t string) bool {
	p.ws()
	if strings.HasPrefix(p.s[p.i:], t) {
		p.i += len(t)
		return true
	}
	return false
}

func (p *litParser) value() (Value, error) {
	p.ws()
	if p.i >= len(p.s) {
		return Value{}, fmt.Errorf("unexpected end of %q", p.s)
	}
	for _, w := range []struct {
		t string
		v Value
	}{{"None", None}, {"True", True}, {"False", False}, {"inf", Float(math.Inf(1))}, {"nan", Float(math.NaN())}, {"-inf", Float(math.Inf(-1))}} {
		if p.eat(w.t) {
			return w.v, nil
		}
	}
	if p.eat("set()") {
		_, v := NewSet(false)
		return v, nil
	}
	if p.eat("frozenset()") {
		_, v := NewSet(true)
		return v, nil
	}
	if p.eat("frozenset(") {
		v, err := p.value()
		if err != nil {
			return Value{}, err
		}
		p.eat(")")
		s := v.O.(*Set)
		s.frozen = true
		return v, nil
	}
	c := p.s[p.i]
	switch {
	case c == '[' || c == '(':
		p.i++
		close := "]"
		if c == '(' {
			close = ")"
		}
		var items []Value
		comma := false
		for !p.eat(close) {
			v, err := p.value()
			if err != nil {
				return Value{}, err
			}
			items = append(items, v)
			comma = p.eat(",")
		}
		if c == '(' {
			if len(items) == 1 && !comma {
				return items[0], nil
			}
			return NewTuple(items), nil
		}
		return NewList(items), nil
	case c == '{':
		p.i++
		d, dv := NewDict()
		var set *Set
		var sv Value
		for !p.eat("}") {
			k, err := p.value()
			if err != nil {
				return Value{}, err
			}
			if p.eat(":") {
				v, err := p.value()
				if err != nil {
					return Value{}, err
				}
				if err := d.Set(nil, k, v); err != nil {
					return Value{}, err
				}
			} else {
				if set == nil {
					set, sv = NewSet(false)
				}
				if err := set.Add(nil, k); err != nil {
					return Value{}, err
				}
			}
			p.eat(",")
		}
		if set != nil {
			return sv, nil
		}
		return dv, nil
	case c == '\'' || c == '"':
		s, err := p.str(false)
		return Str(s), err
	case c == 'b':
		p.i++
		s, err := p.str(true)
		return Bytes(s), err
	}
	if strings.HasPrefix(p.s[p.i:], "0x") || strings.HasPrefix(p.s[p.i:], "-0x") {
		j := p.i
		for j < len(p.s) && strings.IndexByte("-0123456789abcdefx", p.s[j]) >= 0 {
			j++
		}
		b, ok := new(big.Int).SetString(p.s[p.i:j], 0)
		p.i = j
		if !ok {
			return Value{}, fmt.Errorf("bad hex int in %q", p.s)
		}
		return BigInt(b), nil
	}
	j := p.i
	for j < len(p.s) && strings.IndexByte("0123456789+-.eE", p.s[j]) >= 0 {
		j++
	}
	tok := p.s[p.i:j]
	p.i = j
	if tok == "-" && p.eat("inf") {
		return Float(math.Inf(-1)), nil
	}
	if strings.ContainsAny(tok, ".eE") {
		f, err := strconv.ParseFloat(tok, 64)
		return Float(f), err
	}
	b, ok := new(big.Int).SetString(tok, 10)
	if !ok {
		return Value{}, fmt.Errorf("bad number %q in %q", tok, p.s)
	}
	return BigInt(b), nil
}

func (p *litParser) str(bytes bool) (string, error) {
	q := p.s[p.i]
	p.i++
	var sb strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		p.i++
		if c == q {
			return sb.String(), nil
		}
		if c != '\\' {
			sb.WriteByte(c)
			continue
		}
		e := p.s[p.i]
		p.i++
		switch e {
		case 'n':
			sb.WriteByte('\n')
		case 't':
			sb.WriteByte('\t')
		case 'r':
			sb.WriteByte('\r')
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			x, err := strconv.ParseUint(p.s[p.i:p.i+n], 16, 32)
			if err != nil {
				return "", err
			}
			p.i += n
			if bytes {
				sb.WriteByte(byte(x))
			} else {
				sb.WriteRune(rune(x))
			}
		default:
			sb.WriteByte(e)
		}
	}
	return "", fmt.Errorf("unterminated string in %q", p.s)
}
