package syntax

import (
	"fmt"
	"testing"
	"time"
)

// FuzzParse checks that no input panics or hangs, that errors carry sane
// positions and render, and that accepted input gives a deterministic tree
// whose spans lie inside the source.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"DevDouble(VAR('GridV', default=-72.0 * (1+2*sin((int(PROPERTY(\"OFFSET\")))+t))))",
		"0 < Current < 20 and not Alarm", "[x for x in y if x]", "lambda a, /, b=1, *c, d, **e: 0",
		"f'{x!r:>{w}}'", "a[1:2, ::3]", "{**a, 1: 2}", "(x := 1)", "`x` <> 0777L", "é + 'ü\\N{BULLET}'",
		"'''a\nb'''", "(1,\n 2)", "1 + \\\n 2", "b'\\xff'", "f(*a, **k)", "x if y else z",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, src string, py2 bool) {
		opts := Options{Py2: py2}
		// A watchdog turns a hang into a crash that the fuzzer records.
		wd := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("Parse hangs on %q (py2=%v)", src, py2)) })
		defer wd.Stop()
		e, err := Parse(src, opts)
		if err != nil {
			se, ok := err.(*Error)
			if !ok {
				t.Fatalf("error of type %T", err)
			}
			if se.Pos.Line < 1 || se.Pos.Col < 1 || se.Pos.Offset < 0 || se.Pos.Offset > len(src) {
				t.Fatalf("bad error position %+v for %q (len %d)", se.Pos, src, len(src))
			}
			_ = se.Excerpt()
			_ = se.Error()
			return
		}
		d1 := Dump(e)
		e2, err := Parse(src, opts)
		if err != nil || Dump(e2) != d1 {
			t.Fatalf("non-deterministic parse of %q", src)
		}
		_ = FreeNames(e)
		Inspect(e, func(n Node) bool {
			if n == nil {
				return true
			}
			p, q := n.Pos(), n.End()
			if p.Offset < 0 || q.Offset > len(src) || p.Offset > q.Offset || p.Line < 1 || p.Col < 1 {
				t.Fatalf("%T span %+v..%+v out of %q", n, p, q, src)
			}
			return true
		})
	})
}
