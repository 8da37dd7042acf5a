// Package syntax parses SimulatorDS/DynamicDS and PANIC formulas: Python 3
// expressions (CPython 3.11's eval-mode grammar, no statements), with an
// optional Python 2 dialect for legacy configurations.
//
// Parse returns a tree shaped like CPython's ast module, so the compiler
// can be checked node by node against CPython (Dump prints the tree as
// ast.dump does). Every node carries its source span; errors are *Error
// values that name line:col and can render a caret excerpt.
//
// The parser is a hand-written recursive descent over an on-demand lexer.
// It never panics on bad input and cannot be driven into deep recursion:
// bracket nesting is capped at 200 (CPython's limit) and other recursion
// at 1000 levels. FreeNames computes a formula's dependencies with Python
// 3 scoping rules.
//
// Known differences from CPython: identifiers are not NFKC-normalized,
// \N{...} escapes know only a small table of names, and the "Perhaps you
// forgot a comma?" hint and a few error locations are approximations.
package syntax
