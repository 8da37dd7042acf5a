package pylib

import (
	"math"
	"math/big"
	"reflect"
	"strings"
	"unicode/utf8"
	"unsafe"

	"chaoslab/internal/formula/pyval"
)

// Builtins returns a fresh map of the Python builtins for the given mode:
// functions and type objects (True, False and None are syntax). The math,
// random and signal names are separate (MathNames, RandomNames,
// SignalNames) because only some hosts put them in the namespace.
func Builtins(py2 bool) map[string]value {
	Install()
	m := map[string]value{
		"abs":        builtin1("abs", bAbs),
		"all":        builtin1("all", bAll),
		"any":        builtin1("any", bAny),
		"bin":        builtin1("bin", func(ctx *context, a value) (value, error) { return intText(a, 2, "0b") }),
		"oct":        builtin1("oct", func(ctx *context, a value) (value, error) { return intTextMode(ctx, a, 8, "0o", "oct") }),
		"hex":        builtin1("hex", func(ctx *context, a value) (value, error) { return intTextMode(ctx, a, 16, "0x", "hex") }),
		"callable":   builtin1("callable", bCallable),
		"id":         builtin1("id", bID),
		"chr":        builtin1("chr", bChr),
		"divmod":     builtin2("divmod", bDivmod),
		"format":     builtin("format", bFormat),
		"getattr":    builtin("getattr", bGetattr),
		"hasattr":    builtin2("hasattr", bHasattr),
		"hash":       builtin1("hash", bHash),
		"isinstance": builtin2("isinstance", bIsinstance),
		"issubclass": builtin2("issubclass", bIssubclass),
		"iter":       builtin("iter", bIter),
		"len":        builtin1("len", bLen),
		"max": builtin("max", func(ctx *context, args []value, kw []keyword) (value, error) {
			return minmax(ctx, "max", pyval.CmpGt, args, kw)
		}),
		"min": builtin("min", func(ctx *context, args []value, kw []keyword) (value, error) {
			return minmax(ctx, "min", pyval.CmpLt, args, kw)
		}),
		"next":   builtin("next", bNext),
		"ord":    builtin1("ord", bOrd),
		"pow":    builtin("pow", bPow),
		"repr":   builtin1("repr", bRepr),
		"round":  builtin("round", bRound),
		"sorted": builtin("sorted", bSorted),
		"sum":    builtin("sum", bSum),
	}
	for name, t := range typeObjects(py2) {
		m[name] = t
	}
	if py2 {
		m["map"] = builtin("map", bMap)
		m["filter"] = builtin("filter", bFilter)
		m["zip"] = builtin("zip", bZip)
		m["cmp"] = builtin2("cmp", bCmp)
		m["reduce"] = builtin("reduce", bReduce)
		m["unichr"] = builtin1("unichr", bUnichr)
		m["apply"] = builtin("apply", bApply)
	} else {
		m["ascii"] = builtin1("ascii", bASCII)
	}
	return m
}

func bAbs(ctx *context, a value) (value, error) {
	switch a.K {
	case pyval.IntKind, pyval.BoolKind:
		i := a.Int64()
		if i >= 0 {
			return pyval.Int(i), nil
		}
		if i == math.MinInt64 {
			return intResult(new(big.Int).Neg(big.NewInt(i))), nil
		}
		return pyval.Int(-i), nil
	case pyval.BigKind:
		return intResult(new(big.Int).Abs(a.O.(*big.Int))), nil
	case pyval.FloatKind:
		return pyval.Float(math.Abs(a.Float64())), nil
	}
	return value{}, typeErr("bad operand type for abs(): '%s'", pyval.TypeName(a))
}

func bAll(ctx *context, a value) (value, error) {
	res := true
	err := forEach(ctx, a, func(v value) error {
		if !pyval.Truth(v) {
			res = false
			return errStop
		}
		return nil
	})
	return pyval.Bool(res), err
}

func bAny(ctx *context, a value) (value, error) {
	res := false
	err := forEach(ctx, a, func(v value) error {
		if pyval.Truth(v) {
			res = true
			return errStop
		}
		return nil
	})
	return pyval.Bool(res), err
}

// intText is bin/oct/hex: "-0x1f" for negative numbers.
// intTextMode is hex() or oct() in the context's mode: Python 2 writes
// octal with a bare "0" prefix ("0" for zero), marks longs (beyond int64)
// with an "L" and refuses non-integers with its own message.
func intTextMode(ctx *context, a value, base int, prefix, name string) (value, error) {
	if !ctx.Py2 {
		return intText(a, base, prefix)
	}
	if !isInt(a) {
		return value{}, typeErr("%s() argument can't be converted to %s", name, name)
	}
	b := bigOf(a)
	if base == 8 {
		prefix = "0"
		if b.Sign() == 0 {
			return pyval.Str("0"), nil
		}
	}
	suffix := ""
	if a.K == pyval.BigKind && !b.IsInt64() {
		suffix = "L"
	}
	if b.Sign() < 0 {
		return pyval.Str("-" + prefix + new(big.Int).Neg(b).Text(base) + suffix), nil
	}
	return pyval.Str(prefix + b.Text(base) + suffix), nil
}

func intText(a value, base int, prefix string) (value, error) {
	b, err := indexArg(a)
	if err != nil {
		return value{}, err
	}
	if b.Sign() < 0 {
		return pyval.Str("-" + prefix + new(big.Int).Neg(b).Text(base)), nil
	}
	return pyval.Str(prefix + b.Text(base)), nil
}

func bCallable(ctx *context, a value) (value, error) {
	if a.K == pyval.FuncKind {
		return pyval.True, nil
	}
	if a.K == pyval.ObjectKind {
		_, ok := a.O.(interface {
			Call(*context, []value, []keyword) (value, error)
		})
		return pyval.Bool(ok), nil
	}
	return pyval.False, nil
}

func bChr(ctx *context, a value) (value, error) {
	if ctx.Py2 {
		// Python 2's chr makes a byte string.
		return charOf(a, 256, "chr() arg not in range(256)")
	}
	return charOf(a, 0x110000, "chr() arg not in range(0x110000)")
}

// bUnichr is Python 2's unichr.
func bUnichr(ctx *context, a value) (value, error) {
	return charOf(a, 0x110000, "unichr() arg not in range(0x110000) (wide Python build)")
}

// charOf is the one-character string of code point a, below limit (else
// the ValueError outOfRange).
func charOf(a value, limit int64, outOfRange string) (value, error) {
	if !isInt(a) {
		return value{}, typeErr("'%s' object cannot be interpreted as an integer", pyval.TypeName(a))
	}
	if a.K == pyval.BigKind {
		return value{}, pyval.Errorf("OverflowError", "Python int too large to convert to C int")
	}
	if i := a.Int64(); i >= 0 && i < limit {
		return pyval.Str(string(rune(i))), nil
	}
	return value{}, valueErr("%s", outOfRange)
}

func bOrd(ctx *context, a value) (value, error) {
	switch a.K {
	case pyval.StrKind:
		s := a.String()
		if n := utf8.RuneCountInString(s); n != 1 {
			return value{}, typeErr("ord() expected a character, but string of length %d found", n)
		}
		r, _ := utf8.DecodeRuneInString(s)
		return pyval.Int(int64(r)), nil
	case pyval.BytesKind:
		s := a.String()
		if len(s) != 1 {
			return value{}, typeErr("ord() expected a character, but string of length %d found", len(s))
		}
		return pyval.Int(int64(s[0])), nil
	}
	return value{}, typeErr("ord() expected string of length 1, but %s found", pyval.TypeName(a))
}

func bDivmod(ctx *context, a, b value) (value, error) {
	if !isNumber(a) || !isNumber(b) {
		return value{}, typeErr("unsupported operand type(s) for divmod(): '%s' and '%s'", pyval.TypeName(a), pyval.TypeName(b))
	}
	// pyval.DivMod, not // then %: the float error is "float divmod()".
	q, r, err := pyval.DivMod(ctx, a, b)
	if err != nil {
		return value{}, err
	}
	return pyval.NewTuple([]value{q, r}), nil
}

func bFormat(ctx *context, args []value, kw []keyword) (value, error) {
	if err := noKw("format", kw); err != nil {
		return value{}, err
	}
	if err := arity("format", args, 1, 2); err != nil {
		return value{}, err
	}
	var a [2]value
	copy(a[:], args)
	spec := ""
	if !a[1].IsUndefined() {
		if a[1].K != pyval.StrKind {
			return value{}, typeErr("format() argument 2 must be str, not %s", clinicTypeName(a[1]))
		}
		spec = a[1].String()
	}
	s, err := pyval.FormatValue(ctx, a[0], spec)
	if err != nil {
		return value{}, err
	}
	return pyval.Str(s), nil
}

func isAttrErr(err error) bool {
	e, ok := err.(*pyval.Exception)
	return ok && e.Type == "AttributeError"
}

func bGetattr(ctx *context, args []value, kw []keyword) (value, error) {
	if err := noKw("getattr", kw); err != nil {
		return value{}, err
	}
	if len(args) < 2 {
		return value{}, typeErr("getattr expected at least 2 arguments, got %d", len(args))
	}
	if len(args) > 3 {
		return value{}, typeErr("getattr expected at most 3 arguments, got %d", len(args))
	}
	if args[1].K != pyval.StrKind {
		return value{}, typeErr("attribute name must be string, not '%s'", pyval.TypeName(args[1]))
	}
	v, err := pyval.GetAttr(ctx, args[0], args[1].String())
	if err != nil && len(args) == 3 && isAttrErr(err) {
		return args[2], nil
	}
	return v, err
}

func bHasattr(ctx *context, a, name value) (value, error) {
	if name.K != pyval.StrKind {
		return value{}, typeErr("attribute name must be string, not '%s'", pyval.TypeName(name))
	}
	_, err := pyval.GetAttr(ctx, a, name.String())
	if err != nil {
		if isAttrErr(err) {
			return pyval.False, nil
		}
		return value{}, err
	}
	return pyval.True, nil
}

func bHash(ctx *context, a value) (value, error) {
	h, err := pyval.Hash(a)
	if err != nil {
		return value{}, err
	}
	return pyval.Int(int64(h)), nil
}

func bLen(ctx *context, a value) (value, error) {
	n, err := pyval.Len(ctx, a)
	if err != nil {
		return value{}, err
	}
	return pyval.Int(int64(n)), nil
}

func bRepr(ctx *context, a value) (value, error) {
	s, err := pyval.Repr(ctx, a)
	if err != nil {
		return value{}, err
	}
	return pyval.Str(s), nil
}

func bASCII(ctx *context, a value) (value, error) {
	s, err := pyval.Repr(ctx, a)
	if err != nil {
		return value{}, err
	}
	return pyval.Str(asciiEscape(s)), nil
}

// asciiEscape replaces non-ASCII code points as ascii() does.
func asciiEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r < 0x100:
			b.WriteString("\\x")
			b.WriteString(hex2(uint64(r), 2))
		case r < 0x10000:
			b.WriteString("\\u")
			b.WriteString(hex2(uint64(r), 4))
		default:
			b.WriteString("\\U")
			b.WriteString(hex2(uint64(r), 8))
		}
	}
	return b.String()
}

func hex2(v uint64, width int) string {
	const digits = "0123456789abcdef"
	buf := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		buf[i] = digits[v&15]
		v >>= 4
	}
	return string(buf)
}

func bPow(ctx *context, args []value, kw []keyword) (value, error) {
	var a [3]value
	p := params{fn: "pow", names: []string{"base", "exp", "mod"}, npos: 3, nreq: 2, kwOK: true}
	if err := p.bind(args, kw, a[:]); err != nil {
		return value{}, err
	}
	if a[2].IsUndefined() || isNone(a[2]) {
		return pyval.Binary(ctx, pyval.OpPow, a[0], a[1])
	}
	if !isInt(a[0]) || !isInt(a[1]) || !isInt(a[2]) {
		if isNumber(a[0]) && isNumber(a[1]) && isNumber(a[2]) {
			return value{}, typeErr("pow() 3rd argument not allowed unless all arguments are integers")
		}
		return value{}, typeErr("unsupported operand type(s) for ** or pow(): '%s', '%s', '%s'",
			pyval.TypeName(a[0]), pyval.TypeName(a[1]), pyval.TypeName(a[2]))
	}
	base, exp, mod := bigOf(a[0]), bigOf(a[1]), bigOf(a[2])
	if mod.Sign() == 0 {
		return value{}, valueErr("pow() 3rd argument cannot be 0")
	}
	m := new(big.Int).Abs(mod)
	if err := ctx.Step(int64(exp.BitLen()) * int64(m.BitLen()/64+1)); err != nil {
		return value{}, err
	}
	b := new(big.Int).Mod(base, m)
	e := exp
	if exp.Sign() < 0 {
		inv := new(big.Int).ModInverse(b, m)
		if inv == nil || (m.Cmp(big.NewInt(1)) != 0 && new(big.Int).GCD(nil, nil, b, m).Cmp(big.NewInt(1)) != 0) {
			return value{}, valueErr("base is not invertible for the given modulus")
		}
		b = inv
		e = new(big.Int).Neg(exp)
	}
	r := new(big.Int).Exp(b, e, m)
	if mod.Sign() < 0 && r.Sign() != 0 {
		r.Add(r, mod)
	}
	return intResult(r), nil
}

func bCmp(ctx *context, a, b value) (value, error) {
	lt, err := pyval.Compare(ctx, pyval.CmpLt, a, b)
	if err != nil {
		return value{}, err
	}
	if lt {
		return pyval.Int(-1), nil
	}
	gt, err := pyval.Compare(ctx, pyval.CmpGt, a, b)
	if err != nil {
		return value{}, err
	}
	if gt {
		return pyval.Int(1), nil
	}
	// Unordered (a NaN): Python 2 falls back to its default order, which
	// for numbers of two types follows the type objects' addresses in the
	// interpreter: bool, float, int, long in every CPython 2.7 build. Two
	// numbers of one type are ordered by their own addresses, which nothing
	// can reproduce; 0 then.
	if ra, rb := numTypeRank(a), numTypeRank(b); ra >= 0 && rb >= 0 && ra != rb {
		if ra < rb {
			return pyval.Int(-1), nil
		}
		return pyval.Int(1), nil
	}
	return pyval.Int(0), nil
}

// numTypeRank orders Python 2's numeric types as their type objects lie in
// memory (boolobject.o, floatobject.o, intobject.o, longobject.o), or -1.
func numTypeRank(v value) int {
	switch v.K {
	case pyval.BoolKind:
		return 0
	case pyval.FloatKind:
		return 1
	case pyval.IntKind:
		return 2
	case pyval.BigKind:
		return 3
	}
	return -1
}

func bReduce(ctx *context, args []value, kw []keyword) (value, error) {
	if err := noKw("reduce", kw); err != nil {
		return value{}, err
	}
	if len(args) < 2 || len(args) > 3 {
		return value{}, typeErr("reduce expected at least 2 arguments, got %d", len(args))
	}
	fn := args[0]
	acc := value{}
	if len(args) == 3 {
		acc = args[2]
	}
	var buf [2]value
	err := forEach(ctx, args[1], func(v value) error {
		if acc.IsUndefined() {
			acc = v
			return nil
		}
		buf[0], buf[1] = acc, v
		r, err := pyval.Call(ctx, fn, buf[:], nil)
		acc = r
		return err
	})
	if err != nil {
		return value{}, err
	}
	if acc.IsUndefined() {
		return value{}, typeErr("reduce() of empty sequence with no initial value")
	}
	return acc, nil
}

func bApply(ctx *context, args []value, kw []keyword) (value, error) {
	if err := noKw("apply", kw); err != nil {
		return value{}, err
	}
	if len(args) < 1 || len(args) > 3 {
		return value{}, typeErr("apply expected at least 1 arguments, got %d", len(args))
	}
	var pos []value
	if len(args) > 1 {
		items, err := collect(ctx, args[1])
		if err != nil {
			return value{}, err
		}
		pos = items
	}
	var kws []keyword
	if len(args) > 2 {
		if args[2].K != pyval.DictKind {
			return value{}, typeErr("apply() arg 3 expected dictionary, found %s", pyval.TypeName(args[2]))
		}
		err := args[2].O.(*pyval.Dict).Items(func(k, v value) error {
			if k.K != pyval.StrKind {
				return typeErr("keywords must be strings")
			}
			kws = append(kws, keyword{Name: k.String(), Value: v})
			return nil
		})
		if err != nil {
			return value{}, err
		}
	}
	return pyval.Call(ctx, args[0], pos, kws)
}

// minmax implements min and max: one iterable or several positional
// arguments, key= and default= keywords.
func minmax(ctx *context, name string, op pyval.CmpOp, args []value, kw []keyword) (value, error) {
	var key, def value
	for _, k := range kw {
		switch k.Name {
		case "key":
			key = k.Value
		case "default":
			def = k.Value
		default:
			return value{}, typeErr("'%s' is an invalid keyword argument for %s()", k.Name, name)
		}
	}
	if len(args) == 0 {
		if ctx.Py2 {
			return value{}, typeErr("%s expected 1 arguments, got 0", name)
		}
		return value{}, typeErr("%s expected at least 1 argument, got 0", name)
	}
	if isNone(key) {
		key = value{}
	}
	if len(args) > 1 && !def.IsUndefined() {
		return value{}, typeErr("Cannot specify a default for %s() with multiple positional arguments", name)
	}
	if len(args) > 1 {
		m := minMaxState{op: op, key: key}
		if err := ctx.Step(int64(len(args))); err != nil {
			return value{}, err
		}
		// A plain loop (no closure for forEach): max(x, y) of numbers does
		// not allocate.
		for _, v := range args {
			if err := m.visit(ctx, v); err != nil {
				return value{}, err
			}
		}
		return m.best, nil
	}
	m := &minMaxState{op: op, key: key}
	if err := forEach(ctx, args[0], func(v value) error { return m.visit(ctx, v) }); err != nil {
		return value{}, err
	}
	best := m.best
	if best.IsUndefined() {
		if !def.IsUndefined() {
			return def, nil
		}
		return value{}, valueErr("%s() arg is an empty sequence", name)
	}
	return best, nil
}

// minMaxState is the running best of min/max (CPython's min_max: the
// first of equal items wins).
type minMaxState struct {
	op            pyval.CmpOp
	key           value
	best, bestKey value
}

func (m *minMaxState) visit(ctx *context, v value) error {
	k := v
	if !m.key.IsUndefined() {
		r, err := pyval.Call(ctx, m.key, []value{v}, nil)
		if err != nil {
			return err
		}
		k = r
	}
	if m.best.IsUndefined() {
		m.best, m.bestKey = v, k
		return nil
	}
	better, err := fastCompare(ctx, m.op, k, m.bestKey)
	if err != nil {
		return err
	}
	if better {
		m.best, m.bestKey = v, k
	}
	return nil
}

// fastCompare is pyval.Compare with inline paths for same-kind numbers and
// strings, which dominate sorting and min/max.
func fastCompare(ctx *context, op pyval.CmpOp, a, b value) (bool, error) {
	if a.K == b.K {
		switch a.K {
		case pyval.IntKind:
			x, y := a.Int64(), b.Int64()
			switch op {
			case pyval.CmpLt:
				return x < y, nil
			case pyval.CmpGt:
				return x > y, nil
			}
		case pyval.FloatKind:
			x, y := a.Float64(), b.Float64()
			switch op {
			case pyval.CmpLt:
				return x < y, nil
			case pyval.CmpGt:
				return x > y, nil
			}
		case pyval.StrKind:
			x, y := a.String(), b.String()
			switch op {
			case pyval.CmpLt:
				return x < y, nil
			case pyval.CmpGt:
				return x > y, nil
			}
		}
	}
	return pyval.Compare(ctx, op, a, b)
}

func bSum(ctx *context, args []value, kw []keyword) (value, error) {
	var a [2]value
	p := params{fn: "sum", names: []string{"iterable", "start"}, npos: 2, nreq: 1, kwOK: true}
	// start is positional-or-keyword, iterable positional-only.
	for _, k := range kw {
		if k.Name != "start" {
			return value{}, typeErr("'%s' is an invalid keyword argument for sum()", k.Name)
		}
	}
	if len(args) > 2 {
		return value{}, typeErr("sum() takes at most 2 arguments (%d given)", len(args))
	}
	if len(args) == 0 {
		return value{}, typeErr("sum() takes at least 1 positional argument (0 given)")
	}
	if err := p.bind(args, kw, a[:]); err != nil {
		return value{}, err
	}
	acc := pyval.Int(0)
	if !a[1].IsUndefined() {
		acc = a[1]
		switch acc.K {
		case pyval.StrKind:
			return value{}, typeErr("sum() can't sum strings [use ''.join(seq) instead]")
		case pyval.BytesKind:
			return value{}, typeErr("sum() can't sum bytes [use b''.join(seq) instead]")
		}
	}
	err := forEach(ctx, a[0], func(v value) error {
		// Fast paths: int64 without overflow, float + float.
		if acc.K == pyval.IntKind && v.K == pyval.IntKind {
			x, y := acc.Int64(), v.Int64()
			s := x + y
			if (s > x) == (y > 0) {
				acc = pyval.Int(s)
				return nil
			}
		} else if acc.K == pyval.FloatKind && v.K == pyval.FloatKind {
			acc = pyval.Float(acc.Float64() + v.Float64())
			return nil
		}
		r, err := pyval.Binary(ctx, pyval.OpAdd, acc, v)
		acc = r
		return err
	})
	if err != nil {
		return value{}, err
	}
	return acc, nil
}

func bIter(ctx *context, args []value, kw []keyword) (value, error) {
	if err := noKw("iter", kw); err != nil {
		return value{}, err
	}
	if len(args) != 1 {
		if len(args) == 2 {
			return value{}, typeErr("iter(v, w): v must be callable")
		}
		return value{}, arity("iter", args, 1, 2)
	}
	if args[0].K == pyval.IterKind {
		return args[0], nil
	}
	if err := checkIterable(args[0]); err != nil {
		return value{}, err
	}
	next, err := pull(ctx, args[0])
	if err != nil {
		return value{}, err
	}
	return makeIter(ctx, iterName(args[0]), next)
}

// iterName is the type name of iter(x): list_iterator, str_ascii_iterator ...
func iterName(x value) string {
	switch x.K {
	case pyval.StrKind:
		return "str_ascii_iterator"
	case pyval.RangeKind:
		return "range_iterator"
	case pyval.DictKind:
		return "dict_keyiterator"
	case pyval.SetKind:
		return "set_iterator"
	case pyval.BytesKind:
		return "bytes_iterator"
	}
	return pyval.TypeName(x) + "_iterator"
}

func bNext(ctx *context, args []value, kw []keyword) (value, error) {
	if err := noKw("next", kw); err != nil {
		return value{}, err
	}
	if len(args) < 1 || len(args) > 2 {
		return value{}, arity("next", args, 1, 2)
	}
	if args[0].K != pyval.IterKind {
		return value{}, typeErr("'%s' object is not an iterator", pyval.TypeName(args[0]))
	}
	v, ok, err := args[0].O.(*pyval.Iterator).Next(ctx)
	if err != nil {
		return value{}, err
	}
	if !ok {
		if len(args) == 2 {
			return args[1], nil
		}
		return value{}, &pyval.Exception{Type: "StopIteration"}
	}
	return v, nil
}

// bID is id(x): the address of x's object for values that have one; scalars
// (int, float, bool, None) get a number derived from their kind and bits,
// equal for equal payloads as CPython's cached small ints are.
func bID(ctx *context, a value) (value, error) {
	if a.O != nil {
		rv := reflect.ValueOf(a.O)
		switch rv.Kind() {
		case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func:
			return pyval.Int(int64(rv.Pointer())), nil
		case reflect.String:
			if s := a.String(); s != "" {
				return pyval.Int(int64(uintptr(unsafe.Pointer(unsafe.StringData(s))))), nil
			}
		}
	}
	h := uint64(a.K)*0x9e3779b97f4a7c15 ^ a.N*0xbf58476d1ce4e5b9
	return pyval.Int(int64(0x7f0000000000 | h>>24&0xffffffffff0)), nil
}
