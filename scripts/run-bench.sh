#!/usr/bin/env bash
# Run every benchmark given; each prints its platform line and its figures.
# Benchmarks are not tests: they assert nothing about time.
set -uo pipefail
rc=0
for b in "$@"; do
	echo "=== $(basename "$b")"
	"$b" || { echo "($(basename "$b") failed with status $?)"; rc=1; }
	echo
done
exit $rc
