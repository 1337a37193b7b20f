#!/bin/sh
# Instructions per operation of the root package's no-op drop-in
# benchmarks (driver_bench_test.go) under valgrind --tool=callgrind: each
# sub-benchmark alone, at two -benchtime counts, the difference in
# instructions over the difference in operations. No GC (GOGC=off), so
# that when the collector runs does not blur the counts.
#
#   perf/scripts/callgrind-noop.sh [out-dir]
set -eu
out=${1:-/tmp/alchemy-callgrind-noop}
mkdir -p "$out"
root=$(cd "$(dirname "$0")/../.." && pwd)
CGO_ENABLED=0 go -C "$root" test -c -o "$out/alchemy.test" .
n1=${N1:-20000}
n2=${N2:-60000}
printf '| benchmark | instructions per operation |\n|---|---|\n'
for b in 'DropInExec$/^database-sql-idle-list$' 'DropInExec$/^database-sql-channel-pool-no-idle$' 'DropInExec$/^alchemy$' \
	'DropInExecContended$/^database-sql-max-open-2$' 'DropInExecContended$/^alchemy$/^pool_timeout=30$' 'DropInExecContended$/^alchemy$/^pool_timeout=none$'; do
	f=$(echo "$b" | tr -d '^$' | tr '/=' '__')
	for n in $n1 $n2; do
		GOGC=off GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file="$out/$f.$n.out" \
			"$out/alchemy.test" -test.run '^$' -test.bench "$b" -test.benchtime "${n}x" >"$out/$f.$n.log" 2>&1
	done
	i1=$(sed -n 's/^summary: //p' "$out/$f.$n1.out")
	i2=$(sed -n 's/^summary: //p' "$out/$f.$n2.out")
	printf '| %s | %d |\n' "$(echo "$b" | tr -d '^$')" $(( (i2 - i1) / (n2 - n1) ))
done
