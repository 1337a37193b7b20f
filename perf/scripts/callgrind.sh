#!/bin/sh
# Instructions per operation of the harness's -loop mode under
# valgrind --tool=callgrind: two runs with different -n, the difference
# in instructions over the difference in operations, so start-up,
# table set-up and warm-up cancel. Instruction counts do not depend on
# the machine's load, unlike wall-clock time.
#
#   perf/scripts/callgrind.sh [out-dir] [server/path/workload ...]
#
# Default: PostgreSQL and MariaDB, paths a b c (and d on PostgreSQL),
# workloads select1 and point. Needs valgrind and the test servers'
# environment variables (ALCHEMY_TEST_POSTGRES_URL, ALCHEMY_TEST_MYSQL_URL).
set -eu
out=${1:-/tmp/alchemy-callgrind}
[ $# -gt 0 ] && shift
mkdir -p "$out"
bin="$out/alchemy-perf"
# No cgo (valgrind and cgo's thread start disagree about signals) and no
# asynchronous preemption (its signals trip callgrind); one P and no GC
# so that the scheduler's spinning and the collector's timing, which
# depend on the server's latency, do not blur the counts.
CGO_ENABLED=0 go -C "$(dirname "$0")/.." build -o "$bin" .
targets=${*:-"postgresql/a/select1 postgresql/b/select1 postgresql/c/select1 postgresql/d/select1 postgresql/a/point postgresql/b/point postgresql/c/point postgresql/d/point mysql/a/point mysql/b/point mysql/c/point"}
n1=${N1:-1000}
n2=${N2:-3000}
printf '| loop | instructions per operation |\n|---|---|\n'
for t in $targets; do
	f=$(echo "$t" | tr / _)
	for n in $n1 $n2; do
		GOMAXPROCS=1 GOGC=off GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file="$out/$f.$n.out" \
			"$bin" -loop "$t" -n "$n" >"$out/$f.$n.log" 2>&1
	done
	i1=$(sed -n 's/^summary: //p' "$out/$f.$n1.out")
	i2=$(sed -n 's/^summary: //p' "$out/$f.$n2.out")
	printf '| %s | %d |\n' "$t" $(( (i2 - i1) / (n2 - n1) ))
done
