# -*- coding: utf-8 -*-
"""Cases from the real formula corpus (corpus/formulas.json).

Every formula that parses as a Python 3 expression gets its free names bound
to plausible values: numbers by default, lists for subscripted or iterated
names, dicts for names subscripted by strings, strings for names used with
str methods, and plain-Python stand-ins (lambdas, passed as variables like any
other value) for the DynamicDS host functions whose behaviour a lambda can
state (VAR, ATTR, SET, casting functions, PLC Bit ...). Formulas needing
anything else (Tango attribute objects, self/locals introspection, modules,
unknown host functions) are skipped and counted by reason.

Each formula is run with two bindings (floats; ints and falsy flags) so
both branches of conditionals get exercised.
"""
import ast
import json
import os
import sys

CORPUS = os.environ.get("CHAOSLAB_CORPUS", "/work/shared/reference/corpus/formulas.json")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402

try:
    import builtins
except ImportError:  # python2
    import __builtin__ as builtins

DEVSTATES = ["ON", "OFF", "CLOSE", "OPEN", "INSERT", "EXTRACT", "MOVING", "STANDBY", "FAULT", "INIT",
             "RUNNING", "ALARM", "DISABLE", "UNKNOWN"]
QUALITIES = ["ATTR_VALID", "ATTR_INVALID", "ATTR_ALARM", "ATTR_CHANGING", "ATTR_WARNING"]

ARRAY = "lambda v: [%s(x) for x in v]"
STANDINS = {
    "DevDouble": "float", "DevFloat": "float", "DevLong": "int", "DevShort": "int", "DevULong": "int",
    "DevUShort": "int", "DevLong64": "int", "DevULong64": "int", "DevUChar": "int", "DevBoolean": "bool",
    "DevString": "str", "DevState": "int",
    "DevVarDoubleArray": ARRAY % "float", "DevVarFloatArray": ARRAY % "float", "DevVarLongArray": ARRAY % "int",
    "DevVarShortArray": ARRAY % "int", "DevVarULongArray": ARRAY % "int", "DevVarUShortArray": ARRAY % "int",
    "DevVarLong64Array": ARRAY % "int", "DevVarStringArray": ARRAY % "str", "DevVarBooleanArray": ARRAY % "bool",
    "DevVarCharArray": ARRAY % "int",
    "VAR": "lambda name=None, v=None, default=None, WRITE=None: v if v is not None else default",
    "SET": "lambda name, value: value",
    "GET": "lambda name, default=None: default",
    "now": "lambda: 1700000000.25",
    "NOW": "lambda: 1700000000.25",
    "ATTR": "lambda name, default=None: 1.5",
    "Attr": "lambda name, default=None: 1.5",
    "XATTR": "lambda name, default=None: 2.5",
    "XAttr": "lambda name, default=None: 2.5",
    "WATTR": "lambda model, value: value",
    "PROPERTY": "lambda name, update=False: '7'",
    "SCALAR": "lambda t, v: t(v)",
    "SPECTRUM": "lambda t, v: [t(x) for x in v]",
    "Bit": "lambda v, n: bool((int(v) >> n) & 1)",
    "SetStatus": "lambda s: [True, None]",
    "Add2Status": "lambda s: [True, None]",
    "QUALITY": "lambda s: 2",
}
for i, n in enumerate(DEVSTATES):
    STANDINS[n] = str(i)
for i, n in enumerate(QUALITIES):
    STANDINS[n] = str(i)

# Per-evaluation names (DynamicDS), two variants each.
HOSTVARS = {
    "t": ("12.75", "3"), "READ": ("True", "False"), "WRITE": ("False", "True"), "VALUE": ("5.0", "0"),
    "ARGS": ("[1, 2, 3]", "[0, 5, 7]"), "NAME": ("'sim/dev/01'", "'sim/dev/02'"), "ATTRIBUTE": ("'A'", "'B'"),
    "STATE": ("0", "8"),
}
NOPE = {"self", "locals", "LOCALS", "globals", "time", "fn", "fandango", "np", "numpy", "PyTango", "math",
        "random", "XDEV", "COMM", "EVAL", "FILE", "DELAY", "FORMULA", "MODELS", "FIND", "GROUP", "DYN"}

NUMS = [("1.5", "0"), ("12.75", "2"), ("0.25", "-3"), ("3.0", "7"), ("100.0", "250"), ("2.5e-07", "1")]
SEQ_FUNCS = set(["max", "min", "sum", "len", "any", "all", "sorted", "list", "tuple", "set", "enumerate"])
STR_METHODS = set(n for n in dir("") if not n.startswith("_"))
LIST_METHODS = set(n for n in dir([]) if not n.startswith("_"))


def base_names():
    return set(oracle.BASE) | set(dir(builtins))


class Usage(ast.NodeVisitor):
    """Collects how each name is used."""

    def __init__(self):
        self.loads, self.bound = [], set()
        self.called, self.attrs, self.sub_int, self.sub_str, self.iterated = set(), {}, {}, set(), set()

    def visit_Name(self, n):
        if isinstance(n.ctx, ast.Load):
            if n.id not in self.loads:
                self.loads.append(n.id)
        else:
            self.bound.add(n.id)

    def visit_Lambda(self, n):
        for a in n.args.args + n.args.kwonlyargs:
            self.bound.add(a.arg)
        for a in (n.args.vararg, n.args.kwarg):
            if a:
                self.bound.add(a.arg)
        self.generic_visit(n)

    def visit_Call(self, n):
        if isinstance(n.func, ast.Name):
            self.called.add(n.func.id)
            if n.func.id in SEQ_FUNCS and len(n.args) == 1 and isinstance(n.args[0], ast.Name):
                self.iterated.add(n.args[0].id)
        self.generic_visit(n)

    def visit_Attribute(self, n):
        if isinstance(n.value, ast.Name):
            self.attrs.setdefault(n.value.id, set()).add(n.attr)
        self.generic_visit(n)

    def visit_Subscript(self, n):
        if isinstance(n.value, ast.Name):
            idx = n.slice
            if isinstance(idx, ast.Constant) and isinstance(idx.value, str):
                self.sub_str.add(n.value.id)
            else:
                hi = 10
                if isinstance(idx, ast.Constant) and isinstance(idx.value, int):
                    hi = max(hi, idx.value + 1)
                self.sub_int[n.value.id] = max(self.sub_int.get(n.value.id, 0), hi)
        self.generic_visit(n)

    def visit_comprehension(self, n):
        if isinstance(n.iter, ast.Name):
            self.iterated.add(n.iter.id)
        self.generic_visit(n)


def bind(name, u, variant, why):
    """Returns a Python expression for name, or None (reason appended to why)."""
    if name in NOPE:
        why.append("introspection/module/host I/O: " + name)
        return None
    if name in STANDINS:
        return STANDINS[name]
    if name in HOSTVARS:
        return HOSTVARS[name][variant]
    attrs = u.attrs.get(name, set())
    if name in u.called:
        why.append("unknown host function: " + name)
        return None
    if attrs:
        if attrs <= STR_METHODS:
            return ["'Abc,Def'", "'x'"][variant]
        if attrs <= LIST_METHODS:
            return ["[3, 1, 2]", "[]"][variant]
        why.append("attribute of a host object: %s.%s" % (name, sorted(attrs)[0]))
        return None
    if name in u.sub_str:
        return "{'value': 1.5, 'quality': 0}"
    if name in u.sub_int:
        n = u.sub_int[name]
        if variant == 0:
            return "[%s]" % ", ".join(str((i * 37) % 256) for i in range(n))
        return "[%s]" % ", ".join(repr(0.5 * i) for i in range(n))
    if name in u.iterated:
        return ["[1.5, 2.5, 3.5]", "[0, 1]"][variant]
    h = sum(ord(ch) for ch in name)
    return NUMS[h % len(NUMS)][variant]


def lower_panic(src, tango_names):
    """What PyAlarm does before eval: each Tango attribute reference becomes
    a variable, and AND/OR become Python operators."""
    for i, name in enumerate(sorted(set(tango_names), key=len, reverse=True)):
        src = src.replace(name, "TANGO_%d" % i)
    return src.replace(" AND ", " and ").replace(" OR ", " or ")


def build():
    data = json.load(open(CORPUS))
    base = base_names()
    cases, stats = [], {"corpus formulas": len(data)}
    skipped = 0

    def skip(why):
        stats["skip: " + why] = stats.get("skip: " + why, 0) + 1

    for f in data:
        src = f["formula"].strip()
        if src.endswith("\\"):
            src = src[:-1].rstrip()  # DynamicDS continuation marker, not part of the formula
        if src.endswith("<br>"):
            src = src[:-4].rstrip()  # HTML line break copied from the docs
        src = lower_panic(src, f.get("tango_names") or [])
        try:
            tree = ast.parse(src, mode="eval")
        except SyntaxError:
            skipped += 1
            skip("not a Python 3 expression")
            continue
        u = Usage()
        u.visit(tree)
        free = [n for n in u.loads if n not in u.bound and (n not in base or n in STANDINS or n in HOSTVARS)]
        why = []
        variants = []
        for v in (0, 1):
            b = {}
            for n in free:
                val = bind(n, u, v, why)
                if val is not None:
                    b[n] = val
            variants.append(b)
        if why:
            skipped += 1
            skip(why[0].split(":")[0])
            continue
        for v, b in enumerate(variants):
            cases.append({"id": "corpus-%s-%d" % (f["id"], v), "area": "corpus/" + f["system"],
                          "src": src, "vars": b, "seed": 7 * v, "note": f["id"]})
    stats["skipped"] = skipped
    stats["formulas covered"] = len(data) - skipped
    return cases, stats
