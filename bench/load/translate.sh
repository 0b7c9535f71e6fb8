#!/usr/bin/env bash
# Translation load benchmark: does OpenAI ⇄ Anthropic translation cost throughput? One sluice, one mock_llm
# (it speaks OpenAI at /v1/chat/completions and Anthropic at /v1/messages), two kinds of route:
#   same-…        → provider type openai_compatible (same dialect: validated, `model` spliced, bytes forwarded)
#   translated-…  → provider type anthropic on the same mock (OpenAI body → IR → Messages request; the
#                   answer/stream → IR → OpenAI chat completion / chunks)
# An OpenAI client (wrk + chat.lua) sends the same ~1 KB chat request to both in turn, alternating rounds, so
# machine noise hits both. Non-streaming, then streaming (a 200-chunk text stream). Reports per mode the
# median req/s, sluice CPU µs/request (/proc/<pid>/stat utime+stime over the measured run), sluice core
# utilisation, mock CPU µs/request, events/s (streams), the translated/same ratios, and PASS/FAIL against
# --min-ratio (default 0.80) on throughput. Exit status 1 when a mode fails (or a request errors).
#
# usage: bench/load/translate.sh [--build DIR] [--rounds N] [--duration S] [--conns N] [--min-ratio R]
#                                [--no-plain] [--no-stream] [--out FILE]
#   --build DIR     build dir holding src/sluice and tools/mock_llm/mock_llm (default: <repo>/build)
#   --rounds N      alternations same/translated per mode (default 5); --duration S per measured run (5)
#   --conns N       wrk connections (default 32); --min-ratio R throughput floor (default 0.80)
#   --no-plain / --no-stream   skip a mode; --out FILE also writes the markdown table there
# CPU layout (2 cores): sluice (workers: 1, access log off) on core 0; the mock and wrk on core 1.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BUILD="$REPO/build" ROUNDS=5 DURATION=5 CONNS=32 MIN_RATIO=0.80 PLAIN=1 STREAMING=1 OUT=""
while (($#)); do
  case "$1" in
    --build) BUILD="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --conns) CONNS="$2"; shift 2 ;;
    --min-ratio) MIN_RATIO="$2"; shift 2 ;;
    --no-plain) PLAIN=0; shift ;;
    --no-stream) STREAMING=0; shift ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "translate.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
SLUICE="$BUILD/src/sluice"
MOCK="$BUILD/tools/mock_llm/mock_llm"
for bin in "$SLUICE" "$MOCK"; do
  [ -x "$bin" ] || { echo "translate.sh: $bin not found; build targets sluice and mock_llm first" >&2; exit 2; }
done
for tool in wrk taskset curl; do command -v "$tool" >/dev/null || { echo "translate.sh: $tool is required" >&2; exit 2; }; done
CORES="$(nproc)"
PROXY_CPU=0
LOAD_CPU=$((CORES > 1 ? 1 : 0))
CLK_TCK="$(getconf CLK_TCK)"

WORK="$(mktemp -d /tmp/sluice-translate.XXXXXX)"
PIDS=()
cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if ((rc == 0 || rc == 1)) && [ -z "${KEEP_WORK:-}" ]; then rm -rf "$WORK"; else echo "translate.sh: logs kept in $WORK" >&2; fi
}
trap cleanup EXIT
log() { echo "[$(date +%T)] $*" >&2; }
wait_line() {  # file pattern: prints the first matching line
  local i
  for ((i = 0; i < 100; i++)); do grep -m1 "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "translate.sh: timed out waiting for '$2' in $1" >&2
  return 3
}
mock_conns() { curl -s "http://127.0.0.1:$MOCK_PORT/mock/stats" | sed -n 's/.*"connections_total":\([0-9]*\).*/\1/p'; }
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2)}'; }

# ---- mock (core 1) and sluice (core 0) ----
taskset -c "$LOAD_CPU" "$MOCK" --listen 127.0.0.1:0 >"$WORK/mock.out" 2>"$WORK/mock.err" &
PIDS+=($!)
MOCK_PID=$!
MOCK_PORT=$(wait_line "$WORK/mock.out" '"listening"' | sed -n 's/.*"addr":"[^"]*:\([0-9]*\)".*/\1/p')

# Route names double as the upstream model names; the mock reads behaviour from their segments
# ("chunks-200"); "same", "translated", "plain" and "stream" mean nothing to it, so both routes get
# the same answer. The Anthropic key is a dummy the mock ignores (config wants it from the environment).
export SLUICE_BENCH_ANTHROPIC_KEY="sk-ant-bench-0000000000000000"
cat >"$WORK/sluice.json" <<EOF
{"server":{"listen":"127.0.0.1:0","workers":1},"admin":{"enabled":false},"log":{"access_log":false},
 "providers":{
   "oa":{"type":"openai_compatible","base_url":"http://127.0.0.1:$MOCK_PORT"},
   "an":{"type":"anthropic","base_url":"http://127.0.0.1:$MOCK_PORT","api_key":"\${SLUICE_BENCH_ANTHROPIC_KEY}"}},
 "models":{
   "same-plain":{"provider":"oa"},"translated-plain":{"provider":"an"},
   "same-stream-chunks-200":{"provider":"oa"},"translated-stream-chunks-200":{"provider":"an"}}}
EOF
taskset -c "$PROXY_CPU" "$SLUICE" serve -c "$WORK/sluice.json" >"$WORK/sluice.out" 2>"$WORK/sluice.err" &
PIDS+=($!)
SLUICE_PID=$!
SLUICE_PORT=$(wait_line "$WORK/sluice.out" '"listening"' | sed -n 's/.*"http":"[^"]*:\([0-9]*\)".*/\1/p')
log "mock_llm pid $MOCK_PID port $MOCK_PORT (cpu $LOAD_CPU); sluice pid $SLUICE_PID port $SLUICE_PORT (cpu $PROXY_CPU, 1 worker)"

# ---- request bodies: the same ~1 KB OpenAI chat request, only the model differs ----
USER_TEXT="Our team is migrating a payments service from a monolith to several smaller services. The \
current system handles about two thousand requests per second at peak, with a PostgreSQL database \
behind it and a Redis cache for sessions. We want to split out the ledger, the fraud checks and the \
notification sender first. Please outline the order in which you would extract these parts, the data \
ownership boundaries you would draw, how you would keep the ledger consistent during the migration, \
and which metrics you would watch to decide that each step is safe to roll out to all customers. A \
nightly batch job reconciles card settlements against the ledger; it must keep working throughout the \
migration, without duplicate or missing entries."
body() {  # model stream(true|false)
  printf '{"model":"%s","stream":%s,"max_tokens":256,"temperature":0.2,"messages":[{"role":"system","content":"You are a senior backend engineer. Answer concisely, with numbered steps and no marketing language."},{"role":"user","content":"%s"}]}' \
    "$1" "$2" "$USER_TEXT"
}
for route in same translated; do
  body "$route-plain" false >"$WORK/$route-plain.json"
  body "$route-stream-chunks-200" true >"$WORK/$route-stream.json"
done

# Every route must answer 200 in OpenAI's shape; a stream's event count is what wrk then expects.
declare -A EXPECT
for route in same translated; do
  code=$(curl -s -o "$WORK/check.json" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "@$WORK/$route-plain.json" "http://127.0.0.1:$SLUICE_PORT/v1/chat/completions")
  if [ "$code" != 200 ] || ! grep -q '"object":"chat.completion"' "$WORK/check.json"; then
    echo "translate.sh: $route-plain answered $code: $(head -c 300 "$WORK/check.json")" >&2; exit 3
  fi
  curl -sN -H 'Content-Type: application/json' --data-binary "@$WORK/$route-stream.json" \
    "http://127.0.0.1:$SLUICE_PORT/v1/chat/completions" >"$WORK/check.sse"
  EXPECT[$route]=$(grep -c '^data:' "$WORK/check.sse" || true)
  if ! tail -c 20 "$WORK/check.sse" | grep -q '\[DONE\]' || ((EXPECT[$route] < 200)); then
    echo "translate.sh: $route stream looks wrong (${EXPECT[$route]} events): $(tail -c 300 "$WORK/check.sse")" >&2; exit 3
  fi
done
log "stream events per response: same ${EXPECT[same]}, translated ${EXPECT[translated]}"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

# run MODE ROUTE → appends "rps sluice_us_per_req sluice_util mock_us_per_req events_per_s errors" to $WORK/MODE-ROUTE.res
run() {
  local mode=$1 route=$2 stream=0 body out rps reqs evs errs s0 s1 m0 m1 c0 c1
  [ "$mode" = stream ] && stream=1
  body="$WORK/$route-$mode.json"
  BODY_FILE="$body" STREAM=$stream taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d2s -s "$HERE/chat.lua" \
    "http://127.0.0.1:$SLUICE_PORT" >/dev/null  # warm-up: upstream pool, caches
  c0=$(mock_conns)
  s0=$(cpu_ticks "$SLUICE_PID"); m0=$(cpu_ticks "$MOCK_PID")
  out=$(BODY_FILE="$body" STREAM=$stream EXPECT_EVENTS="${EXPECT[$route]}" taskset -c "$LOAD_CPU" \
    wrk -t1 -c"$CONNS" -d"${DURATION}s" --timeout 10s -s "$HERE/chat.lua" "http://127.0.0.1:$SLUICE_PORT" |
    grep -m1 '^{"requests"')
  s1=$(cpu_ticks "$SLUICE_PID"); m1=$(cpu_ticks "$MOCK_PID")
  c1=$(mock_conns)
  rps=$(sed -n 's/.*"rps":\([0-9.]*\).*/\1/p' <<<"$out")
  reqs=$(sed -n 's/.*"requests":\([0-9]*\).*/\1/p' <<<"$out")
  evs=$(sed -n 's/.*"events_per_s":\([0-9.]*\).*/\1/p' <<<"$out")
  # Failed requests of any kind: socket errors, non-2xx, streams with the wrong number of events.
  errs=$(awk -v s="$out" 'BEGIN { n = 0; while (match(s, /"(errors_[a-z]+|short_streams|non_200)":[0-9]+/)) {
           f = substr(s, RSTART, RLENGTH); sub(/.*:/, "", f); n += f; s = substr(s, RSTART + RLENGTH) } print n }')
  awk -v r="$rps" -v n="$reqs" -v st=$((s1 - s0)) -v mt=$((m1 - m0)) -v hz="$CLK_TCK" -v d="$DURATION" -v e="$evs" -v x="$errs" \
    -v c=$((c1 - c0)) \
    'BEGIN { printf "%s %.2f %.2f %.2f %s %d %d\n", r, (n > 0 ? st / hz / n * 1e6 : 0), st / hz / d, (n > 0 ? mt / hz / n * 1e6 : 0), e, x, c }' \
    >>"$WORK/$mode-$route.res"
  log "$mode $route: $out sluice_ticks=$((s1 - s0)) mock_ticks=$((m1 - m0))"
}

MODES=()
((PLAIN)) && MODES+=(plain)
((STREAMING)) && MODES+=(stream)
for mode in "${MODES[@]}"; do
  : >"$WORK/$mode-same.res"; : >"$WORK/$mode-translated.res"
  for ((r = 1; r <= ROUNDS; r++)); do
    # Alternate which route goes first, so a drift within a round does not favour one.
    if ((r % 2)); then run "$mode" same; run "$mode" translated; else run "$mode" translated; run "$mode" same; fi
  done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
kill -0 "$SLUICE_PID" || { echo "translate.sh: sluice died during the run" >&2; exit 3; }

col() { awk -v c="$2" '{print $c}' "$1" | median; }
FAILED=0
{
  echo "Command: \`bench/load/translate.sh --rounds $ROUNDS --duration $DURATION --conns $CONNS\` — $(date -u +%FT%TZ), $CORES cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), load average before $LOAD_BEFORE / after $LOAD_AFTER"
  echo
  echo "| mode | route | req/s | sluice CPU µs/req | sluice core busy | mock CPU µs/req | events/s | failed requests |"
  echo "|---|---|---|---|---|---|---|---|"
  for mode in "${MODES[@]}"; do
    for route in same translated; do
      f="$WORK/$mode-$route.res"
      ev=$(col "$f" 5); [ "$mode" = plain ] && ev="—"
      printf '| %s | %s | %s | %s | %.0f%% | %s | %s | %s |\n' "$mode" "$route" "$(col "$f" 1)" "$(col "$f" 2)" \
        "$(awk -v u="$(col "$f" 3)" 'BEGIN {print u * 100}')" "$(col "$f" 4)" "$ev" "$(awk '{s += $6} END {print s}' "$f")"
    done
  done
  echo
  echo "| mode | throughput translated/same | sluice CPU/req translated/same | verdict (≥ $MIN_RATIO) |"
  echo "|---|---|---|---|"
  for mode in "${MODES[@]}"; do
    ratio=$(awk -v a="$(col "$WORK/$mode-translated.res" 1)" -v b="$(col "$WORK/$mode-same.res" 1)" 'BEGIN {printf "%.3f", a / b}')
    cpu=$(awk -v a="$(col "$WORK/$mode-translated.res" 2)" -v b="$(col "$WORK/$mode-same.res" 2)" 'BEGIN {printf "%.3f", a / b}')
    errors=$(cat "$WORK/$mode-same.res" "$WORK/$mode-translated.res" | awk '{s += $6} END {print s}')
    verdict=PASS
    if awk -v r="$ratio" -v m="$MIN_RATIO" 'BEGIN {exit !(r < m)}' || ((errors > 0)); then verdict=FAIL; FAILED=1; fi
    ((errors > 0)) && verdict="$verdict ($errors failed requests)"
    echo "| $mode | $ratio | $cpu | $verdict |"
  done
  echo
  echo "Per-round figures (req/s, sluice µs/req, sluice core share, mock µs/req, events/s, failures, upstream connections opened):"
  for mode in "${MODES[@]}"; do
    for route in same translated; do echo "- $mode $route: $(tr '\n' ';' <"$WORK/$mode-$route.res" | sed 's/;$//; s/;/; /g')"; done
  done
} >"$WORK/results.md"
[ -n "$OUT" ] && cp "$WORK/results.md" "$OUT"
cat "$WORK/results.md"
exit "$FAILED"
