package syntax

import (
	"fmt"
)

// Options selects the dialect.
type Options struct {
	// Py2 accepts Python 2 forms found in legacy configurations: long
	// literals (10L), old octal (0777), `<>`, backquote repr and ur'' strings.
	Py2 bool
}

// maxDepth bounds parser recursion so that hostile input (thousands of
// unary minus signs, nested lambdas) cannot exhaust the stack.
const maxDepth = 1000

// Parse parses a formula: one Python expression as CPython's eval mode
// accepts it. Leading and trailing whitespace, comments and blank lines
// are allowed. A non-nil error is always an *Error.
func Parse(src string, opts Options) (expr Expr, err error) {
	// Parser and lexer share one allocation.
	st := &struct {
		p  parser
		lx lexer
	}{}
	p := &st.p
	p.src, p.opts, p.lx = src, opts, &st.lx
	st.lx.init(src, Pos{Line: 1, Col: 1}, len(src), opts.Py2, false)
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			if !b.lexer {
				b.err = p.preferTokenizerError(b.err)
			}
			expr, err = nil, b.err
		}
	}()
	e := p.parseTop()
	if p.lateErr != nil {
		return nil, p.lateErr
	}
	return e, nil
}

// preferTokenizerError mirrors CPython: after a grammar error the rest of
// the source is tokenized, and a tokenizer error found there (a bad
// number, an unterminated string, a stray bracket) is reported instead. A
// bracket left open on an earlier line than the error is reported too.
func (p *parser) preferTokenizerError(perr *Error) (err *Error) {
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			err = b.err
		}
	}()
	if last := p.peek(p.n); last.kind != tEOF {
		for n := 0; n < len(p.src)+2; n++ {
			if p.lx.next().kind == tEOF {
				break
			}
		}
	}
	if br := p.lx.brackets; len(br) > 0 {
		open := br[len(br)-1]
		if perr.Pos.Line > open.pos.Line {
			return &Error{Pos: open.pos, Msg: fmt.Sprintf("'%s' was never closed", open.val), Source: p.src}
		}
	}
	return perr
}

// late records an error that CPython only finds after parsing (in its
// symbol table or compiler), so that any syntax error wins over it.
func (p *parser) late(pos Pos, format string, args ...any) {
	if p.lateErr == nil {
		p.lateErr = &Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Source: p.src}
	}
}

// parser is a recursive-descent parser over CPython's PEG expression
// grammar. A small ring of tokens gives it the two tokens of lookahead
// the grammar needs without keeping the whole token stream.
type parser struct {
	src      string
	opts     Options
	lx       *lexer
	ring     [4]token
	head     int  // ring index of the current token
	n        int  // tokens buffered from head on
	last     Pos  // end of the last consumed token
	consumed bool // some token was consumed
	depth    int
	// strTokEnd is the end of the string token being decoded, where
	// errors inside literals are reported.
	strTokEnd Pos
	lateErr   *Error
	lambdas   int // lambda bodies being parsed
	// lastDisj remembers the most recent disjunction and its extent, for
	// CPython's "Perhaps you forgot a comma?" hint.
	lastDisj                 Expr
	lastDisjFrom, lastDisjTo Pos
}

// peek returns the k-th token after the current one (k ≤ 2); past the
// end it returns the EOF token.
func (p *parser) peek(k int) *token {
	for p.n <= k {
		if p.n > 0 {
			if t := &p.ring[(p.head+p.n-1)&3]; t.kind == tEOF {
				return t
			}
		}
		t := p.lx.next()
		t.indented = t.indented && t.kind != tEOF
		p.ring[(p.head+p.n)&3] = t
		p.n++
	}
	return &p.ring[(p.head+k)&3]
}

func (p *parser) tok() *token {
	if p.n > 0 {
		return &p.ring[p.head]
	}
	return p.peek(0)
}

// advance consumes the current token and returns it.
func (p *parser) advance() token {
	t := *p.tok()
	if t.kind != tEOF {
		p.last, p.consumed = t.end, true
		p.head = (p.head + 1) & 3
		p.n--
	}
	return t
}

// prevEnd is the end of the last consumed token.
func (p *parser) prevEnd() Pos {
	if !p.consumed {
		return Pos{Line: 1, Col: 1}
	}
	return p.last
}

func (p *parser) is(op string) bool {
	t := p.tok()
	return t.kind == tOp && t.val == op
}

func (p *parser) isKw(kw string) bool {
	t := p.tok()
	return t.kind == tName && t.val == kw
}

func (p *parser) fail(pos Pos, format string, args ...any) {
	panic(bailout{err: &Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Source: p.src}})
}

func (p *parser) expect(op string) token {
	if !p.is(op) {
		p.unexpected()
	}
	return p.advance()
}

func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.fail(p.tok().pos, "expression too deeply nested")
	}
}

func (p *parser) leave() { p.depth-- }

// unexpected reports the current token as a syntax error, choosing the
// CPython message that fits best.
func (p *parser) unexpected() {
	t := *p.tok()
	if t.kind == tEOF && len(p.lx.brackets) > 0 {
		open := p.lx.brackets[len(p.lx.brackets)-1]
		p.fail(open.pos, "'%s' was never closed", open.val)
	}
	d := p.lastDisj
	follows := d != nil && p.consumed && p.lastDisjTo == p.prevEnd()
	if t.kind == tOp {
		switch t.val {
		case "=":
			if follows && p.inBrackets() {
				if _, ok := d.(*Name); !ok {
					p.fail(p.lastDisjFrom, "cannot assign to %s here. Maybe you meant '==' instead of '='?", exprName(d))
				}
				p.fail(p.lastDisjFrom, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?")
			}
			p.fail(t.pos, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?")
		case ":=", "<>", "`", "!", ";", "$", "?":
			p.fail(t.pos, "invalid syntax")
		}
	}
	if t.indented {
		// CPython's column here is the indentation width.
		col := max(t.pos.Col-1, 1)
		p.fail(Pos{Offset: t.pos.Offset - (t.pos.Col - col), Line: t.pos.Line, Col: col}, "unexpected indent")
	}
	if t.kind == tName && t.val == "yield" {
		p.fail(t.pos, "'yield' outside function")
	}
	if t.kind == tName && t.val == "await" {
		p.fail(t.pos, "'await' outside function")
	}
	if follows && startsExpr(&t) {
		if p.inBrackets() {
			if _, ok := d.(*Name); !ok || t.kind != tString {
				p.fail(p.lastDisjFrom, "invalid syntax. Perhaps you forgot a comma?")
			}
		} else if n, ok := d.(*Name); ok && (n.Id == "print" || n.Id == "exec") {
			p.fail(p.lastDisjFrom, "Missing parentheses in call to '%s'. Did you mean %s(...)?", n.Id, n.Id)
		}
	}
	p.fail(t.pos, "invalid syntax")
}

// inBrackets reports whether the current token is inside brackets.
func (p *parser) inBrackets() bool {
	return p.lx.baseDepth > 0 || p.tok().depth > 0
}

// isKeyword reports Python 3 keywords (a switch: faster than a map here).
func isKeyword(s string) bool {
	switch s {
	case "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
		"def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
		"is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield":
		return true
	}
	return false
}

// startsExpr reports whether t can begin an expression.
func startsExpr(t *token) bool {
	switch t.kind {
	case tNumber, tString:
		return true
	case tName:
		switch t.val {
		case "True", "False", "None", "lambda", "not", "await":
			return true
		}
		return !isKeyword(t.val)
	case tOp:
		switch t.val {
		case "(", "[", "{", "-", "+", "~", "...":
			return true
		}
	}
	return false
}

func (p *parser) isName() bool {
	t := *p.tok()
	return t.kind == tName && !isKeyword(t.val)
}

// parseTop parses `expressions NEWLINE* ENDMARKER`.
func (p *parser) parseTop() Expr {
	for p.tok().kind == tNewline {
		p.advance()
	}
	if p.tok().kind == tEOF {
		p.fail(p.tok().pos, "empty formula")
	}
	if t := p.tok(); t.pos.Line == 1 {
		t.indented = false // eval() strips leading spaces and tabs
	} else if t.indented {
		p.unexpected()
	}
	e := p.expressions()
	for p.tok().kind == tNewline {
		p.advance()
	}
	if p.tok().kind != tEOF {
		p.unexpected()
	}
	return e
}

// expressions parses `expression (',' expression)* [',']`, a tuple if
// there is a comma.
func (p *parser) expressions() Expr {
	start := p.tok().pos
	first := p.expression()
	if !p.is(",") {
		return first
	}
	elts := []Expr{first}
	for p.is(",") {
		p.advance()
		if !startsExpr(p.tok()) {
			break
		}
		elts = append(elts, p.expression())
	}
	return &Tuple{Span: Span{start, p.prevEnd()}, Elts: elts}
}

// expression parses a conditional expression or a lambda.
func (p *parser) expression() Expr {
	p.enter()
	defer p.leave()
	if p.isKw("lambda") {
		return p.lambda()
	}
	start := p.tok().pos
	body := p.disjunction()
	if !p.isKw("if") {
		return body
	}
	p.advance()
	test := p.disjunction()
	if !p.isKw("else") {
		if p.tok().kind == tEOF && len(p.lx.brackets) > 0 {
			p.unexpected()
		}
		p.fail(start, "expected 'else' after 'if' expression")
	}
	p.advance()
	orElse := p.expression()
	return &IfExp{Span: Span{start, p.prevEnd()}, Test: test, Body: body, OrElse: orElse}
}

// namedExpr parses `NAME ':=' expression | expression`.
func (p *parser) namedExpr() Expr {
	if p.isName() && p.peek(1).kind == tOp && p.peek(1).val == ":=" {
		t := p.advance()
		p.advance()
		target := &Name{Span: Span{t.pos, t.end}, Id: t.val}
		v := p.expression()
		return &NamedExpr{Span: Span{t.pos, p.prevEnd()}, Target: target, Value: v}
	}
	e := p.expression()
	if p.is(":=") {
		p.fail(e.Pos(), "cannot use assignment expressions with %s", exprName(e))
	}
	return e
}

// starNamedExpr parses `'*' bitwise_or | named_expression`.
func (p *parser) starNamedExpr() Expr {
	if p.is("*") {
		t := p.advance()
		x := p.bitOr()
		return &Starred{Span: Span{t.pos, p.prevEnd()}, X: x}
	}
	return p.namedExpr()
}

func (p *parser) disjunction() Expr {
	start := p.tok().pos
	first := p.conjunction()
	if p.isKw("or") {
		vals := []Expr{first}
		for p.isKw("or") {
			p.advance()
			vals = append(vals, p.conjunction())
		}
		first = &BoolOp{Span: Span{start, p.prevEnd()}, Op: Or, Values: vals}
	}
	p.lastDisj, p.lastDisjFrom, p.lastDisjTo = first, start, p.prevEnd()
	return first
}

func (p *parser) conjunction() Expr {
	start := p.tok().pos
	first := p.inversion()
	if !p.isKw("and") {
		return first
	}
	vals := []Expr{first}
	for p.isKw("and") {
		p.advance()
		vals = append(vals, p.inversion())
	}
	return &BoolOp{Span: Span{start, p.prevEnd()}, Op: And, Values: vals}
}

func (p *parser) inversion() Expr {
	if p.isKw("not") {
		p.enter()
		defer p.leave()
		t := p.advance()
		x := p.inversion()
		return &UnaryOp{Span: Span{t.pos, p.prevEnd()}, Op: Not, X: x}
	}
	return p.comparison()
}

// cmpOp reads a comparison operator at the current token, if any.
func (p *parser) cmpOp() (CmpOperator, bool) {
	t := *p.tok()
	switch t.kind {
	case tOp:
		switch t.val {
		case "==":
			return Eq, true
		case "!=":
			return NotEq, true
		case "<>":
			if p.opts.Py2 {
				return NotEq, true
			}
		case "<":
			return Lt, true
		case "<=":
			return LtE, true
		case ">":
			return Gt, true
		case ">=":
			return GtE, true
		}
	case tName:
		switch t.val {
		case "in":
			return In, true
		case "is":
			if n := p.peek(1); n.kind == tName && n.val == "not" {
				return IsNot, true
			}
			return Is, true
		case "not":
			if n := p.peek(1); n.kind == tName && n.val == "in" {
				return NotIn, true
			}
		}
	}
	return 0, false
}

func (p *parser) comparison() Expr {
	start := p.tok().pos
	left := p.bitOr()
	op, ok := p.cmpOp()
	if !ok {
		if p.isKw("not") {
			// `x not y`: CPython fails at the token after `not`.
			p.advance()
			p.unexpected()
		}
		return left
	}
	c := &Compare{Left: left}
	for ok {
		p.advance()
		if op == IsNot || op == NotIn {
			p.advance()
		}
		c.Ops = append(c.Ops, op)
		c.Comparators = append(c.Comparators, p.bitOr())
		op, ok = p.cmpOp()
	}
	c.Span = Span{start, p.prevEnd()}
	return c
}

// binOps maps each binary operator token to its precedence level (0 is
// `|`, the loosest) and operator. All these levels are left-associative.
func binOp(tok string) (level int, op BinOperator, ok bool) {
	switch tok {
	case "|":
		return 0, BitOr, true
	case "^":
		return 1, BitXor, true
	case "&":
		return 2, BitAnd, true
	case "<<":
		return 3, LShift, true
	case ">>":
		return 3, RShift, true
	case "+":
		return 4, Add, true
	case "-":
		return 4, Sub, true
	case "*":
		return 5, Mult, true
	case "/":
		return 5, Div, true
	case "//":
		return 5, FloorDiv, true
	case "%":
		return 5, Mod, true
	case "@":
		return 5, MatMult, true
	}
	return 0, 0, false
}

// binary parses binary operators of precedence minLevel and tighter by
// precedence climbing (one call per operand instead of one per level).
func (p *parser) binary(minLevel int) Expr {
	start := p.tok().pos
	x := p.factor()
	for {
		t := *p.tok()
		if t.kind != tOp {
			return x
		}
		lvl, op, ok := binOp(t.val)
		if !ok || lvl < minLevel {
			return x
		}
		opPos := t.pos
		p.advance()
		y := p.binary(lvl + 1)
		x = &BinOp{Span: Span{start, p.prevEnd()}, Op: op, OpPos: opPos, X: x, Y: y}
	}
}

func (p *parser) bitOr() Expr { return p.binary(0) }

func (p *parser) factor() Expr {
	t := *p.tok()
	if t.kind == tOp {
		var op UnaryOperator
		switch t.val {
		case "+":
			op = UAdd
		case "-":
			op = USub
		case "~":
			op = Invert
		default:
			return p.power()
		}
		p.enter()
		defer p.leave()
		tt := p.advance()
		x := p.factor()
		return &UnaryOp{Span: Span{tt.pos, p.prevEnd()}, Op: op, X: x}
	}
	return p.power()
}

// power parses `primary ['**' factor]`; ** is right-associative through factor.
func (p *parser) power() Expr {
	start := p.tok().pos
	x := p.primary()
	if !p.is("**") {
		return x
	}
	p.enter()
	defer p.leave()
	t := p.advance()
	y := p.factor()
	return &BinOp{Span: Span{start, p.prevEnd()}, Op: Pow, OpPos: t.pos, X: x, Y: y}
}

// primary parses an atom followed by attribute, call and subscript trailers.
func (p *parser) primary() Expr {
	if p.isKw("await") {
		t := p.advance()
		if p.lambdas > 0 {
			p.late(t.pos, "'await' outside async function")
		} else {
			p.late(t.pos, "'await' outside function")
		}
		return p.primary()
	}
	start := p.tok().pos
	x := p.atom()
	for {
		switch {
		case p.is("."):
			p.advance()
			t := *p.tok()
			if t.kind != tName || isKeyword(t.val) {
				p.unexpected()
			}
			p.advance()
			x = &Attribute{Span: Span{start, t.end}, X: x, Name: t.val}
		case p.is("("):
			x = p.call(start, x)
		case p.is("["):
			x = p.subscript(start, x)
		default:
			return x
		}
	}
}

func (p *parser) atom() Expr {
	t := *p.tok()
	switch t.kind {
	case tName:
		switch t.val {
		case "True":
			p.advance()
			return &Constant{Span: Span{t.pos, t.end}, Kind: ConstTrue}
		case "False":
			p.advance()
			return &Constant{Span: Span{t.pos, t.end}, Kind: ConstFalse}
		case "None":
			p.advance()
			return &Constant{Span: Span{t.pos, t.end}, Kind: ConstNone}
		}
		if isKeyword(t.val) {
			p.unexpected()
		}
		p.advance()
		return &Name{Span: Span{t.pos, t.end}, Id: t.val}
	case tNumber:
		p.advance()
		c := *t.num
		return &c
	case tString:
		return p.strings()
	case tOp:
		switch t.val {
		case "(":
			return p.paren()
		case "[":
			return p.list()
		case "{":
			return p.brace()
		case "...":
			p.advance()
			return &Constant{Span: Span{t.pos, t.end}, Kind: ConstEllipsis}
		case "`":
			if p.opts.Py2 {
				return p.repr()
			}
		}
	}
	p.unexpected()
	return nil
}

// repr parses Python 2's `x` (backquotes).
func (p *parser) repr() Expr {
	p.enter()
	defer p.leave()
	open := p.advance()
	x := p.expressions()
	cl := p.expect("`")
	return &Repr{Span: Span{open.pos, cl.end}, X: x}
}

// paren parses a parenthesized group, tuple or generator expression.
func (p *parser) paren() Expr {
	p.enter()
	defer p.leave()
	open := p.advance()
	if p.is(")") {
		cl := p.advance()
		return &Tuple{Span: Span{open.pos, cl.end}, Parenthesized: true}
	}
	if p.isKw("yield") {
		t := p.advance()
		p.late(t.pos, "'yield' outside function")
		if p.isKw("from") {
			p.advance()
			p.expression()
		} else if !p.is(")") {
			p.expressions()
		}
		cl := p.expect(")")
		return &Tuple{Span: Span{open.pos, cl.end}, Parenthesized: true}
	}
	first := p.starNamedExpr()
	if p.isKw("for") {
		if _, ok := first.(*Starred); ok {
			p.fail(first.Pos(), "iterable unpacking cannot be used in comprehension")
		}
		gens := p.comprehension()
		cl := p.expect(")")
		return &GeneratorExp{Span: Span{open.pos, cl.end}, Elt: first, Generators: gens}
	}
	if p.is(")") {
		if _, ok := first.(*Starred); ok {
			p.fail(first.Pos(), "cannot use starred expression here")
		}
		p.advance()
		return first
	}
	if !p.is(",") {
		p.unexpected()
	}
	elts := p.starList(first, ")")
	cl := p.expect(")")
	return &Tuple{Span: Span{open.pos, cl.end}, Elts: elts, Parenthesized: true}
}

// starList continues a comma-separated display after its first element,
// stopping before closer.
func (p *parser) starList(first Expr, closer string) []Expr {
	elts := []Expr{first}
	for p.is(",") {
		p.advance()
		if p.is(closer) {
			break
		}
		elts = append(elts, p.starNamedExpr())
	}
	if !p.is(closer) {
		p.unexpected()
	}
	return elts
}

func (p *parser) list() Expr {
	p.enter()
	defer p.leave()
	open := p.advance()
	if p.is("]") {
		cl := p.advance()
		return &List{Span: Span{open.pos, cl.end}}
	}
	first := p.starNamedExpr()
	if p.isKw("for") {
		if _, ok := first.(*Starred); ok {
			p.fail(first.Pos(), "iterable unpacking cannot be used in comprehension")
		}
		gens := p.comprehension()
		cl := p.expect("]")
		return &ListComp{Span: Span{open.pos, cl.end}, Elt: first, Generators: gens}
	}
	elts := p.starList(first, "]")
	cl := p.advance()
	return &List{Span: Span{open.pos, cl.end}, Elts: elts}
}

// brace parses dict and set displays and their comprehensions.
func (p *parser) brace() Expr {
	p.enter()
	defer p.leave()
	open := p.advance()
	if p.is("}") {
		cl := p.advance()
		return &Dict{Span: Span{open.pos, cl.end}}
	}
	if p.is("**") {
		st := p.advance()
		v := p.bitOr()
		if p.isKw("for") {
			p.fail(st.pos, "dict unpacking cannot be used in dict comprehension")
		}
		return p.dictRest(open, nil, v)
	}
	first := p.starNamedExpr()
	if p.is(":") {
		if _, ok := first.(*Starred); ok {
			p.unexpected()
		}
		p.advance()
		v := p.expression()
		if p.isKw("for") {
			gens := p.comprehension()
			cl := p.expect("}")
			return &DictComp{Span: Span{open.pos, cl.end}, Key: first, Value: v, Generators: gens}
		}
		return p.dictRest(open, first, v)
	}
	if p.isKw("for") {
		if _, ok := first.(*Starred); ok {
			p.fail(first.Pos(), "iterable unpacking cannot be used in comprehension")
		}
		gens := p.comprehension()
		cl := p.expect("}")
		return &SetComp{Span: Span{open.pos, cl.end}, Elt: first, Generators: gens}
	}
	elts := p.starList(first, "}")
	cl := p.advance()
	return &Set{Span: Span{open.pos, cl.end}, Elts: elts}
}

// dictRest continues a dict display after its first entry (key nil for **).
func (p *parser) dictRest(open token, k, v Expr) Expr {
	d := &Dict{Keys: []Expr{k}, Values: []Expr{v}}
	for p.is(",") {
		p.advance()
		if p.is("}") {
			break
		}
		if p.is("**") {
			p.advance()
			d.Keys = append(d.Keys, nil)
			d.Values = append(d.Values, p.bitOr())
			continue
		}
		k := p.expression()
		if !p.is(":") && (p.is("}") || p.is(",")) {
			p.fail(k.Pos(), "':' expected after dictionary key")
		}
		p.expect(":")
		d.Keys = append(d.Keys, k)
		d.Values = append(d.Values, p.expression())
	}
	cl := p.expect("}")
	d.Span = Span{open.pos, cl.end}
	return d
}

// comprehension parses one or more `for targets in disjunction (if disjunction)*` clauses.
func (p *parser) comprehension() []*Comprehension {
	var gens []*Comprehension
	for p.isKw("for") {
		ft := p.advance()
		target := p.targets()
		p.checkStars(target)
		if !p.isKw("in") {
			p.unexpected()
		}
		p.advance()
		c := &Comprehension{Target: target, Iter: p.disjunction()}
		for p.isKw("if") {
			p.advance()
			c.Ifs = append(c.Ifs, p.disjunction())
		}
		c.Span = Span{ft.pos, p.prevEnd()}
		gens = append(gens, c)
	}
	if p.isKw("async") {
		p.fail(p.tok().pos, "asynchronous comprehension outside of an asynchronous function")
	}
	return gens
}

// targets parses comprehension targets: one target or an unparenthesized tuple.
func (p *parser) targets() Expr {
	start := p.tok().pos
	first := p.target()
	if !p.is(",") {
		return first
	}
	elts := []Expr{first}
	for p.is(",") {
		p.advance()
		if p.isKw("in") {
			break
		}
		elts = append(elts, p.target())
	}
	return &Tuple{Span: Span{start, p.prevEnd()}, Elts: elts}
}

func (p *parser) target() Expr {
	if p.is("*") {
		t := p.advance()
		if p.is("*") {
			p.unexpected()
		}
		x := p.target()
		return &Starred{Span: Span{t.pos, p.prevEnd()}, X: x}
	}
	x := p.bitOr()
	checkTarget(p, x)
	return x
}

// checkStars reports the starred-target errors CPython's compiler finds:
// a bare starred target, or two starred names in one sequence.
func (p *parser) checkStars(t Expr) {
	if s, ok := t.(*Starred); ok {
		p.late(s.Pos(), "starred assignment target must be in a list or tuple")
		return
	}
	var elts []Expr
	switch t := t.(type) {
	case *Tuple:
		elts = t.Elts
	case *List:
		elts = t.Elts
	default:
		return
	}
	stars := 0
	for _, e := range elts {
		if s, ok := e.(*Starred); ok {
			stars++
			if stars == 2 {
				p.late(t.Pos(), "multiple starred expressions in assignment")
			}
			p.checkStars(s.X)
			continue
		}
		p.checkStars(e)
	}
}

// checkTarget rejects expressions that cannot be assigned to.
func checkTarget(p *parser, x Expr) {
	switch x := x.(type) {
	case *Name, *Attribute, *Subscript:
		return
	case *Starred:
		checkTarget(p, x.X)
		return
	case *Tuple:
		for _, e := range x.Elts {
			checkTarget(p, e)
		}
		return
	case *List:
		for _, e := range x.Elts {
			checkTarget(p, e)
		}
		return
	}
	p.fail(x.Pos(), "cannot assign to %s", exprName(x))
}

// exprName names an expression kind the way CPython's error messages do.
func exprName(e Expr) string {
	switch e := e.(type) {
	case *Attribute:
		return "attribute"
	case *Subscript:
		return "subscript"
	case *Starred:
		return "starred"
	case *Name:
		return "name"
	case *List:
		return "list"
	case *Tuple:
		return "tuple"
	case *Lambda:
		return "lambda"
	case *Call:
		return "function call"
	case *BoolOp, *BinOp, *UnaryOp:
		return "expression"
	case *GeneratorExp:
		return "generator expression"
	case *ListComp:
		return "list comprehension"
	case *SetComp:
		return "set comprehension"
	case *DictComp:
		return "dict comprehension"
	case *Dict:
		return "dict literal"
	case *Set:
		return "set display"
	case *JoinedStr, *FormattedValue:
		return "f-string expression"
	case *Compare:
		return "comparison"
	case *IfExp:
		return "conditional expression"
	case *NamedExpr:
		return "named expression"
	case *Constant:
		switch e.Kind {
		case ConstNone:
			return "None"
		case ConstTrue:
			return "True"
		case ConstFalse:
			return "False"
		case ConstEllipsis:
			return "ellipsis"
		}
		return "literal"
	case *Repr:
		return "repr"
	}
	return "expression"
}

// call parses the argument list of a call to fn.
func (p *parser) call(start Pos, fn Expr) Expr {
	p.enter()
	defer p.leave()
	open := p.advance()
	c := &Call{Func: fn}
	seenKw, seenDStar := false, false
	posErr := "" // CPython reports misplaced positional arguments at the ')'
	kwNames := map[string]bool{}
	for !p.is(")") {
		t := *p.tok()
		switch {
		case p.is("*"):
			p.advance()
			x := p.expression()
			if seenDStar {
				p.fail(t.pos, "iterable argument unpacking follows keyword argument unpacking")
			}
			c.Args = append(c.Args, &Starred{Span: Span{t.pos, p.prevEnd()}, X: x})
		case p.is("**"):
			p.advance()
			x := p.expression()
			c.Keywords = append(c.Keywords, &Keyword{Span: Span{t.pos, p.prevEnd()}, Value: x})
			seenDStar = true
		case p.isName() && p.peek(1).kind == tOp && p.peek(1).val == "=":
			p.advance()
			p.advance()
			x := p.expression()
			if kwNames[t.val] {
				p.late(t.pos, "keyword argument repeated: %s", t.val)
			}
			kwNames[t.val] = true
			c.Keywords = append(c.Keywords, &Keyword{Span: Span{t.pos, p.prevEnd()}, Name: t.val, Value: x})
			seenKw = true
		default:
			x := p.namedExpr()
			if p.isKw("for") {
				gens := p.comprehension()
				g := &GeneratorExp{Span: Span{open.pos, p.tok().end}, Elt: x, Generators: gens}
				if !p.is(")") || len(c.Args) > 0 || len(c.Keywords) > 0 {
					if p.is(",") || p.is(")") {
						p.fail(x.Pos(), "Generator expression must be parenthesized")
					}
					p.unexpected()
				}
				c.Args = append(c.Args, g)
				break
			}
			if p.is("=") {
				p.fail(x.Pos(), "expression cannot contain assignment, perhaps you meant \"==\"?")
			}
			if seenDStar && posErr == "" {
				posErr = "positional argument follows keyword argument unpacking"
			}
			if seenKw && posErr == "" {
				posErr = "positional argument follows keyword argument"
			}
			c.Args = append(c.Args, x)
		}
		if !p.is(",") {
			break
		}
		p.advance()
	}
	cl := p.expect(")")
	if posErr != "" {
		p.fail(cl.pos, "%s", posErr)
	}
	c.Span = Span{start, cl.end}
	return c
}

// subscript parses `[slices]` after x.
func (p *parser) subscript(start Pos, x Expr) Expr {
	p.enter()
	defer p.leave()
	p.advance()
	first := p.tok().pos
	var elts []Expr
	tuple := false
	for {
		elts = append(elts, p.slice())
		if !p.is(",") {
			break
		}
		tuple = true
		p.advance()
		if p.is("]") {
			break
		}
	}
	end := p.prevEnd()
	cl := p.expect("]")
	var index Expr
	if !tuple {
		index = elts[0]
		if _, ok := index.(*Starred); ok {
			tuple = true
		}
	}
	if tuple {
		index = &Tuple{Span: Span{first, end}, Elts: elts}
	}
	return &Subscript{Span: Span{start, cl.end}, X: x, Index: index}
}

// slice parses one element of a subscript: a slice, a starred expression
// or a (possibly named) expression.
func (p *parser) slice() Expr {
	if p.is("*") {
		t := p.advance()
		x := p.bitOr()
		return &Starred{Span: Span{t.pos, p.prevEnd()}, X: x}
	}
	start := p.tok().pos
	var lower Expr
	if !p.is(":") {
		if p.isName() && p.peek(1).kind == tOp && p.peek(1).val == ":=" {
			return p.namedExpr()
		}
		lower = p.expression()
		if !p.is(":") {
			if p.is(":=") {
				p.fail(lower.Pos(), "cannot use assignment expressions with %s", exprName(lower))
			}
			return lower
		}
	}
	s := &Slice{Lower: lower}
	p.advance()
	if !p.is(":") && !p.is(",") && !p.is("]") {
		s.Upper = p.expression()
	}
	if p.is(":") {
		p.advance()
		if !p.is(",") && !p.is("]") {
			s.Step = p.expression()
		}
	}
	s.Span = Span{start, p.prevEnd()}
	return s
}

// tupleParam parses a Python 2 tuple parameter at "(": `(a, (b, c))`. A
// parenthesized single name, `(a)`, is that name. i is the parameter's
// position, which names the hidden parameter.
func (p *parser) tupleParam(newArg func() *Arg, i int) *Arg {
	open := p.advance()
	var elts []Expr
	comma := false
	for !p.is(")") {
		if p.is("(") {
			if in := p.tupleParam(newArg, -1); in.Unpack != nil {
				elts = append(elts, in.Unpack)
			} else {
				elts = append(elts, &Name{Span: in.Span, Id: in.Name})
			}
		} else {
			a := newArg()
			elts = append(elts, &Name{Span: a.Span, Id: a.Name})
		}
		if !p.is(",") {
			break
		}
		comma = true
		p.advance()
	}
	if !p.is(")") || len(elts) == 0 {
		p.unexpected()
	}
	end := p.advance()
	span := Span{open.pos, end.end}
	if !comma {
		if n, ok := elts[0].(*Name); ok {
			return &Arg{Span: span, Name: n.Id}
		}
		return &Arg{Span: span, Name: fmt.Sprintf(".%d", i), Unpack: elts[0].(*Tuple)}
	}
	return &Arg{Span: span, Name: fmt.Sprintf(".%d", i), Unpack: &Tuple{Span: span, Elts: elts}}
}

// lambda parses `lambda params: body`.
func (p *parser) lambda() Expr {
	lt := p.advance()
	args := &Arguments{}
	state := 0 // 0 positional, 1 after '*', 2 after '**'
	seen := map[string]bool{}
	slash := false
	bareStar := false
	newArg := func() *Arg {
		t := *p.tok()
		if t.kind != tName || isKeyword(t.val) {
			p.unexpected()
		}
		p.advance()
		if seen[t.val] {
			p.late(t.pos, "duplicate argument '%s' in function definition", t.val)
		}
		seen[t.val] = true
		return &Arg{Span: Span{t.pos, t.end}, Name: t.val}
	}
	for !p.is(":") {
		t := *p.tok()
		switch {
		case p.is("/"):
			if state != 0 || slash {
				p.fail(t.pos, "/ may appear only once")
			}
			if len(args.Args) == 0 {
				p.fail(t.pos, "at least one argument must precede /")
			}
			p.advance()
			slash = true
			args.PosOnly, args.Args = args.Args, nil
		case p.is("*"):
			if state == 2 {
				p.fail(t.pos, "arguments cannot follow var-keyword argument")
			}
			if state == 1 {
				p.fail(t.pos, "* argument may appear only once")
			}
			p.advance()
			state = 1
			if p.is(",") || p.is(":") {
				bareStar = true
			} else {
				args.Vararg = newArg()
			}
		case p.is("**"):
			if state == 2 {
				p.fail(t.pos, "arguments cannot follow var-keyword argument")
			}
			p.advance()
			args.Kwarg = newArg()
			state = 2
		case p.is("(") && p.opts.Py2 && state == 0:
			// Python 2's tuple parameter (fpdef: NAME | '(' fplist ')').
			a := p.tupleParam(newArg, len(args.Args))
			var def Expr
			if p.is("=") {
				p.advance()
				def = p.expression()
			}
			args.Args = append(args.Args, a)
			if def != nil {
				args.Defaults = append(args.Defaults, def)
			} else if len(args.Defaults) > 0 {
				p.fail(a.Pos(), "non-default argument follows default argument")
			}
		case p.is("("):
			p.fail(t.pos, "Lambda expression parameters cannot be parenthesized")
		default:
			if state == 2 {
				p.fail(t.pos, "arguments cannot follow var-keyword argument")
			}
			a := newArg()
			var def Expr
			if p.is("=") {
				p.advance()
				def = p.expression()
			}
			if state == 0 {
				args.Args = append(args.Args, a)
				if def != nil {
					args.Defaults = append(args.Defaults, def)
				} else if len(args.Defaults) > 0 {
					p.fail(a.Pos(), "non-default argument follows default argument")
				}
			} else {
				args.KwOnly = append(args.KwOnly, a)
				args.KwDefaults = append(args.KwDefaults, def)
			}
		}
		if p.is(",") {
			p.advance()
			continue
		}
		if !p.is(":") {
			p.unexpected()
		}
	}
	if bareStar && len(args.KwOnly) == 0 {
		p.fail(p.tok().pos, "named arguments must follow bare *")
	}
	p.advance()
	p.lambdas++
	body := p.expression()
	p.lambdas--
	return &Lambda{Span: Span{lt.pos, p.prevEnd()}, Args: args, Body: body}
}
