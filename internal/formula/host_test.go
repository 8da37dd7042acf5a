package formula

import (
	"errors"
	"strings"
	"testing"

	"chaoslab/internal/formula/pyval"
)

// A host function that evaluates another formula (as ATTR does) shares the
// caller's budget and depth; a cycle ends in RecursionError.
func TestNestedEvaluationThroughHost(t *testing.T) {
	progs := map[string]*Program{}
	envs := map[string]*Env{}
	ctx := &pyval.Context{}
	attr := pyval.NewFunc(&pyval.Func{Name: "ATTR", F1: func(ctx *pyval.Context, a pyval.Value) (pyval.Value, error) {
		name := a.String()
		return progs[name].Eval(envs[name])
	}})
	g := map[string]pyval.Value{"ATTR": attr}
	for name, src := range map[string]string{
		"A":    "ATTR('B') + 1",
		"B":    "sum(range(100))",
		"Loop": "ATTR('Loop')",
		"Busy": "sum(ATTR('B') for i in range(1000))",
	} {
		progs[name] = MustCompile(src, &Options{Globals: g})
		envs[name] = progs[name].NewEnv(ctx)
	}
	if v, err := progs["A"].Eval(envs["A"]); err != nil || v != pyval.Int(4951) {
		t.Fatalf("A = %v, %v", v, err)
	}
	_, err := progs["Loop"].Eval(envs["Loop"])
	if err == nil || err.Error() != "RecursionError: maximum recursion depth exceeded" {
		t.Errorf("Loop: %v", err)
	}
	if ctx.Depth != 0 {
		t.Errorf("depth not restored: %d", ctx.Depth)
	}
	// 1000 nested evaluations of B cost ~100 steps each: over a 50k budget.
	envs["Busy"].MaxSteps = 50_000
	if _, err := progs["Busy"].Eval(envs["Busy"]); err == nil || !strings.HasPrefix(err.Error(), "MemoryError") {
		t.Errorf("Busy: want the shared budget exhausted, got %v", err)
	}
	envs["Busy"].MaxSteps = 0
	if _, err := progs["Busy"].Eval(envs["Busy"]); err != nil {
		t.Errorf("Busy with the default budget: %v", err)
	}
}

func TestPanicBecomesSystemError(t *testing.T) {
	boom := pyval.NewFunc(&pyval.Func{Name: "boom", F1: func(*pyval.Context, pyval.Value) (pyval.Value, error) { panic("kaboom") }})
	p := MustCompile("boom(1)", &Options{Globals: map[string]pyval.Value{"boom": boom}})
	ctx := &pyval.Context{}
	_, err := p.Eval(p.NewEnv(ctx))
	var re *RuntimeError
	if !errors.As(err, &re) || re.Err.Type != "SystemError" || !strings.Contains(err.Error(), "kaboom") {
		t.Fatalf("got %v", err)
	}
	if ctx.Depth != 0 {
		t.Errorf("depth not restored: %d", ctx.Depth)
	}
}

func TestHostKeywordCall(t *testing.T) {
	var got []pyval.Keyword
	varFn := pyval.NewFunc(&pyval.Func{Name: "VAR", Fn: func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		got = kw
		return args[0], nil
	}})
	p := MustCompile(`VAR("A", WRITE=True, default=0)`, &Options{Globals: map[string]pyval.Value{"VAR": varFn}})
	v, err := p.Eval(p.NewEnv(&pyval.Context{}))
	if err != nil || v.String() != "A" || len(got) != 2 || got[0].Name != "WRITE" || got[1].Name != "default" {
		t.Fatalf("got %v %v %v", v, err, got)
	}
}

func TestScopes(t *testing.T) {
	cases := []struct{ src, want string }{
		// depth > 1: a lambda inside a comprehension inside a lambda.
		{"(lambda n: [(lambda: n + i)() for i in range(3)])(10)", "[10, 11, 12]"},
		{"(lambda: (w := 4) * w)()", "16"},
		{"[[x + y for y in range(2)] for x in range(2)]", "[[0, 1], [1, 2]]"},
		{"[x for x in range(3) for x in 'ab']", "['a', 'b', 'a', 'b', 'a', 'b']"},
		{"(lambda x: [x for x in 'ab'] + [x])(1)", "['a', 'b', 1]"},
		// the first iterable is evaluated outside: x is the outer one
		{"(lambda x: [x for x in x])([1, 2])", "[1, 2]"},
		{"list(zip(*[(1, 2), (3, 4)]))", "[(1, 3), (2, 4)]"},
		{"(lambda: y)()", "!NameError: name 'y' is not defined"},
		{"g = 1", "!SyntaxError"},
	}
	for _, c := range cases {
		got := show(run(t, c.src, Py3, nil))
		if got != c.want && !(strings.HasPrefix(c.want, "!SyntaxError") && strings.HasPrefix(got, c.want)) {
			t.Errorf("%s\n got %s\nwant %s", c.src, got, c.want)
		}
	}
}

func TestGeneratorIsLazy(t *testing.T) {
	// Would exhaust the step budget if evaluated eagerly.
	for _, src := range []string{"next(x for x in range(10**15) if x > 3)", "any(x > 5 for x in range(10**15))"} {
		got := show(run(t, src, Py3, nil))
		if got != "4" && got != "True" {
			t.Errorf("%s = %s", src, got)
		}
	}
	// The first iterable is evaluated when the generator is created.
	if got := show(run(t, "(x for x in 1)", Py3, nil)); got != "!TypeError: 'int' object is not iterable" {
		t.Errorf("got %s", got)
	}
}

func TestPy2LeakInsideLambda(t *testing.T) {
	got := show(run(t, "(lambda: [i for i in range(3)] and i)()", Py2, nil))
	if got != "2" {
		t.Errorf("got %s", got)
	}
}

func TestConcurrentEnvs(t *testing.T) {
	p := MustCompile("sum([x*k for x in range(100)])", &Options{HostNames: map[string]bool{"k": true}})
	done := make(chan error)
	for w := 0; w < 4; w++ {
		go func(k int64) {
			env := p.NewEnv(&pyval.Context{})
			env.Vars[p.Slot("k")] = pyval.Int(k)
			for i := 0; i < 200; i++ {
				v, err := p.Eval(env)
				if err != nil || v != pyval.Int(4950*k) {
					done <- errors.New("wrong result")
					return
				}
			}
			done <- nil
		}(int64(w))
	}
	for w := 0; w < 4; w++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// Calls of borrowing functions take their argument slices from the Env's
// stack: no allocation, and a host function that evaluates the same
// formula with the same Env (nested) does not clobber its own arguments.
func TestBorrowedArguments(t *testing.T) {
	var p *Program
	var env *Env
	rec := pyval.NewFunc(&pyval.Func{Name: "rec", Fn: func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		n := args[0].Int64()
		if n > 0 {
			saved := env.Vars[0]
			env.Vars[0] = pyval.Int(n - 1)
			if _, err := p.Eval(env); err != nil {
				return pyval.None, err
			}
			env.Vars[0] = saved
		}
		// args and kw must still be this call's.
		return pyval.NewTuple([]pyval.Value{args[0], args[1], kw[0].Value}), nil
	}})
	g := map[string]pyval.Value{"rec": rec}
	p = MustCompile("rec(n, n*10, tag='t%d' % n)", &Options{Globals: g, HostNames: map[string]bool{"n": true}, Borrow: map[string]bool{"rec": true}})
	env = p.NewEnv(&pyval.Context{})
	env.Vars[0] = pyval.Int(3)
	v, err := p.Eval(env)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := pyval.Repr(env.Ctx, v); r != "(3, 30, 't3')" {
		t.Errorf("got %s", r)
	}
	// An argument that raises leaves the stack balanced.
	q := MustCompile("max(x, 1/y, 3)", &Options{HostNames: map[string]bool{"x": true, "y": true}})
	qe := q.NewEnv(&pyval.Context{})
	qe.Vars[0], qe.Vars[1] = pyval.Float(1), pyval.Float(0)
	if _, err := q.Eval(qe); err == nil {
		t.Fatal("no error")
	}
	qe.Vars[1] = pyval.Float(0.25)
	if v, err := q.Eval(qe); err != nil || v != pyval.Float(4) {
		t.Errorf("max = %v, %v", v, err)
	}
	// The call itself allocates nothing (max allocates inside pylib).
	first := pyval.NewFunc(&pyval.Func{Name: "first", Fn: func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		return args[0], nil
	}})
	for _, src := range []string{"first(x, y)", "first(x, y, 3.5)", "first(x, default=y, WRITE=True)"} {
		m := MustCompile(src, &Options{Globals: map[string]pyval.Value{"first": first}, Borrow: map[string]bool{"first": true}, HostNames: map[string]bool{"x": true, "y": true}})
		me := m.NewEnv(&pyval.Context{})
		me.Vars[0], me.Vars[1] = pyval.Float(1), pyval.Float(2)
		if n := testing.AllocsPerRun(100, func() { m.Eval(me) }); n != 0 {
			t.Errorf("%s: %v allocations per evaluation", src, n)
		}
	}
}
