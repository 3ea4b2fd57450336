#!/usr/bin/env bash
# Run the swap request fuzzer (fuzz/fuzz_swap_req.c) for SECONDS (default 60).
#   fuzz/run-fuzz.sh 10        the short run `make check` does (tests/test_swap_fuzz.c)
#   fuzz/run-fuzz.sh 3600      a longer campaign; add JOBS=2 to use both cores
# The corpus grows in build/fuzz/corpus (seeded by gen_seeds); a crashing
# input lands in build/fuzz/crashes/ and the exit status is non-zero.
# Replay one with: build/fuzz/fuzz_swap_req build/fuzz/crashes/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
B=${BUILD:-build}
bin=$B/fuzz/fuzz_swap_req
# Under `make check` (MAKELEVEL set) make has just built them.
[[ -n ${MAKELEVEL:-} ]] || make --no-print-directory -s "$bin" "$B/fuzz/gen_seeds"
mkdir -p "$B/fuzz/corpus" "$B/fuzz/crashes"
"$B/fuzz/gen_seeds" "$B/fuzz/corpus"
args=(-max_total_time="$secs" -timeout=10 -print_final_stats=1
      -artifact_prefix="$B/fuzz/crashes/")
if [[ ${JOBS:-1} -gt 1 ]]; then
	args+=(-jobs="$JOBS" -workers="$JOBS")
fi
exec "$bin" "${args[@]}" "$B/fuzz/corpus"
