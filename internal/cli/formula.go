package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"chaoslab/internal/formula"
	"chaoslab/internal/formula/pylib"
	"chaoslab/internal/formula/pyval"
)

func newFormulaCmd(s Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "formula",
		Short: "Evaluate and check formulas (the DynamicDS / PyAlarm expression language)",
		Long: `Evaluate and check formulas: Python expressions with CPython 3 semantics,
or Python 2's with --py2. docs/formula.md describes the dialect.`,
	}
	cmd.AddCommand(newFormulaEvalCmd(s), newFormulaNamesCmd(s), newFormulaCheckCmd(s))
	return cmd
}

func formulaMode(py2 bool) formula.Mode {
	if py2 {
		return formula.Py2
	}
	return formula.Py3
}

func newFormulaEvalCmd(s Streams) *cobra.Command {
	var (
		py2    bool
		seed   int64
		vars   []string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "eval [--py2] [--seed N] [--var NAME=PYTHON_LITERAL]... EXPR",
		Short: "Evaluate a formula and print the repr() of its value",
		Long: `Evaluate EXPR and print the repr() of its value on stdout (exit 0).
A syntax error or a Python exception is printed on stderr, as Python prints
it ("ZeroDivisionError: division by zero"), with exit status 1.

--var binds NAME to a Python literal (ast.literal_eval rules: numbers,
strings, None/True/False, tuples, lists, dicts, sets, unary minus); the
names shadow builtins. random(), randint() ... draw from a Mersenne Twister
seeded with --seed (default 0, so output is reproducible; the same seed
gives the same numbers as Python's random.seed(N)).

With --json the result is {"repr": ..., "type": ...} on stdout, or
{"error": {"type", "message", "line", "col"}} on stdout with exit status 1.
An EXPR starting with "-" must follow "--".`,
		Example: `  chaoslab formula eval '7/2'
  chaoslab formula eval --py2 '7/2'
  chaoslab formula eval --var t=1.5 --var PRef=1e-9 'PRef + 1e-7*sin(PI*t)'
  chaoslab formula eval -- '-2**2'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			mode := formulaMode(py2)
			host := map[string]bool{}
			values := map[string]pyval.Value{}
			var order []string // the names as first bound, for locals()
			for _, kv := range vars {
				name, lit, ok := strings.Cut(kv, "=")
				name = strings.TrimSpace(name)
				if !ok || !formulaIsIdent(name) {
					return exit(ExitUsage, fmt.Errorf("chaoslab: --var %q: want NAME=PYTHON_LITERAL", kv))
				}
				v, err := formulaVarValue(lit, mode, seed)
				if err != nil {
					return exit(ExitUsage, fmt.Errorf("chaoslab: --var %s: %v", name, err))
				}
				if !host[name] {
					order = append(order, name)
				}
				host[name] = true
				values[name] = v
			}
			ctx := &pyval.Context{Py2: py2, Rand: pylib.NewRandom(seed)}
			report := func(err error) error {
				if asJSON {
					formulaWriteJSON(s, map[string]any{"error": formulaErrorJSON(err)})
					return exit(ExitFailure, nil)
				}
				return exit(ExitFailure, err)
			}
			prog, err := formula.Compile(args[0], &formula.Options{Mode: mode, HostNames: host})
			if err != nil {
				return report(err)
			}
			// The bound names are the namespace too, as eval(EXPR, names)
			// makes them: locals() shows them.
			ns, _ := pyval.NewDict()
			env := prog.NewEnv(ctx)
			env.Namespace = ns
			for _, name := range order {
				v := values[name]
				ns.SetStr(name, v)
				if i := prog.Slot(name); i >= 0 {
					env.Vars[i] = v
				}
			}
			v, err := prog.Eval(env)
			if err != nil {
				return report(err)
			}
			r, err := pyval.Repr(ctx, v)
			if err != nil {
				return report(err)
			}
			if asJSON {
				formulaWriteJSON(s, map[string]any{"repr": r, "type": pyval.TypeName(v)})
				return nil
			}
			fmt.Fprintln(s.Out, r)
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&py2, "py2", false, "Python 2 semantics (integer /, None orders first, 10L, <>, backquote repr)")
	f.Int64Var(&seed, "seed", 0, "seed of the random functions (default 0: reproducible output)")
	f.StringArrayVar(&vars, "var", nil, "bind NAME to a Python literal: NAME=PYTHON_LITERAL (repeatable)")
	f.BoolVar(&asJSON, "json", false, "print {\"repr\",\"type\"} or {\"error\"} as JSON on stdout")
	return cmd
}

func newFormulaNamesCmd(s Streams) *cobra.Command {
	var py2, asJSON bool
	cmd := &cobra.Command{
		Use:   "names [--py2] [--json] EXPR",
		Short: "List the free names of a formula (builtins included), one per line",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			names, err := formula.FreeNames(args[0], formulaMode(py2))
			if err != nil {
				return exit(ExitFailure, err)
			}
			if asJSON {
				if names == nil {
					names = []string{}
				}
				formulaWriteJSON(s, names)
				return nil
			}
			for _, n := range names {
				fmt.Fprintln(s.Out, n)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&py2, "py2", false, "parse as Python 2")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}

func newFormulaCheckCmd(s Streams) *cobra.Command {
	var py2 bool
	cmd := &cobra.Command{
		Use:   "check [--py2] EXPR...",
		Short: "Check that formulas compile; errors go to stderr (exit 1)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			failed := 0
			for i, src := range args {
				if _, err := formula.Compile(src, &formula.Options{Mode: formulaMode(py2)}); err != nil {
					failed++
					if len(args) > 1 {
						fmt.Fprintf(s.Err, "formula %d: ", i+1)
					}
					fmt.Fprintln(s.Err, err)
				}
			}
			if failed > 0 {
				return exit(ExitFailure, nil)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&py2, "py2", false, "parse as Python 2")
	return cmd
}

func formulaIsIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 || (i > 0 && r >= '0' && r <= '9') {
			continue
		}
		return false
	}
	return true
}

// formulaErrorJSON describes a formula error for --json output.
func formulaErrorJSON(err error) map[string]any {
	var (
		re *formula.RuntimeError
		se *formula.SyntaxError
		ce *formula.CompileError
		pe *pyval.Exception
	)
	switch {
	case errors.As(err, &re):
		return map[string]any{"type": re.Err.Type, "message": re.Err.Msg, "line": re.Line, "col": re.Col}
	case errors.As(err, &se):
		return map[string]any{"type": "SyntaxError", "message": se.Msg, "line": se.Line, "col": se.Col}
	case errors.As(err, &ce):
		return map[string]any{"type": "SyntaxError", "message": ce.Msg, "line": ce.Line, "col": ce.Col}
	case errors.As(err, &pe):
		return map[string]any{"type": pe.Type, "message": pe.Msg, "line": 0, "col": 0}
	}
	return map[string]any{"type": "Error", "message": err.Error(), "line": 0, "col": 0}
}

func formulaWriteJSON(s Streams, v any) {
	b, _ := json.Marshal(v)
	fmt.Fprintln(s.Out, string(b))
}

// formulaVarValue reads the value of a --var. A Python literal is the
// contract; a constant expression over builtins only (-2**63,
// float('nan'), [0]*3) is accepted too, since it cannot depend on anything
// but itself. A name that is not a builtin is an error.
func formulaVarValue(lit string, mode formula.Mode, seed int64) (pyval.Value, error) {
	v, litErr := formula.LiteralEval(lit, mode)
	if litErr == nil {
		return v, nil
	}
	prog, err := formula.Compile(lit, &formula.Options{Mode: mode})
	if err != nil || len(prog.Names()) > 0 {
		return pyval.Value{}, litErr
	}
	ctx := &pyval.Context{Py2: mode == formula.Py2, Rand: pylib.NewRandom(seed)}
	return prog.Eval(prog.NewEnv(ctx))
}
