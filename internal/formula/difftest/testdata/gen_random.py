# -*- coding: utf-8 -*-
"""Seeded random expression generator for the formula differential tests.

    python3 gen_random.py --seed N --n 3000 [--py2]

prints a case file (JSON, as the Go tests read it) whose expectations come
from oracle.py: python3, or python2.7 with --py2. The Go live test
(TestLiveRandom) runs this with a fresh seed; gen_cases.py uses
generate() for the committed random.json and py2.json.

Expressions are mostly well typed, with a share of ill-typed operands so
error types and messages are exercised too. Leaves favour edge values
(0, -0.0, +-1, 2**63, 1e16, nan, inf, '', [], nested containers) and
variables v0..v2 bound per case. Sizes stay small (repeat counts and range
bounds are small literals) so CPython answers in microseconds.
"""
import argparse
import json
import os
import random
import sys

INTS = ["0", "1", "-1", "2", "3", "7", "-7", "10", "255", "-3", "100", "2**63", "-2**63",
        "2**63-1", "2**64", "10**20", "12345678901234567890", "-2**31"]
FLOATS = ["0.0", "-0.0", "1.0", "-1.0", "0.5", "2.5", "-2.5", "1e16", "1e-7", "3.14159",
          "float('nan')", "float('inf')", "-float('inf')", "1e308", "0.1", "1.5e300", "123.456",
          "2.675", "-1e-300", "9007199254740993.0"]
BOOLS = ["True", "False"]
STRS = ["''", "'a'", "'abc'", "'Hello World'", "' x '", "'a,b,c'", "'42'", "'%s'", "'-3.5'",
        "'AbC'", "'a b  c'", "'1e3'", "'\\t\\n'", "'it\\'s'"]
STRS3 = ["'é'", "'日本'", "'\\x00'"]
LISTS = ["[]", "[1, 2, 3]", "[0, -1.5, 'a']", "[[1, 2], [3]]", "[None, True]", "['b', 'a']",
         "[3, 1, 2]", "[2.5, -1, 0]", "[[]]", "[(1, 'x'), (0, 'y')]"]
TUPLES = ["()", "(1,)", "(1, 2)", "(1, 'a', None)", "((1, 2), 3)", "(0.5, -0.0)"]
DICTS = ["{}", "{'a': 1}", "{'a': 1, 'b': 2.5}", "{'x': [1, 2], 'y': {'z': None}}"]
DICTS3 = ["{1: [2], 2: (3,)}", "{2: 'b', 1: 'a'}", "{True: 1, 0: 'zero'}"]
SETS = ["set()", "{1, 2, 3}", "{-1, 5}", "frozenset({2})", "{0.5, 3}", "{10, 2, 33, 4}"]

TYPES = ["int", "float", "bool", "none", "str", "list", "tuple", "dict", "set"]
NUM = ["int", "float", "bool"]

STR_METHODS0 = ["upper", "lower", "strip", "title", "capitalize", "swapcase", "split", "isdigit",
                "isalpha", "isspace", "lstrip", "rstrip", "splitlines", "isupper", "islower"]
STR_METHODS1 = ["split", "count", "find", "startswith", "endswith", "strip", "index", "rfind",
                "partition", "join", "center", "ljust", "rjust", "zfill"]


class Gen(object):
    def __init__(self, rng, py2):
        self.r = rng
        self.py2 = py2
        self.vars = {}

    def pick(self, xs):
        return self.r.choice(xs)

    def chance(self, p):
        return self.r.random() < p

    def leaf(self, t):
        r = self.r
        if self.vars and self.chance(0.35):
            names = [n for n, (vt, _) in self.vars.items() if vt == t]
            if names:
                return self.pick(sorted(names))
        if t == "int":
            return self.pick(INTS) if self.chance(0.5) else str(r.randint(-20, 20))
        if t == "float":
            return self.pick(FLOATS) if self.chance(0.6) else repr(round(r.uniform(-100, 100), r.randint(0, 4)))
        if t == "bool":
            return self.pick(BOOLS)
        if t == "none":
            return "None"
        if t == "str":
            return self.pick(STRS + ([] if self.py2 else STRS3))
        if t == "list":
            return self.pick(LISTS)
        if t == "tuple":
            return self.pick(TUPLES)
        if t == "dict":
            return self.pick(DICTS + ([] if self.py2 else DICTS3))
        if t == "set":
            return self.pick(SETS if not self.py2 else SETS[:5])
        raise ValueError(t)

    def small(self):
        return str(self.r.randint(-3, 5))

    def num(self, d):
        return self.expr(self.pick(NUM + ["int", "float"]), d)

    def seq(self, d):
        return self.expr(self.pick(["str", "list", "tuple", "list"]), d)

    def iterable(self, d):
        t = self.pick(["list", "str", "tuple", "range", "set", "dict"])
        if t == "range":
            return "range(%d, %d)" % (self.r.randint(-3, 3), self.r.randint(0, 8))
        return self.expr(t, d)

    def paren(self, s):
        return "(" + s + ")"

    # expr returns a string; at the root self.label names the production.
    def expr(self, t, d):
        if d <= 0 or self.chance(0.25):
            return self.leaf(t)
        if self.chance(0.08):  # ill-typed operand
            t = self.pick(TYPES)
        f = getattr(self, "g_" + t)
        return f(d - 1)

    def note(self, label):
        if self.label is None:
            self.label = label

    def g_int(self, d):
        k = self.r.randint(0, 13)
        if k <= 3:
            op = self.pick(["+", "-", "*", "//", "%", "+", "-", "*"])
            self.note("binop " + op)
            return self.paren(self.expr("int", d)) + " " + op + " " + self.paren(self.expr(self.pick(["int", "int", "bool"]), d))
        if k == 4:
            op = self.pick(["&", "|", "^", "<<", ">>"])
            self.note("bitwise " + op)
            rhs = str(self.r.randint(0, 70)) if op in ("<<", ">>") else self.paren(self.expr("int", d))
            return self.paren(self.expr("int", d)) + " " + op + " " + rhs
        if k == 5:
            self.note("pow")
            return self.paren(self.expr("int", d)) + " ** " + str(self.r.randint(-2, 40))
        if k == 6:
            self.note("unary")
            return self.pick(["-", "+", "~"]) + self.paren(self.expr("int", d))
        if k == 7:
            fn = self.pick(["abs", "int", "round", "len", "sum", "hash" if False else "abs"])
            self.note("call " + fn)
            if fn == "len":
                return "len(%s)" % self.seq(d)
            if fn == "sum":
                return "sum(%s)" % self.list_of("int", d)
            if fn == "int":
                return "int(%s)" % self.expr(self.pick(["float", "str", "int", "bool"]), d)
            if fn == "round":
                return "round(%s)" % self.expr("float", d)
            return "%s(%s)" % (fn, self.expr("int", d))
        if k == 8:
            fn = self.pick(["min", "max"])
            self.note("call " + fn)
            return "%s(%s, %s)" % (fn, self.expr("int", d), self.expr("int", d))
        if k == 9:
            self.note("divmod")
            return "divmod(%s, %s)[%d]" % (self.expr("int", d), self.expr("int", d), self.r.randint(0, 1))
        if k == 10:
            self.note("ternary")
            return self.ternary("int", d)
        if k == 11:
            self.note("comprehension")
            v = self.pick(["i", "j", "k"])
            return "sum(%s for %s in %s)" % (self.wrap_num(v, d), v, self.list_of("int", d))
        if k == 12:
            self.note("method count/index/find")
            return self.pick(["%s.count(%s)", "%s.index(%s)"]) % (self.paren(self.seq(d)), self.expr(self.pick(TYPES), d)) \
                if self.chance(0.5) else "%s.find(%s)" % (self.paren(self.expr("str", d)), self.expr("str", d))
        self.note("lambda")
        return self.lambda_call("int", d)

    def wrap_num(self, v, d):
        op = self.pick(["+", "*", "-", "%"])
        return "%s %s %s" % (v, op, self.paren(self.expr("int", d - 1)))

    def g_float(self, d):
        k = self.r.randint(0, 9)
        if k <= 3:
            op = self.pick(["+", "-", "*", "/", "//", "%", "/"])
            self.note("binop " + op)
            a, b = self.num(d), self.num(d)
            if self.py2 and op == "/" and self.chance(0.5):
                a = self.expr("int", d)
            return self.paren(a) + " " + op + " " + self.paren(b)
        if k == 4:
            self.note("pow")
            return self.paren(self.num(d)) + " ** " + self.pick(["0.5", "2", "-1", "3", "-0.5", "0", "1.5"])
        if k == 5:
            fn = self.pick(["sqrt", "floor", "ceil", "fabs", "sin", "cos", "exp", "log", "square",
                            "triangle", "ramp", "float", "abs", "round", "trunc", "log10"])
            self.note("call " + fn)
            if fn == "round":
                return "round(%s, %s)" % (self.expr("float", d), self.r.randint(-2, 3))
            return "%s(%s)" % (fn, self.num(d))
        if k == 6:
            fn = self.pick(["fmod", "hypot", "atan2", "pow", "sin", "square", "copysign", "max"])
            self.note("call " + fn)
            if fn in ("sin", "square"):
                kw = "period" if fn == "sin" else self.pick(["duty", "period"])
                return "%s(%s, %s=%s)" % (fn, self.num(d), kw, self.num(d))
            return "%s(%s, %s)" % (fn, self.num(d), self.num(d))
        if k == 7:
            self.note("ternary")
            return self.ternary("float", d)
        if k == 8:
            self.note("float()")
            return "float(%s)" % self.expr(self.pick(["str", "int", "float"]), d)
        self.note("lambda")
        return self.lambda_call("float", d)

    def g_bool(self, d):
        k = self.r.randint(0, 8)
        if k <= 2:
            ops = ["<", "<=", ">", ">=", "==", "!="]
            n = self.r.randint(1, 3)
            self.note("compare" if n == 1 else "chained compare")
            t = self.pick(TYPES) if self.chance(0.5) else "int"
            parts = [self.paren(self.expr(t if self.chance(0.8) else self.pick(NUM), d))]
            for _ in range(n):
                parts.append(self.pick(ops))
                parts.append(self.paren(self.expr(t if self.chance(0.8) else self.pick(NUM), d)))
            return " ".join(parts)
        if k == 3:
            self.note("in")
            return "%s %s %s" % (self.paren(self.expr(self.pick(TYPES), d)), self.pick(["in", "not in"]), self.paren(self.iterable(d)))
        if k == 4:
            self.note("and/or")
            op = self.pick(["and", "or"])
            return "%s %s %s" % (self.paren(self.expr(self.pick(TYPES), d)), op, self.paren(self.expr(self.pick(TYPES), d)))
        if k == 5:
            self.note("not")
            return "not " + self.paren(self.expr(self.pick(TYPES), d))
        if k == 6:
            self.note("isinstance")
            return "isinstance(%s, %s)" % (self.expr(self.pick(TYPES), d), self.pick(["int", "float", "str", "list", "(int, float)", "tuple", "dict", "bool"]))
        if k == 7:
            fn = self.pick(["any", "all", "bool", "callable"])
            self.note("call " + fn)
            if fn in ("any", "all"):
                return "%s(%s)" % (fn, self.expr("list", d))
            return "%s(%s)" % (fn, self.expr(self.pick(TYPES), d))
        self.note("is")
        return "%s %s None" % (self.paren(self.expr(self.pick(TYPES), d)), self.pick(["is", "is not"]))

    def g_none(self, d):
        self.note("none")
        return self.pick(["None", "[].sort()", "{}.get(%s)" % self.expr("str", d), "(None if %s else None)" % self.expr("bool", d)])

    def g_str(self, d):
        k = self.r.randint(0, 12)
        if k <= 1:
            self.note("percent format")
            return self.percent(d)
        if k == 2:
            self.note("str.format")
            spec = self.pick(["", ":>6", ":<4", ":^7", ":.2f", ":e", ":g", ":08.3f", ":+d", ":x", ":,", ":.3", ":%", ":b", "!r"])
            return "'[{%s}]'.format(%s)" % (spec, self.expr(self.pick(TYPES), d))
        if k == 3 and not self.py2:
            self.note("f-string")
            spec = self.pick(["", ":>6", ":.2f", ":g", "!r", ":05d", ":^5", ":.1e"])
            return "f'<{%s%s}>'" % (self.expr(self.pick(TYPES), d).replace("'", '"'), spec)
        if k == 4:
            fn = self.pick(["str", "repr"])
            self.note("call " + fn)
            return "%s(%s)" % (fn, self.expr(self.pick(TYPES), d))
        if k == 5:
            self.note("binop +")
            return "%s + %s" % (self.paren(self.expr("str", d)), self.paren(self.expr("str", d)))
        if k == 6:
            self.note("binop *")
            return "%s * %s" % (self.paren(self.expr("str", d)), self.r.randint(-1, 3))
        if k == 7:
            self.note("slice")
            return self.paren(self.expr("str", d)) + self.slice()
        if k == 8:
            m = self.pick(STR_METHODS0)
            self.note("str." + m)
            return "%s.%s()" % (self.paren(self.expr("str", d)), m)
        if k == 9:
            m = self.pick(STR_METHODS1)
            self.note("str." + m)
            if m == "join":
                return "%s.join(%s)" % (self.pick(["','", "''", "' - '"]), self.pick(["[str(i) for i in %s]" % self.iterable(d), self.expr("list", d)]))
            if m in ("center", "ljust", "rjust", "zfill"):
                return "%s.%s(%d)" % (self.paren(self.expr("str", d)), m, self.r.randint(-1, 9))
            return "%s.%s(%s)" % (self.paren(self.expr("str", d)), m, self.expr("str", d))
        if k == 10:
            self.note("str.replace")
            return "%s.replace(%s, %s)" % (self.paren(self.expr("str", d)), self.expr("str", d), self.expr("str", d))
        if k == 11:
            self.note("index")
            return "%s[%s]" % (self.paren(self.expr("str", d)), self.expr("int", d))
        self.note("ternary")
        return self.ternary("str", d)

    def percent(self, d):
        convs = ["%d", "%s", "%r", "%5.2f", "%x", "%e", "%g", "%-6s|", "%05d", "%+.1f", "%i", "%.3g", "%c", "%o", "%10.4e"]
        n = self.r.randint(1, 3)
        fmt = " ".join(self.pick(convs) for _ in range(n))
        args = [self.expr(self.pick(["int", "float", "str", "int", "float", "bool", "none", "list"]), d) for _ in range(n)]
        if n == 1 and self.chance(0.5):
            return "'%s' %% %s" % (fmt, self.paren(args[0]))
        return "'%s' %% (%s,)" % (fmt, ", ".join(args))

    def slice(self):
        def part():
            return self.pick(["", str(self.r.randint(-4, 5))])
        s = "[%s:%s" % (part(), part())
        if self.chance(0.4):
            s += ":" + self.pick(["", "1", "2", "-1", "-2", "3", "0"])
        return s + "]"

    def list_of(self, t, d):
        n = self.r.randint(0, 4)
        return "[" + ", ".join(self.expr(t, d - 1) for _ in range(n)) + "]"

    def g_list(self, d):
        k = self.r.randint(0, 12)
        if k <= 1:
            self.note("list comprehension")
            v = self.pick(["x", "y"])
            body = self.pick(["%s", "%s * 2", "str(%s)", "(%s, %s)", "[%s]", "%s + %s"]).replace("%s", v)
            cond = " if %s" % self.pick(["%s", "not %s", "%s != 1"]).replace("%s", v) if self.chance(0.4) else ""
            extra = " for z in range(2)" if self.chance(0.15) else ""
            return "[%s for %s in %s%s%s]" % (body, v, self.iterable(d), extra, cond)
        if k == 2:
            fn = self.pick(["sorted", "list", "list(reversed", "sorted_key"])
            self.note("call " + fn.split("(")[0])
            if fn == "sorted_key":
                return "sorted(%s, key=%s%s)" % (self.expr("list", d), self.pick(["abs", "str", "len", "lambda v: -v", "lambda v: str(v)"]),
                                                  self.pick(["", ", reverse=True"]))
            if fn == "list(reversed":
                return "list(reversed(%s))" % self.seq(d)
            return "%s(%s)" % (fn, self.iterable(d))
        if k == 3:
            self.note("slice")
            return self.paren(self.expr("list", d)) + self.slice()
        if k == 4:
            op = self.pick(["+", "*"])
            self.note("binop " + op)
            if op == "*":
                return "%s * %d" % (self.paren(self.expr("list", d)), self.r.randint(-1, 3))
            return "%s + %s" % (self.paren(self.expr("list", d)), self.paren(self.expr("list", d)))
        if k == 5:
            fn = self.pick(["map", "filter", "zip", "enumerate"])
            self.note("call " + fn)
            if fn == "map":
                inner = "map(%s, %s)" % (self.pick(["str", "abs", "bool", "lambda v: v * 2", "float", "int"]), self.expr("list", d))
            elif fn == "filter":
                inner = "filter(%s, %s)" % (self.pick(["None", "bool", "lambda v: v", "lambda v: not v"]), self.iterable(d))
            elif fn == "zip":
                inner = "zip(%s, %s)" % (self.iterable(d), self.iterable(d))
            else:
                inner = "enumerate(%s)" % self.iterable(d)
            return "list(%s)" % inner
        if k == 6:
            self.note("str.split")
            return "%s.split(%s)" % (self.paren(self.expr("str", d)), self.pick(["", "','", "' '", "'a'"]))
        if k == 7:
            self.note("range")
            args = ", ".join(str(self.r.randint(-5, 9)) for _ in range(self.r.randint(1, 3)))
            return "list(range(%s))" % args
        if k == 8:
            self.note("list display")
            return self.list_of(self.pick(TYPES), d)
        if k == 9:
            self.note("dict view")
            m = self.pick(["keys", "values", "items"])
            return "list(%s.%s())" % (self.paren(self.expr("dict", d)), m)
        if k == 10:
            self.note("index")
            return "%s[%s]" % (self.paren(self.expr("list", d) if self.chance(0.5) else "[[1], [2, 3], []]"), self.expr("int", d))
        self.note("ternary")
        return self.ternary("list", d)

    def g_tuple(self, d):
        k = self.r.randint(0, 5)
        if k == 0:
            self.note("divmod")
            return "divmod(%s, %s)" % (self.num(d), self.num(d))
        if k == 1:
            self.note("tuple display")
            n = self.r.randint(1, 3)
            return "(" + ", ".join(self.expr(self.pick(TYPES), d) for _ in range(n)) + ("," if n == 1 else "") + ")"
        if k == 2:
            self.note("call tuple")
            return "tuple(%s)" % self.iterable(d)
        if k == 3:
            self.note("str.partition")
            return "%s.partition(%s)" % (self.paren(self.expr("str", d)), self.expr("str", d))
        if k == 4:
            self.note("slice")
            return self.paren(self.expr("tuple", d)) + self.slice()
        self.note("lambda")
        return "(lambda *a, **k: (a, sorted(k.items())))(%s, key=%s)" % (self.expr(self.pick(TYPES), d), self.expr(self.pick(TYPES), d))

    def g_dict(self, d):
        k = self.r.randint(0, 4)
        if k == 0 and not self.py2:
            self.note("dict comprehension")
            return "{%s: %s for %s in %s}" % ("str(v)" if self.chance(0.5) else "v", self.pick(["v", "1", "[v]"]), "v", self.iterable(d))
        if k == 1:
            self.note("call dict")
            return "dict(zip(%s, %s))" % (self.pick(["'abc'", "['x', 'y']", "'q'"]), self.iterable(d))
        if k == 2:
            self.note("dict display")
            return "{%s: %s}" % (self.expr(self.pick(["str", "int", "tuple", "list"]), d), self.expr(self.pick(TYPES), d))
        if k == 3:
            self.note("dict.get")
            return "{'k': %s}.get(%s, %s)" % (self.expr("dict", d), self.expr("str", d), self.expr("dict", d))
        self.note("ternary")
        return self.ternary("dict", d)

    def g_set(self, d):
        k = self.r.randint(0, 4)
        if k == 0:
            op = self.pick(["|", "&", "-", "^"])
            self.note("set " + op)
            return "%s %s %s" % (self.paren(self.expr("set", d)), op, self.paren(self.expr("set", d)))
        if k == 1:
            self.note("call set")
            return "set(%s)" % self.iterable(d)
        if k == 2 and not self.py2:
            self.note("set comprehension")
            return "{v %% 4 for v in %s}" % self.iterable(d)
        if k == 3:
            self.note("call frozenset")
            return "frozenset(%s)" % self.expr("list", d)
        self.note("ternary")
        return self.ternary("set", d)

    def ternary(self, t, d):
        return "%s if %s else %s" % (self.paren(self.expr(t, d)), self.paren(self.expr(self.pick(TYPES), d)), self.paren(self.expr(t, d)))

    def lambda_call(self, t, d):
        form = self.r.randint(0, 3)
        if form == 0:
            return "(lambda a, b=%s: a + b)(%s)" % (self.expr(t, d), self.expr(t, d))
        if form == 1:
            return "(lambda a, b: a * b - a)(%s, b=%s)" % (self.expr(t, d), self.expr(t, d))
        if form == 2:
            return "(lambda f: f(%s))(lambda q: q %s 2)" % (self.expr(t, d), self.pick(["+", "*", "-", "//", "%"]))
        return "(lambda *xs: max(xs))(%s, %s)" % (self.expr(t, d), self.expr(t, d))

    def case(self):
        self.label = None
        self.vars = {}
        vs = {}
        for i in range(self.r.randint(0, 3)):
            t = self.pick(["int", "float", "str", "list", "bool"])
            vs["v%d" % i] = (t, self.leaf(t))
        self.vars = vs
        t = self.pick(TYPES + ["int", "float", "str", "list", "bool"])
        src = self.expr(t, self.r.randint(1, 4))
        while self.label is None and self.chance(0.8):  # few bare leaves at the root
            src = self.expr(t, self.r.randint(1, 4))
        used = dict((n, lit) for n, (_, lit) in self.vars.items() if _uses(src, n))
        return {"src": src, "vars": used, "area": self.label or ("leaf " + t)}


def _uses(src, name):
    import re
    return re.search(r"\b%s\b" % name, src) is not None


def generate(seed, n, py2=False, prefix="rnd"):
    """n distinct cases (without expectations) for the given seed."""
    rng = random.Random(seed)
    g = Gen(rng, py2)
    seen = set()
    out = []
    while len(out) < n:
        c = g.case()
        key = (c["src"], tuple(sorted(c["vars"].items())))
        if key in seen:
            continue
        seen.add(key)
        c["id"] = "%s-%d-%d" % (prefix, seed, len(out))
        c["seed"] = rng.randint(0, 9)
        if py2:
            c["py2"] = True
        out.append(c)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--py2", action="store_true")
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    import gen_cases
    cases = generate(a.seed, a.n, a.py2, prefix="live")
    py = gen_cases.find_python2() if a.py2 else [sys.executable]
    if py is None:
        sys.exit("python2.7 not found")
    kept, stats = gen_cases.with_expectations(cases, py, py2=a.py2)
    json.dump({"generator": "gen_random.py --seed %d --n %d%s" % (a.seed, a.n, " --py2" if a.py2 else ""),
               "stats": stats, "cases": kept}, sys.stdout, indent=None, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
