package formula

import (
	"testing"

	"chaoslab/internal/formula/pyval"
)

func TestLiteralCall(t *testing.T) {
	g := map[string]pyval.Value{"VAR": pyval.NewFunc(&pyval.Func{Name: "VAR", Fn: func(*pyval.Context, []pyval.Value, []pyval.Keyword) (pyval.Value, error) {
		return pyval.None, nil
	}})}
	for _, tc := range []struct {
		src  string
		lift bool
		host bool // VAR is a host name (shadowed)
		want string
	}{
		{src: "VAR('A', WRITE=True, default=0)", want: "VAR('A', WRITE=True, default=0)"},
		{src: "VAR('A', WRITE=True, default=-2.5)", lift: true, want: "VAR('A', WRITE=True, default=-2.5)"},
		{src: "VAR('A', None, 3)", lift: true, want: "VAR('A', None, 3)"},
		{src: "VAR()", want: "VAR()"},
		{src: "VAR('A', default=x)", want: ""},
		{src: "VAR(*x)", want: ""},
		{src: "VAR(**{'a': 1})", want: ""},
		{src: "VAR('A') + 1", want: ""},
		{src: "nope('A')", want: ""},
		{src: "VAR('A')", host: true, want: ""},
	} {
		opts := &Options{Globals: g, Lift: tc.lift}
		if tc.host {
			opts.HostNames = map[string]bool{"VAR": true}
		}
		p, err := Compile(tc.src, opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		got := ""
		if lc := p.LiteralCall(); lc != nil {
			got = lc.Name + "("
			n := len(lc.Args) - len(lc.Keywords)
			for i, a := range lc.Args {
				if i > 0 {
					got += ", "
				}
				if i >= n {
					got += lc.Keywords[i-n] + "="
				}
				r, err := pyval.Repr(&pyval.Context{}, a.Arg(p, nil))
				if err != nil {
					t.Fatal(err)
				}
				got += r
			}
			got += ")"
		}
		if got != tc.want {
			t.Errorf("%s (lift %v): %q, want %q", tc.src, tc.lift, got, tc.want)
		}
	}
}
