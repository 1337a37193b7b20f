#!/bin/sh
# Instructions per CreateAll of the 200-table scaling schema on SQLite,
# beside the one-script floor, under valgrind --tool=callgrind: the
# count does not depend on the disk's fsync or on what else the machine
# runs, which move the wall-clock ratio of this small cell by ±10%.
# Each mode runs at two -ddl-loop-n counts and the difference in
# instructions over the difference in creations cancels start-up; the
# open mode (open and close a new database file, nothing else) is taken
# from both sides, so the ratio compares CreateAll's work with the
# floor's.
#
#   bench/scripts/createall-callgrind.sh [out-dir] [tables]
set -eu
out=${1:-/tmp/alchemy-callgrind-createall}
tables=${2:-200}
mkdir -p "$out"
bench=$(cd "$(dirname "$0")/.." && pwd)
# No cgo and no asynchronous preemption (their signals trip callgrind),
# one P and no GC, as perf/scripts/callgrind.sh.
CGO_ENABLED=0 go -C "$bench" build -o "$out/scaling" ./cmd/scaling
n1=${N1:-3}
n2=${N2:-9}
per() {
	for n in $n1 $n2; do
		GOMAXPROCS=1 GOGC=off GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file="$out/$1.$n.out" \
			"$out/scaling" -ddl-loop "$1" -ddl-loop-n "$n" -tables "$tables" >"$out/$1.$n.log" 2>&1
	done
	i1=$(sed -n 's/^summary: //p' "$out/$1.$n1.out")
	i2=$(sed -n 's/^summary: //p' "$out/$1.$n2.out")
	echo $(( (i2 - i1) / (n2 - n1) ))
}
lib=$(per lib)
floor=$(per floor)
open=$(per open)
printf '| %d tables, SQLite | instructions per creation |\n|---|---:|\n' "$tables"
printf '| CreateAll | %d |\n| floor (CreateAllSQL as one script) | %d |\n| opening and closing the file | %d |\n' "$lib" "$floor" "$open"
awk -v l="$lib" -v f="$floor" -v o="$open" 'BEGIN { printf "| CreateAll ÷ floor, the opening taken from both | %.3f |\n", (l - o) / (f - o) }'
