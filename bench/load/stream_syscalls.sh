#!/usr/bin/env bash
# Syscalls per streamed event: `strace -c -f` on one sluice while curl pulls 20 streams of 203 events (the
# mock's bench-stream-chunks-200 model), one at a time. Prints the syscall counts, most frequent first.
# usage: bench/load/stream_syscalls.sh BUILD_DIR     (needs strace and curl; Release build advised)
set -euo pipefail
BUILD="${1:?usage: stream_syscalls.sh BUILD_DIR}"
source "$(cd "$(dirname "$0")" && pwd)/single_model_setup.sh"
start_mock_and_config bench-stream-chunks-200
"$BUILD/src/sluice" serve -c "$WORK/sluice.json" >"$WORK/sluice.out" 2>&1 &
SLUICE_PID=$!
PIDS+=($SLUICE_PID)
PORT=$(wait_line "$WORK/sluice.out" '"listening"' | sed -n 's/.*"http":"[^"]*:\([0-9]*\)".*/\1/p')
body='{"model":"bench-stream-chunks-200","stream":true,"messages":[{"role":"user","content":"hi"}]}'
pull() { curl -s -N "http://127.0.0.1:$PORT/v1/chat/completions" -H 'content-type: application/json' -d "$body" >/dev/null; }
pull  # warm: the upstream connection exists before counting
strace -c -f -p "$SLUICE_PID" -o "$WORK/strace.txt" 2>/dev/null &
STRACE_PID=$!
sleep 0.5
for _ in $(seq 1 20); do pull; done
sleep 0.3
kill -INT "$STRACE_PID"; wait "$STRACE_PID" 2>/dev/null || true
echo "syscalls for 20 streams of 203 events:"
awk 'NR > 2 && $NF != "total" && $1 !~ /^-/ {print $4, $NF}' "$WORK/strace.txt" | sort -rn
