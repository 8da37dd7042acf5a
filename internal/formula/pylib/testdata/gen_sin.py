"""Writes sin.json: python3's math.sin/math.cos (glibc) on the arguments the
twin computes most, Signals.py's sin(t) = math.sin(2*pi*(t/period)) with the
default period, for t = PI*u (the `sin(PI*t)` of SimulatorDS examples), and
on random arguments. Run: python3 gen_sin.py > sin.json"""
import json
import math
import random

rnd = random.Random(7)
args = []
for i in range(3000):
    t = math.pi * (i * 0.01)  # sin(PI*t), t on a 10 ms grid
    args.append(2 * math.pi * (t / (2 * math.pi)))
for i in range(2000):
    t = math.pi * rnd.uniform(0, 1e5)
    args.append(2 * math.pi * (t / (2 * math.pi)))
for i in range(2000):
    args.append(rnd.uniform(-1, 1) * 2.0 ** rnd.randint(-4, 20))
print(json.dumps([[x.hex(), math.sin(x).hex(), math.cos(x).hex()] for x in args], indent=0))
