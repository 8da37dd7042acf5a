// Package pylib provides the library of the formula language: Python's
// builtin functions and type objects, the math module, CPython's random
// module on an injected Mersenne Twister, SimulatorDS's Signals.py functions,
// and the methods of the built-in types (str, bytes, list, tuple, dict, set,
// int, float), registered with pyval.RegisterMethod by Install.
//
// Everything is pure: randomness comes from Context.Rand (NewRandom gives a
// generator that draws exactly CPython's random.seed(N) sequence), and the
// only clock used (ripple with t=0) comes from Context.Host when it
// implements Clock. Every function charges Context.Step for work
// proportional to its input and calls Context.CheckSize before building a
// large result, so a formula cannot exhaust the process.
//
// Python 2 mode (Builtins(true), Context.Py2) returns lists from range, map,
// filter, zip and dict.keys/values/items, rounds half away from zero and
// adds long, unicode, basestring, xrange, cmp, reduce, unichr and apply.
package pylib
