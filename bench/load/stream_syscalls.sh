#!/usr/bin/env bash
# Syscalls per streamed event: `strace -c -f` on one sluice while curl pulls 20 streams of 203 events (the
# mock's bench-stream-chunks-200 model), one at a time. Prints the syscall counts, most frequent first.
# --load: under wrk's 64 concurrent streams instead (sluice on core 0, mock and wrk on core 1, as in
# compare.sh), counted with `perf stat` on the syscall tracepoints over 4 s, per event.
# usage: bench/load/stream_syscalls.sh BUILD_DIR [--load]  (needs strace and curl, or perf and wrk for --load;
#        Release build advised)
set -euo pipefail
BUILD="${1:?usage: stream_syscalls.sh BUILD_DIR [--load]}"
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/single_model_setup.sh"
LOAD=0
[ "${2:-}" != "--load" ] || LOAD=1
PIN=()
((LOAD == 0)) || PIN=(taskset -c 0)
start_mock_and_config bench-stream-chunks-200
"${PIN[@]}" "$BUILD/src/sluice" serve -c "$WORK/sluice.json" >"$WORK/sluice.out" 2>&1 &
SLUICE_PID=$!
PIDS+=($SLUICE_PID)
PORT=$(wait_line "$WORK/sluice.out" '"listening"' | sed -n 's/.*"http":"[^"]*:\([0-9]*\)".*/\1/p')
body='{"model":"bench-stream-chunks-200","stream":true,"messages":[{"role":"user","content":"hi"}]}'
if ((LOAD)); then
  taskset -pc 1 "${PIDS[0]}" >/dev/null  # the mock
  echo "$body" >"$WORK/body.json"
  BODY_FILE="$WORK/body.json" STREAM=1 EXPECT_EVENTS=203 taskset -c 1 \
    wrk -t1 -c64 -d8s -s "$HERE/chat.lua" "http://127.0.0.1:$PORT" >"$WORK/wrk.out" &
  WRK_PID=$!
  sleep 2
  events=$(printf 'syscalls:sys_enter_%s,' recvfrom sendmsg sendto writev read write epoll_ctl epoll_wait \
    timerfd_settime futex)
  perf stat -x, -e "${events%,}" -p "$SLUICE_PID" -- sleep 4 2>"$WORK/perf.txt"
  wait "$WRK_PID"
  eps=$(sed -n 's/.*"events_per_s":\([0-9.]*\).*/\1/p' "$WORK/wrk.out")
  echo "syscalls per event under 64 concurrent streams ($eps events/s):"
  awk -F, -v eps="$eps" '$1 > 0 {sub("syscalls:sys_enter_", "", $3); printf "%-16s %.3f\n", $3, $1 / (eps * 4)}' \
    "$WORK/perf.txt"
  exit 0
fi
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
