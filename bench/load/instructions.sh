#!/usr/bin/env bash
# Instructions per plain request, deterministic: sluice under `valgrind --tool=callgrind` (instrumentation off
# during start-up and a 20-request warm-up), then N sequential ~1 KB chat requests on one keep-alive
# connection (OpenAI client → OpenAI-compatible mock, same dialect, non-streaming). Prints instructions and
# the callgrind file, which `callgrind_annotate --inclusive=yes` breaks down. Unlike wall clock, the count
# does not move with machine load: compare two builds with it (same N, both Release).
# usage: bench/load/instructions.sh BUILD_DIR [N]      (default N = 2000; needs valgrind and node)
set -euo pipefail
BUILD="${1:?usage: instructions.sh BUILD_DIR [N]}"
N="${2:-2000}"
HERE="$(cd "$(dirname "$0")" && pwd)"
# The callgrind file is kept for callgrind_annotate.
KEEP_WORK=1
source "$HERE/single_model_setup.sh"
start_mock_and_config gpt-4o-mini mock-upstream
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$WORK/callgrind.out.%p" \
  "$BUILD/src/sluice" serve -c "$WORK/sluice.json" >"$WORK/sluice.out" 2>"$WORK/valgrind.err" &
VPID=$!
PIDS+=($VPID)
PORT=$(wait_line "$WORK/sluice.out" '"listening"' | sed -n 's/.*"http":"[^"]*:\([0-9]*\)".*/\1/p')
node "$HERE/sequential_client.mjs" "$PORT" 20
callgrind_control -i on "$VPID" >/dev/null 2>&1
node "$HERE/sequential_client.mjs" "$PORT" "$N"
callgrind_control -i off "$VPID" >/dev/null 2>&1
kill -TERM "$VPID"; wait "$VPID" 2>/dev/null || true
total=$(grep -h -E "^totals:" "$WORK"/callgrind.out.* | awk '{s += $2} END {print s}')
awk -v t="$total" -v n="$N" 'BEGIN { printf "instructions per request: %.0f (%d requests)\n", t / n, n }'
echo "callgrind output: $(ls "$WORK"/callgrind.out.*)"
