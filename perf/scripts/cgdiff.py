#!/usr/bin/env python3
"""Per-function instructions per operation, and the difference between two
paths, from the callgrind outputs of perf/scripts/callgrind.sh.

  cgdiff.py DIR BASE OTHER [N1 N2] [--inclusive] [--groups]
  cgdiff.py DIR1/BASE DIR2/OTHER …  (the same loop before and after a change)

BASE and OTHER are loop names as files name them (postgresql_a_select1).
Each function's count is (count at N2 - count at N1) / (N2 - N1): set-up
cancels. Prints the functions whose cost differs most."""
import re, subprocess, sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
inclusive = "--inclusive" in sys.argv
d, base, other = args[0], args[1], args[2]
n1, n2 = (int(args[3]), int(args[4])) if len(args) > 4 else (1000, 3000)

def counts(f):
    cmd = ["callgrind_annotate", "--threshold=100", "--auto=no"]
    if inclusive:
        cmd.append("--inclusive=yes")
    out = subprocess.run(cmd + [f], capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(\S.*)$", line)
        if not m or ":" not in m.group(2):
            continue
        fn = re.sub(r"'\d+$", "", m.group(2).split(":", 1)[1].split(" [")[0].strip())
        res[fn] = res.get(fn, 0) + int(m.group(1).replace(",", ""))
    return res

def perop(name):
    # name may carry its own directory (before/after comparisons).
    base = name if "/" in name else f"{d}/{name}"
    a, b = counts(f"{base}.{n1}.out"), counts(f"{base}.{n2}.out")
    return {k: (b.get(k, 0) - a.get(k, 0)) / (n2 - n1) for k in set(a) | set(b)}

pb, po = perop(base), perop(other)

groups = [
    ("alchemy", lambda k: k.startswith("github.com/go-alchemy/alchemy")),
    ("database/sql", lambda k: k.startswith("database/sql")),
    ("driver (pgx, go-sql-driver)", lambda k: k.startswith("github.com/jackc/") or k.startswith("github.com/go-sql-driver/")),
    ("maps (database/sql's dependency sets)", lambda k: "maps." in k or k.startswith("runtime.map") or k in ("runtime.typehash", "runtime.interhash", "runtime.nilinterhash", "runtime.ifaceeq", "runtime.efaceeq", "runtime.rand", "internal/chacha8rand.block", "runtime.memhash64", "runtime.memhash")),
    ("allocation", lambda k: "malloc" in k or "mspan" in k or k in ("runtime.newobject", "runtime.memclrNoHeapPointers", "runtime.typedmemclr", "runtime.tryDeferToSpanScan", "runtime.heapSetTypeNoHeader", "runtime.nextFreeFast", "runtime.makeslice", "runtime.growslice", "runtime.deductAssistCredit")),
    ("interfaces", lambda k: "itab" in k or k in ("runtime.typeAssert", "runtime.interfaceSwitch", "runtime.assertE2I", "runtime.assertE2I2")),
    ("time", lambda k: k.startswith("time.") or "nanotime" in k or "walltime" in k),
]
if "--groups" in sys.argv:
    tot = {}
    for k in set(pb) | set(po):
        g = next((name for name, f in groups if f(k)), "other (runtime scheduler, syscalls, …)")
        b0, o0 = tot.get(g, (0, 0))
        tot[g] = (b0 + pb.get(k, 0), o0 + po.get(k, 0))
    print(f"| where | {base} | {other} | difference |")
    print("|---|---|---|---|")
    for g, (b, o) in sorted(tot.items(), key=lambda r: -abs(r[1][1] - r[1][0])):
        print(f"| {g} | {b:.0f} | {o:.0f} | {o - b:+.0f} |")
    # The scheduler's share depends on timing (idle Ps spinning, sysmon,
    # waits for the server), so it is the noisy part; the rest is the
    # code the operation runs and repeats exactly.
    other = "other (runtime scheduler, syscalls, …)"
    bs = sum(v[0] for g, v in tot.items() if g != other)
    os_ = sum(v[1] for g, v in tot.items() if g != other)
    print(f"| **all but the scheduler** | **{bs:.0f}** | **{os_:.0f}** | **{os_ - bs:+.0f}** |")
    sys.exit(0)
rows = sorted(((po.get(k, 0) - pb.get(k, 0), pb.get(k, 0), po.get(k, 0), k) for k in set(pb) | set(po)), key=lambda r: -abs(r[0]))
print(f"| function | {base} | {other} | difference |")
print("|---|---|---|---|")
for diff, b, o, k in rows[:int(dict(enumerate(sys.argv)).get(99, 40))]:
    if abs(diff) < 15:
        break
    print(f"| `{k}` | {b:.0f} | {o:.0f} | {diff:+.0f} |")
