package pylib

import (
	"testing"

	"chaoslab/internal/formula/pyval"
)

// FuzzStrFormat feeds random format strings (and a random argument) to
// str.format: any error must be a Python exception, never a panic.
func FuzzStrFormat(f *testing.F) {
	for _, s := range []string{
		"{}", "{0}", "{a}", "{0[1]}", "{a.b}", "{!r}", "{0!s:>5}", "{:.{}f}", "{{}}", "{",
		"}", "{0!}", "{0[}", "{:{:{}}}", "{0:{1:{2}}}", "{:%}", "{:,d}", "{a[x]!a:^10}", "{é}",
	} {
		f.Add(s, int64(3), "x")
	}
	Install()
	f.Fuzz(func(t *testing.T, format string, n int64, s string) {
		ctx := &pyval.Context{Steps: 100000, MaxSize: 100000}
		d, dv := pyval.NewDict()
		d.SetStr("x", pyval.Int(n))
		args := []pyval.Value{pyval.Int(n), pyval.Str(s), pyval.Float(float64(n) / 7), pyval.NewList([]pyval.Value{pyval.Str(s)}), dv}
		kw := []pyval.Keyword{{Name: "a", Value: pyval.Str(s)}, {Name: "b", Value: dv}}
		m, err := pyval.GetAttr(ctx, pyval.Str(format), "format")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pyval.Call(ctx, m, args, kw); err != nil {
			if _, ok := err.(*pyval.Exception); !ok {
				t.Fatalf("non-Python error %T: %v", err, err)
			}
		}
		fm, _ := pyval.GetAttr(ctx, pyval.Str(format), "format_map")
		_, _ = pyval.Call(ctx, fm, []pyval.Value{dv}, nil)
	})
}
