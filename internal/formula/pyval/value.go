package pyval

import (
	"math"
	"math/big"
)

// Kind is the dynamic type of a Value.
type Kind uint8

const (
	// Undefined is the zero Value: an unbound name or an empty slot. It is
	// never a Python value and must not escape an evaluation.
	Undefined Kind = iota
	NoneKind
	BoolKind   // N: 0 or 1
	IntKind    // N: int64 bits
	BigKind    // O: *big.Int, always outside the int64 range (normalized)
	FloatKind  // N: float64 bits
	StrKind    // O: string (Python str; in Python 2 mode also used for py2 str)
	BytesKind  // O: string holding raw bytes
	TupleKind  // O: *Tuple
	ListKind   // O: *List
	DictKind   // O: *Dict
	SetKind    // O: *Set (frozen reports whether it is a frozenset)
	RangeKind  // O: *Range (Python 3 range object)
	FuncKind   // O: *Func (builtin, bound method or lambda)
	IterKind   // O: *Iterator (map/filter/zip/enumerate/reversed objects, generators)
	ObjectKind // O: Object (modules, host objects, exceptions): attribute access through the interface
)

// Value is a Python value. The zero Value is Undefined.
type Value struct {
	K Kind
	N uint64
	O any
}

// Common values.
var (
	None  = Value{K: NoneKind}
	True  = Value{K: BoolKind, N: 1}
	False = Value{K: BoolKind, N: 0}
)

// Bool returns True or False.
func Bool(b bool) Value {
	if b {
		return True
	}
	return False
}

// Int returns an int value.
func Int(i int64) Value { return Value{K: IntKind, N: uint64(i)} }

// Float returns a float value.
func Float(f float64) Value { return Value{K: FloatKind, N: math.Float64bits(f)} }

// Str returns a str value.
func Str(s string) Value { return Value{K: StrKind, O: s} }

// BigInt returns an int value, normalized to IntKind when it fits in int64.
// The caller must not modify b afterwards.
func BigInt(b *big.Int) Value {
	if b.IsInt64() {
		return Int(b.Int64())
	}
	return Value{K: BigKind, O: b}
}

// IsUndefined reports whether v is the zero Value.
func (v Value) IsUndefined() bool { return v.K == Undefined }

// Int64 returns the payload of an IntKind or BoolKind value.
func (v Value) Int64() int64 { return int64(v.N) }

// Float64 returns the payload of a FloatKind value.
func (v Value) Float64() float64 { return math.Float64frombits(v.N) }

// String returns the payload of a StrKind or BytesKind value.
func (v Value) String() string { s, _ := v.O.(string); return s }

// Tuple is an immutable sequence.
type Tuple struct{ Items []Value }

// List is a mutable sequence.
type List struct{ Items []Value }

// Range is a Python 3 range object.
type Range struct{ Start, Stop, Step int64 }

// Func is a callable: a builtin, a bound method, or a compiled lambda.
// Call dispatches to F1/F2 when they are set and the call has exactly one or
// two positional arguments and no keywords, else to Fn.
type Func struct {
	Name string // as shown by repr: "<built-in function sin>", "<function <lambda>>"
	Fn   func(ctx *Context, args []Value, kw []Keyword) (Value, error)
	F1   func(ctx *Context, a Value) (Value, error)
	F2   func(ctx *Context, a, b Value) (Value, error)
	// Float is an optional unboxed form of F1 for a float argument, used by
	// the compiler's fused numeric paths: the result, or false when the
	// call must go through F1 (it would raise). It must be pure, must not
	// panic, and must agree with F1 bit for bit.
	Float func(x float64) (float64, bool)
	// Self is the receiver of a bound method (for repr), or Undefined.
	Self Value
	// Lambda marks a user function (repr "<function <lambda> at 0x...>").
	Lambda bool
	// Class is non-empty for type objects (int, float, str, list ...):
	// repr "<class 'int'>", and isinstance accepts them.
	Class string
}

// Keyword is one keyword argument of a call.
type Keyword struct {
	Name  string
	Value Value
}

// Object is implemented by values with named attributes (modules, host
// objects, exception objects).
type Object interface {
	TypeName() string
	GetAttr(ctx *Context, name string) (Value, error) // AttributeError when missing
	Repr() string
}

// Exception is a Python-style runtime error. Error() reads "Type: Msg".
type Exception struct {
	Type string // "TypeError", "ZeroDivisionError", "NameError", ...
	Msg  string
}

func (e *Exception) Error() string {
	if e.Msg == "" {
		return e.Type
	}
	return e.Type + ": " + e.Msg
}

// Errorf builds an *Exception.
func Errorf(typ, format string, args ...any) error {
	return &Exception{Type: typ, Msg: sprintf(format, args...)}
}

// Context carries what an evaluation needs beyond its operands: the language
// mode, the resource budget and the injected random source. One Context is
// reused across evaluations (no allocation per evaluation).
type Context struct {
	Py2 bool

	// Budget. Steps counts loop iterations and builtin work items; Size caps
	// the length of any one str/bytes/list/tuple/dict/set and the bits of an
	// int. Exceeding either is a MemoryError ("MemoryError: ... exceeds the
	// formula limit of N") raised before the allocation happens.
	Steps    int64 // remaining steps; <= 0 means exhausted
	MaxSize  int   // elements or bytes of one container/string; 0: DefaultMaxSize
	MaxDepth int   // nesting of calls/comprehensions; 0: DefaultMaxDepth
	Depth    int

	// Rand is the seeded random source used by random(), randint() ...
	// It is injected by the host; nil makes those functions fail.
	Rand Rand

	// Host is the embedding object (e.g. the simulated device). Host
	// functions such as VAR or ATTR reach their device through it.
	Host any
}

// Rand is the random source. pylib provides a CPython-compatible Mersenne
// Twister, so that random.seed(N) in python3 and --seed N here draw the same
// numbers; every random function is built on these two primitives, exactly as
// CPython's random module is.
type Rand interface {
	Random() float64          // [0, 1), CPython's random.random()
	Getrandbits(k int) uint64 // 0 <= k <= 64, CPython's getrandbits(k)
}

// Defaults for Context budgets.
const (
	DefaultMaxSize  = 10_000_000 // elements/bytes: a 10 MB string is more than any formula needs
	DefaultMaxDepth = 200
	DefaultSteps    = 10_000_000
)
