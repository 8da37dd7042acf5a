package syntax

import "math/big"

// Pos is a position inside a formula's source text. Line and Col are 1-based;
// Col counts Unicode code points (as Python's error messages do), Offset is the
// 0-based byte offset.
type Pos struct {
	Offset int
	Line   int
	Col    int
}

// Node is any syntax tree node. Pos is where the node's first token starts;
// End is just past its last token.
type Node interface {
	Pos() Pos
	End() Pos
}

// Expr is an expression node. The tree mirrors CPython's ast module (eval
// mode) so that semantics can be checked against it node by node.
type Expr interface {
	Node
	exprNode()
}

// Span is embedded in every node to carry its extent.
type Span struct {
	From, To Pos
}

func (s Span) Pos() Pos { return s.From }
func (s Span) End() Pos { return s.To }

// ConstKind tells which literal a Constant holds.
type ConstKind uint8

const (
	ConstNone ConstKind = iota
	ConstTrue
	ConstFalse
	ConstInt      // Int holds the value (also Python 2 long literals such as 10L)
	ConstFloat    // Float holds the value
	ConstImag     // Float holds the imaginary part; complex numbers are not supported at run time
	ConstStr      // Str holds the decoded text (adjacent literals already concatenated)
	ConstBytes    // Str holds the raw bytes
	ConstEllipsis // ...
)

// Constant is a literal: None, True, False, numbers, strings, bytes, `...`.
type Constant struct {
	Span
	Kind  ConstKind
	Int   *big.Int // ConstInt
	Float float64  // ConstFloat, ConstImag
	Str   string   // ConstStr, ConstBytes
}

// Name is an identifier.
type Name struct {
	Span
	Id string
}

// UnaryOp is `+x`, `-x`, `~x` or `not x`.
type UnaryOp struct {
	Span
	Op UnaryOperator
	X  Expr
}

// BinOp is a binary arithmetic or bitwise operation. OpPos locates the
// operator token, for error messages.
type BinOp struct {
	Span
	Op    BinOperator
	OpPos Pos
	X, Y  Expr
}

// BoolOp is a chain of `and` or of `or` (at least two values). CPython
// flattens `a and b and c` into one node; so does this parser.
type BoolOp struct {
	Span
	Op     BoolOperator
	Values []Expr
}

// Compare is a possibly chained comparison: Left Ops[0] Comparators[0] Ops[1] ...
type Compare struct {
	Span
	Left        Expr
	Ops         []CmpOperator
	Comparators []Expr
}

// IfExp is `Body if Test else OrElse`.
type IfExp struct {
	Span
	Test, Body, OrElse Expr
}

// NamedExpr is `Target := Value` (Python 3.8+).
type NamedExpr struct {
	Span
	Target *Name
	Value  Expr
}

// Lambda is `lambda args: Body`.
type Lambda struct {
	Span
	Args *Arguments
	Body Expr
}

// Arguments is a lambda's parameter list, as in CPython's ast.arguments.
// Defaults align with the last len(Defaults) of PosOnly+Args; KwDefaults
// align with KwOnly (nil where a keyword-only parameter has no default).
type Arguments struct {
	PosOnly    []*Arg
	Args       []*Arg
	Vararg     *Arg // *args, or nil
	KwOnly     []*Arg
	KwDefaults []Expr
	Kwarg      *Arg // **kwargs, or nil
	Defaults   []Expr
}

// Arg is one lambda parameter name.
type Arg struct {
	Span
	Name string
	// Unpack is a Python 2 tuple parameter, `lambda (k, v): v`: the
	// argument is unpacked into these names (nested Tuples of Names) and
	// Name is a hidden ".N" that no formula can spell.
	Unpack *Tuple
}

// Call is `Func(Args..., Keywords...)`. An Args element may be a *Starred
// (`*xs`); a Keyword with an empty Name is `**kw`.
type Call struct {
	Span
	Func     Expr
	Args     []Expr
	Keywords []*Keyword
}

// Keyword is `Name=Value` in a call, or `**Value` when Name is "".
type Keyword struct {
	Span
	Name  string
	Value Expr
}

// Attribute is `X.Name`.
type Attribute struct {
	Span
	X    Expr
	Name string
}

// Subscript is `X[Index]`. Index is a *Slice for `a[i:j:k]`, a *Tuple
// (possibly containing slices) for `a[i, j:k]`, or any expression.
type Subscript struct {
	Span
	X     Expr
	Index Expr
}

// Slice is `Lower:Upper:Step`; absent parts are nil.
type Slice struct {
	Span
	Lower, Upper, Step Expr
}

// Starred is `*X` inside a call, a display or an assignment target.
type Starred struct {
	Span
	X Expr
}

// Tuple is `(a, b)` or `a, b`. Parenthesized reports whether the source
// had parentheses around it.
type Tuple struct {
	Span
	Elts          []Expr
	Parenthesized bool
}

// List is `[a, b]`.
type List struct {
	Span
	Elts []Expr
}

// Set is `{a, b}`.
type Set struct {
	Span
	Elts []Expr
}

// Dict is `{k: v, **d}`. A nil key marks a `**d` entry whose mapping is in Values.
type Dict struct {
	Span
	Keys   []Expr
	Values []Expr
}

// ListComp is `[Elt for ... if ...]`.
type ListComp struct {
	Span
	Elt        Expr
	Generators []*Comprehension
}

// SetComp is `{Elt for ...}`.
type SetComp struct {
	Span
	Elt        Expr
	Generators []*Comprehension
}

// DictComp is `{Key: Value for ...}`.
type DictComp struct {
	Span
	Key, Value Expr
	Generators []*Comprehension
}

// GeneratorExp is `(Elt for ...)`, also the bare form as a sole call argument.
type GeneratorExp struct {
	Span
	Elt        Expr
	Generators []*Comprehension
}

// Comprehension is one `for Target in Iter if Ifs...` clause. Target is a
// *Name, *Tuple, *List, *Starred, *Attribute or *Subscript.
type Comprehension struct {
	Span
	Target Expr
	Iter   Expr
	Ifs    []Expr
}

// JoinedStr is an f-string: a sequence of *Constant (ConstStr) and *FormattedValue parts.
type JoinedStr struct {
	Span
	Values []Expr
}

// FormattedValue is one `{Value!Conversion:FormatSpec}` field of an f-string.
// Conversion is 0, 's', 'r' or 'a'; FormatSpec is nil or a *JoinedStr.
type FormattedValue struct {
	Span
	Value      Expr
	Conversion rune
	FormatSpec Expr
}

// Repr is the Python 2 backquote form `x` (only in Python 2 mode).
type Repr struct {
	Span
	X Expr
}

// UnaryOperator enumerates unary operators.
type UnaryOperator uint8

const (
	UAdd UnaryOperator = iota
	USub
	Invert
	Not
)

// BinOperator enumerates binary operators.
type BinOperator uint8

const (
	Add BinOperator = iota
	Sub
	Mult
	MatMult
	Div
	FloorDiv
	Mod
	Pow
	LShift
	RShift
	BitOr
	BitXor
	BitAnd
)

// BoolOperator is `and` or `or`.
type BoolOperator uint8

const (
	And BoolOperator = iota
	Or
)

// CmpOperator enumerates comparison operators. Python 2's `<>` parses as NotEq.
type CmpOperator uint8

const (
	Eq CmpOperator = iota
	NotEq
	Lt
	LtE
	Gt
	GtE
	Is
	IsNot
	In
	NotIn
)

var unaryNames = [...]string{UAdd: "+", USub: "-", Invert: "~", Not: "not"}
var binNames = [...]string{Add: "+", Sub: "-", Mult: "*", MatMult: "@", Div: "/", FloorDiv: "//", Mod: "%", Pow: "**", LShift: "<<", RShift: ">>", BitOr: "|", BitXor: "^", BitAnd: "&"}
var cmpNames = [...]string{Eq: "==", NotEq: "!=", Lt: "<", LtE: "<=", Gt: ">", GtE: ">=", Is: "is", IsNot: "is not", In: "in", NotIn: "not in"}

func (op UnaryOperator) String() string { return unaryNames[op] }
func (op BinOperator) String() string   { return binNames[op] }
func (op CmpOperator) String() string   { return cmpNames[op] }
func (op BoolOperator) String() string {
	if op == And {
		return "and"
	}
	return "or"
}

func (*Constant) exprNode()       {}
func (*Name) exprNode()           {}
func (*UnaryOp) exprNode()        {}
func (*BinOp) exprNode()          {}
func (*BoolOp) exprNode()         {}
func (*Compare) exprNode()        {}
func (*IfExp) exprNode()          {}
func (*NamedExpr) exprNode()      {}
func (*Lambda) exprNode()         {}
func (*Call) exprNode()           {}
func (*Attribute) exprNode()      {}
func (*Subscript) exprNode()      {}
func (*Slice) exprNode()          {}
func (*Starred) exprNode()        {}
func (*Tuple) exprNode()          {}
func (*List) exprNode()           {}
func (*Set) exprNode()            {}
func (*Dict) exprNode()           {}
func (*ListComp) exprNode()       {}
func (*SetComp) exprNode()        {}
func (*DictComp) exprNode()       {}
func (*GeneratorExp) exprNode()   {}
func (*JoinedStr) exprNode()      {}
func (*FormattedValue) exprNode() {}
func (*Repr) exprNode()           {}
