package pylib

import (
	"math"
	"testing"

	"chaoslab/internal/formula/pyval"
)

// TestFloatTextIsToFloat: float() of text goes through pyval.ToFloat, so
// it strips whitespace exactly as CPython 3.11 does (\x1c-\x1f are not
// stripped: float('\x1c1.5\x1f') is a ValueError there).
func TestFloatTextIsToFloat(t *testing.T) {
	ctx := newCtx()
	fl := Builtins(false)["float"]
	for _, c := range []struct {
		in, want string // want: repr of the value, or the exception text
	}{
		{"\x1c1.5\x1f", `ValueError: could not convert string to float: '\x1c1.5\x1f'`},
		{" 1_0.5 ", "10.5"},
		{"x", "ValueError: could not convert string to float: 'x'"},
	} {
		v, err := pyval.Call(ctx, fl, []pyval.Value{pyval.Str(c.in)}, nil)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got, _ = pyval.Repr(ctx, v)
		}
		if got != c.want {
			t.Errorf("float(%q) = %s, want %s", c.in, got, c.want)
		}
	}
	v, err := pyval.Call(ctx, fl, []pyval.Value{pyval.Str("-nan")}, nil)
	if err != nil || !math.IsNaN(v.Float64()) || !math.Signbit(v.Float64()) {
		t.Errorf("float('-nan') = %v %v, want a NaN with the sign bit", v, err)
	}
}
