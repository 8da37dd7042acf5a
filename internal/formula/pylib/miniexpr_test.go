package pylib

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"chaoslab/internal/formula/pyval"
)

// miniEval evaluates the small expression language of testdata/cases.json
// (literals, names, attribute access, calls with keywords, subscripts,
// + - * / ** and unary minus) with pyval operations, so pylib is tested
// without the formula compiler.
func miniEval(ctx *pyval.Context, ns map[string]pyval.Value, src string) (pyval.Value, error) {
	p := &miniParser{src: src, ctx: ctx, ns: ns}
	v, err := p.sum()
	if err != nil {
		return v, err
	}
	p.skip()
	if p.pos < len(p.src) {
		return pyval.Value{}, fmt.Errorf("parse: trailing text at %d: %q", p.pos, p.src[p.pos:])
	}
	return v, nil
}

type miniParser struct {
	src string
	pos int
	ctx *pyval.Context
	ns  map[string]pyval.Value
}

// parseErr marks errors of the test's own parser (not Python errors).
type parseErr struct{ msg string }

func (e *parseErr) Error() string { return "parse: " + e.msg }

func (p *miniParser) fail(format string, args ...any) error {
	return &parseErr{fmt.Sprintf("at %d in %q: ", p.pos, p.src) + fmt.Sprintf(format, args...)}
}

func (p *miniParser) skip() {
	for p.pos < len(p.src) && p.src[p.pos] == ' ' {
		p.pos++
	}
}

func (p *miniParser) peek(s string) bool {
	p.skip()
	return strings.HasPrefix(p.src[p.pos:], s)
}

func (p *miniParser) eat(s string) bool {
	if p.peek(s) {
		p.pos += len(s)
		return true
	}
	return false
}

func (p *miniParser) sum() (pyval.Value, error) {
	v, err := p.term()
	if err != nil {
		return v, err
	}
	for {
		var op pyval.Op
		switch {
		case p.eat("+"):
			op = pyval.OpAdd
		case p.peek("-"):
			p.pos++
			op = pyval.OpSub
		default:
			return v, nil
		}
		w, err := p.term()
		if err != nil {
			return w, err
		}
		if v, err = pyval.Binary(p.ctx, op, v, w); err != nil {
			return v, err
		}
	}
}

func (p *miniParser) term() (pyval.Value, error) {
	v, err := p.unary()
	if err != nil {
		return v, err
	}
	for {
		var op pyval.Op
		switch {
		case p.peek("**"):
			return v, nil
		case p.eat("*"):
			op = pyval.OpMul
		case p.eat("/"):
			op = pyval.OpDiv
		default:
			return v, nil
		}
		w, err := p.unary()
		if err != nil {
			return w, err
		}
		if v, err = pyval.Binary(p.ctx, op, v, w); err != nil {
			return v, err
		}
	}
}

func (p *miniParser) unary() (pyval.Value, error) {
	if p.eat("-") {
		v, err := p.unary()
		if err != nil {
			return v, err
		}
		return pyval.Unary(p.ctx, pyval.UnNeg, v)
	}
	v, err := p.postfix()
	if err != nil {
		return v, err
	}
	if p.eat("**") {
		w, err := p.unary()
		if err != nil {
			return w, err
		}
		return pyval.Binary(p.ctx, pyval.OpPow, v, w)
	}
	return v, nil
}

func (p *miniParser) postfix() (pyval.Value, error) {
	v, err := p.primary()
	if err != nil {
		return v, err
	}
	for {
		switch {
		case p.eat("."):
			name := p.ident()
			if name == "" {
				return v, p.fail("attribute name expected")
			}
			if v, err = pyval.GetAttr(p.ctx, v, name); err != nil {
				return v, err
			}
		case p.eat("("):
			args, kw, err := p.callArgs()
			if err != nil {
				return v, err
			}
			if v, err = pyval.Call(p.ctx, v, args, kw); err != nil {
				return v, err
			}
		case p.eat("["):
			idx, err := p.sum()
			if err != nil {
				return v, err
			}
			if !p.eat("]") {
				return v, p.fail("] expected")
			}
			if v, err = pyval.GetItem(p.ctx, v, idx); err != nil {
				return v, err
			}
		default:
			return v, nil
		}
	}
}

func (p *miniParser) callArgs() ([]pyval.Value, []pyval.Keyword, error) {
	var args []pyval.Value
	var kw []pyval.Keyword
	for !p.eat(")") {
		save := p.pos
		p.skip()
		name := p.ident()
		if name != "" && p.peek("=") && !p.peek("==") {
			p.eat("=")
			v, err := p.sum()
			if err != nil {
				return nil, nil, err
			}
			kw = append(kw, pyval.Keyword{Name: name, Value: v})
		} else {
			p.pos = save
			v, err := p.sum()
			if err != nil {
				return nil, nil, err
			}
			args = append(args, v)
		}
		if !p.eat(",") && !p.peek(")") {
			return nil, nil, p.fail(", or ) expected")
		}
	}
	return args, kw, nil
}

func (p *miniParser) ident() string {
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || (p.pos > start && c >= '0' && c <= '9') {
			p.pos++
			continue
		}
		break
	}
	return p.src[start:p.pos]
}

// items parses a comma-separated list up to close; dict reports k: v pairs.
func (p *miniParser) items(close string) (vals []pyval.Value, keys []pyval.Value, trailingComma bool, err error) {
	for !p.eat(close) {
		v, err := p.sum()
		if err != nil {
			return nil, nil, false, err
		}
		if p.eat(":") {
			w, err := p.sum()
			if err != nil {
				return nil, nil, false, err
			}
			keys = append(keys, v)
			v = w
		}
		vals = append(vals, v)
		trailingComma = false
		if p.eat(",") {
			trailingComma = true
		} else if !p.peek(close) {
			return nil, nil, false, p.fail("%s expected", close)
		}
	}
	return vals, keys, trailingComma, nil
}

func (p *miniParser) primary() (pyval.Value, error) {
	p.skip()
	if p.pos >= len(p.src) {
		return pyval.Value{}, p.fail("unexpected end")
	}
	c := p.src[p.pos]
	switch {
	case c == '(':
		p.pos++
		vals, _, comma, err := p.items(")")
		if err != nil {
			return pyval.Value{}, err
		}
		if len(vals) == 1 && !comma {
			return vals[0], nil
		}
		return pyval.NewTuple(vals), nil
	case c == '[':
		p.pos++
		vals, _, _, err := p.items("]")
		if err != nil {
			return pyval.Value{}, err
		}
		return pyval.NewList(vals), nil
	case c == '{':
		p.pos++
		vals, keys, _, err := p.items("}")
		if err != nil {
			return pyval.Value{}, err
		}
		if len(keys) > 0 || len(vals) == 0 {
			d, dv := pyval.NewDict()
			for i := range keys {
				if err := d.Set(p.ctx, keys[i], vals[i]); err != nil {
					return pyval.Value{}, err
				}
			}
			return dv, nil
		}
		s, sv := pyval.NewSet(false)
		for _, v := range vals {
			if err := s.Add(p.ctx, v); err != nil {
				return pyval.Value{}, err
			}
		}
		return sv, nil
	case c == '\'' || c == '"':
		return p.str(false)
	case c == 'b' && p.pos+1 < len(p.src) && (p.src[p.pos+1] == '\'' || p.src[p.pos+1] == '"'):
		p.pos++
		return p.str(true)
	case c >= '0' && c <= '9' || c == '.':
		return p.number()
	}
	name := p.ident()
	switch name {
	case "":
		return pyval.Value{}, p.fail("unexpected %q", c)
	case "None":
		return pyval.None, nil
	case "True":
		return pyval.True, nil
	case "False":
		return pyval.False, nil
	}
	v, ok := p.ns[name]
	if !ok {
		return pyval.Value{}, &pyval.Exception{Type: "NameError", Msg: fmt.Sprintf("name '%s' is not defined", name)}
	}
	return v, nil
}

func (p *miniParser) number() (pyval.Value, error) {
	start := p.pos
	isFloat := false
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c >= '0' && c <= '9' || c == '_':
		case c == '.':
			isFloat = true
		case c == 'e' || c == 'E':
			isFloat = true
			if p.pos+1 < len(p.src) && (p.src[p.pos+1] == '-' || p.src[p.pos+1] == '+') {
				p.pos++
			}
		default:
			goto done
		}
		p.pos++
	}
done:
	text := strings.ReplaceAll(p.src[start:p.pos], "_", "")
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return pyval.Value{}, p.fail("bad float %q", text)
		}
		return pyval.Float(f), nil
	}
	b, ok := new(big.Int).SetString(text, 10)
	if !ok {
		return pyval.Value{}, p.fail("bad int %q", text)
	}
	return pyval.BigInt(b), nil
}

func (p *miniParser) str(isBytes bool) (pyval.Value, error) {
	q := p.src[p.pos]
	p.pos++
	var b strings.Builder
	for {
		if p.pos >= len(p.src) {
			return pyval.Value{}, p.fail("unterminated string")
		}
		c := p.src[p.pos]
		if c == q {
			p.pos++
			break
		}
		if c != '\\' {
			_, n := utf8.DecodeRuneInString(p.src[p.pos:])
			b.WriteString(p.src[p.pos : p.pos+n])
			p.pos += n
			continue
		}
		p.pos++
		e := p.src[p.pos]
		p.pos++
		hexN := 0
		switch e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'x':
			hexN = 2
		case 'u':
			hexN = 4
		case 'U':
			hexN = 8
		default:
			return pyval.Value{}, p.fail("unknown escape \\%c", e)
		}
		if hexN > 0 {
			n, err := strconv.ParseUint(p.src[p.pos:p.pos+hexN], 16, 32)
			if err != nil {
				return pyval.Value{}, p.fail("bad escape")
			}
			p.pos += hexN
			if isBytes {
				b.WriteByte(byte(n))
			} else {
				b.WriteRune(rune(n))
			}
		}
	}
	if isBytes {
		return pyval.Value{K: pyval.BytesKind, O: b.String()}, nil
	}
	return pyval.Str(b.String()), nil
}
