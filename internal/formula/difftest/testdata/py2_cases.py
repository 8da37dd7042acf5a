# -*- coding: utf-8 -*-
"""Python 2 specific cases (expectations from python2.7 via oracle.py).

Only what Python 2 does differently or what real Python 2 formulas rely on:
classic division, mixed-type ordering, list-returning builtins, round half
away from zero, str(float) with 12 digits, long literals and reprs, `<>`,
backquotes, octal literals, leaking comprehension variables.
"""
import re

CASES = [
    "7/2", "-7/2", "7/-2", "7/2.0", "7.0/2", "1/2", "-1/2", "10/3*3", "2**-1", "(-8)**(1/3)", "True/2", "3/True",
    "7//2", "divmod(-7, 2)", "-7 % 3", "2**70", "-2**70", "2**63", "repr(2**70)", "str(2**70)", "hex(2**70)",
    "'%x' % 2**70", "2**64 // 3", "1 <> 2", "1 <> 1", "`1`", "`'a'`", "`[1, 'b']`", "0777", "0o17", "0x1F",
    "None < 1", "None < None", "None > -10**30", "[] > 0", "'a' > 1", "(1,) > [1]", "{} < []", "1 < 'a'",
    "sorted([None, 1, 'a', [], ()])", "sorted([3, 'b', None, 2.5, [1]])", "max(None, 1)", "min('a', 2)",
    "max([1, 'a', None])", "cmp(1, 2)", "cmp('b', 'a')", "cmp([1], [1])",
    "map(abs, [-1])", "map(None, [1, 2])", "map(lambda x, y: (x, y), [1, 2], [3])", "range(3)", "range(5, 0, -2)",
    "xrange(3)", "list(xrange(1, 4))", "zip('ab', [1, 2])", "zip()", "filter(None, [0, 1, '', 'a'])",
    "filter(lambda c: c > 'a', 'abc')", "filter(None, (0, 1))", "{'a': 1}.keys()", "{'a': 1}.values()",
    "{'a': 1}.items()", "dict(a=1).has_key('a')", "reduce(lambda a, b: a + b, [1, 2, 3])", "reduce(max, [3, 9, 2], 0)",
    "apply(max, [1, 2])", "isinstance('a', basestring)", "round(2.5)", "round(-2.5)", "round(0.5)", "round(1.5)",
    "round(2.675, 2)", "round(1234.5, -1)", "round(3)", "round(-0.5)", "str(1/3.)", "str(0.1)", "str(1e16)",
    "str(123456789.123)", "str(1.0)", "repr(0.1)", "repr(1/3.)", "'%s' % (1/3.)", "'%s' % 0.1", "str([1/3.])",
    "str((0.1, 2.5))", "'%r' % (1/3.)", "str(2.0**70)", "str(-0.0)", "str(1e-5)", "1e16", "1/3.",
    "'{}'.format(1/3.)", "'%d' % 3.5", "'%s' % None", "[x for x in range(3)] and x", "[i*j for i in range(3) for j in range(2)] and (i, j)",
    "sin(1, 2)", "sin(3, 4.0)", "cos(2, 8)", "square(3, 1, 4)", "ramp(3, 1, 4)", "triangle(3, 4)",
    "type(1)", "type([])", "type('a')", "type(1.5)", "str(type(None))", "int", "len", "True + True", "True/True",
    "int('10', 0)", "int(2**70 / 2**69)", "2**62 * 2 - 2**63", "abs(-2**63)", "long(2**70)", "float(2**70)",
    "10 ** 20", "10 ** 20 / 3", "-10 ** 20 / 7", "7 / -(2**70)", "(2**70) % -3", "'abc'[::-1]", "'a,b'.split(',')",
    "'%5.2f|%-4d|%s' % (3.14159, 7, 'x')", "'{:>6}'.format('ab')", "sum(range(101)) / 2", "len(range(10)) / 4",
    "[1, 2, 3][5/2]", "'abcdef'[1:5/2]", "max(range(10)) / 2 * 2", "sorted({'b': 1, 'a': 2})", "sorted([3, 1, 2], reverse=True)",
    "sorted([3, 1, 2], lambda a, b: b - a)", "sorted(['bb', 'a'], key=len)", "'abc'.upper()", "dict(zip('ab', range(2)))['b']",
    "1 if [] else 2", "not None", "None == 0", "0 == False", "[] == False", "3 > 2 > 1", "1 < None", "1.5 > None",
    "-7 // 2.0", "7 % -3", "divmod(7, -2)", "abs(-7/2)", "-7/2*2", "(-7)/2", "-(7/2)", "7/2/2", "2**3/3",
    # set reprs, object.__format__, %-format of floats, type reprs (pyval)
    "set()", "frozenset()", "set([3])", "frozenset([3])", "{1: set()}", "[set(), frozenset()]", "repr(set())",
    "str(frozenset())", "'{}'.format(set())", "'{!r:>10}'.format(set())", "'%s' % set()",
    "'[{:<4}]'.format({})", "'{:>5}'.format([1])", "'{:.3}'.format((1, 'a', None))", "'{:x}'.format([])",
    "'{:x}'.format(None)", "format(None, '')", "format([], 's')", "'{:^7}'.format(None)", "'{:d}'.format(3.0)",
    "'%x' % 3.7", "'%X' % -3.7", "'%o' % -1.0", "'%x' % 2.0**70", "'%i' % 1e20", "'%#o' % 8", "'%#o' % 0",
    "'%#5.3o' % 8", "'%#o' % -8", "'%#x' % 255", "'%d' % float('inf')", "'%x' % float('nan')", "'%c' % 65.0",
    "type(2**70)", "type(len)", "type(lambda: 0)", "type(type)", "object", "str(int)", "'%s' % float",
    "type(1) == int", "type(1) is int", "type(2**70) is long", "[int, str]", "1 .real", "(2**70).real",
    "set()[2**70]", "set([1])[0]", "set()[1.5]", "None[0]", "frozenset([2])[-2**70]",
    "set([1]) < frozenset([1, 2])", "frozenset([1]) <= set([1])", "set([1]) < [1]", "{1: 2} < {1: 3}",
    "{1: 2, 3: 4} > {1: 2, 2: 0}", "{'a': [1]} < {'a': (1,)}", "cmp({}, {})", "cmp({1: None}, {2: None})",
    "max({1: 1}, {0: 5})", "sorted([{1: 1}, {0: 5}, {}])", "{'a': 1, 'b': 2.5} >= {'x': [1, 2], 'y': {'z': None}}",
    "copysign(1.0, float('nan'))", "copysign(1.0, float('-nan'))", "copysign(1.0, float(' NaN '))",
    # dict items: the value is evaluated before the key
    "{''[-3]: [].index(1)}", "{[].index(1): ''[-3]}", "{''[-3]: [].index(1) for _ in [1]}", "{1: 2, 3: 1/0}",
    # math_2 converts both arguments: the second one's error wins; hypot takes two
    "fmod(10**400, None)", "atan2(None, 10**400)", "pow(10**400, 'a')", "copysign(10**400, [])",
    "hypot(10**400, None)", "hypot(3, 4)", "hypot(1, 2, 3)", "hypot(1)", "ldexp(10**400, None)",
    # no 4300-digit limit
    "len(repr(((10**20) ** 19) ** 17))", "len(str(7**6000))", "int('1' * 5000) % 1000", "'%d' % 7**5000 == str(7**5000)",
    # int(), long() and float() of text: strtol's and strtod's grammar and Python 2's messages
    "int('1_000')", "float('1_0.5')", "int('017', 0)", "int('08', 0)", "long('08', 0)", "int('00', 0)",
    "int('0b11', 0)", "int('0o17', 0)", "int('+ 3')", "int(' - 3 ')", "int(' 12L ')", "long(' 12L ')", "int('0x', 16)",
    "int('  x  ')", "long('  x  ')", "int('x' * 300)", "long('x' * 300)", "int('')", "long(' ')", "int('-')",
    "float('x' * 300)", "float('1' * 300 + 'x')", "float('  1e  ')", "float(' x ')", "float('')", "float('1.5.5')",
    "float('--1')", "float('in')", "float('nanx')", "float('infinity')", "float(' 1.5 ')", "float('.5')", "float('5.')",
    "float('1E+5')", "float(None)", "int(None)", "long(None)", "int([])", "long('x')", "int(x='3')", "int('x', 1)",
    # Python 2's wording of call errors and conversions
    "(lambda x: x)()", "(lambda x: x)(1, 2)", "(lambda x, y=1: x)()", "(lambda x, y=1: x)(1, 2, 3)", "(lambda x, *a: x)()",
    "(lambda: 1)(2)", "(lambda: 1)(a=2)", "(lambda x: x)(y=1)", "(lambda *a: a)(x=1)", "(lambda x: x)(1, x=2)",
    "(lambda x, y: x)(y=1)", "(lambda x, y: x)(1, y=2, x=3)", "(lambda x, y, z=1: x)(z=1)", "(lambda **k: k)(1)",
    "(lambda x, **k: (x, k))(1, x=2)", "(lambda x, **k: (x, k))(y=2)", "(lambda x, y: (x, y))(y=1, x=2)",
    "float(10**400)", "10**400 * 1.0", "10**400 + 0.5", "'%f' % 10**400", "chr(65)", "chr(256)", "chr(-1)",
    "unichr(0x110000)", "max()", "min()", "'{0}'.format()", "'{1}'.format(1)",
    # a float formatted without a type: str()'s 12 digits
    "'{:>10}'.format(1/3.)", "'{:10}'.format(0.1 + 0.2)", "'{:10}'.format(123456789012.5)", "format(1/3., '10')",
    "'{:.3}'.format(1.0)", "'{:010}'.format(-2.5)", "'{:,}'.format(1234567.891)",
    # cmp of unordered numbers; printf's precision 0 of a zero; a padded '%'
    "cmp(float('nan'), 1)", "cmp(1, float('nan'))", "cmp(float('nan'), True)", "cmp(2**70, float('nan'))",
    "'%.0d' % 0", "'%#.0x' % 0", "'%#.0o' % 0", "'%.0o' % 0", "'%+.0d' % 0", "'%5.0d|' % 0", "'%05.0d' % 0",
    "'%.0d' % False", "'%.1d' % 0", "'%10.3%' % ()", "'%-5%|' % ()", "'%5%%d' % (3,)", "'%(a)5%' % {'a': 1}",
    # tuple parameters; "global name" in function bodies; unpacking a non-iterable
    "(lambda (a, b): a + b)((1, 2))", "map(lambda (k, v): k, {'a': 1}.items())",
    "sorted({'a': 3, 'b': 1}.items(), key=lambda (k, v): v)", "(lambda (a, (b, c)): a + b + c)((1, (2, 3)))",
    "(lambda x, (a, b), y=5: x + a + b + y)(1, [2, 3])", "(lambda (a, b)=(1, 2): a * b)()", "(lambda (a): a)(5)",
    "(lambda ((a, b)): a)((1, 2))", "(lambda (a, b): a)((1, 2, 3))", "(lambda (a, b): a)(1)", "(lambda (a, b): a)((1,))",
    "(lambda (a, a): a)((1, 2))", "(lambda (a, b), a: a)((1, 2), 3)", "[f((1, 2)) for f in [lambda (a, b): b]]",
    "(lambda (a, b,): a)((1, 2))", "(lambda: undefined_name)()", "(lambda: [undefined_name for i in [1]])()",
    "map(lambda i: undefined_name, [1])", "[undefined_name for i in [1]]", "[a for a, b in [1]]",
    "xrange(10).index(3)", "xrange(10).count(3)", "xrange(3).stop", "'%lld' % 5", "'%ld' % 5", "int.foo", "int[0]",
    "hypot(x=3)",
    # Python 2's gammavariate(1, b) and paretovariate
    "gammavariate(1, 2)", "paretovariate(3)", "gauss()", "randrange()",
]


# Python 2's random.py draws integers with int(random() * n): other results
# than Python 3's for the same seed.
RANDOM_CASES = [
    "randint(0, 10)", "[randint(1, 6) for i in range(10)]", "choice([1, 2, 3, 4, 5])", "choice('abc')",
    "sample(range(10), 3)", "sample(range(100), 30)", "sample({1: 2, 3: 4}, 2)", "len(sample(set(range(100)), 30))",
    "[randrange(10) for _ in range(5)]", "randrange(0, 100, 7)", "randrange(10, 0, -3)", "randint(-5, 5)",
    "(lambda l: (shuffle(l), l)[1])(list(range(10)))", "choice([])", "choice('')", "randrange(0)", "randrange(5, 5)",
    "randint(3, 1)", "sample([1, 2], 3)", "choice({0: 'a', 1: 'b'})", "randrange(5.0)", "randrange(5.5)",
    "randint(0, 2**70) > 0", "(uniform(1, 2), gauss(0, 1))",
]


def cases():
    out = []
    for i, src in enumerate(CASES):
        vars_ = {}
        if re.search(r"\bx\b", src) and "for x" not in src:
            vars_["x"] = "7"
        out.append({"id": "p2h-%d" % i, "area": "py2/handwritten", "src": src, "vars": vars_, "py2": True})
    for seed in (0, 7):
        for i, src in enumerate(RANDOM_CASES):
            out.append({"id": "p2rand-%d-%d" % (seed, i), "area": "py2/random", "src": src, "vars": {}, "seed": seed, "py2": True})
    return out


def corpus_ok(c):
    """Corpus cases usable in Py2 mode: all but those calling choices(),
    which Python 2's random module does not have."""
    return "choices" not in set(re.findall(r"[A-Za-z_]\w*", c["src"]))
