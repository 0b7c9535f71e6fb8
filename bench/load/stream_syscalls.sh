#!/usr/bin/env bash
# Syscalls per streamed event: `strace -c -f` on one sluice while curl pulls 20 streams of 203 events (the
# mock's bench-stream-chunks-200 model), one at a time. Prints the syscall counts, most frequent first.
# usage: bench/load/stream_syscalls.sh BUILD_DIR     (needs strace and curl; Release build advised)
set -euo pipefail
BUILD="${1:?usage: stream_syscalls.sh BUILD_DIR}"
WORK="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
wait_line() { for ((i = 0; i < 100; i++)); do grep -m1 "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
"$BUILD/tools/mock_llm/mock_llm" --listen 127.0.0.1:0 >"$WORK/mock.out" 2>&1 &
PIDS+=($!)
MOCK_PORT=$(wait_line "$WORK/mock.out" '"listening"' | sed -n 's/.*"addr":"[^"]*:\([0-9]*\)".*/\1/p')
cat >"$WORK/sluice.json" <<JSON
{"server":{"listen":"127.0.0.1:0","workers":1},"admin":{"enabled":false},"log":{"access_log":false},
 "providers":{"mock":{"type":"openai_compatible","base_url":"http://127.0.0.1:$MOCK_PORT"}},
 "models":{"bench-stream-chunks-200":{"provider":"mock"}}}
JSON
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
