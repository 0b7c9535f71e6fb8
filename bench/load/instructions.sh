#!/usr/bin/env bash
# Instructions per plain request (or per streamed event), deterministic: sluice under
# `valgrind --tool=callgrind` (instrumentation off during start-up and the warm-up), then N sequential requests
# on one keep-alive connection (OpenAI client → OpenAI-compatible mock, same dialect). Plain: ~1 KB chat
# requests, non-streaming. --stream: N streams of 203 events (the mock's bench-stream-chunks-200), pulled one
# after another with curl. Prints instructions and the callgrind file, which `callgrind_annotate` breaks down.
# Unlike wall clock, the count does not move with machine load: compare two builds with it (same N, both
# Release).
# usage: bench/load/instructions.sh BUILD_DIR [N] [--stream]   (default N = 2000, or 30 streams; needs valgrind,
#        node, curl)
set -euo pipefail
BUILD="${1:?usage: instructions.sh BUILD_DIR [N] [--stream]}"
STREAM=0
N=""
for arg in "${@:2}"; do
  case "$arg" in
    --stream) STREAM=1 ;;
    *) N="$arg" ;;
  esac
done
HERE="$(cd "$(dirname "$0")" && pwd)"
# The callgrind file is kept for callgrind_annotate.
KEEP_WORK=1
source "$HERE/single_model_setup.sh"
if ((STREAM)); then
  N="${N:-30}"
  EVENTS=203
  start_mock_and_config bench-stream-chunks-200
else
  N="${N:-2000}"
  start_mock_and_config gpt-4o-mini mock-upstream
fi
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$WORK/callgrind.out.%p" \
  "$BUILD/src/sluice" serve -c "$WORK/sluice.json" >"$WORK/sluice.out" 2>"$WORK/valgrind.err" &
VPID=$!
PIDS+=($VPID)
PORT=$(wait_line "$WORK/sluice.out" '"listening"' | sed -n 's/.*"http":"[^"]*:\([0-9]*\)".*/\1/p')
body='{"model":"bench-stream-chunks-200","stream":true,"messages":[{"role":"user","content":"hi"}]}'
pull() {  # count: streams pulled one after another on one connection
  local urls=()
  for ((i = 0; i < $1; i++)); do urls+=("http://127.0.0.1:$PORT/v1/chat/completions"); done
  curl -s -N -H 'content-type: application/json' -d "$body" "${urls[@]}" | grep -c '^data:' || true
}
if ((STREAM)); then
  pull 5 >/dev/null
else
  node "$HERE/sequential_client.mjs" "$PORT" 20
fi
callgrind_control -i on "$VPID" >/dev/null 2>&1
if ((STREAM)); then
  got=$(pull "$N")
  [ "$got" -eq $((N * EVENTS)) ] || { echo "instructions.sh: expected $((N * EVENTS)) events, got $got" >&2; exit 1; }
else
  node "$HERE/sequential_client.mjs" "$PORT" "$N"
fi
callgrind_control -i off "$VPID" >/dev/null 2>&1
kill -TERM "$VPID"; wait "$VPID" 2>/dev/null || true
total=$(grep -h -E "^totals:" "$WORK"/callgrind.out.* | awk '{s += $2} END {print s}')
if ((STREAM)); then
  awk -v t="$total" -v n="$N" -v e="$EVENTS" \
    'BEGIN { printf "instructions per event: %.0f (%d streams of %d events)\n", t / (n * e), n, e }'
else
  awk -v t="$total" -v n="$N" 'BEGIN { printf "instructions per request: %.0f (%d requests)\n", t / n, n }'
fi
echo "callgrind output: $(ls "$WORK"/callgrind.out.*)"
