#!/usr/bin/env bash
# Before/after load benchmark of two sluice builds in one run: the same mock upstream, the same config and the
# same ~1 KB chat request, the two binaries measured in turn (A, B, A, B, …) so machine noise hits both.
# Reports per binary the median requests/s and CPU time per request (/proc/<pid>/stat utime+stime over the
# measured run), and the B/A ratios. With --stream, the request is a stream of 200 events as fast as the mock
# writes them, and the figures are events/s and CPU µs per event (the stream loop, not the request path).
#
# With --capped-share PCT each binary runs held to PCT % of its core by a cgroup CPU quota (as compare.sh's
# capped test), so the proxy sets the rate and events/s is the figure; A and B alternate which goes first.
#
# usage: bench/load/ab.sh --a DIR_OR_BINARY --b DIR_OR_BINARY [--mock BINARY] [--rounds N] [--duration S]
#                         [--conns N] [--stream] [--capped-share PCT]
#   --a / --b     a build dir (uses src/sluice) or a sluice binary
#   --mock        mock_llm binary (default: the --b build's tools/mock_llm/mock_llm)
#   --rounds N    alternations (default 5); --duration S per measured run (default 5); --conns N (default 32)
# CPU layout (2 cores): the sluice under test on core 0; the mock and wrk on core 1.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/cpu_quota.sh"
A="" B="" MOCK="" ROUNDS=5 DURATION=5 CONNS=32 STREAM=0 CAPPED_SHARE=0
while (($#)); do
  case "$1" in
    --a) A="$2"; shift 2 ;;
    --b) B="$2"; shift 2 ;;
    --mock) MOCK="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --conns) CONNS="$2"; shift 2 ;;
    --stream) STREAM=1; shift ;;
    --capped-share) CAPPED_SHARE="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "ab.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
resolve() { if [ -d "$1" ]; then echo "$1/src/sluice"; else echo "$1"; fi; }
A="$(resolve "$A")"; B="$(resolve "$B")"
[ -n "$MOCK" ] || MOCK="$(dirname "$(dirname "$B")")/tools/mock_llm/mock_llm"
for bin in "$A" "$B" "$MOCK"; do [ -x "$bin" ] || { echo "ab.sh: $bin not found" >&2; exit 2; }; done
command -v wrk >/dev/null || { echo "ab.sh: wrk is required" >&2; exit 2; }

WORK="$(mktemp -d)"
PIDS=()
CG=""
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$CG" ]; then rmdir "$CG" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
CLK_TCK="$(getconf CLK_TCK)"

wait_line() {
  for ((i = 0; i < 100; i++)); do grep -m1 "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "ab.sh: timed out waiting for '$2' in $1" >&2; return 1
}
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }

taskset -c 1 "$MOCK" --listen 127.0.0.1:0 >"$WORK/mock.out" 2>"$WORK/mock.err" &
PIDS+=($!)
MOCK_PORT=$(wait_line "$WORK/mock.out" '"listening"' | sed -n 's/.*"addr":"[^"]*:\([0-9]*\)".*/\1/p')

# The route the request takes: one target, default strategy — what every plain `provider:` model entry is.
cat >"$WORK/sluice.json" <<EOF
{"server":{"listen":"127.0.0.1:0","workers":1},"admin":{"enabled":false},"log":{"access_log":false},
 "providers":{"mock":{"type":"openai_compatible","base_url":"http://127.0.0.1:$MOCK_PORT"}},
 "models":{"gpt-bench":{"provider":"mock"},"bench-stream-chunks-200":{"provider":"mock"}}}
EOF
MODEL="gpt-bench" STREAM_JSON=false
if ((STREAM)); then MODEL="bench-stream-chunks-200" STREAM_JSON=true; fi
printf '{"model":"'"$MODEL"'","stream":'"$STREAM_JSON"',"max_tokens":256,"temperature":0.2,"messages":[{"role":"system","content":"You are a senior backend engineer. Answer concisely."},{"role":"user","content":"%s"}]}' \
  "$(head -c 900 /dev/zero | tr '\0' 'x')" >"$WORK/body.json"

start() {  # binary name → port
  taskset -c 0 "$1" serve -c "$WORK/sluice.json" >"$WORK/$2.out" 2>"$WORK/$2.err" &
  PIDS+=($!)
  echo $! >"$WORK/$2.pid"
  wait_line "$WORK/$2.out" '"listening"' | sed -n 's/.*"http":"[^"]*:\([0-9]*\)".*/\1/p'
}
PORT_A=$(start "$A" a)
PORT_B=$(start "$B" b)
PID_A=$(cat "$WORK/a.pid"); PID_B=$(cat "$WORK/b.pid")

if ((CAPPED_SHARE > 0)); then
  CG=$(make_cpu_quota_cgroup "sluice-ab-$$" "$CAPPED_SHARE")
  [ -n "$CG" ] || { echo "ab.sh: no writable cgroup CPU controller for --capped-share" >&2; exit 2; }
  ROOT_CG=$(dirname "$CG")
fi

run() {  # name port pid → "rps us_per_req" (--stream: "events_per_s us_per_event")
  if [ -n "$CG" ]; then echo "$3" >"$CG/cgroup.procs"; fi
  BODY_FILE="$WORK/body.json" STREAM="$STREAM" taskset -c 1 wrk -t1 -c"$CONNS" -d2s -s "$HERE/chat.lua" "http://127.0.0.1:$2" >/dev/null
  local before after out rps reqs
  before=$(cpu_ticks "$3")
  out=$(BODY_FILE="$WORK/body.json" STREAM="$STREAM" taskset -c 1 wrk -t1 -c"$CONNS" -d"${DURATION}s" -s "$HERE/chat.lua" "http://127.0.0.1:$2" | tail -1)
  after=$(cpu_ticks "$3")
  if [ -n "$CG" ]; then echo "$3" >"$ROOT_CG/cgroup.procs"; fi
  rps=$(echo "$out" | sed -n 's/.*"rps":\([0-9.]*\).*/\1/p')
  reqs=$(echo "$out" | sed -n 's/.*"requests":\([0-9]*\).*/\1/p')
  if ((STREAM)); then
    rps=$(echo "$out" | sed -n 's/.*"events_per_s":\([0-9.]*\).*/\1/p')
    reqs=$(echo "$out" | sed -n 's/.*"events":\([0-9]*\).*/\1/p')
  fi
  awk -v r="$rps" -v n="$reqs" -v t=$((after - before)) -v hz="$CLK_TCK" \
    'BEGIN { printf "%s %.2f\n", r, (n > 0 ? t / hz / n * 1e6 : 0) }'
}
: >"$WORK/a.res"; : >"$WORK/b.res"
UNIT=request
if ((STREAM)); then UNIT=event; fi
for ((r = 1; r <= ROUNDS; r++)); do
  if ((r % 2 == 1 || CAPPED_SHARE == 0)); then
    run a "$PORT_A" "$PID_A" >>"$WORK/a.res"
    run b "$PORT_B" "$PID_B" >>"$WORK/b.res"
  else  # capped: the order alternates, so that neither binary always runs first
    run b "$PORT_B" "$PID_B" >>"$WORK/b.res"
    run a "$PORT_A" "$PID_A" >>"$WORK/a.res"
  fi
  echo "round $r: A $(tail -1 "$WORK/a.res")  B $(tail -1 "$WORK/b.res")  ($UNIT/s, CPU µs/$UNIT)" >&2
done
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2)}'; }
RPS_A=$(awk '{print $1}' "$WORK/a.res" | median); RPS_B=$(awk '{print $1}' "$WORK/b.res" | median)
CPU_A=$(awk '{print $2}' "$WORK/a.res" | median); CPU_B=$(awk '{print $2}' "$WORK/b.res" | median)
echo "| binary | $UNIT/s (median of $ROUNDS) | CPU µs/$UNIT (median) |"
echo "|---|---|---|"
echo "| A $A | $RPS_A | $CPU_A |"
echo "| B $B | $RPS_B | $CPU_B |"
awk -v a="$RPS_A" -v b="$RPS_B" -v ca="$CPU_A" -v cb="$CPU_B" \
  'BEGIN { printf "| B/A | %.3f | %.3f |\n", b / a, cb / ca }'
# Within each round A and B ran back to back: the median of those ratios cancels the machine's drift.
PAIRED=$(paste "$WORK/a.res" "$WORK/b.res" | awk '{print $3 / $1}' | median)
echo "B/A $UNIT/s, median of the $ROUNDS rounds' ratios: $PAIRED"
