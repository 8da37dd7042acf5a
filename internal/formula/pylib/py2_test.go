package pylib

import (
	"errors"
	"testing"

	"chaoslab/internal/formula/pyval"
)

// Python 2 is not on the machine, so these expectations are written by hand
// from Python 2.7's documented behaviour.
func TestPy2Builtins(t *testing.T) {
	ns := Builtins(true)
	for k, v := range MathNames() {
		ns[k] = v
	}
	tests := []struct{ expr, want string }{
		{"range(3)", "[0, 1, 2]"},
		{"range(1, 10, 4)", "[1, 5, 9]"},
		{"range(5, 0, -2)", "[5, 3, 1]"},
		{"xrange(3)", "xrange(3)"},
		{"list(xrange(1, 4))", "[1, 2, 3]"},
		{"map(abs, [-1, 2])", "[1, 2]"},
		{"map(None, [1, 2], [3])", "[(1, 3), (2, None)]"},
		{"filter(None, [0, 1, 2])", "[1, 2]"},
		{"filter(None, 'a b')", "'a b'"},
		{"filter(None, (0, 1))", "(1,)"},
		{"zip([1, 2], 'ab')", "[(1, 'a'), (2, 'b')]"},
		{"round(2.5)", "3.0"},
		{"round(-0.5)", "-1.0"},
		{"round(0.5)", "1.0"},
		{"round(2.675, 2)", "2.67"},
		{"round(0.125, 2)", "0.13"},
		{"round(5)", "5.0"},
		{"round(1250, -2)", "1300.0"},
		{"cmp(1, 2)", "-1"},
		{"cmp('b', 'a')", "1"},
		{"cmp(3, 3)", "0"},
		{"reduce(pow, [2, 3, 2])", "64"},
		{"reduce(pow, [], 7)", "7"},
		{"unichr(97)", "'a'"},
		{"apply(pow, (2, 5))", "32"},
		{"long(5)", "5"},
		{"long('12')", "12"},
		{"isinstance('a', basestring)", "True"},
		{"isinstance('a', unicode)", "True"},
		{"isinstance(1, long)", "False"},
		{"isinstance(10**20, long)", "True"},
		{"isinstance(10**20, (int, long))", "True"},
		{"sorted([3, 1, 2], cmp=cmp)", "[1, 2, 3]"},
		{"sorted([3, 1, 2], cmp=cmp, reverse=True)", "[3, 2, 1]"},
		{"after([3, 1, 2], 'sort', cmp)", "(None, [1, 2, 3])"},
		{"{'a': 1, 'b': 2}.keys()", "['a', 'b']"},
		{"{'a': 1, 'b': 2}.values()", "[1, 2]"},
		{"{'a': 1}.items()", "[('a', 1)]"},
		{"{'a': 1}.has_key('a')", "True"},
		{"{'a': 1}.has_key('b')", "False"},
		{"list({'a': 1}.iteritems())", "[('a', 1)]"},
		{"list(enumerate('ab'))", "[(0, 'a'), (1, 'b')]"},
		{"sum(range(4))", "6"},
		{"max(range(4))", "3"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			ns := testNamespace(false)
			for k, v := range Builtins(true) {
				ns[k] = v
			}
			if _, ok := ns["ascii"]; ok {
				delete(ns, "ascii")
			}
			ctx := newCtx()
			ctx.Py2 = true
			v, err := miniEval(ctx, ns, tc.expr)
			if err != nil {
				t.Fatal(err)
			}
			got, err := pyval.Repr(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("want %s got %s", tc.want, got)
			}
		})
	}
	if _, ok := ns["ascii"]; ok {
		t.Error("Python 2 builtins must not have ascii")
	}
	if _, ok := Builtins(false)["xrange"]; ok {
		t.Error("Python 3 builtins must not have xrange")
	}
}

func TestPy2OnlyMethodsFailInPy3(t *testing.T) {
	ctx := newCtx()
	_, err := miniEval(ctx, testNamespace(false), "{'a': 1}.has_key('a')")
	var e *pyval.Exception
	if !errors.As(err, &e) || e.Type != "AttributeError" {
		t.Fatalf("want AttributeError, got %v", err)
	}
}
