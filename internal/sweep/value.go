package sweep

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"chaoslab/internal/formula/pyval"
)

// Value is one parameter value: int64, float64, string or bool.
type Value = any

// FormatValue renders a value the way it appears in case keys, CSV cells
// and plots: integers without a decimal point, floats in the shortest form
// that reads back exactly.
func FormatValue(v Value) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return strconv.FormatFloat(x, 'g', -1, 64)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return x
	case bool:
		if x {
			return "True"
		}
		return "False"
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// toFloat returns a numeric value as float64 (ok false for strings).
func toFloat(v Value) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case float64:
		return x, true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// toPy converts a parameter value to a formula value.
func toPy(v Value) pyval.Value {
	switch x := v.(type) {
	case int64:
		return pyval.Int(x)
	case int:
		return pyval.Int(int64(x))
	case float64:
		return pyval.Float(x)
	case string:
		return pyval.Str(x)
	case bool:
		return pyval.Bool(x)
	}
	return pyval.None
}

// fromPy converts a formula result to a Go value (int64, float64, string,
// bool, nil, or []any for sequences).
func fromPy(v pyval.Value) (Value, error) {
	switch v.K {
	case pyval.NoneKind:
		return nil, nil
	case pyval.BoolKind:
		return v.N != 0, nil
	case pyval.IntKind:
		return int64(v.N), nil
	case pyval.FloatKind:
		return math.Float64frombits(v.N), nil
	case pyval.StrKind:
		return v.O.(string), nil
	case pyval.ListKind, pyval.TupleKind:
		items, err := pyval.Items(nil, v)
		if err != nil {
			return nil, err
		}
		out := make([]any, len(items))
		for i, it := range items {
			if out[i], err = fromPy(it); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("expression gave a %s; expected a number, string, bool or None", pyval.TypeName(v))
}

// Binding is an ordered set of parameter values (one case's point).
type Binding struct {
	Names  []string
	Values []Value
}

// Get returns the value of a parameter.
func (b Binding) Get(name string) (Value, bool) {
	for i, n := range b.Names {
		if n == name {
			return b.Values[i], true
		}
	}
	return nil, false
}

// Key is the canonical text of a binding ("clients=4,mode=poll"), used to
// recognise finished cases on resume.
func (b Binding) Key() string {
	var sb strings.Builder
	for i, n := range b.Names {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(n)
		sb.WriteByte('=')
		sb.WriteString(FormatValue(b.Values[i]))
	}
	return sb.String()
}

// Map returns the binding as a map.
func (b Binding) Map() map[string]Value {
	m := make(map[string]Value, len(b.Names))
	for i, n := range b.Names {
		m[n] = b.Values[i]
	}
	return m
}
