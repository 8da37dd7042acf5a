package pyval

import (
	"reflect"
	"strconv"
)

// NewFunc wraps f as a Value.
func NewFunc(f *Func) Value { return Value{K: FuncKind, O: f} }

// NewObject wraps o as a Value.
func NewObject(o Object) Value { return Value{K: ObjectKind, O: o} }

// Method is a method of a built-in type, registered by pylib.
type Method func(ctx *Context, self Value, args []Value, kw []Keyword) (Value, error)

// methods holds the registered methods per kind. It is written only by
// RegisterMethod before evaluations start, then read concurrently.
var methods [ObjectKind + 1]map[string]Method

// RegisterMethod registers a method of the built-in type of kind k (for
// SetKind it serves both set and frozenset). Registration happens once, at
// start-up, before any evaluation; it is not safe to call concurrently.
func RegisterMethod(k Kind, name string, fn func(ctx *Context, self Value, args []Value, kw []Keyword) (Value, error)) {
	if k > ObjectKind {
		return
	}
	if methods[k] == nil {
		methods[k] = map[string]Method{}
	}
	methods[k][name] = fn
}

// LookupMethod returns the method registered for kind k under name.
func LookupMethod(k Kind, name string) (Method, bool) {
	if k > ObjectKind {
		return nil, false
	}
	m, ok := methods[k][name]
	return m, ok
}

// GetAttr returns x.name: an attribute of an Object, or a registered method
// of a built-in type bound to x.
func GetAttr(ctx *Context, x Value, name string) (Value, error) {
	if x.K == ObjectKind {
		return x.O.(Object).GetAttr(ctx, name)
	}
	k := x.K
	if k == BoolKind {
		// bool inherits int's methods unless it has its own.
		if _, ok := methods[BoolKind][name]; !ok {
			k = IntKind
		}
	}
	if k == BigKind {
		k = IntKind
	}
	if v, ok := numberAttr(x, name); ok {
		return v, nil
	}
	if x.K == RangeKind && !ctx.py2() { // Python 2's xrange has none
		if v, ok := x.O.(*Range).attr(name); ok {
			return v, nil
		}
	}
	if m, ok := LookupMethod(k, name); ok {
		return NewFunc(&Func{
			Name: name,
			Self: x,
			Fn: func(ctx *Context, args []Value, kw []Keyword) (Value, error) {
				return m(ctx, x, args, kw)
			},
		}), nil
	}
	if x.K == FuncKind {
		if f := x.O.(*Func); name == "__name__" {
			if f.Class != "" {
				return Str(f.Class), nil
			}
			return Str(f.Name), nil
		}
	}
	if x.K == Undefined {
		return Value{}, &Exception{Type: "NameError", Msg: "undefined value has no attribute '" + name + "'"}
	}
	if x.K == FuncKind {
		if f := x.O.(*Func); f.Class != "" {
			return Value{}, &Exception{Type: "AttributeError", Msg: "type object '" + f.Class + "' has no attribute '" + name + "'"}
		}
	}
	return Value{}, &Exception{Type: "AttributeError", Msg: "'" + typeName(ctx, x) + "' object has no attribute '" + name + "'"}
}

// Call calls fn with positional args and keyword arguments.
func Call(ctx *Context, fn Value, args []Value, kw []Keyword) (Value, error) {
	if fn.K != FuncKind {
		if c, ok := fn.O.(interface {
			Call(*Context, []Value, []Keyword) (Value, error)
		}); ok && fn.K == ObjectKind {
			return c.Call(ctx, args, kw)
		}
		return Value{}, typeError("'" + typeName(ctx, fn) + "' object is not callable")
	}
	f := fn.O.(*Func)
	if err := ctx.enter(); err != nil {
		return Value{}, err
	}
	defer ctx.leave()
	if len(kw) == 0 {
		if len(args) == 1 && f.F1 != nil {
			return f.F1(ctx, args[0])
		}
		if len(args) == 2 && f.F2 != nil {
			return f.F2(ctx, args[0], args[1])
		}
	}
	if f.Fn != nil {
		return f.Fn(ctx, args, kw)
	}
	name := f.Name
	if f.Class != "" {
		name = f.Class
	}
	if len(kw) > 0 {
		return Value{}, typeError(name + "() takes no keyword arguments")
	}
	switch {
	case f.F1 != nil && f.F2 == nil:
		return Value{}, typeError(name + "() takes exactly one argument (" + strconv.Itoa(len(args)) + " given)")
	case f.F2 != nil && f.F1 == nil:
		return Value{}, typeError(name + " expected 2 arguments, got " + strconv.Itoa(len(args)))
	}
	return Value{}, typeError(name + "() takes 1 or 2 arguments (" + strconv.Itoa(len(args)) + " given)")
}

// funcReprCtx is repr() of a callable in the mode of ctx: Python 2 shows
// type objects as <type 'int'>.
func funcReprCtx(ctx *Context, f *Func) string {
	if f.Class != "" && ctx.py2() {
		return "<type '" + f.Class + "'>"
	}
	return funcRepr(f)
}

// funcRepr is repr() of a callable.
func funcRepr(f *Func) string {
	switch {
	case f.Class != "":
		return "<class '" + f.Class + "'>"
	case f.Lambda:
		name := f.Name
		if name == "" {
			name = "<lambda>"
		}
		return "<function " + name + " at " + addrString(f) + ">"
	case !f.Self.IsUndefined():
		if f.Self.K == ObjectKind {
			return "<bound method " + f.Name + " of " + f.Self.O.(Object).Repr() + ">"
		}
		return "<built-in method " + f.Name + " of " + TypeName(f.Self) + " object at " + addrString(f.Self.O) + ">"
	}
	return "<built-in function " + f.Name + ">"
}

// addrString renders a fake object address like CPython's "0x7f...".
func addrString(o any) string {
	return "0x" + strconv.FormatUint(uint64(addrOf(o)), 16)
}

func addrOf(o any) uintptr {
	if o == nil {
		return 0
	}
	rv := reflect.ValueOf(o)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return rv.Pointer()
	}
	return 0
}

// identity returns a key identifying v's object (for hashing by identity).
func identity(v Value) string {
	if c := typeClass(v); c != "" {
		return "type:" + c
	}
	return strconv.Itoa(int(v.K)) + ":" + strconv.FormatUint(uint64(addrOf(v.O)), 16)
}

// sameObject reports whether a and b are the same object (Python's `is`).
func sameObject(a, b Value) bool {
	if a.K != b.K {
		return false
	}
	switch a.K {
	case Undefined, NoneKind, BoolKind, IntKind, FloatKind:
		return a.N == b.N
	case StrKind, BytesKind:
		// CPython interns short strings; treat equal strings as identical.
		return a.String() == b.String()
	case BigKind:
		return a.O.(interface{}) == b.O.(interface{})
	}
	if ca := typeClass(a); ca != "" {
		// Type objects are singletons in Python; the host may build more
		// than one *Func per type, so the class name is the identity.
		return ca == typeClass(b)
	}
	pa, pb := addrOf(a.O), addrOf(b.O)
	if pa != 0 || pb != 0 {
		return pa == pb
	}
	ra, rb := reflect.ValueOf(a.O), reflect.ValueOf(b.O)
	if ra.Type() != rb.Type() || !ra.Comparable() {
		return false
	}
	return ra.Equal(rb)
}

// typeClass returns the class name of a type object, or "".
func typeClass(v Value) string {
	if v.K != FuncKind {
		return ""
	}
	if f, ok := v.O.(*Func); ok {
		return f.Class
	}
	return ""
}

// numberAttr returns the data attributes of ints and floats (real, imag,
// numerator, denominator), which are values, not methods.
func numberAttr(x Value, name string) (Value, bool) {
	switch x.K {
	case BoolKind, IntKind, BigKind:
		switch name {
		case "real", "numerator":
			if x.K == BoolKind {
				return Int(int64(x.N)), true
			}
			return x, true
		case "imag":
			return Int(0), true
		case "denominator":
			return Int(1), true
		}
	case FloatKind:
		switch name {
		case "real":
			return x, true
		case "imag":
			return Float(0), true
		}
	}
	return Value{}, false
}
