package pylib

import (
	"math"
	"math/big"
	"strings"
	"sync"
	"unicode/utf8"

	"chaoslab/internal/formula/pyval"
)

// typeObj builds a type object: a callable Func whose Class names the type.
func typeObj(name string, f callFn) value {
	return pyval.NewFunc(&pyval.Func{Name: name, Class: name, Fn: f})
}

// typeObjects returns the builtin type objects for the mode.
func typeObjects(py2 bool) map[string]value {
	m := map[string]value{
		"int":       typeObj("int", tInt),
		"float":     typeObj("float", tFloat),
		"str":       typeObj("str", tStr),
		"bool":      typeObj("bool", tBool),
		"list":      typeObj("list", tList),
		"tuple":     typeObj("tuple", tTuple),
		"dict":      typeObj("dict", tDict),
		"set":       typeObj("set", tSet),
		"frozenset": typeObj("frozenset", tFrozenset),
		"bytes":     typeObj("bytes", tBytes),
		"type":      typeObj("type", tType),
		"object":    typeObj("object", tObject),
	}
	if py2 {
		m["range"] = builtin("range", tRange)
		m["xrange"] = typeObj("xrange", tXrange)
		m["long"] = typeObj("long", tLong)
		m["unicode"] = typeObj("unicode", tStr)
		m["basestring"] = typeObj("basestring", func(ctx *context, args []value, kw []keyword) (value, error) {
			return value{}, typeErr("The basestring type cannot be instantiated")
		})
	} else {
		m["range"] = typeObj("range", tRange)
		// Python 3 made map, filter and zip classes (Python 2's return
		// lists and are functions).
		m["map"] = typeObj("map", bMap)
		m["filter"] = typeObj("filter", bFilter)
		m["zip"] = typeObj("zip", bZip)
	}
	m["enumerate"] = typeObj("enumerate", bEnumerate)
	m["reversed"] = typeObj("reversed", bReversed)
	return m
}

// classOf returns the type name isinstance matches against: pyval's
// TypeName, with Python 2's int/long split at the int64 boundary.
func classOf(ctx *context, v value) string {
	if v.K == pyval.FuncKind {
		if f := v.O.(*pyval.Func); f.Class != "" {
			return "type"
		}
	}
	return pyval.TypeNameCtx(ctx, v)
}

// isSubclass reports whether class sub is class sup or derives from it.
func isSubclass(ctx *context, sub, sup string) bool {
	if sub == sup || sup == "object" {
		return true
	}
	switch sup {
	case "int":
		return sub == "bool"
	case "basestring":
		return sub == "str" || sub == "unicode"
	case "unicode", "str":
		// Python 2 mode has a single string type.
		return ctx.Py2 && (sub == "str" || sub == "unicode")
	}
	return false
}

// classArg extracts the class names of isinstance's second argument: a type
// object or a (nested) tuple of them.
func classArg(fname string, t value, out []string) ([]string, error) {
	if t.K == pyval.FuncKind {
		if f := t.O.(*pyval.Func); f.Class != "" {
			return append(out, f.Class), nil
		}
	}
	if t.K == pyval.TupleKind {
		for _, it := range t.O.(*pyval.Tuple).Items {
			var err error
			if out, err = classArg(fname, it, out); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	if fname == "isinstance" {
		return nil, typeErr("isinstance() arg 2 must be a type, a tuple of types, or a union")
	}
	return nil, typeErr("issubclass() arg 2 must be a class, a tuple of classes, or a union")
}

func bIsinstance(ctx *context, x, t value) (value, error) {
	var buf [4]string
	classes, err := classArg("isinstance", t, buf[:0])
	if err != nil {
		return value{}, err
	}
	c := classOf(ctx, x)
	for _, sup := range classes {
		if isSubclass(ctx, c, sup) {
			return pyval.True, nil
		}
	}
	return pyval.False, nil
}

func bIssubclass(ctx *context, x, t value) (value, error) {
	sub := ""
	if x.K == pyval.FuncKind {
		sub = x.O.(*pyval.Func).Class
	}
	if sub == "" {
		return value{}, typeErr("issubclass() arg 1 must be a class")
	}
	var buf [4]string
	classes, err := classArg("issubclass", t, buf[:0])
	if err != nil {
		return value{}, err
	}
	for _, sup := range classes {
		if isSubclass(ctx, sub, sup) {
			return pyval.True, nil
		}
	}
	return pyval.False, nil
}

// sharedTypes caches the type objects type(x) returns, per mode.
var (
	sharedTypesOnce [2]sync.Once
	sharedTypes     [2]map[string]value
)

// typeByName returns the type object for a class name (type(x)).
func typeByName(ctx *context, name string) value {
	mode := 0
	if ctx.Py2 {
		mode = 1
	}
	sharedTypesOnce[mode].Do(func() { sharedTypes[mode] = typeObjects(mode == 1) })
	if t, ok := sharedTypes[mode][name]; ok {
		return t
	}
	return typeObj(name, func(ctx *context, args []value, kw []keyword) (value, error) {
		if name == "NoneType" && len(args) == 0 && len(kw) == 0 {
			return pyval.None, nil
		}
		return value{}, typeErr("cannot create '%s' instances", name)
	})
}

func tType(ctx *context, args []value, kw []keyword) (value, error) {
	if len(args) != 1 || len(kw) > 0 {
		if len(args) == 3 {
			return value{}, pyval.Errorf("NotImplementedError", "type() with 3 arguments is not supported in formulas")
		}
		return value{}, typeErr("type() takes 1 or 3 arguments")
	}
	return typeByName(ctx, classOf(ctx, args[0])), nil
}

func tObject(ctx *context, args []value, kw []keyword) (value, error) {
	return value{}, pyval.Errorf("NotImplementedError", "object() instances are not supported in formulas")
}

func tBool(ctx *context, args []value, kw []keyword) (value, error) {
	if len(kw) > 0 {
		return value{}, typeErr("bool() takes no keyword arguments")
	}
	if len(args) > 1 {
		return value{}, typeErr("bool expected at most 1 argument, got %d", len(args))
	}
	if len(args) == 0 {
		return pyval.False, nil
	}
	return pyval.Bool(pyval.Truth(args[0])), nil
}

func tStr(ctx *context, args []value, kw []keyword) (value, error) {
	var a [3]value
	p := params{fn: "str", names: []string{"object", "encoding", "errors"}, npos: 3, nreq: 0, kwOK: true}
	if err := p.bind(args, kw, a[:]); err != nil {
		return value{}, err
	}
	if a[0].IsUndefined() {
		return pyval.Str(""), nil
	}
	if !a[1].IsUndefined() || !a[2].IsUndefined() {
		if a[0].K != pyval.BytesKind {
			if a[0].K == pyval.StrKind {
				return value{}, typeErr("decoding str is not supported")
			}
			return value{}, typeErr("decoding to str: need a bytes-like object, %s found", pyval.TypeName(a[0]))
		}
		enc, errs := "utf-8", "strict"
		if !a[1].IsUndefined() {
			enc = a[1].String()
		}
		if !a[2].IsUndefined() {
			errs = a[2].String()
		}
		return decodeBytes(a[0].String(), enc, errs)
	}
	if a[0].K == pyval.StrKind {
		return a[0], nil
	}
	s, err := pyval.ToStr(ctx, a[0])
	if err != nil {
		return value{}, err
	}
	return pyval.Str(s), nil
}

func tList(ctx *context, args []value, kw []keyword) (value, error) {
	if len(kw) > 0 {
		return value{}, typeErr("list() takes no keyword arguments")
	}
	if len(args) > 1 {
		return value{}, typeErr("list expected at most 1 argument, got %d", len(args))
	}
	if len(args) == 0 {
		return pyval.NewList(nil), nil
	}
	items, err := collect(ctx, args[0])
	if err != nil {
		return value{}, err
	}
	return newList(ctx, items)
}

func tTuple(ctx *context, args []value, kw []keyword) (value, error) {
	if len(kw) > 0 {
		return value{}, typeErr("tuple() takes no keyword arguments")
	}
	if len(args) > 1 {
		return value{}, typeErr("tuple expected at most 1 argument, got %d", len(args))
	}
	if len(args) == 0 {
		return pyval.NewTuple(nil), nil
	}
	if args[0].K == pyval.TupleKind {
		return args[0], nil
	}
	items, err := collect(ctx, args[0])
	if err != nil {
		return value{}, err
	}
	return pyval.NewTuple(items), nil
}

func newSetFrom(ctx *context, name string, frozen bool, args []value, kw []keyword) (value, error) {
	if len(kw) > 0 {
		return value{}, typeErr("%s() takes no keyword arguments", name)
	}
	if len(args) > 1 {
		return value{}, typeErr("%s expected at most 1 argument, got %d", name, len(args))
	}
	s, v := pyval.NewSet(frozen)
	if len(args) == 0 {
		return v, nil
	}
	var err error
	if k := args[0].K; k == pyval.SetKind || k == pyval.DictKind {
		err = s.Update(ctx, args[0]) // set_merge: CPython copies a set's layout
	} else {
		err = forEach(ctx, args[0], func(x value) error { return s.Add(ctx, x) })
	}
	if err != nil {
		return value{}, err
	}
	return v, nil
}

func tSet(ctx *context, args []value, kw []keyword) (value, error) {
	return newSetFrom(ctx, "set", false, args, kw)
}

func tFrozenset(ctx *context, args []value, kw []keyword) (value, error) {
	return newSetFrom(ctx, "frozenset", true, args, kw)
}

func tDict(ctx *context, args []value, kw []keyword) (value, error) {
	if len(args) > 1 {
		return value{}, typeErr("dict expected at most 1 argument, got %d", len(args))
	}
	d, v := pyval.NewDict()
	if len(args) == 1 {
		if err := dictUpdate(ctx, d, args[0]); err != nil {
			return value{}, err
		}
	}
	for _, k := range kw {
		if err := d.Set(ctx, pyval.Str(k.Name), k.Value); err != nil {
			return value{}, err
		}
	}
	return v, nil
}

// dictUpdate merges a mapping or an iterable of pairs into d.
func dictUpdate(ctx *context, d *pyval.Dict, src value) error {
	if src.K == pyval.DictKind {
		s := src.O.(*pyval.Dict)
		if err := ctx.Step(int64(s.Len())); err != nil {
			return err
		}
		return s.Items(func(k, v value) error { return d.Set(ctx, k, v) })
	}
	if err := checkIterable(src); err != nil {
		return err
	}
	i := 0
	return forEach(ctx, src, func(el value) error {
		pair, err := collect(ctx, el)
		if err != nil {
			if e, ok := err.(*pyval.Exception); ok && e.Type == "TypeError" {
				return typeErr("cannot convert dictionary update sequence element #%d to a sequence", i)
			}
			return err
		}
		if len(pair) != 2 {
			return valueErr("dictionary update sequence element #%d has length %d; 2 is required", i, len(pair))
		}
		i++
		return d.Set(ctx, pair[0], pair[1])
	})
}

// rangeArgs converts range()'s 1-3 int arguments.
func rangeArgs(ctx *context, fname string, args []value, kw []keyword) (start, stop, step int64, err error) {
	if len(kw) > 0 {
		return 0, 0, 0, typeErr("%s() takes no keyword arguments", fname)
	}
	if len(args) == 0 || len(args) > 3 {
		if len(args) == 0 {
			return 0, 0, 0, typeErr("%s expected at least 1 argument, got 0", fname)
		}
		return 0, 0, 0, typeErr("%s expected at most 3 arguments, got %d", fname, len(args))
	}
	var n [3]int64
	for i, a := range args {
		if a.K == pyval.FloatKind && ctx.Py2 {
			return 0, 0, 0, typeErr("range() integer end argument expected, got float.")
		}
		v, err := smallIndex(a)
		if err != nil {
			return 0, 0, 0, err
		}
		n[i] = v
	}
	step = 1
	switch len(args) {
	case 1:
		stop = n[0]
	case 2:
		start, stop = n[0], n[1]
	case 3:
		start, stop, step = n[0], n[1], n[2]
	}
	if step == 0 {
		if ctx.Py2 {
			return 0, 0, 0, valueErr("range() step argument must not be zero")
		}
		return 0, 0, 0, valueErr("range() arg 3 must not be zero")
	}
	return start, stop, step, nil
}

// rangeLen is the number of items of range(start, stop, step).
func rangeLen(start, stop, step int64) uint64 {
	if step > 0 && start < stop {
		return (uint64(stop-start)-1)/uint64(step) + 1
	}
	if step < 0 && start > stop {
		return (uint64(start-stop)-1)/uint64(-step) + 1
	}
	return 0
}

func tRange(ctx *context, args []value, kw []keyword) (value, error) {
	start, stop, step, err := rangeArgs(ctx, "range", args, kw)
	if err != nil {
		return value{}, err
	}
	if !ctx.Py2 {
		return pyval.NewRange(start, stop, step)
	}
	// Python 2: range returns a list.
	n := rangeLen(start, stop, step)
	if n > math.MaxInt32 {
		return value{}, pyval.Errorf("MemoryError", "range() result has too many items")
	}
	if err := ctx.CheckSize(int(n)); err != nil {
		return value{}, err
	}
	if err := ctx.Step(int64(n)); err != nil {
		return value{}, err
	}
	items := make([]value, n)
	for i := range items {
		items[i] = pyval.Int(start + int64(i)*step)
	}
	return pyval.NewList(items), nil
}

func tXrange(ctx *context, args []value, kw []keyword) (value, error) {
	start, stop, step, err := rangeArgs(ctx, "xrange", args, kw)
	if err != nil {
		return value{}, err
	}
	return pyval.NewRange(start, stop, step)
}

func tLong(ctx *context, args []value, kw []keyword) (value, error) {
	return intOf(ctx, args, kw, "long")
}

func tFloat(ctx *context, args []value, kw []keyword) (value, error) {
	if len(kw) > 0 {
		return value{}, typeErr("float() takes no keyword arguments")
	}
	if len(args) > 1 {
		return value{}, typeErr("float expected at most 1 argument, got %d", len(args))
	}
	if len(args) == 0 {
		return pyval.Float(0), nil
	}
	a := args[0]
	switch a.K {
	case pyval.FloatKind:
		return a, nil
	case pyval.IntKind, pyval.BoolKind, pyval.BigKind:
		f, _, err := toFloat(a)
		if err != nil && ctx.Py2 {
			return value{}, pyval.Errorf("OverflowError", "long int too large to convert to float")
		}
		return pyval.Float(f), err
	case pyval.StrKind, pyval.BytesKind:
		// pyval.ToFloat is float()'s text grammar (whitespace as CPython
		// strips it, PEP 515 underscores, signed nan).
		if ctx.Py2 {
			// Python 2's is strtod's (no underscores), and its messages
			// show the text, not its repr.
			t := strings.Trim(a.String(), py2Space)
			if n := floatPrefix(t); n == 0 || n != len(t) {
				return value{}, floatErrPy2(a.String())
			}
		}
		f, err := pyval.ToFloat(ctx, a)
		if err != nil {
			return value{}, err
		}
		return pyval.Float(f), nil
	}
	if ctx.Py2 {
		return value{}, typeErr("float() argument must be a string or a number")
	}
	return value{}, typeErr("float() argument must be a string or a real number, not '%s'", pyval.TypeName(a))
}

// quote is a fallback repr for strings (used only in error messages when
// pyval.Repr is unavailable).
func quote(s string) string {
	if strings.Contains(s, "'") && !strings.Contains(s, "\"") {
		return "\"" + s + "\""
	}
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, "\\", "\\\\"), "'", "\\'") + "'"
}

func tInt(ctx *context, args []value, kw []keyword) (value, error) {
	return intOf(ctx, args, kw, "int")
}

// intOf is int() and Python 2's long() (fn).
func intOf(ctx *context, args []value, kw []keyword, fn string) (value, error) {
	var a [2]value
	p := params{fn: fn, names: []string{"x", "base"}, npos: 2, nreq: 0}
	// x is positional-only (Python 3); base may be a keyword.
	for _, k := range kw {
		if k.Name != "base" && !(ctx.Py2 && k.Name == "x") {
			return value{}, typeErr("'%s' is an invalid keyword argument for %s()", k.Name, fn)
		}
	}
	if len(args) > 2 {
		return value{}, typeErr("%s() takes at most 2 arguments (%d given)", fn, len(args))
	}
	p.kwOK = true
	if err := p.bind(args, kw, a[:]); err != nil {
		return value{}, err
	}
	x, baseV := a[0], a[1]
	if x.IsUndefined() {
		if !baseV.IsUndefined() {
			return value{}, typeErr("%s() missing string argument", fn)
		}
		return pyval.Int(0), nil
	}
	if baseV.IsUndefined() {
		switch x.K {
		case pyval.IntKind, pyval.BigKind:
			return x, nil
		case pyval.BoolKind:
			return pyval.Int(x.Int64()), nil
		case pyval.FloatKind:
			return floatToInt(x.Float64())
		case pyval.StrKind, pyval.BytesKind:
			return parseIntValue(ctx, x, 10, fn)
		}
		if ctx.Py2 {
			return value{}, typeErr("%s() argument must be a string or a number, not '%s'", fn, pyval.TypeName(x))
		}
		return value{}, typeErr("int() argument must be a string, a bytes-like object or a real number, not '%s'", pyval.TypeName(x))
	}
	if x.K != pyval.StrKind && x.K != pyval.BytesKind {
		return value{}, typeErr("%s() can't convert non-string with explicit base", fn)
	}
	b, err := smallIndex(baseV)
	if err != nil {
		return value{}, err
	}
	if b != 0 && (b < 2 || b > 36) {
		return value{}, valueErr("%s() base must be >= 2 and <= 36, or 0", fn)
	}
	return parseIntValue(ctx, x, int(b), fn)
}

// floatToInt truncates toward zero (int(f), math.trunc).
func floatToInt(f float64) (value, error) {
	if math.IsInf(f, 0) {
		return value{}, pyval.Errorf("OverflowError", "cannot convert float infinity to integer")
	}
	if math.IsNaN(f) {
		return value{}, valueErr("cannot convert float NaN to integer")
	}
	t := math.Trunc(f)
	if t >= -9.2e18 && t <= 9.2e18 {
		return pyval.Int(int64(t)), nil
	}
	b, _ := new(big.Float).SetFloat64(t).Int(nil)
	return intResult(b), nil
}

// parseIntValue is int(x, base) (fn: "int", or "long" in Python 2) of a
// str or bytes x.
func parseIntValue(ctx *context, x value, base int, fn string) (value, error) {
	s := x.String()
	if ctx.Py2 {
		if err := ctx.Step(int64(len(s)/64 + 1)); err != nil {
			return value{}, err
		}
		b, read, err := parseIntPy2(ctx, s, base, fn == "long")
		if err != nil {
			return value{}, err
		}
		if b == nil {
			return value{}, intErrPy2(ctx, s, base, read, fn == "long")
		}
		return intResult(b), nil
	}
	if len(s) > 4300 && base != 2 && base != 4 && base != 8 && base != 16 && base != 32 {
		// CPython's int max str digits limit (3.11+).
		if n := len(strings.TrimSpace(s)); n > 4300 {
			return value{}, valueErr("Exceeds the limit (4300 digits) for integer string conversion: value has %d digits; use sys.set_int_max_str_digits() to increase the limit", n)
		}
	}
	if err := ctx.Step(int64(len(s)/64 + 1)); err != nil {
		return value{}, err
	}
	b, ok := parseInt(s, base)
	if !ok {
		r, _ := pyval.Repr(ctx, x)
		if r == "" {
			r = quote(s)
		}
		// CPython's %.200R: the repr cut to 200 characters.
		return value{}, valueErr("invalid literal for int() with base %d: %s", base, pyval.TruncRunes(r, 200))
	}
	return intResult(b), nil
}

// parseInt parses Python int() text: surrounding whitespace, a sign,
// an optional 0x/0o/0b prefix matching base (or any prefix for base 0),
// and single underscores between digits.
func parseInt(s string, base int) (*big.Int, bool) {
	s = strings.TrimFunc(s, isPySpace)
	neg := false
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if len(s) >= 2 && s[0] == '0' {
		p := s[1] | 0x20
		if (p == 'x' && (base == 16 || base == 0)) || (p == 'o' && (base == 8 || base == 0)) || (p == 'b' && (base == 2 || base == 0)) {
			switch p {
			case 'x':
				base = 16
			case 'o':
				base = 8
			case 'b':
				base = 2
			}
			s = s[2:]
			if len(s) > 0 && s[0] == '_' {
				s = s[1:]
			}
		}
	}
	if base == 0 {
		// Base 0 without prefix: decimal, and no leading zeros unless all zero.
		base = 10
		if len(s) > 1 && s[0] == '0' {
			if strings.Trim(s, "0_") != "" {
				return nil, false
			}
		}
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return nil, false
	}
	digits := strings.ReplaceAll(s, "_", "")
	for _, r := range digits {
		d := digitVal(r)
		if d < 0 || d >= base {
			return nil, false
		}
	}
	b, ok := new(big.Int).SetString(asciiDigits(digits), base)
	if !ok {
		return nil, false
	}
	if neg {
		b.Neg(b)
	}
	return b, true
}

// digitVal is the value of a digit character (Unicode decimal digits count,
// as in CPython), or -1.
func digitVal(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= 'a' && r <= 'z':
		return int(r-'a') + 10
	case r >= 'A' && r <= 'Z':
		return int(r-'A') + 10
	}
	if d := unicodeDigit(r); d >= 0 {
		return d
	}
	return -1
}

// asciiDigits maps Unicode decimal digits to ASCII.
func asciiDigits(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			var b strings.Builder
			for _, r := range s {
				if d := unicodeDigit(r); d >= 0 && r >= utf8.RuneSelf {
					b.WriteByte(byte('0' + d))
				} else {
					b.WriteRune(r)
				}
			}
			return b.String()
		}
	}
	return s
}

// isPySpace reports whether r is whitespace for str.strip()/split().
func isPySpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x1f, 0x85, 0xa0,
		0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}
