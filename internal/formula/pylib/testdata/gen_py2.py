# -*- coding: utf-8 -*-
"""Generates py2cases.json: Python 2.7 expectations for pylib's Python 2
mode (math, hex/oct, sorted, the Signals functions).

Run with Python 2.7 from this directory:  PYENV_VERSION=2.7.18 python2 gen_py2.py
The expressions use only the Go test's small call syntax (no operators).
"""
import json
import math

PI = math.pi


def sin(t, period=2 * PI):
    return math.sin(2 * PI * (t / period))


def cos(t, period=2 * PI):
    return math.cos(2 * PI * (t / period))


NS = dict((k, getattr(math, k)) for k in dir(math) if not k.startswith("_"))
NS.update({"sin": sin, "cos": cos})

CASES = r"""
ceil(1.5)
floor(-1.5)
ceil(-1)
floor(True)
ceil(1e300)
floor(float('nan'))
ceil(float('inf'))
ceil(10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000)
trunc(1.5)
trunc(frozenset())
trunc('a')
ceil('a')
floor([1])
sqrt(None)
hex(1180591620717411303424)
hex(-1180591620717411303424)
hex(5)
hex(-5)
oct(8)
oct(0)
oct(-8)
oct(1180591620717411303424)
hex(1.5)
oct(1.5)
factorial(5.0)
factorial(5.5)
sin(1, 2)
cos(2, 8)
sin(1.0, 2)
sin(7, 3)
sin(1, 0)
sin(1.0, 0)
sin(-7)
sin()
sin(1, 2, 3)
sin(1, t=2)
sin(x=1)
sorted([3, 1, 2], None, None, True)
copysign(1.0, float('nan'))
copysign(1.0, float('-nan'))
"""


def evaluate(expr):
    try:
        v = eval(expr, NS)
        return {"expr": expr, "repr": repr(v)}
    except Exception as e:
        return {"expr": expr, "exc": [type(e).__name__, str(e)]}


def main():
    out = [evaluate(l.strip()) for l in CASES.strip().splitlines() if l.strip()]
    with open("py2cases.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
