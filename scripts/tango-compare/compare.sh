#!/bin/bash
# compare.sh: synchronous reads of TangoTest and of a chaoslab server, on this
# machine, in alternation, from Python clients of the same kind (client.py).
#
#   scripts/tango-compare/compare.sh [--busy] [--repeats N] [--seconds S] > runs.jsonl
#
# Needs a running Tango database and TangoTest (device sys/tg_test/1) with
# TANGO_HOST set, python3-tango, and bin/chaoslab (go build -o bin/chaoslab
# ./cmd/chaoslab). docs/api.md ("Against TangoTest") says how the stack was
# installed and what was measured. --busy runs a CPU-bound loop at nice 19
# meanwhile, as on the day of the reference figures: on a VM whose vCPUs halt
# when idle, synchronous round trips are faster when a CPU is kept busy.
# Prints one JSON line per run on stdout and a table of ranges on stderr.
set -eu
busy=0 repeats=3 seconds=3
while [ $# -gt 0 ]; do
	case $1 in
	--busy) busy=1 ;;
	--repeats) repeats=$2; shift ;;
	--seconds) seconds=$2; shift ;;
	*) echo "compare.sh: unknown argument $1 (want --busy, --repeats N, --seconds S)" >&2; exit 2 ;;
	esac
	shift
done
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
exe=$root/bin/chaoslab
py=/usr/bin/python3
[ -x "$exe" ] || { echo "compare.sh: $exe missing: go build -o bin/chaoslab ./cmd/chaoslab" >&2; exit 2; }
: "${TANGO_HOST:?compare.sh: set TANGO_HOST to the Tango database (host:port)}"
tt=$(pgrep -f "TangoTest test" | head -1)
[ -n "$tt" ] || { echo "compare.sh: no TangoTest process" >&2; exit 2; }

dir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

# The chaoslab side: one device with ten VAR attributes (TangoTest's
# scalars are memory attributes too), evaluated on every read (KeepTime 0).
{
	printf 'server\tclass\tdevice\tproperty\tvalue\n'
	printf "SimulatorDS/cmp\tSimulatorDS\tcmp/dev/1\tDynamicAttributes\tA0=VAR('A0', WRITE=True, default=0)\n"
	for i in 1 2 3 4 5 6 7 8 9; do printf "\t\t\t\tA$i=VAR('A$i', WRITE=True, default=$i)\n"; done
	printf '\t\t\tStartupDelay\t0\n\t\t\tKeepTime\t0\n'
} > "$dir/cmp.csv"
"$exe" serve --catalog "$dir/cmp.csv" --server SimulatorDS/cmp --unix "@chaoslab-cmp-$$" \
	--ready-file "$dir/ready.json" --log-level warn &
pids+=($!)
for _ in $(seq 100); do [ -s "$dir/ready.json" ] && break; sleep 0.1; done
[ -s "$dir/ready.json" ] || { echo "compare.sh: chaoslab serve not ready after 10 s" >&2; exit 1; }
cl=$($py -c "import json,sys; print(json.load(open(sys.argv[1]))['pid'])" "$dir/ready.json")
addr=$($py -c "import json,sys; print(json.load(open(sys.argv[1]))['addr'])" "$dir/ready.json")

if [ $busy = 1 ]; then
	nice -n 19 sh -c 'while :; do :; done' &
	pids+=($!)
fi

tt1=double_scalar
tt10=boolean_scalar,double_scalar,float_scalar,long64_scalar,long_scalar,short_scalar,uchar_scalar,ulong64_scalar,ulong_scalar,ushort_scalar
cl1=cmp/dev/1/A0
cl10=$(seq -s, -f "cmp/dev/1/A%g" 0 9)
run() { $py "$here/client.py" "$@" --seconds "$seconds" || echo '{"error": "run failed"}'; }
for r in $(seq "$repeats"); do
	for procs in 1 8; do
		for n in 1 10; do
			eval "ta=\$tt$n ca=\$cl$n"
			run tango sys/tg_test/1 --attrs "$ta" --tcp --procs $procs --server-pid "$tt"
			run tango sys/tg_test/1 --attrs "$ta" --procs $procs --server-pid "$tt"
			run chaoslab "$addr" --attrs "$ca" --procs $procs --server-pid "$cl"
			run chaoslab "unix:@chaoslab-cmp-$$" --attrs "$ca" --procs $procs --server-pid "$cl"
		done
	done
	echo "compare.sh: repeat $r of $repeats done" >&2
done | tee "$dir/runs.jsonl"
$py - "$dir/runs.jsonl" "$busy" >&2 <<'PY'
import collections, json, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    d = json.loads(line)
    if "error" not in d:
        rows[(d["procs"], d["attrs"], d["transport"], d["target"])].append(d)
print("%s machine; ranges over repeats" % ("busy" if sys.argv[2] == "1" else "idle"))
print("%-6s %-6s %-5s %-9s %-19s %s" % ("procs", "attrs", "via", "server", "calls/s", "server CPU µs/call"))
for k in sorted(rows):
    v = rows[k]
    r = [x["calls_per_s"] for x in v]
    c = [x["server_cpu_us_per_call"] for x in v]
    print("%-6d %-6d %-5s %-9s %-19s %s" % (k + ("%d–%d" % (min(r), max(r)), "%.1f–%.1f" % (min(c), max(c)))))
PY
