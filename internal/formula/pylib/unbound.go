package pylib

import (
	"chaoslab/internal/formula/pyval"
)

// Unbound methods and class methods reached through type objects:
// str.lower, str.strip, list.append, dict.fromkeys, int.from_bytes ... so
// that map(str.strip, s.split(',')) works as in Python.
//
// pyval resolves attributes of a function value by kind, so these are
// registered on FuncKind and dispatch on the type object's Class; on a
// function that is not a type object they raise AttributeError when called.

// classKinds maps a type object's Class to the kind holding its methods.
var classKinds = map[string]pyval.Kind{
	"str": pyval.StrKind, "unicode": pyval.StrKind, "bytes": pyval.BytesKind,
	"list": pyval.ListKind, "tuple": pyval.TupleKind, "dict": pyval.DictKind,
	"set": pyval.SetKind, "frozenset": pyval.SetKind,
	"int": pyval.IntKind, "long": pyval.IntKind, "bool": pyval.IntKind, "float": pyval.FloatKind,
}

// classMethods are called on the class itself, not an instance.
var classMethods = map[string]map[string]method{
	"dict":  {"fromkeys": dFromkeys},
	"int":   {"from_bytes": iFromBytes},
	"str":   {"maketrans": sMaketrans},
	"float": {"fromhex": fFromhex},
	"bytes": {"fromhex": bFromhex},
}

// bFromhex is bytes.fromhex(s): pairs of hex digits, ASCII whitespace
// allowed between them.
func bFromhex(ctx *context, _ value, args []value, kw []keyword) (value, error) {
	if err := noKw("fromhex", kw); err != nil {
		return value{}, err
	}
	if len(args) != 1 {
		return value{}, typeErr("bytes.fromhex() takes exactly one argument (%d given)", len(args))
	}
	if args[0].K != pyval.StrKind {
		return value{}, typeErr("fromhex() argument must be str, not %s", pyval.TypeName(args[0]))
	}
	s := args[0].String()
	if err := ctx.CheckSize(len(s) / 2); err != nil {
		return value{}, err
	}
	hexVal := func(c byte) int {
		switch {
		case c >= '0' && c <= '9':
			return int(c - '0')
		case c >= 'a' && c <= 'f':
			return int(c-'a') + 10
		case c >= 'A' && c <= 'F':
			return int(c-'A') + 10
		}
		return -1
	}
	bad := func(i int) error {
		return valueErr("non-hexadecimal number found in fromhex() arg at position %d", i)
	}
	out := make([]byte, 0, len(s)/2)
	for i := 0; i < len(s); {
		if c := s[i]; c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' {
			i++
			continue
		}
		hi := hexVal(s[i])
		if hi < 0 {
			return value{}, bad(i)
		}
		if i+1 >= len(s) || hexVal(s[i+1]) < 0 {
			return value{}, bad(i + 1)
		}
		out = append(out, byte(hi<<4|hexVal(s[i+1])))
		i += 2
	}
	return pyval.Bytes(string(out)), nil
}

// sMaketrans is str.maketrans(x[, y[, z]]).
func sMaketrans(ctx *context, _ value, args []value, kw []keyword) (value, error) {
	if err := noKw("maketrans", kw); err != nil {
		return value{}, err
	}
	if len(args) < 1 || len(args) > 3 {
		return value{}, arity("maketrans", args, 1, 3)
	}
	d, dv := pyval.NewDict()
	if len(args) == 1 {
		if args[0].K != pyval.DictKind {
			return value{}, typeErr("if you give only one argument to maketrans it must be a dict")
		}
		err := args[0].O.(*pyval.Dict).Items(func(k, v value) error {
			if k.K == pyval.StrKind {
				rs := []rune(k.String())
				if len(rs) != 1 {
					return valueErr("string keys in translate table must be of length 1")
				}
				k = pyval.Int(int64(rs[0]))
			} else if !isInt(k) {
				return typeErr("keys in translate table must be strings or integers")
			}
			return d.Set(ctx, k, v)
		})
		return dv, err
	}
	if args[0].K != pyval.StrKind || args[1].K != pyval.StrKind {
		return value{}, typeErr("maketrans() argument must be str, not %s", clinicTypeName(args[0]))
	}
	xs, ys := []rune(args[0].String()), []rune(args[1].String())
	if len(xs) != len(ys) {
		return value{}, valueErr("the first two maketrans arguments must have equal length")
	}
	for i := range xs {
		if err := d.Set(ctx, pyval.Int(int64(xs[i])), pyval.Int(int64(ys[i]))); err != nil {
			return value{}, err
		}
	}
	if len(args) == 3 {
		if args[2].K != pyval.StrKind {
			return value{}, typeErr("maketrans() argument 3 must be str, not %s", clinicTypeName(args[2]))
		}
		for _, r := range args[2].String() {
			if err := d.Set(ctx, pyval.Int(int64(r)), pyval.None); err != nil {
				return value{}, err
			}
		}
	}
	return dv, nil
}

// fFromhex is float.fromhex(s).
func fFromhex(ctx *context, _ value, args []value, kw []keyword) (value, error) {
	if err := noKw("fromhex", kw); err != nil {
		return value{}, err
	}
	if len(args) != 1 {
		return value{}, arity("fromhex", args, 1, 1)
	}
	if args[0].K != pyval.StrKind {
		return value{}, typeErr("must be str, not %s", pyval.TypeName(args[0]))
	}
	if f, ok := parseHexFloat(args[0].String()); ok {
		return pyval.Float(f), nil
	}
	return value{}, valueErr("invalid hexadecimal floating-point string")
}

func installUnbound() {
	names := map[string]bool{}
	for _, ms := range registered {
		for n := range ms {
			names[n] = true
		}
	}
	for _, ms := range classMethods {
		for n := range ms {
			names[n] = true
		}
	}
	for n := range names {
		name := n
		pyval.RegisterMethod(pyval.FuncKind, name, func(ctx *context, self value, args []value, kw []keyword) (value, error) {
			return callUnbound(ctx, self, name, args, kw)
		})
	}
}

func callUnbound(ctx *context, self value, name string, args []value, kw []keyword) (value, error) {
	class := self.O.(*pyval.Func).Class
	if cm, ok := classMethods[class][name]; ok {
		return cm(ctx, pyval.None, args, kw)
	}
	k, ok := classKinds[class]
	m := registered[k][name]
	if !ok || m == nil {
		return value{}, pyval.Errorf("AttributeError", "'%s' object has no attribute '%s'", pyval.TypeNameCtx(ctx, self), name)
	}
	if len(args) == 0 {
		return value{}, typeErr("unbound method %s.%s() needs an argument", class, name)
	}
	recv := args[0]
	rk := recv.K
	if rk == pyval.BoolKind || rk == pyval.BigKind {
		rk = pyval.IntKind
	}
	if rk != k || (k == pyval.SetKind && pyval.TypeName(recv) != class) {
		return value{}, typeErr("descriptor '%s' for '%s' objects doesn't apply to a '%s' object", name, class, pyval.TypeNameCtx(ctx, recv))
	}
	return m(ctx, recv, args[1:], kw)
}

func iFromBytes(ctx *context, _ value, args []value, kw []keyword) (value, error) {
	var a [3]value
	p := params{fn: "from_bytes", names: []string{"bytes", "byteorder", "signed"}, npos: 2, nreq: 1, kwOK: true}
	if err := p.bind(args, kw, a[:]); err != nil {
		return value{}, err
	}
	var buf []byte
	if a[0].K == pyval.BytesKind {
		buf = []byte(a[0].String())
	} else {
		err := forEach(ctx, a[0], func(v value) error {
			if !isInt(v) || v.K == pyval.BigKind || v.Int64() < 0 || v.Int64() > 255 {
				return valueErr("bytes must be in range(0, 256)")
			}
			buf = append(buf, byte(v.Int64()))
			return nil
		})
		if err != nil {
			return value{}, err
		}
	}
	order := "big"
	if !a[1].IsUndefined() {
		s, err := strArg("from_bytes", a[1], 2)
		if err != nil {
			return value{}, err
		}
		order = s
	}
	if order != "big" && order != "little" {
		return value{}, valueErr("byteorder must be either 'little' or 'big'")
	}
	if order == "little" {
		for i, j := 0, len(buf)-1; i < j; i, j = i+1, j-1 {
			buf[i], buf[j] = buf[j], buf[i]
		}
	}
	n := bigFromBytes(buf)
	if !a[2].IsUndefined() && pyval.Truth(a[2]) && len(buf) > 0 && buf[0]&0x80 != 0 {
		n.Sub(n, bigOne().Lsh(bigOne(), uint(8*len(buf))))
	}
	return intResult(n), nil
}
