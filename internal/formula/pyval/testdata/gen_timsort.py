#!/usr/bin/env python3
"""Generate timsort.json: the comparisons CPython's list.sort makes.

    cd testdata && python3 gen_timsort.py

Each case is {"keys": [...ints...], "cmps": [[i, j], ...], "order": [...]}:
sorting the keys, CPython evaluated keys[i] < keys[j] (i, j are indices
into the input) in that order and produced the input indices in `order`.
pyval.TimSort must make exactly the same comparisons.
"""
import json
import random

LOG = []


class K:
    __slots__ = ("k", "i")

    def __init__(self, k, i):
        self.k, self.i = k, i

    def __lt__(self, other):
        LOG.append([self.i, other.i])
        return self.k < other.k


def shapes(rng):
    for n in list(range(0, 70)) + [100, 127, 128, 129, 200, 255, 300, 513, 1000]:
        yield [rng.randrange(n + 1) for _ in range(n)]
        yield [rng.randrange(4) for _ in range(n)]
    for n in (64, 65, 150, 700, 1200):
        # ascending/descending runs of assorted lengths: exercises merges and galloping
        xs = []
        while len(xs) < n:
            run = sorted(rng.randrange(1000) for _ in range(rng.randrange(1, 80)))
            if rng.random() < 0.4:
                run.reverse()
            xs += run
        yield xs[:n]
        yield list(range(n)) + list(range(n // 3))
        yield [i % 17 for i in range(n)]
        base = list(range(n))
        for _ in range(n // 20):
            a, b = rng.randrange(n), rng.randrange(n)
            base[a], base[b] = base[b], base[a]
        yield base


def main():
    rng = random.Random(5)
    out = []
    for keys in shapes(rng):
        del LOG[:]
        items = [K(k, i) for i, k in enumerate(keys)]
        items.sort()
        out.append({"keys": keys, "cmps": list(LOG), "order": [x.i for x in items]})
    with open("timsort.json", "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
