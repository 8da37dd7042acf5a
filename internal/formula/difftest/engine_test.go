package difftest

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"chaoslab/internal/formula"
	"chaoslab/internal/formula/pylib"
	"chaoslab/internal/formula/pyval"
)

// This file is the only one that touches the formula API, so contract
// changes are absorbed here.

// outcome is what chaoslab produced for a case.
type outcome struct {
	repr  string
	err   *PyError // non-nil: an exception (or compile error) instead of a value
	stage string   // where it ended: "compile", "vars", "eval", "repr", "panic", "hang", or "" for a value
}

func (o outcome) String() string {
	if o.err != nil {
		s := o.err.String()
		if o.stage == "vars" || o.stage == "panic" || o.stage == "hang" {
			s = "[" + o.stage + "] " + s
		}
		return s
	}
	return o.repr
}

func modeOf(c *Case) formula.Mode {
	if c.Py2 {
		return formula.Py2
	}
	return formula.Py3
}

// evalCase runs one case through Compile, binding, Eval and Repr, turning
// panics into outcomes so one broken construct cannot hide the rest.
func evalCase(c *Case) (o outcome) {
	defer func() {
		if r := recover(); r != nil {
			stack := string(debug.Stack())
			o = outcome{err: &PyError{Type: "GoPanic", Message: fmt.Sprint(r) + " @ " + panicSite(stack)}, stage: "panic"}
		}
	}()
	ctx := &pyval.Context{Py2: c.Py2, Steps: pyval.DefaultSteps, Rand: pylib.NewRandom(c.Seed)}
	hosts := make(map[string]bool, len(c.Vars))
	for name := range c.Vars {
		hosts[name] = true
	}
	opts := &formula.Options{Mode: modeOf(c), HostNames: hosts}
	prog, err := formula.Compile(c.Src, opts)
	if err != nil {
		return outcome{err: pyErrorOf(err), stage: "compile"}
	}
	env := prog.NewEnv(ctx)
	names := make([]string, 0, len(c.Vars))
	for name := range c.Vars {
		names = append(names, name)
	}
	sort.Strings(names) // the oracle binds in sorted order too
	for _, name := range names {
		v, err := evalVar(ctx, modeOf(c), c.Vars[name])
		if err != nil {
			e := pyErrorOf(err)
			e.Message = fmt.Sprintf("binding %s = %s: %s", name, c.Vars[name], e.Message)
			return outcome{err: e, stage: "vars"}
		}
		if slot := prog.Slot(name); slot >= 0 {
			env.Vars[slot] = v
		}
	}
	v, err := prog.Eval(env)
	if err != nil {
		return outcome{err: pyErrorOf(err), stage: "eval"}
	}
	if v.IsUndefined() {
		return outcome{err: &PyError{Type: "GoUndefined", Message: "Eval returned an Undefined value"}, stage: "eval"}
	}
	s, err := pyval.Repr(ctx, v)
	if err != nil {
		return outcome{err: pyErrorOf(err), stage: "repr"}
	}
	return outcome{repr: s}
}

// evalVar evaluates a binding: a Python literal (or, for corpus stand-ins,
// a lambda) compiled as a formula of its own.
func evalVar(ctx *pyval.Context, m formula.Mode, src string) (pyval.Value, error) {
	p, err := formula.Compile(src, &formula.Options{Mode: m})
	if err != nil {
		return pyval.Value{}, err
	}
	return p.Eval(p.NewEnv(ctx))
}

// pyErrorOf splits an error into Python's type and message.
func pyErrorOf(err error) *PyError {
	var ex *pyval.Exception
	if errors.As(err, &ex) {
		return &PyError{Type: ex.Type, Message: ex.Msg}
	}
	s, _, _ := strings.Cut(err.Error(), "\n")
	if typ, msg, ok := strings.Cut(s, ": "); ok && !strings.ContainsAny(typ, " ()") {
		return &PyError{Type: typ, Message: msg}
	}
	return &PyError{Type: fmt.Sprintf("Go(%T)", err), Message: s}
}

// panicSite picks the first frame of the stack inside the formula packages.
func panicSite(stack string) string {
	for _, line := range strings.Split(stack, "\n") {
		line = strings.TrimSpace(line)
		if strings.Contains(line, "/internal/formula/") && !strings.Contains(line, "/difftest/") && strings.Contains(line, ".go:") {
			if i := strings.LastIndex(line, "/internal/"); i >= 0 {
				line = line[i+1:]
			}
			if i := strings.Index(line, " +0x"); i >= 0 {
				line = line[:i]
			}
			return line
		}
	}
	return "?"
}

// hangLimit is a watchdog, not a timing assertion: a case that has not
// returned after this long is reported as hung (the step budget should
// have stopped it) and the rest of its file is abandoned.
const hangLimit = 20 * time.Second

// runAll evaluates cases in order on one goroutine, watching for hangs.
func runAll(cases []Case) (outs []outcome, hung int) {
	outs = make([]outcome, len(cases))
	for i := range cases {
		done := make(chan outcome, 1)
		go func(c *Case) { done <- evalCase(c) }(&cases[i])
		timer := time.NewTimer(hangLimit)
		select {
		case o := <-done:
			timer.Stop()
			outs[i] = o
		case <-timer.C:
			for j := i; j < len(cases); j++ {
				outs[j] = outcome{err: &PyError{Type: "GoHang", Message: "not evaluated: case " + cases[i].ID + " hung"}, stage: "hang"}
			}
			outs[i].err.Message = fmt.Sprintf("no result after %v (step budget not enforced?)", hangLimit)
			return outs, i
		}
	}
	return outs, -1
}
