package sim

import (
	"math"
	"strings"

	"chaoslab/internal/formula/pylib"
	"chaoslab/internal/formula/pyval"
)

// Python type objects used by the casters, per mode (index 1: Python 2).
var pyTypes [2]struct{ intT, floatT, strT pyval.Value }

func init() {
	for i, py2 := range []bool{false, true} {
		b := pylib.Builtins(py2)
		pyTypes[i].intT, pyTypes[i].floatT, pyTypes[i].strT = b["int"], b["float"], b["str"]
	}
}

func modeIdx(ctx *pyval.Context) int {
	if ctx.Py2 {
		return 1
	}
	return 0
}

// cast applies the caster of DynamicDSTypes entry typ (dynattr.py:L75-180).
func cast(ctx *pyval.Context, typ uint8, v pyval.Value) (pyval.Value, error) {
	t := &dynTypes[typ]
	switch t.format {
	case Scalar:
		return castScalar(ctx, t.cast, v)
	case Spectrum:
		return castSeq(ctx, t.cast, v, false)
	default:
		return castSeq(ctx, t.cast, v, true)
	}
}

// castScalar: float(x), int(x) (truncating), str(x or ”), and the
// string-aware bool (False for ”, '0', 'none', 'false', 'no').
func castScalar(ctx *pyval.Context, k castKind, v pyval.Value) (pyval.Value, error) {
	switch k {
	case castFloat:
		switch v.K {
		case pyval.FloatKind:
			return v, nil
		case pyval.IntKind, pyval.BoolKind:
			return pyval.Float(float64(v.Int64())), nil
		}
		return pyval.Call(ctx, pyTypes[modeIdx(ctx)].floatT, []pyval.Value{v}, nil)
	case castInt:
		switch v.K {
		case pyval.IntKind:
			return v, nil
		case pyval.BoolKind:
			return pyval.Int(v.Int64()), nil
		case pyval.FloatKind:
			f := v.Float64()
			if !math.IsNaN(f) && !math.IsInf(f, 0) && math.Abs(f) < 9e18 {
				return pyval.Int(int64(f)), nil
			}
		}
		return pyval.Call(ctx, pyTypes[modeIdx(ctx)].intT, []pyval.Value{v}, nil)
	case castStr:
		if v.K == pyval.StrKind {
			return v, nil
		}
		if !pyval.Truth(v) {
			return pyval.Str(""), nil
		}
		return pyval.Call(ctx, pyTypes[modeIdx(ctx)].strT, []pyval.Value{v}, nil)
	default:
		switch v.K {
		case pyval.BoolKind:
			return v, nil
		case pyval.StrKind:
			switch strings.ToLower(strings.TrimSpace(v.String())) {
			case "", "0", "none", "false", "no":
				return pyval.False, nil
			}
		}
		return pyval.Bool(pyval.Truth(v)), nil
	}
}

// castSeq casts each element ([float(i) for i in x]); a value without
// __iter__ becomes [] (Python 2 str has none, so strings give [] in both
// modes here). Images cast a list of rows.
func castSeq(ctx *pyval.Context, k castKind, v pyval.Value, image bool) (pyval.Value, error) {
	switch v.K {
	case pyval.ListKind, pyval.TupleKind, pyval.DictKind, pyval.SetKind, pyval.RangeKind, pyval.IterKind:
	default:
		return pyval.NewList(nil), nil
	}
	var items []pyval.Value
	err := pyval.Iterate(ctx, v, func(x pyval.Value) error {
		var c pyval.Value
		var err error
		if image {
			c, err = castSeq(ctx, k, x, false)
		} else {
			c, err = castScalar(ctx, k, x)
		}
		if err != nil {
			return err
		}
		items = append(items, c)
		return nil
	})
	if err != nil {
		return pyval.Value{}, err
	}
	return pyval.NewList(items), nil
}

// toFloat returns the number in a scalar value (for limits and events).
func toFloat(v pyval.Value) (float64, bool) {
	switch v.K {
	case pyval.FloatKind:
		return v.Float64(), true
	case pyval.IntKind, pyval.BoolKind:
		return float64(v.Int64()), true
	}
	return 0, false
}

// sameValue reports whether two attribute values are equal (for change
// detection): numbers by value, strings by content, containers with
// Python equality.
func sameValue(ctx *pyval.Context, a, b pyval.Value) bool {
	if a.K != b.K {
		fa, oka := toFloat(a)
		fb, okb := toFloat(b)
		return oka && okb && fa == fb
	}
	switch a.K {
	case pyval.Undefined, pyval.NoneKind:
		return true
	case pyval.BoolKind, pyval.IntKind:
		return a.N == b.N
	case pyval.FloatKind:
		return a.Float64() == b.Float64()
	case pyval.StrKind, pyval.BytesKind:
		return a.String() == b.String()
	}
	eq, err := pyval.Equal(ctx, a, b)
	return err == nil && eq
}
