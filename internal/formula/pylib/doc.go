// Package pylib provides the library of the formula language: Python's
// builtin functions and type objects, the math module, CPython's random
// module on an injected Mersenne Twister, SimulatorDS's Signals.py functions,
// and the methods of the built-in types (str, bytes, list, tuple, dict, set,
// int, float), registered with pyval.RegisterMethod by Install.
//
// Exactness. Results, exceptions and messages follow CPython 3.11 and are
// checked against python3 (testdata/gen.py). round() rounds the exact binary
// value (round(2.675, 2) == 2.67). The elementary functions are correctly
// rounded (double-double evaluation, dd.go), which is what the C library
// CPython calls gives in all but ~0.2% of arguments; Go's math package
// differs from it in 5-40% of arguments for sin, cos, exp, log, pow ...
// log10 and the hyperbolic functions follow the C library's own formulas;
// cbrt reproduces glibc's (not correctly rounded) evaluation, and gamma and
// lgamma CPython's own Lanczos code (mathmodule.c does not call libm for
// them). erf and erfc are Go's fdlibm port, as glibc's, but with Go's exp
// inside (about 2% and 11% of arguments differ in the last bit).
// NewRandom(N) draws exactly python3's random.seed(N) sequence.
//
// Signals. SimulatorDS's sin, cos, square, triangle, ramp and ripple are
// Python functions there, so here too: repr "<function sin at 0x...>",
// Python-style argument errors (pydef.go), and sin(t) is
// math.sin(2*pi*(t/period)) with Python's operators even for the default
// period (Python 2 floors int/int).
//
// Purity. Randomness comes only from Context.Rand, and the only clock
// (ripple with t=0) from Context.Host when it implements Clock. Every
// function charges Context.Step for work proportional to its input and
// calls Context.CheckSize before building a large result, so a formula
// cannot exhaust the process.
//
// Python 2 mode (Builtins(true), MathNamesFor(true), Context.Py2) returns
// lists from range, map, filter, zip and dict.keys/values/items, rounds half
// away from zero, adds long, unicode, basestring, xrange, cmp, reduce, unichr
// and apply, returns floats from math.floor/ceil, writes 0-prefixed octal
// and L-suffixed longs in hex/oct, and leaves out the math names 2.7 lacks.
package pylib
