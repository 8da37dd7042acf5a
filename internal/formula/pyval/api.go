package pyval

import "fmt"

// This file lists the operations other packages (pylib, formula) rely on.
// Signatures are a contract: keep them; bodies live in the files named in
// each comment once implemented.

// Op is a binary operator, numbered like syntax.BinOperator so the compiler
// can convert with a plain cast.
type Op uint8

const (
	OpAdd Op = iota
	OpSub
	OpMul
	OpMatMul
	OpDiv
	OpFloorDiv
	OpMod
	OpPow
	OpLShift
	OpRShift
	OpOr
	OpXor
	OpAnd
)

// CmpOp is a comparison operator, numbered like syntax.CmpOperator.
type CmpOp uint8

const (
	CmpEq CmpOp = iota
	CmpNe
	CmpLt
	CmpLe
	CmpGt
	CmpGe
	CmpIs
	CmpIsNot
	CmpIn
	CmpNotIn
)

// UnOp is a unary operator, numbered like syntax.UnaryOperator.
type UnOp uint8

const (
	UnPos UnOp = iota
	UnNeg
	UnInvert
	UnNot
)

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// Core operations (implemented in this package):
//
//	func Binary(ctx *Context, op Op, a, b Value) (Value, error)        // + - * / // % ** << >> | ^ & @ with CPython 3 / Python 2 semantics
//	func Unary(ctx *Context, op UnOp, a Value) (Value, error)
//	func Compare(ctx *Context, op CmpOp, a, b Value) (bool, error)     // ordering errors are TypeErrors in Py3; Py2 orders everything
//	func Truth(v Value) bool
//	func Equal(ctx *Context, a, b Value) (bool, error)
//	func Hash(v Value) (uint64, error)                                  // TypeError: unhashable type: 'list'
//	func Repr(ctx *Context, v Value) (string, error)                    // identical to CPython's repr (floats shortest round-trip)
//	func ToStr(ctx *Context, v Value) (string, error)                   // str(v)
//	func TypeName(v Value) string                                       // "int", "float", "NoneType", ...
//	func GetItem(ctx *Context, x, index Value) (Value, error)
//	func GetSlice(ctx *Context, x, lo, hi, step Value) (Value, error)   // absent parts are None
//	func GetAttr(ctx *Context, x Value, name string) (Value, error)     // methods come back bound (a FuncKind value)
//	func Call(ctx *Context, fn Value, args []Value, kw []Keyword) (Value, error)
//	func Iterate(ctx *Context, x Value, yield func(Value) error) error  // charges one step per item
//	func Len(ctx *Context, x Value) (int, error)
//	func Contains(ctx *Context, container, item Value) (bool, error)   // `in`
//	func FormatValue(ctx *Context, v Value, spec string) (string, error) // format(v, spec): the format-spec mini-language
//	func NewList(items []Value) Value; NewTuple(items []Value) Value; NewDict() (*Dict, Value); NewSet(frozen bool) (*Set, Value)
//	func NewRange(start, stop, step int64) (Value, error)
//	func NewFunc(f *Func) Value; NewObject(o Object) Value; NewIterator(it *Iterator) Value
//	func BigOf(v Value) *big.Int                                        // int/bool/big as *big.Int
//	func (ctx *Context) Step(n int64) error                             // charge n steps: MemoryError-like "formula step limit exceeded"
//	func (ctx *Context) CheckSize(n int) error                          // MemoryError when n > MaxSize
//
// Dict (insertion ordered, CPython 3.7+), Set and Iterator expose:
//
//	(*Dict) Get(ctx, key Value) (Value, bool, error); Set(ctx, key, val Value) error; Len() int
//	(*Dict) GetStr(name string) (Value, bool); SetStr(name string, v Value)   // fast path for str keys (namespaces)
//	(*Dict) Keys() []Value; Items(func(k, v Value) error) error
//	(*Set) Add(ctx, v Value) error; Has(ctx, v Value) (bool, error); Len() int; Items() []Value
//	(*Iterator) Next(ctx) (Value, bool, error)

// Methods of built-in types are registered by package pylib (pylib.Install):
//
//	func RegisterMethod(k Kind, name string, fn func(ctx *Context, self Value, args []Value, kw []Keyword) (Value, error))
//
// GetAttr on a value of kind k finds name there and returns it bound to the
// value. Registration happens once, before any evaluation.
