package formula

import (
	"fmt"
	"math/big"
	"slices"
	"strings"
	"unicode/utf8"

	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/formula/syntax"
)

// Literal lifting. Real catalogs give every device its own formula text that
// differs from its neighbours' only in literals (a default value, a name
// string): `VAR('GridV', default=-72.0)` and `VAR('GridI', default=15.6)`.
// Shape reduces a text to a key with each number and string literal
// replaced by a placeholder of its kind; one Program compiled with
// Options.Lift then serves every text of that key, reading the literals
// from the Env's table (Env.Lits) instead of baking them in.
//
// What is not lifted (it stays in the key, so texts that differ there do
// not share): None/True/False, complex literals, literals inside f-strings,
// and literals inside a tuple display of constants (the compiler folds
// such a tuple into one shared value; lifting would rebuild it on every
// evaluation).

// Literals are the literals lifted out of one formula text, in source
// order: the per-text part of a Program compiled with Options.Lift.
// Literals are immutable once made.
type Literals struct {
	// Src is the text the literals come from. Runtime errors of a shared
	// Program evaluated with these Literals are positioned in Src.
	Src string
	// Values are the literal values, in source order.
	Values []pyval.Value

	ends []int32 // byte offset just past each literal in Src
}

// Shape parses src and returns its shape key and its literals. Two texts
// with the same key (and mode) differ only in the values of lifted
// literals of the same kinds, so one Program compiled with Options.Lift
// from either serves both, each evaluated with its own Literals in
// Env.Lits. The key is the text with each literal replaced by a NUL byte
// and its kind (i, f, s or b), NUL bytes of the text doubled. Errors are
// those of Compile for a text that does not parse (*SyntaxError).
func Shape(src string, m Mode) (key string, lits *Literals, err error) {
	k, lits, err := AppendShape(nil, src, m)
	return string(k), lits, err
}

// AppendShape is Shape appending the key to dst: a host that looks keys
// up with m[string(key)] and reuses dst allocates nothing for the key.
func AppendShape(dst []byte, src string, m Mode) ([]byte, *Literals, error) {
	e, err := parse(src, m == Py2)
	if err != nil {
		return dst, nil, err
	}
	fs := collect(src, e)
	return appendKey(dst, src, fs), literals(src, fs), nil
}

// CompileShape is Compile with Options.Lift set: the Program serves every
// text of src's shape (see Shape).
func CompileShape(src string, opts *Options) (*Program, error) {
	o := Options{}
	if opts != nil {
		o = *opts
	}
	o.Lift = true
	return Compile(src, &o)
}

// Literals returns the literals of the program's own text when it was
// compiled with Options.Lift and lifts any (nil otherwise): the table Eval
// uses when Env.Lits is nil.
func (p *Program) Literals() *Literals { return p.lits }

// found is one liftable literal: a Constant, or -Constant (its span from
// the sign).
type found struct {
	e        syntax.Expr
	c        *syntax.Constant
	from, to int
}

// collect finds the liftable literals of e in source order.
func collect(src string, e syntax.Expr) []found {
	fs := make([]found, 0, 8)
	syntax.Inspect(e, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.JoinedStr, *syntax.FormattedValue:
			return false
		case *syntax.Tuple:
			return !constExpr(n)
		case *syntax.Set:
			// A display of more than two constants is CPython's frozenset
			// constant, whose order the compiler reproduces (display.go):
			// its literals stay in the key.
			return !allCPythonConst(n.Elts)
		case *syntax.UnaryOp:
			// -72.0 is one literal: texts differing in the sign share.
			if c, ok := n.X.(*syntax.Constant); ok && n.Op == syntax.USub && (c.Kind == syntax.ConstInt || c.Kind == syntax.ConstFloat) && liftable(src, c) {
				fs = append(fs, found{n, c, n.From.Offset, c.To.Offset})
				return false
			}
		case *syntax.Constant:
			if liftable(src, n) {
				fs = append(fs, found{n, n, n.From.Offset, n.To.Offset})
			}
		}
		return true
	})
	if !slices.IsSortedFunc(fs, byFrom) {
		slices.SortFunc(fs, byFrom)
	}
	for i := 1; i < len(fs); i++ {
		if fs[i].from < fs[i-1].to {
			return nil // overlapping spans cannot happen; never corrupt the key if they do
		}
	}
	return fs
}

func byFrom(a, b found) int { return a.from - b.from }

// appendKey appends the shape key of src with fs lifted.
func appendKey(dst []byte, src string, fs []found) []byte {
	last := 0
	for _, f := range fs {
		dst = appendEscaped(dst, src[last:f.from])
		dst = append(dst, 0, kindByte(f.c.Kind))
		last = f.to
	}
	return appendEscaped(dst, src[last:])
}

// literals is the literal table of src.
func literals(src string, fs []found) *Literals {
	lits := &Literals{Src: src}
	if len(fs) == 0 {
		return lits
	}
	lits.Values, lits.ends = make([]pyval.Value, len(fs)), make([]int32, len(fs))
	for i, f := range fs {
		lits.Values[i] = litValue(f.c, f.e != syntax.Expr(f.c))
		lits.ends[i] = int32(f.to)
	}
	return lits
}

// lift is collect for the compiler: literal indices and table.
func lift(src string, e syntax.Expr) (map[syntax.Expr]int, *Literals) {
	fs := collect(src, e)
	idx := make(map[syntax.Expr]int, len(fs))
	for i, f := range fs {
		idx[f.e] = i
	}
	return idx, literals(src, fs)
}

func appendEscaped(dst []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, 0)
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i+1]...)
		dst = append(dst, 0)
		s = s[i+1:]
	}
}

func kindByte(k syntax.ConstKind) byte {
	switch k {
	case syntax.ConstInt:
		return 'i'
	case syntax.ConstFloat:
		return 'f'
	case syntax.ConstStr:
		return 's'
	}
	return 'b'
}

// liftable reports whether c is a number or string literal whose span is
// exactly its token(s) in src.
func liftable(src string, c *syntax.Constant) bool {
	from, to := c.From.Offset, c.To.Offset
	if from < 0 || to > len(src) || from >= to {
		return false
	}
	switch c.Kind {
	case syntax.ConstInt, syntax.ConstFloat:
		ch := src[from]
		return ch == '.' || (ch >= '0' && ch <= '9')
	case syntax.ConstStr, syntax.ConstBytes:
		ch := src[to-1]
		return ch == '\'' || ch == '"'
	}
	return false
}

// constExpr reports whether e may fold to a constant (a tuple of such is
// folded into one value by the compiler, so its literals stay in the key).
func constExpr(e syntax.Expr) bool { return constTree(e, true) }

// constTree reports whether e is built of constants (and, when names is
// set, names: a global such as PI folds too) by unary and binary
// operations and tuple displays.
func constTree(e syntax.Expr, names bool) bool {
	switch e := e.(type) {
	case *syntax.Constant:
		return true
	case *syntax.Name:
		return names
	case *syntax.UnaryOp:
		return constTree(e.X, names)
	case *syntax.BinOp:
		return constTree(e.X, names) && constTree(e.Y, names)
	case *syntax.Tuple:
		for _, x := range e.Elts {
			if !constTree(x, names) {
				return false
			}
		}
		return true
	}
	return false
}

// litValue is the value of c, negated when neg.
func litValue(c *syntax.Constant, neg bool) pyval.Value {
	switch c.Kind {
	case syntax.ConstInt:
		if c.Int.IsInt64() {
			i := c.Int.Int64() // a literal is never negative
			if neg {
				i = -i
			}
			return pyval.Int(i)
		}
		b := new(big.Int).Set(c.Int)
		if neg {
			b.Neg(b)
		}
		return pyval.BigInt(b)
	case syntax.ConstFloat:
		if neg {
			return pyval.Float(-c.Float)
		}
		return pyval.Float(c.Float)
	case syntax.ConstStr:
		return pyval.Str(c.Str)
	}
	return pyval.Value{K: pyval.BytesKind, O: c.Str}
}

// lit compiles a read of lifted literal i (e is a Constant or -Constant).
// It is not a constant for the compiler (no folding), but the fast paths
// read it like a bound variable (cx.fast, fLit).
func (c *compiler) lit(i int, e syntax.Expr) *cx {
	k, ok := e.(*syntax.Constant)
	if !ok {
		k = e.(*syntax.UnaryOp).X.(*syntax.Constant)
	}
	return &cx{fn: func(f *frame) (pyval.Value, error) { return f.env.consts[i], nil }, slot: -1, lit: i + 1, litKind: k.Kind}
}

// bindLits points env at its literal table before an evaluation of a
// lifted Program.
func (p *Program) bindLits(env *Env) error {
	l := env.Lits
	if l == nil {
		l = p.lits
	}
	if len(l.Values) != p.nlits {
		return &RuntimeError{Err: &pyval.Exception{Type: "SystemError",
			Msg: fmt.Sprintf("internal error: Env.Lits holds %d literals, the program lifts %d (a table from another shape?)", len(l.Values), p.nlits)},
			Line: 1, Col: 1, placed: true}
	}
	env.consts, env.cur = l.Values, l
	return nil
}

// place finishes a runtime error leaving Eval: positions in the program's
// own text move to the text being evaluated (when the Program is shared by
// a shape), and the error is marked so that an enclosing evaluation (a
// host function evaluating this formula) does not move it again.
func (p *Program) place(env *Env, err error) {
	re, ok := err.(*RuntimeError)
	if !ok || re.placed {
		return
	}
	re.placed = true
	l := env.cur
	if p.lits == nil || l == nil || l == p.lits || l.Src == p.src {
		return
	}
	off := re.off
	dev := off
	for i := len(p.lits.ends) - 1; i >= 0; i-- {
		if int(p.lits.ends[i]) <= off {
			dev = off + int(l.ends[i]) - int(p.lits.ends[i])
			break
		}
	}
	re.off = dev
	re.Line, re.Col = lineCol(l.Src, dev)
}

// lineCol converts a byte offset to the lexer's 1-based line and column
// (columns count code points; \r\n and a lone \r are one line break).
func lineCol(src string, off int) (line, col int) {
	line, col = 1, 1
	off = min(max(off, 0), len(src))
	for i := 0; i < off; {
		r, n := utf8.DecodeRuneInString(src[i:])
		i += n
		switch {
		case r == '\r' && i < len(src) && src[i] == '\n':
			i++
			fallthrough
		case r == '\n' || r == '\r':
			line++
			col = 1
		default:
			col++
		}
	}
	return line, col
}
