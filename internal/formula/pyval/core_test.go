package pyval

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"
)

func newCtx() *Context { return &Context{Steps: DefaultSteps} }

// show renders a result or an error for table comparisons.
func show(v Value, err error) string { return showIn(newCtx(), v, err) }

// show2 is show with Python 2 repr rules.
func show2(v Value, err error) string { return showIn(&Context{Py2: true}, v, err) }

func showIn(ctx *Context, v Value, err error) string {
	if err != nil {
		return err.Error()
	}
	s, err := Repr(ctx, v)
	if err != nil {
		return "repr failed: " + err.Error()
	}
	return s
}

func big10(n int64) Value { return BigInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil)) }

func TestLimitsFailFast(t *testing.T) {
	ctx := newCtx()
	tests := []struct {
		name string
		run  func() (Value, error)
		want string // prefix of the error
	}{
		{"str repeat", func() (Value, error) { return Binary(ctx, OpMul, Str("a"), big10(10)) }, "MemoryError: result of size 10000000000 exceeds the formula limit of 10000000"},
		{"list repeat", func() (Value, error) { return Binary(ctx, OpMul, NewList([]Value{Int(0)}), Int(1_000_000_000)) }, "MemoryError: result of size 1000000000"},
		// sizes past 64 bits fail as in CPython (OverflowError for str)
		{"repeat overflow", func() (Value, error) { return Binary(ctx, OpMul, Str("ab"), Int(math.MaxInt64)) }, "OverflowError"},
		{"list repeat overflow", func() (Value, error) {
			return Binary(ctx, OpMul, NewList([]Value{None, None}), Int(math.MaxInt64))
		}, "MemoryError"},
		{"huge index", func() (Value, error) { return Binary(ctx, OpMul, Str("a"), big10(20)) }, "OverflowError: cannot fit 'int' into an index-sized integer"},
		{"10**10**10", func() (Value, error) { return Binary(ctx, OpPow, Int(10), big10(10)) }, "MemoryError: int result of about"},
		{"2**big", func() (Value, error) { return Binary(ctx, OpPow, Int(2), big10(30)) }, "MemoryError: int result"},
		{"shift", func() (Value, error) { return Binary(ctx, OpLShift, Int(1), Int(100_000_000)) }, "MemoryError: int result of about 1e+08 bits exceeds the formula limit of 1000000 bits"},
		{"big mul", func() (Value, error) {
			x, _ := Binary(ctx, OpPow, Int(3), Int(400_000))
			return Binary(ctx, OpMul, x, x)
		}, "MemoryError"},
		{"str digits", func() (Value, error) {
			_, err := ToStr(ctx, big10(5000))
			return None, err
		}, "ValueError: Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit"},
		{"format width", func() (Value, error) {
			_, err := FormatValue(ctx, Int(1), "999999999999")
			return None, err
		}, "MemoryError"},
		{"percent width", func() (Value, error) {
			_, err := PercentFormat(ctx, "%999999999d", Int(1), false)
			return None, err
		}, "MemoryError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.run()
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func TestStepBudget(t *testing.T) {
	ctx := &Context{Steps: 1000}
	r, _ := NewRange(0, 1_000_000_000, 1)
	n := 0
	err := Iterate(ctx, r, func(Value) error { n++; return nil })
	if !IsException(err, "MemoryError") || n != 1000 {
		t.Fatalf("got %v after %d items", err, n)
	}
}

func TestBigBoundaries(t *testing.T) {
	ctx := newCtx()
	got := show(Binary(ctx, OpMul, Int(1<<62), Int(4)))
	if got != "18446744073709551616" {
		t.Fatal(got)
	}
	v, _ := Binary(ctx, OpSub, BigInt(new(big.Int).Lsh(big.NewInt(1), 64)), BigInt(new(big.Int).Lsh(big.NewInt(1), 64)))
	if v.K != IntKind || v.Int64() != 0 {
		t.Fatalf("not normalized: %#v", v)
	}
	if s := show(Unary(ctx, UnNeg, Int(math.MinInt64))); s != "9223372036854775808" {
		t.Fatal(s)
	}
}

func TestPy2Mode(t *testing.T) {
	ctx := &Context{Py2: true, Steps: DefaultSteps}
	bin := func(op Op, a, b Value) string { return show2(Binary(ctx, op, a, b)) }
	cmp := func(op CmpOp, a, b Value) string {
		r, err := Compare(ctx, op, a, b)
		return show2(Bool(r), err)
	}
	str := func(v Value) string { s, err := ToStr(ctx, v); return show2(Str(s), err) }
	_, emptySet := NewSet(false)
	set12, set12v := NewSet(false)
	set12.Add(ctx, Int(1))
	set12.Add(ctx, Int(2))
	two70 := BigInt(new(big.Int).Lsh(big.NewInt(1), 70))
	// Expected values checked by hand against Python 2.7 behaviour.
	tests := []struct{ got, want string }{
		{bin(OpDiv, Int(7), Int(2)), "3"},
		{bin(OpDiv, Int(-7), Int(2)), "-4"},
		{bin(OpDiv, Float(7), Int(2)), "3.5"},
		{bin(OpDiv, Int(1), Int(0)), "ZeroDivisionError: integer division or modulo by zero"},
		{bin(OpMod, Int(1), Int(0)), "ZeroDivisionError: integer division or modulo by zero"},
		{bin(OpFloorDiv, Float(1), Float(0)), "ZeroDivisionError: float divmod()"},
		{bin(OpDiv, Float(1), Float(0)), "ZeroDivisionError: float division by zero"},
		{bin(OpPow, Int(-8), Float(0.5)), "ValueError: negative number cannot be raised to a fractional power"},
		{bin(OpAdd, Str("a"), Int(1)), "TypeError: cannot concatenate 'str' and 'int' objects"},
		{bin(OpMod, Str("%d"), Str("x")), "TypeError: %d format: a number is required, not str"},
		{bin(OpDiv, two70, Int(2)), "590295810358705651712L"},
		{cmp(CmpLt, None, Int(-5)), "True"},
		{cmp(CmpGt, None, None), "False"},
		{cmp(CmpLt, None, None), "False"},
		{cmp(CmpLt, Int(5), Str("a")), "True"},
		{cmp(CmpLt, NewList(nil), Str("a")), "True"},                  // 'list' < 'str'
		{cmp(CmpGt, NewTuple(nil), NewList([]Value{Int(1)})), "True"}, // 'tuple' > 'list'
		{cmp(CmpLt, Float(1e300), NewList(nil)), "True"},
		{cmp(CmpLt, NewList([]Value{None}), NewList([]Value{Int(0)})), "True"},
		{cmp(CmpGe, Str("b"), Str("a")), "True"},
		{show2(two70, nil), "1180591620717411303424L"},
		{str(two70), "'1180591620717411303424'"},
		{str(Float(0.1)), "'0.1'"},
		{str(Float(1.0 / 3)), "'0.333333333333'"},
		{show2(Float(1.0/3), nil), "0.3333333333333333"},
		{str(Float(1e16)), "'1e+16'"},
		{str(Float(123456789012.0)), "'1.23456789012e+11'"},
		{str(Float(12345678901.0)), "'12345678901.0'"},
		{str(Float(1234567890123.0)), "'1.23456789012e+12'"},
		{show2(set12v, nil), "set([1, 2])"},
		{show2(emptySet, nil), "set([])"},
		{TypeNameCtx(ctx, two70), "long"},
		{show2(GetItem(ctx, Int(1), Int(0))), "TypeError: 'int' object has no attribute '__getitem__'"},
		{show2(GetItem(ctx, NewList(nil), Int(0))), "IndexError: list index out of range"},
		{show2(Str("caf\xc3\xa9"), nil), `'caf\xc3\xa9'`},
		{show2(NewFunc(&Func{Name: "int", Class: "int"}), nil), "<type 'int'>"},
		{fmtv(ctx, newDictValue(), "<4"), "'{}  '"},
		{fmtv(ctx, None, "x"), "ValueError: Unknown format code 'x' for object of type 'str'"},
		{bin(OpMod, Str("%x|%o|%#o|%#o"), NewTuple([]Value{Float(3.7), Float(-1), Int(8), Int(0)})), "'3|-1|010|0'"},
		{bin(OpMod, Str("%d"), Float(math.Inf(1))), "TypeError: %d format: a number is required, not float"},
		{show2(GetItem(ctx, emptySet, two70)), "IndexError: cannot fit 'long' into an index-sized integer"},
		{show2(GetItem(ctx, emptySet, Int(0))), "TypeError: 'set' object does not support indexing"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("#%d: got %s, want %s", i, tt.got, tt.want)
		}
	}
}

func TestContainers(t *testing.T) {
	ctx := newCtx()
	d, dv := NewDict()
	d.Set(ctx, Int(1), Str("a"))
	d.Set(ctx, Float(1.0), Str("b"))
	d.Set(ctx, True, Str("c"))
	d.Set(ctx, Str("k"), None)
	if got := show(dv, nil); got != "{1: 'c', 'k': None}" {
		t.Fatalf("dict: %s", got)
	}
	d.Delete(ctx, Int(1))
	d.Set(ctx, Int(1), Int(2))
	if got := show(dv, nil); got != "{'k': None, 1: 2}" {
		t.Fatalf("dict reinsertion: %s", got)
	}
	for i := 0; i < 100; i++ {
		d.Set(ctx, Int(int64(i)), Int(int64(i)))
	}
	for i := 0; i < 100; i += 2 {
		d.Delete(ctx, Int(int64(i)))
	}
	if v, ok, _ := d.Get(ctx, Float(51)); !ok || v.Int64() != 51 || d.Len() != 51 {
		t.Fatalf("dict after deletes: %v %v %d", v, ok, d.Len())
	}
	if _, err := GetItem(ctx, dv, Str("nope")); err == nil || err.Error() != "KeyError: 'nope'" {
		t.Fatalf("KeyError: %v", err)
	}
	if err := d.Set(ctx, NewList(nil), None); err == nil || err.Error() != "TypeError: unhashable type: 'list'" {
		t.Fatalf("unhashable: %v", err)
	}
	d.SetStr("ns", Int(7))
	if v, ok := d.GetStr("ns"); !ok || v.Int64() != 7 {
		t.Fatal("GetStr")
	}

	// Self-containing containers.
	l := &List{}
	lv := Value{K: ListKind, O: l}
	l.Items = []Value{Int(1), lv}
	if got := show(lv, nil); got != "[1, [...]]" {
		t.Fatalf("recursive list: %s", got)
	}
	d2, d2v := NewDict()
	d2.Set(ctx, Str("me"), d2v)
	if got := show(d2v, nil); got != "{'me': {...}}" {
		t.Fatalf("recursive dict: %s", got)
	}
	if eq, err := Equal(ctx, lv, lv); !eq || err != nil {
		t.Fatalf("l == l: %v %v", eq, err)
	}
	// Deep nesting fails cleanly instead of overflowing the stack.
	deep := NewList(nil)
	for i := 0; i < 5000; i++ {
		deep = NewList([]Value{deep})
	}
	if _, err := Repr(ctx, deep); !IsException(err, "RecursionError") {
		t.Fatalf("deep repr: %v", err)
	}
	if _, err := Equal(ctx, deep, deep); err != nil {
		t.Fatalf("deep identical equal: %v", err)
	}

	// Dict union and equality.
	a, av := NewDict()
	a.Set(ctx, Int(1), Int(1))
	b, bv := NewDict()
	b.Set(ctx, Int(2), Int(2))
	b.Set(ctx, Int(1), Int(3))
	if got := show(Binary(ctx, OpOr, av, bv)); got != "{1: 3, 2: 2}" {
		t.Fatalf("dict |: %s", got)
	}
	if eq, _ := Equal(ctx, av, bv); eq {
		t.Fatal("dicts should differ")
	}
}

type testObj struct{}

func (testObj) TypeName() string { return "Device" }
func (testObj) GetAttr(ctx *Context, name string) (Value, error) {
	if name == "state" {
		return Str("ON"), nil
	}
	return Value{}, Errorf("AttributeError", "'Device' object has no attribute '%s'", name)
}
func (testObj) Repr() string { return "<Device>" }

func TestCallAndAttr(t *testing.T) {
	ctx := newCtx()
	RegisterMethod(StrKind, "upper", func(ctx *Context, self Value, args []Value, kw []Keyword) (Value, error) {
		return Str(strings.ToUpper(self.String())), nil
	})
	m, err := GetAttr(ctx, Str("abc"), "upper")
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := Repr(ctx, m); !strings.HasPrefix(r, "<built-in method upper of str object at 0x") {
		t.Fatalf("method repr %s", r)
	}
	if got := show(Call(ctx, m, nil, nil)); got != "'ABC'" {
		t.Fatal(got)
	}
	if _, err := GetAttr(ctx, Str("abc"), "foo"); err == nil || err.Error() != "AttributeError: 'str' object has no attribute 'foo'" {
		t.Fatal(err)
	}
	if got := show(GetAttr(ctx, NewObject(testObj{}), "state")); got != "'ON'" {
		t.Fatal(got)
	}
	if got := show(Call(ctx, Int(1), nil, nil)); got != "TypeError: 'int' object is not callable" {
		t.Fatal(got)
	}
	sin := NewFunc(&Func{Name: "sin", F1: func(ctx *Context, a Value) (Value, error) {
		f, err := ToFloat(ctx, a)
		return Float(math.Sin(f)), err
	}})
	if got := show(Call(ctx, sin, []Value{Int(0)}, nil)); got != "0.0" {
		t.Fatal(got)
	}
	if got := show(Call(ctx, sin, []Value{Int(0), Int(1)}, nil)); got != "TypeError: sin() takes exactly one argument (2 given)" {
		t.Fatal(got)
	}
	for _, c := range []struct {
		f    *Func
		want string
	}{
		{&Func{Name: "sin"}, "<built-in function sin>"},
		{&Func{Class: "int"}, "<class 'int'>"},
	} {
		if got, _ := Repr(ctx, NewFunc(c.f)); got != c.want {
			t.Errorf("got %s want %s", got, c.want)
		}
	}
	if got, _ := Repr(ctx, NewFunc(&Func{Lambda: true})); !strings.HasPrefix(got, "<function <lambda> at 0x") {
		t.Error(got)
	}
	// Recursion through Call is bounded.
	var rec Value
	rec = NewFunc(&Func{Name: "rec", Fn: func(ctx *Context, args []Value, kw []Keyword) (Value, error) {
		return Call(ctx, rec, nil, nil)
	}})
	if _, err := Call(ctx, rec, nil, nil); !IsException(err, "RecursionError") {
		t.Fatalf("recursion: %v", err)
	}
}

func TestIterator(t *testing.T) {
	ctx := newCtx()
	i := 0
	it := NewIter("map", func(ctx *Context) (Value, bool, error) {
		if i >= 3 {
			return Value{}, false, nil
		}
		i++
		return Int(int64(i * i)), true, nil
	})
	items, err := Items(ctx, NewIterator(it))
	if err != nil || len(items) != 3 || items[2].Int64() != 9 {
		t.Fatalf("%v %v", items, err)
	}
	if _, ok, _ := it.Next(ctx); ok {
		t.Fatal("iterator not exhausted")
	}
	if r, _ := Repr(ctx, NewIterator(it)); !strings.HasPrefix(r, "<map object at 0x") {
		t.Fatal(r)
	}
	in, err := Contains(ctx, NewIterator(NewIter("gen", func(*Context) (Value, bool, error) { return Int(1), true, nil })), Int(1))
	if !in || err != nil {
		t.Fatal("contains on infinite iterator")
	}
}

func TestFloatReprRoundTrip(t *testing.T) {
	// A deterministic xorshift over all bit patterns: repr must parse back
	// to the same float (python3 agreement is covered by cases.json).
	x := uint64(88172645463325252)
	for i := 0; i < 200000; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		f := math.Float64frombits(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		s := floatRepr(f)
		g, err := strconv.ParseFloat(s, 64)
		if err != nil || g != f {
			t.Fatalf("%v: repr %s parses back as %v (%v)", f, s, g, err)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	ctx := newCtx()
	a, b := Float(1.5), Float(2.25)
	x, y := Int(7), Int(-3)
	n := testing.AllocsPerRun(200, func() {
		Binary(ctx, OpAdd, a, b)
		Binary(ctx, OpMul, a, b)
		Binary(ctx, OpDiv, a, b)
		Binary(ctx, OpFloorDiv, x, y)
		Binary(ctx, OpMod, x, y)
		Binary(ctx, OpAdd, x, True)
		Binary(ctx, OpMul, x, a)
		Binary(ctx, OpPow, x, Int(3))
		Compare(ctx, CmpLt, x, y)
		Compare(ctx, CmpLe, x, a)
		Compare(ctx, CmpEq, a, b)
		Unary(ctx, UnNeg, a)
		Truth(a)
		Hash(a)
		ctx.Step(1)
	})
	if n != 0 {
		t.Fatalf("%v allocations per run", n)
	}
}

// newDictValue returns an empty dict value (a one-value helper for tables).
func newDictValue() Value { _, v := NewDict(); return v }

// fmtv renders format(v, spec) or its error for tables.
func fmtv(ctx *Context, v Value, spec string) string {
	s, err := FormatValue(ctx, v, spec)
	return show2(Str(s), err)
}

// TestTypeObjectsAndNumberAttrs checks identity of type objects and the
// data attributes of numbers.
func TestTypeObjectsAndNumberAttrs(t *testing.T) {
	ctx := newCtx()
	int1, int2 := NewFunc(&Func{Name: "int", Class: "int"}), NewFunc(&Func{Name: "int", Class: "int"})
	flt := NewFunc(&Func{Name: "float", Class: "float"})
	attr := func(v Value, name string) string { return show(GetAttr(ctx, v, name)) }
	cmp := func(op CmpOp, a, b Value) string { r, err := Compare(ctx, op, a, b); return show(Bool(r), err) }
	h1, _ := Hash(int1)
	h2, _ := Hash(int2)
	two70 := BigInt(new(big.Int).Lsh(big.NewInt(1), 70))
	tests := []struct{ got, want string }{
		{cmp(CmpEq, int1, int2), "True"},
		{cmp(CmpIs, int1, int2), "True"},
		{cmp(CmpEq, int1, flt), "False"},
		{cmp(CmpIsNot, int1, flt), "True"},
		{show(Bool(h1 == h2), nil), "True"},
		{attr(Int(5), "real"), "5"},
		{attr(Int(5), "imag"), "0"},
		{attr(Int(-5), "numerator"), "-5"},
		{attr(Int(5), "denominator"), "1"},
		{attr(True, "real"), "1"},
		{attr(two70, "real"), "1180591620717411303424"},
		{attr(Float(2.5), "real"), "2.5"},
		{attr(Float(2.5), "imag"), "0.0"},
		{attr(Float(2.5), "numerator"), "AttributeError: 'float' object has no attribute 'numerator'"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("#%d: got %s, want %s", i, tt.got, tt.want)
		}
	}
}
