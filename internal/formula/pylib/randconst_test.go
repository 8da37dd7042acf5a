package pylib

import (
	"math"
	"testing"
)

// TestRandomConstants: the literal constants of random.go are the values
// CPython's random module computes.
func TestRandomConstants(t *testing.T) {
	for _, c := range []struct {
		name      string
		lit, want float64
	}{
		{"NV_MAGICCONST", nvMagic, 4 * crExp(-0.5) / math.Sqrt(2.0)},
		{"LOG4", log4, crLogAny(4.0)},
		{"SG_MAGICCONST", sgMagicConst, 1.0 + crLogAny(4.5)},
	} {
		if c.lit != c.want {
			t.Errorf("%s = %v, computed %v", c.name, c.lit, c.want)
		}
	}
}
