#!/usr/bin/env bash
# Run every Criterion test binary given, print one summary, fail if any failed.
# Tests that need something absent (no /dev/kvm, ...) report themselves as
# SKIPPED through Criterion's cr_skip, which this summary counts apart.
set -uo pipefail
failed=()
total=0
for t in "$@"; do
	total=$((total + 1))
	echo "=== $(basename "$t")"
	log=$(mktemp)
	"$t" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	grep -h 'SKIP' "$log" | sed 's/^/    /' || true
	rm -f "$log"
	[[ $rc -eq 0 ]] || failed+=("$(basename "$t")")
done
echo
if [[ ${#failed[@]} -eq 0 ]]; then
	echo "all $total test binaries passed"
else
	echo "FAILED: ${failed[*]} (of $total test binaries)"
	exit 1
fi
