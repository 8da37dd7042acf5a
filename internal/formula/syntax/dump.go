package syntax

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Dump renders e the way CPython 3.11's ast.dump() renders the body of
// ast.parse(src, mode='eval'), except that ctx=Load()/Store() fields and a
// Constant's kind='u' are left out. Tests compare it with CPython's output.
func Dump(e Expr) string {
	d := dumper{}
	d.expr(e)
	return d.b.String()
}

// dumpWithPositions is Dump plus CPython's lineno/col_offset/end_lineno/
// end_col_offset attributes (col offsets in UTF-8 bytes), as printed by
// ast.dump(include_attributes=True). src must be the parsed source.
func dumpWithPositions(e Expr, src string) string {
	d := dumper{attrs: true, lineStart: lineStarts(src)}
	d.expr(e)
	return d.b.String()
}

func lineStarts(src string) []int {
	starts := []int{0, 0} // 1-based
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			starts = append(starts, i+1)
		case '\n':
			starts = append(starts, i+1)
		}
	}
	return starts
}

type dumper struct {
	b         strings.Builder
	attrs     bool
	lineStart []int
}

func (d *dumper) s(s string) { d.b.WriteString(s) }

// open writes "Name(" ; close writes the position attributes and ")".
func (d *dumper) close(n Node) {
	if d.attrs && n != nil {
		p, e := n.Pos(), n.End()
		fmt.Fprintf(&d.b, ", lineno=%d, col_offset=%d, end_lineno=%d, end_col_offset=%d",
			p.Line, p.Offset-d.lineStart[p.Line], e.Line, e.Offset-d.lineStart[e.Line])
	}
	d.s(")")
}

func (d *dumper) list(xs []Expr) {
	d.s("[")
	for i, x := range xs {
		if i > 0 {
			d.s(", ")
		}
		if x == nil {
			d.s("None")
		} else {
			d.expr(x)
		}
	}
	d.s("]")
}

func (d *dumper) opt(name string, x Expr) {
	if x != nil {
		d.s(", " + name + "=")
		d.expr(x)
	}
}

var binOpNames = [...]string{Add: "Add", Sub: "Sub", Mult: "Mult", MatMult: "MatMult", Div: "Div", FloorDiv: "FloorDiv", Mod: "Mod", Pow: "Pow", LShift: "LShift", RShift: "RShift", BitOr: "BitOr", BitXor: "BitXor", BitAnd: "BitAnd"}
var unaryOpNames = [...]string{UAdd: "UAdd", USub: "USub", Invert: "Invert", Not: "Not"}
var cmpOpNames = [...]string{Eq: "Eq", NotEq: "NotEq", Lt: "Lt", LtE: "LtE", Gt: "Gt", GtE: "GtE", Is: "Is", IsNot: "IsNot", In: "In", NotIn: "NotIn"}

func (d *dumper) expr(e Expr) {
	switch e := e.(type) {
	case *Constant:
		d.s("Constant(value=" + constRepr(e) + "")
	case *Name:
		d.s("Name(id=" + pyStrRepr(e.Id))
	case *UnaryOp:
		d.s("UnaryOp(op=" + unaryOpNames[e.Op] + "(), operand=")
		d.expr(e.X)
	case *BinOp:
		d.s("BinOp(left=")
		d.expr(e.X)
		d.s(", op=" + binOpNames[e.Op] + "(), right=")
		d.expr(e.Y)
	case *BoolOp:
		if e.Op == And {
			d.s("BoolOp(op=And(), values=")
		} else {
			d.s("BoolOp(op=Or(), values=")
		}
		d.list(e.Values)
	case *Compare:
		d.s("Compare(left=")
		d.expr(e.Left)
		d.s(", ops=[")
		for i, op := range e.Ops {
			if i > 0 {
				d.s(", ")
			}
			d.s(cmpOpNames[op] + "()")
		}
		d.s("], comparators=")
		d.list(e.Comparators)
	case *IfExp:
		d.s("IfExp(test=")
		d.expr(e.Test)
		d.s(", body=")
		d.expr(e.Body)
		d.s(", orelse=")
		d.expr(e.OrElse)
	case *NamedExpr:
		d.s("NamedExpr(target=")
		d.expr(e.Target)
		d.s(", value=")
		d.expr(e.Value)
	case *Lambda:
		d.s("Lambda(args=")
		d.arguments(e.Args)
		d.s(", body=")
		d.expr(e.Body)
	case *Call:
		d.s("Call(func=")
		d.expr(e.Func)
		d.s(", args=")
		d.list(e.Args)
		d.s(", keywords=[")
		for i, k := range e.Keywords {
			if i > 0 {
				d.s(", ")
			}
			d.s("keyword(")
			if k.Name != "" {
				d.s("arg=" + pyStrRepr(k.Name) + ", ")
			}
			d.s("value=")
			d.expr(k.Value)
			d.close(k)
		}
		d.s("]")
	case *Attribute:
		d.s("Attribute(value=")
		d.expr(e.X)
		d.s(", attr=" + pyStrRepr(e.Name))
	case *Subscript:
		d.s("Subscript(value=")
		d.expr(e.X)
		d.s(", slice=")
		d.expr(e.Index)
	case *Slice:
		d.s("Slice(")
		sep := ""
		for _, f := range []struct {
			n string
			x Expr
		}{{"lower", e.Lower}, {"upper", e.Upper}, {"step", e.Step}} {
			if f.x != nil {
				d.s(sep + f.n + "=")
				d.expr(f.x)
				sep = ", "
			}
		}
		if sep == "" && d.attrs {
			// Keep the attribute list well-formed: "Slice(, lineno=..."
			// is how our close() would print it; CPython prints "Slice(lineno=...".
			p, en := e.Pos(), e.End()
			fmt.Fprintf(&d.b, "lineno=%d, col_offset=%d, end_lineno=%d, end_col_offset=%d)",
				p.Line, p.Offset-d.lineStart[p.Line], en.Line, en.Offset-d.lineStart[en.Line])
			return
		}
	case *Starred:
		d.s("Starred(value=")
		d.expr(e.X)
	case *Tuple:
		d.s("Tuple(elts=")
		d.list(e.Elts)
	case *List:
		d.s("List(elts=")
		d.list(e.Elts)
	case *Set:
		d.s("Set(elts=")
		d.list(e.Elts)
	case *Dict:
		d.s("Dict(keys=")
		d.list(e.Keys)
		d.s(", values=")
		d.list(e.Values)
	case *ListComp:
		d.s("ListComp(elt=")
		d.expr(e.Elt)
		d.generators(e.Generators)
	case *SetComp:
		d.s("SetComp(elt=")
		d.expr(e.Elt)
		d.generators(e.Generators)
	case *GeneratorExp:
		d.s("GeneratorExp(elt=")
		d.expr(e.Elt)
		d.generators(e.Generators)
	case *DictComp:
		d.s("DictComp(key=")
		d.expr(e.Key)
		d.s(", value=")
		d.expr(e.Value)
		d.generators(e.Generators)
	case *JoinedStr:
		d.s("JoinedStr(values=")
		d.list(e.Values)
	case *FormattedValue:
		d.s("FormattedValue(value=")
		d.expr(e.Value)
		conv := -1
		if e.Conversion != 0 {
			conv = int(e.Conversion)
		}
		d.s(", conversion=" + strconv.Itoa(conv))
		d.opt("format_spec", e.FormatSpec)
	case *Repr:
		d.s("Repr(value=")
		d.expr(e.X)
	default:
		d.s(fmt.Sprintf("<unknown %T>", e))
		return
	}
	d.close(e)
}

func (d *dumper) generators(gs []*Comprehension) {
	d.s(", generators=[")
	for i, g := range gs {
		if i > 0 {
			d.s(", ")
		}
		d.s("comprehension(target=")
		d.expr(g.Target)
		d.s(", iter=")
		d.expr(g.Iter)
		d.s(", ifs=")
		d.list(g.Ifs)
		d.s(", is_async=0)")
	}
	d.s("]")
}

func (d *dumper) arguments(a *Arguments) {
	args := func(as []*Arg) {
		d.s("[")
		for i, x := range as {
			if i > 0 {
				d.s(", ")
			}
			d.arg(x)
		}
		d.s("]")
	}
	d.s("arguments(posonlyargs=")
	args(a.PosOnly)
	d.s(", args=")
	args(a.Args)
	if a.Vararg != nil {
		d.s(", vararg=")
		d.arg(a.Vararg)
	}
	d.s(", kwonlyargs=")
	args(a.KwOnly)
	d.s(", kw_defaults=")
	d.list(a.KwDefaults)
	if a.Kwarg != nil {
		d.s(", kwarg=")
		d.arg(a.Kwarg)
	}
	d.s(", defaults=")
	d.list(a.Defaults)
	d.s(")")
}

func (d *dumper) arg(a *Arg) {
	d.s("arg(arg=" + pyStrRepr(a.Name))
	if a.Unpack != nil {
		d.s(", unpack=")
		d.expr(a.Unpack)
	}
	d.close(a)
}

// constRepr is Python's repr() of a constant's value.
func constRepr(c *Constant) string {
	switch c.Kind {
	case ConstNone:
		return "None"
	case ConstTrue:
		return "True"
	case ConstFalse:
		return "False"
	case ConstEllipsis:
		return "Ellipsis"
	case ConstInt:
		if c.Int == nil {
			return "0"
		}
		return c.Int.String()
	case ConstFloat:
		return FloatRepr(c.Float)
	case ConstImag:
		return floatRepr(c.Float, false) + "j"
	case ConstStr:
		return pyStrRepr(c.Str)
	case ConstBytes:
		return pyBytesRepr(c.Str)
	}
	return "?"
}

// FloatRepr formats f as Python's repr(float) does: the shortest digits
// that round-trip, fixed notation for exponents -4..15, otherwise
// scientific with a two-digit exponent.
func FloatRepr(f float64) string { return floatRepr(f, true) }

func floatRepr(f float64, addDot0 bool) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // -d.ddde±XX
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	ePos := strings.IndexByte(s, 'e')
	mant, exp := s[:ePos], s[ePos+1:]
	x, _ := strconv.Atoi(exp)
	digits := strings.Replace(mant, ".", "", 1)
	var out string
	if x >= -4 && x < 16 {
		if x < 0 {
			out = "0." + strings.Repeat("0", -x-1) + digits
		} else if len(digits) <= x+1 {
			out = digits + strings.Repeat("0", x+1-len(digits))
			if addDot0 {
				out += ".0"
			}
		} else {
			out = digits[:x+1] + "." + digits[x+1:]
		}
	} else {
		out = digits[:1]
		if len(digits) > 1 {
			out += "." + digits[1:]
		}
		sign := "+"
		if x < 0 {
			sign, x = "-", -x
		}
		out += fmt.Sprintf("e%s%02d", sign, x)
	}
	if neg {
		out = "-" + out
	}
	return out
}

// pyStrRepr is Python's repr() of a str. Lone surrogates, stored in
// generalized UTF-8 by the lexer, print as \udxxx.
func pyStrRepr(s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			if i+2 < len(s) && s[i] == 0xED && s[i+1] >= 0xA0 && s[i+1] <= 0xBF {
				r = rune(0xD000) | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
				fmt.Fprintf(&b, "\\u%04x", r)
				i += 3
				continue
			}
			fmt.Fprintf(&b, "\\x%02x", s[i])
			i++
			continue
		}
		i += n
		switch {
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString("\\t")
		case r == '\n':
			b.WriteString("\\n")
		case r == '\r':
			b.WriteString("\\r")
		case r < ' ' || r == 0x7f:
			fmt.Fprintf(&b, "\\x%02x", r)
		case r < 0x7f || unicode.IsPrint(r):
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, "\\x%02x", r)
		case r <= 0xffff:
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			fmt.Fprintf(&b, "\\U%08x", r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// pyBytesRepr is Python's repr() of a bytes value.
func pyBytesRepr(s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	var b strings.Builder
	b.WriteString("b")
	b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\t':
			b.WriteString("\\t")
		case c == '\n':
			b.WriteString("\\n")
		case c == '\r':
			b.WriteString("\\r")
		case c < ' ' || c >= 0x7f:
			fmt.Fprintf(&b, "\\x%02x", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(q)
	return b.String()
}
