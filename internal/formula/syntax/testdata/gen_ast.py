#!/usr/bin/env python3
"""Generate ast_cases.json: CPython 3.11's verdict on formula expressions.

Usage: python3 gen_ast.py [corpus-dir]   (run from this directory; the default
corpus dir is /work/shared/reference/corpus, holding formulas.json and
bl00-sims.csv)

For each case it records ast.dump() of ast.parse(src, mode='eval').body with
ctx=... and kind='u' removed (the Go Dump omits them), the same dump with
position attributes where positions are comparable, or the SyntaxError
(msg, line, offset) raised by compile(src, '<formula>', 'eval').

Cases: the real formula corpus (formulas.json, and the DynamicDS formulas of
bl00-sims.csv under 400 characters, cut at '#' and split at the first '='
as DynamicDS does), extra_cases.txt (hand-written: one case a line, or
`J "json string"` for cases with newlines or edge whitespace), a
deterministic random grammar walk, and random one-character mutations of
those (for mutations only acceptance and the dump are compared: CPython's
error locations for arbitrary garbage are heuristics, not a contract).
"""
import ast
import csv
import json
import os
import random
import re
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = sys.argv[1] if len(sys.argv) > 1 else '/work/shared/reference/corpus'

CTX = re.compile(r", ctx=(Load|Store|Del)\(\)")
KIND = re.compile(r", kind='u'")


def norm(s):
    return KIND.sub('', CTX.sub('', s))


def has_fstring(tree):
    return any(isinstance(n, ast.JoinedStr) for n in ast.walk(tree))


def verdict(src, positions=True):
    out = {'src': src}
    # eval() strips leading spaces and tabs before compiling; so does Parse.
    stripped = len(src) - len(src.lstrip(' \t'))
    src = src[stripped:]
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try:
            compile(src, '<formula>', 'eval')
            tree = ast.parse(src, mode='eval')
        except SyntaxError as e:
            line, off = e.lineno, e.offset
            if off == 0 or off is None:
                # CPython points past the end only when it appends its own
                # newline; ask again with one to get a usable location.
                try:
                    compile(src + '\n', '<formula>', 'eval')
                except SyntaxError as e2:
                    line, off = e2.lineno, e2.offset
            if line == 1 and off:
                off += stripped
            out['err'] = {'msg': e.msg, 'line': line or 0, 'col': off or 0}
            return out
        except ValueError as e:  # null bytes
            out['err'] = {'msg': str(e), 'line': 0, 'col': 0}
            return out
    out['dump'] = norm(ast.dump(tree.body))
    if positions and not has_fstring(tree) and not stripped and '\r' not in src:
        out['pos'] = norm(ast.dump(tree.body, include_attributes=True))
    return out


# ---- random expression generator -------------------------------------------

NAMES = ['a', 'b', 'x', 'y', 't', 'Current', 'VAR', 'sin', 'ü', 'φ0', '_p']


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def pick(self, xs):
        return self.r.choice(xs)

    def name(self):
        return self.pick(NAMES)

    def number(self):
        r = self.r
        return self.pick([
            str(r.randint(0, 1000)), '0', '1_000', '0x1F', '0o17', '0b101', '0XfF',
            '%d.%d' % (r.randint(0, 99), r.randint(0, 99)), '1e-7', '2.5E+3', '.5', '5.', '1j', '2.5j',
            '1e400', '12345678901234567890123', '0.1', '1e16', '1e15', '00', '0e0', '1_0.0_1',
        ])

    def string(self):
        body = self.pick(['', 'abc', "it's", 'say "hi"', 'tab\\there', '\\x41\\u00e9\\U0001F600',
                          '\\N{DEGREE SIGN}', 'back\\\\slash', '\\101\\0', 'é', 'line\\nfeed', '\\q'])
        pre = self.pick(['', '', '', 'r', 'u', 'R', 'b', 'rb', 'Br'])
        if 'b' in pre.lower() and any(ord(c) > 127 for c in body):
            body = 'abc'
        if 'b' in pre.lower() and ('\\N' in body or '\\u' in body):
            body = 'x\\x00y'
        q = self.pick(["'", '"', "'''", '"""'])
        if q[0] in body or (pre.lower().startswith('r') or pre.lower().endswith('r')) and body.endswith('\\'):
            q = '"""' if "'" in body else "'"
            if '"' in body and "'" in body:
                body = 'abc'
        return pre + q + body + q

    def fstring(self, d):
        q = self.pick(["'", '"'])
        other = '"' if q == "'" else "'"
        parts = []
        for _ in range(self.r.randint(0, 3)):
            k = self.r.randint(0, 5)
            if k == 0:
                parts.append(self.pick(['lit', ' ', '{{', '}}', 'é']))
            else:
                e = self.expr(max(d - 1, 0), atomic=True).replace(q, other)
                if '\\' in e or '#' in e or q in e or other in e:
                    e = self.name()
                conv = self.pick(['', '', '!r', '!s', '!a'])
                spec = self.pick(['', '', ':>10', ':.3f', ':{%s}' % self.name(), ':%s' % '{w}.{p}'])
                eq = self.pick(['', '', '', '='])
                parts.append('{' + e + eq + conv + spec + '}')
        return self.pick(['f', 'F', 'rf', 'fR']) + q + ''.join(parts) + q

    def atom(self, d):
        k = self.r.randint(0, 17 if d > 0 else 4)
        if k <= 1:
            return self.name()
        if k == 2:
            return self.number()
        if k == 3:
            return self.string()
        if k == 4:
            return self.pick(['True', 'False', 'None', '...'])
        if k == 5:
            return '(' + self.expr(d - 1) + ')'
        if k == 6:
            n = self.r.randint(0, 3)
            elts = [self.starred(d - 1) for _ in range(n)]
            if n == 1:
                return '(' + elts[0] + ',)'
            return '(' + ', '.join(elts) + self.pick(['', ','] if n else ['']) + ')'
        if k == 7:
            elts = [self.starred(d - 1) for _ in range(self.r.randint(0, 3))]
            return '[' + ', '.join(elts) + ']'
        if k == 8:
            elts = [self.starred(d - 1) for _ in range(self.r.randint(1, 3))]
            return '{' + ', '.join(elts) + '}'
        if k == 9:
            items = []
            for _ in range(self.r.randint(0, 3)):
                if self.r.random() < 0.2:
                    items.append('**' + self.atom(d - 1))
                else:
                    items.append(self.expr(d - 1) + ': ' + self.expr(d - 1))
            return '{' + ', '.join(items) + '}'
        if k == 10:
            open_, close = self.pick([('[', ']'), ('(', ')'), ('{', '}')])
            elt = self.expr(d - 1)
            if open_ == '{' and self.r.random() < 0.4:
                elt = elt + ': ' + self.expr(d - 1)
            return open_ + elt + self.comp(d - 1) + close
        if k == 11:
            return self.fstring(d)
        if k == 12:
            return self.string() + ' ' + self.string().lstrip('bBrR') if self.r.random() < 0.5 else self.string()
        if k == 13:
            return '(' + self.name() + ' := ' + self.expr(d - 1) + ')'
        return self.primary(d)

    def starred(self, d):
        if self.r.random() < 0.15:
            return '*' + self.atom(max(d, 0))
        if self.r.random() < 0.05:
            return self.name() + ' := ' + self.expr(max(d, 0))
        return self.expr(max(d, 0))

    def comp(self, d):
        out = ''
        for _ in range(self.r.randint(1, 2)):
            tgt = self.pick([self.name(), self.name() + ', ' + self.name(), '(%s, %s)' % (self.name(), self.name()),
                             '[%s, *%s]' % (self.name(), self.name()), self.name() + '.attr', self.name() + '[0]'])
            out += ' for ' + tgt + ' in ' + self.or_expr(max(d, 0))
            for _ in range(self.r.randint(0, 2)):
                out += ' if ' + self.or_expr(max(d, 0))
        return out

    def primary(self, d):
        e = self.atom(d - 1)
        for _ in range(self.r.randint(1, 3)):
            k = self.r.randint(0, 3)
            if k == 0:
                e += '.' + self.pick(['real', 'value', 'quality', 'ü'])
            elif k == 1:
                args = []
                for _ in range(self.r.randint(0, 3)):
                    args.append(self.pick(['', '', '*'])+self.expr(d - 1))
                for _ in range(self.r.randint(0, 2)):
                    args.append(self.pick(['k=', 'default=', '**'])+self.expr(d - 1))
                if self.r.random() < 0.1:
                    args = [self.expr(d - 1) + self.comp(d - 1)]
                e += '(' + ', '.join(args) + ')'
            elif k == 2:
                e += '[' + self.subscript(d - 1) + ']'
            else:
                e += '[' + self.expr(d - 1) + ']'
        return e

    def subscript(self, d):
        def sl():
            parts = [self.pick(['', self.expr(d)]), self.pick(['', self.expr(d)])]
            s = ':'.join(parts)
            if self.r.random() < 0.4:
                s += ':' + self.pick(['', self.expr(d)])
            return s
        n = self.r.randint(1, 3)
        items = [sl() if self.r.random() < 0.6 else self.expr(d) for _ in range(n)]
        return ', '.join(items) + self.pick(['', ','] if n > 1 else [''])

    def unary(self, d):
        if self.r.random() < 0.2:
            return self.pick(['-', '+', '~', '- ', '--']) + self.unary(d)
        e = self.atom(d)
        if self.r.random() < 0.15:
            e += ' ** ' + self.unary(d - 1)
        return e

    def or_expr(self, d):
        if d <= 0:
            return self.unary(0)
        e = self.unary(d - 1)
        for _ in range(self.r.randint(0, 2)):
            op = self.pick(['+', '-', '*', '/', '//', '%', '@', '<<', '>>', '&', '|', '^', '**'])
            e += ' ' + op + ' ' + self.unary(d - 1)
        return e

    def comparison(self, d):
        e = self.or_expr(d)
        for _ in range(self.pick([0, 0, 1, 1, 2])):
            e += ' ' + self.pick(['<', '>', '==', '!=', '<=', '>=', 'in', 'not in', 'is', 'is not']) + ' ' + self.or_expr(d)
        return e

    def boolean(self, d):
        e = self.comparison(d)
        if self.r.random() < 0.2:
            e = 'not ' + e
        for _ in range(self.pick([0, 0, 1, 2])):
            e += ' ' + self.pick(['and', 'or']) + ' ' + self.comparison(d)
        return e

    def lam(self, d):
        params = []
        names = iter(['p', 'q', 'r', 's', 'u', 'v'])
        form = self.r.randint(0, 6)
        if form >= 1:
            params.append(next(names))
        if form >= 2:
            params.append(next(names) + '=' + self.atom(0))
        if form == 3:
            params.insert(1, '/')
        if form >= 4:
            params.append('*' + self.pick(['', next(names)]))
            params.append(next(names))
            params.append(next(names) + '=1')
        if form >= 5:
            params.append('**' + next(names))
        return 'lambda ' + ', '.join(params) + ': ' + self.expr(max(d - 1, 0))

    def expr(self, d, atomic=False):
        if d <= 0:
            return self.unary(0)
        k = self.r.randint(0, 9)
        if k == 0 and not atomic:
            return self.boolean(d - 1) + ' if ' + self.boolean(d - 1) + ' else ' + self.expr(d - 1)
        if k == 1 and not atomic:
            return self.lam(d)
        return self.boolean(d - 1)

    def top(self):
        d = self.r.randint(1, 3)
        e = self.expr(d)
        if self.r.random() < 0.1:
            e += ', ' + self.expr(d - 1) + self.pick(['', ','])
        # Layout variations: line joining inside brackets, comments, spaces.
        if self.r.random() < 0.1:
            e = e.replace('(', '(\n  ', 1)
        if self.r.random() < 0.05:
            e = e + '  # comment'
        if self.r.random() < 0.05:
            e = '\n' + e + '\n\n'
        return e


def mutate(r, s):
    if not s:
        return s
    i = r.randrange(len(s))
    k = r.randint(0, 2)
    chars = '()[]{},:.=*+-/%<>!~`\'"\\#@ \nabx01_eLjfr'
    if k == 0:
        return s[:i] + s[i + 1:]
    if k == 1:
        return s[:i] + r.choice(chars) + s[i:]
    return s[:i] + r.choice(chars) + s[i + 1:]


def main():
    cases = []
    with open(os.path.join(CORPUS, 'formulas.json')) as f:
        for item in json.load(f):
            cases.append((item['formula'], 'corpus ' + item['id'], True))
    with open(os.path.join(CORPUS, 'bl00-sims.csv'), newline='') as f:
        prop = None
        for row in list(csv.reader(f))[1:]:
            prop = row[4] or prop
            value = row[5].split('#')[0].strip()
            if prop in ('DynamicAttributes', 'DynamicStates', 'DynamicCommands') and '=' in value:
                formula = value.split('=', 1)[1].strip()
                if len(formula) < 400:
                    cases.append((formula, 'bl00 ' + row[3], True))
    with open(os.path.join(HERE, 'extra_cases.txt'), encoding='utf-8') as f:
        for line in f.read().split('\n'):
            if line.startswith('J '):
                cases.append((json.loads(line[2:]), 'extra', True))
            elif line:
                cases.append((line, 'extra', True))
    g = Gen(20240611)
    rand = []
    for i in range(2000):
        rand.append(g.top())
    cases += [(s, 'random', True) for s in rand]
    r = random.Random(7)
    base = [c[0] for c in cases]
    for i in range(1000):
        cases.append((mutate(r, r.choice(base)), 'mutation', False))
    out, seen = [], set()
    for i, (src, origin, loc) in enumerate(cases):
        if src in seen:
            continue
        seen.add(src)
        # Positions for every hand-picked case and a third of the rest keep
        # the committed file small.
        v = verdict(src, origin not in ('random', 'mutation') or i % 3 == 0)
        v['origin'] = origin
        if not loc:
            v['noloc'] = True
        out.append(v)
    with open(os.path.join(HERE, 'ast_cases.json'), 'w') as f:
        f.write('[\n')
        f.write(',\n'.join(json.dumps(v, ensure_ascii=False) for v in out))
        f.write('\n]')
        f.write('\n')
    ok = sum(1 for v in out if 'dump' in v)
    print('%d cases, %d valid, %d errors' % (len(out), ok, len(out) - ok))


if __name__ == '__main__':
    main()
