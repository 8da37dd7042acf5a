package syntax

import (
	"strings"
	"testing"
)

func mustParse(t *testing.T, src string, opts Options) Expr {
	t.Helper()
	e, err := Parse(src, opts)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return e
}

// TestPy2 checks the Python 2 forms: accepted with Options.Py2, rejected
// with CPython's message otherwise.
func TestPy2(t *testing.T) {
	tests := []struct {
		src, dump, py3Msg string
	}{
		{"0777", "Constant(value=511)", "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"},
		{"0777L", "Constant(value=511)", "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"},
		{"10L", "Constant(value=10)", "invalid decimal literal"},
		{"10l + 1", "BinOp(left=Constant(value=10), op=Add(), right=Constant(value=1))", "invalid decimal literal"},
		{"0xFFL", "Constant(value=255)", "invalid hexadecimal literal"},
		{"123456789012345678901234567890L", "Constant(value=123456789012345678901234567890)", "invalid decimal literal"},
		{"1 <> 2", "Compare(left=Constant(value=1), ops=[NotEq()], comparators=[Constant(value=2)])", "invalid syntax"},
		{"`x`", "Repr(value=Name(id='x'))", "invalid syntax"},
		{"`x + 1, y`", "Repr(value=Tuple(elts=[BinOp(left=Name(id='x'), op=Add(), right=Constant(value=1)), Name(id='y')]))", "invalid syntax"},
		{`ur'\u00e9\n'`, `Constant(value='é\\n')`, "invalid syntax"},
		{`UR"a\x"`, `Constant(value='a\\x')`, "invalid syntax"},
		{"'plain'", "Constant(value='plain')", ""},
		{"lambda (a, b): a", "Lambda(args=arguments(posonlyargs=[], args=[arg(arg='.0', unpack=Tuple(elts=[Name(id='a'), Name(id='b')]))], kwonlyargs=[], kw_defaults=[], defaults=[]), body=Name(id='a'))", "Lambda expression parameters cannot be parenthesized"},
		{"lambda x, (a, (b, c))=y: b", "Lambda(args=arguments(posonlyargs=[], args=[arg(arg='x'), arg(arg='.1', unpack=Tuple(elts=[Name(id='a'), Tuple(elts=[Name(id='b'), Name(id='c')])]))], kwonlyargs=[], kw_defaults=[], defaults=[Name(id='y')]), body=Name(id='b'))", "Lambda expression parameters cannot be parenthesized"},
		{"lambda (a): a", "Lambda(args=arguments(posonlyargs=[], args=[arg(arg='a')], kwonlyargs=[], kw_defaults=[], defaults=[]), body=Name(id='a'))", "Lambda expression parameters cannot be parenthesized"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e := mustParse(t, tt.src, Options{Py2: true})
			if got := Dump(e); got != tt.dump {
				t.Errorf("Py2 dump = %s, want %s", got, tt.dump)
			}
			_, err := Parse(tt.src, Options{})
			if tt.py3Msg == "" {
				if err != nil {
					t.Errorf("Py3: %v", err)
				}
				return
			}
			if err == nil || err.(*Error).Msg != tt.py3Msg {
				t.Errorf("Py3 error = %v, want %q", err, tt.py3Msg)
			}
		})
	}
	if _, err := Parse("0779", Options{Py2: true}); err == nil || !strings.Contains(err.Error(), "invalid digit '9' in octal literal") {
		t.Errorf("0779 in Py2 mode: %v", err)
	}
}

// TestPy2IsSuperset parses every CPython-valid case in Python 2 mode too:
// the dialect only adds forms.
func TestPy2IsSuperset(t *testing.T) {
	for _, c := range loadCases(t) {
		if c.Err != nil || knownDeviations[c.Src] != "" {
			continue
		}
		e, err := Parse(c.Src, Options{Py2: true})
		if err != nil {
			t.Errorf("%q: Py2 mode fails: %v", c.Src, err)
			continue
		}
		if got := Dump(e); got != c.Dump {
			t.Errorf("%q: Py2 dump %s, want %s", c.Src, got, c.Dump)
		}
	}
}

// TestSpans checks positions the compiler relies on, beyond what the
// CPython position dump covers (code-point columns, OpPos, f-string fields).
func TestSpans(t *testing.T) {
	src := "é + (b\n  ** 2)"
	e := mustParse(t, src, Options{}).(*BinOp)
	if e.OpPos != (Pos{Offset: 3, Line: 1, Col: 3}) {
		t.Errorf("OpPos = %+v", e.OpPos)
	}
	if e.Pos() != (Pos{Offset: 0, Line: 1, Col: 1}) || e.End() != (Pos{Offset: len(src), Line: 2, Col: 8}) {
		t.Errorf("span = %+v..%+v", e.Pos(), e.End())
	}
	pow := e.Y.(*BinOp)
	if pow.OpPos != (Pos{Offset: 10, Line: 2, Col: 3}) || pow.Pos().Col != 6 || pow.End().Col != 7 {
		t.Errorf("pow span %+v..%+v op %+v", pow.Pos(), pow.End(), pow.OpPos)
	}

	src = `f"ab{x + 1!r:>{w}}c"`
	js := mustParse(t, src, Options{}).(*JoinedStr)
	fv := js.Values[1].(*FormattedValue)
	if got := src[fv.Pos().Offset:fv.End().Offset]; got != "{x + 1!r:>{w}}" {
		t.Errorf("field span covers %q", got)
	}
	bin := fv.Value.(*BinOp)
	if got := src[bin.Pos().Offset:bin.End().Offset]; got != "x + 1" || bin.Pos().Col != 6 {
		t.Errorf("field expression span covers %q at col %d", got, bin.Pos().Col)
	}
	w := fv.FormatSpec.(*JoinedStr).Values[1].(*FormattedValue).Value.(*Name)
	if w.Id != "w" || src[w.Pos().Offset:w.End().Offset] != "w" {
		t.Errorf("nested field name %q at %+v", w.Id, w.Pos())
	}
}

func TestFreeNames(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{"0.5+square(t)", "square t"},
		{"a + a * b", "a b"},
		{"[x*k for x in xs]", "k xs"},
		{"[x for x in range(n) if x > lim]", "range n lim"},
		{"[y for x in xs for y in x]", "xs"},
		{"[(x, y) for x in a for y in f(x, z)]", "a f z"},
		{"[x for x in x]", "x"},               // the first iterable is read outside
		{"[1 for y in a for x in x]", "a"},    // later iterables are inside: x is the target
		{"{k: v for k, v in d.items()}", "d"}, // tuple targets
		{"[a for [a, *b] in c if b]", "c"},    // starred targets
		{"[q for p.attr in r]", "q p r"},      // attribute targets read p
		{"[i for s[i] in r]", "i s r"},        // subscript targets read s and i
		{"lambda x, y=y0, *a, k=k0, **kw: x + y + a + k + kw + z", "y0 k0 z"},
		{"lambda x: lambda y: x + y + z", "z"},
		{"(lambda x: x)(x)", "x"},
		{"(y := f(y)) + y", "f y"},                   // read before the binding is free
		{"[(last := v) for v in vs] + [last]", "vs"}, // walrus binds outside the comprehension
		{"(n := 10) and n", ""},
		{"f'{a}{b!r:{c}}'", "a b c"},
		{"VAR('x', default=d)", "VAR d"},
		{"any(x > 0 for x in FIND)", "any FIND"},
		{"self.dyn_values['A'].value", "self"},
		{"True and None", ""},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got := strings.Join(FreeNames(mustParse(t, tt.src, Options{})), " ")
			if got != tt.want {
				t.Errorf("FreeNames = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestInspect checks the walk order and that returning false prunes.
func TestInspect(t *testing.T) {
	e := mustParse(t, "f(a, k=b)[c] + (lambda x=d: x)()", Options{})
	var names []string
	Inspect(e, func(n Node) bool {
		switch n := n.(type) {
		case *Name:
			names = append(names, n.Id)
		case *Arg:
			names = append(names, "arg:"+n.Name)
		}
		return true
	})
	if got := strings.Join(names, " "); got != "f a b c arg:x d x" {
		t.Errorf("visit order %q", got)
	}
	count := 0
	Inspect(e, func(n Node) bool {
		if n != nil {
			count++
		}
		_, isCall := n.(*Call)
		return !isCall
	})
	if count != 5 { // BinOp, Subscript, Call (pruned), c, Call (pruned)
		t.Errorf("pruned walk visited %d nodes, want 5", count)
	}
}

// TestNestingLimits feeds pathological nesting: it must fail cleanly
// (no stack exhaustion) with a clear message.
func TestNestingLimits(t *testing.T) {
	tests := []struct {
		name, src, msg string
	}{
		{"parens", strings.Repeat("(", 250) + "1" + strings.Repeat(")", 250), "too many nested parentheses"},
		{"lists", strings.Repeat("[", 250), "too many nested parentheses"},
		{"unary", strings.Repeat("-", 100000) + "1", "expression too deeply nested"},
		{"not", strings.Repeat("not ", 5000) + "x", "expression too deeply nested"},
		{"power", strings.Repeat("2**", 5000) + "2", "expression too deeply nested"},
		{"lambda", strings.Repeat("lambda: ", 5000) + "1", "expression too deeply nested"},
		{"ternary", strings.Repeat("a if b else ", 5000) + "c", "expression too deeply nested"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.src, Options{})
			if err == nil || err.(*Error).Msg != tt.msg {
				t.Fatalf("err = %v, want %q", err, tt.msg)
			}
		})
	}
	// Deep but legal nesting still parses.
	ok := strings.Repeat("(", 150) + "1" + strings.Repeat(")", 150)
	mustParse(t, ok, Options{})
	mustParse(t, strings.Repeat("-", 500)+"1", Options{})
	mustParse(t, "1"+strings.Repeat(" + 1", 100000), Options{}) // long flat chains are loops, not recursion
}
