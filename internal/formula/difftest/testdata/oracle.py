# -*- coding: utf-8 -*-
"""CPython oracle for the formula differential tests.

Reads a JSON list of cases from stdin -- {"src", "vars": {name: python
expression}, "seed"} -- evaluates each in the formula namespace (builtins,
``from math import *``, the random functions, SimulatorDS's Signals functions
and PI) and writes a JSON list of results, one per case, in order:

    {"repr": repr(value)}                      the value
    {"repr": "<function <lambda>", "addr": 1}  repr cut before " at 0x"
    {"error": {"type": ..., "message": ...}}   an exception (str(e))
    {"skip": reason}                           timeout, recursion, huge output

Runs unchanged under python3 (Py3 mode) and python2.7 (Py2 mode): the
expression is compiled with dont_inherit so no __future__ flag of this file
leaks into it; keep this file free of __future__ imports anyway.

With ORACLE_NO_COMPLEX=1 (Python 3 only) the oracle evaluates chaoslab's
documented dialect instead of plain CPython: chaoslab has no complex
numbers, so a ** or pow() whose result would be complex raises ValueError,
the complex builtin is absent (NameError) and an imaginary literal is a
SyntaxError. gen_cases.py uses it to write the chaoslab-only expectation of
cases where that changes the result.

The random generator is re-seeded with random.seed(seed) before every case,
so `--seed N 'randint(1,10)'` in chaoslab must equal this.
"""
import json
import math
import os
import random as _random
import signal
import sys
import time as _time
import warnings

warnings.simplefilter("ignore")  # SyntaxWarning for `x is 1` and the like

try:
    import resource
    # Allocation bombs fail fast with MemoryError instead of swapping.
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
except Exception:  # pragma: no cover - not on every platform
    pass

PY2 = sys.version_info[0] == 2

# The random module's public functions, as SimulatorDS-lite exposes them
# (random is the function, not the module). State-handling names are left out.
RANDOM_NAMES = [
    "random", "uniform", "randint", "choice", "gauss", "randrange", "sample",
    "shuffle", "triangular", "normalvariate", "lognormvariate", "expovariate",
    "vonmisesvariate", "gammavariate", "betavariate", "paretovariate",
    "weibullvariate", "getrandbits", "choices",
]

_pi = math.pi


# The SimulatorDS signal functions (Signals.py), re-stated with the same
# arithmetic so results are bit-identical: note sin(t) is
# math.sin(2*pi*(t/period)), not math.sin(t).
def sin(t, period=2 * _pi):
    return math.sin(2 * _pi * (t / period))


def cos(t, period=2 * _pi):
    return math.cos(2 * _pi * (t / period))


def square(t, duty=0.5, period=2. * _pi):
    t = math.fmod(t, period)
    if t <= duty * period:
        return 1.
    return 0.


def triangle(t, period=2. * _pi):
    t = math.fmod(t, period)
    quarter = .25 * period
    delta = math.fmod(t, quarter) / quarter
    if t <= quarter:
        return delta
    if t <= .5 * period:
        return 1. - delta
    if t <= .75 * period:
        return 0. - delta
    return -1. + delta


def ramp(t, duty=1., period=2. * _pi):
    t = math.fmod(t, period)
    delta = t / (duty * period)
    if t <= duty * period:
        return delta
    return 0.


def ripple(value, amp=0., rel=0., t=0, period=2 * _pi):
    value = float(value)
    t = t or _time.time()
    if rel:
        amp = value * rel
    return value + amp * sin(t, period)


def namespace():
    ns = {}
    for k in dir(math):
        if not k.startswith("_"):
            ns[k] = getattr(math, k)
    for k in RANDOM_NAMES:
        if hasattr(_random, k):
            ns[k] = getattr(_random, k)
    for f in (sin, cos, square, triangle, ramp, ripple):
        ns[f.__name__] = f
    ns["PI"] = _pi
    return ns


NO_COMPLEX = os.environ.get("ORACLE_NO_COMPLEX") == "1" and not PY2


def _real_pow(*args):
    # float_pow's complex case (finite negative base, finite non-integral
    # float exponent) is decided before computing, as chaoslab does: CPython
    # may instead fail computing the complex power (OverflowError).
    if len(args) == 2:
        a, b = args
        if isinstance(a, (int, float)) and not isinstance(a, bool) and isinstance(b, float) and a < 0:
            try:
                fa = float(a)  # a huge int: CPython's OverflowError comes first
            except OverflowError:
                fa = None
            if fa is not None and math.isfinite(fa) and math.isfinite(b) and not b.is_integer():
                raise ValueError("complex numbers are not supported")
    r = pow(*args)
    if isinstance(r, complex):
        raise ValueError("complex numbers are not supported")
    return r


def _no_complex(src):
    """Compiles src with every ** routed through _real_pow."""
    import ast

    ops = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
           ast.Pow: lambda a, b: _real_pow(a, b)}

    def const(n):
        """(True, value) for a constant the AST optimizer folds, else (False, None)."""
        if isinstance(n, ast.Constant) and isinstance(n.value, (int, float)):
            return True, n.value
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, (ast.USub, ast.UAdd)):
            ok, v = const(n.operand)
            return (True, -v if isinstance(n.op, ast.USub) else +v) if ok else (False, None)
        if isinstance(n, ast.BinOp) and type(n.op) in ops:
            okl, l = const(n.left)
            okr, r = const(n.right)
            if okl and okr and not (isinstance(l, int) and isinstance(r, int) and abs(r) > 128):
                try:
                    return True, ops[type(n.op)](l, r)
                except Exception:
                    pass
        return False, None

    class T(ast.NodeTransformer):
        def visit_BinOp(self, node):
            self.generic_visit(node)
            if isinstance(node.op, ast.Pow) and const(node)[0]:
                # A power of constants with a real result: left to CPython,
                # whose optimizer folds it (a set display of constants is
                # then a frozenset constant, with its own order).
                return node
            if isinstance(node.op, ast.Pow):
                call = ast.Call(func=ast.Name(id="_real_pow", ctx=ast.Load()), args=[node.left, node.right], keywords=[])
                return ast.copy_location(call, node)
            return node

    tree = ast.parse(src, "<formula>", mode="eval")
    for n in ast.walk(tree):
        if isinstance(n, ast.Constant) and isinstance(n.value, complex):
            raise SyntaxError("complex numbers are not supported in formulas")
    tree = ast.fix_missing_locations(T().visit(tree))
    return compile(tree, "<formula>", "eval", 0, True)


BASE = namespace()
if NO_COMPLEX:
    import builtins
    _b = dict(builtins.__dict__)
    del _b["complex"]
    _b["pow"] = _real_pow
    BASE["__builtins__"] = _b
    BASE["_real_pow"] = _real_pow
MAX_REPR = 20000


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


def evaluate(case):
    ns = dict(BASE)
    _random.seed(case.get("seed", 0))
    try:
        for name, lit in sorted(case.get("vars", {}).items()):
            ns[name] = eval(compile(lit, "<var>", "eval", 0, True), ns)
    except Exception as e:
        return {"skip": "bad var: %s: %s" % (type(e).__name__, e)}
    signal.setitimer(signal.ITIMER_REAL, 2.0)
    try:
        try:
            if NO_COMPLEX:
                code = _no_complex(case["src"])
            else:
                code = compile(case["src"], "<formula>", "eval", 0, True)
            v = eval(code, ns)
            r = repr(v)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except Timeout:
        return {"skip": "timeout"}
    except RuntimeError as e:  # RecursionError is a RuntimeError subclass
        if "recursion" in str(e):
            return {"skip": "recursion"}
        return {"error": {"type": type(e).__name__, "message": str(e)}}
    except BaseException as e:
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        try:
            msg = str(e)
        except Exception:
            msg = "?"
        return {"error": {"type": type(e).__name__, "message": msg}}
    if len(r) > MAX_REPR:
        return {"skip": "repr too long"}
    if " at 0x" in r:
        return {"repr": r.split(" at 0x")[0], "addr": 1}
    return {"repr": r}


def main():
    signal.signal(signal.SIGALRM, _alarm)
    cases = json.load(sys.stdin)
    out = [evaluate(c) for c in cases]
    s = json.dumps(out)
    sys.stdout.write(s)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
