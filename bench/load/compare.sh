#!/usr/bin/env bash
# Side-by-side load benchmark: the mock upstream directly vs nginx (reverse proxy) vs sluice, in one run.
# Measures, for each: non-streaming throughput and latency (wrk), proxy CPU time per request
# (/proc/<pid>/stat), added latency at a light paced rate on one connection (load_client paced),
# streaming events/s (wrk counting SSE events), RSS idle / under load, and RSS with N (10,000) open
# streams (load_client hold), and CPU per event of many paced streams at once (load_client hold with a measured
# window). Prints a markdown table (with sluice/nginx ratios and the issue's targets)
# and writes it to the results file. All traffic stays on 127.0.0.1.
#
# usage: bench/load/compare.sh [--build DIR] [--out FILE] [--duration S] [--conns N] [--rate R]
#                              [--rounds N] [--streams N] [--paced-streams N] [--capped-share PCT]
#                              [--capped-rounds N] [--no-nginx-streams] [--keep]
#   --build DIR        build dir holding src/sluice and tools/mock_llm/mock_llm (default: <repo>/build)
#   --out FILE         results markdown (default: <work dir>/results.md; raw records next to it)
#   --duration S       seconds per measured run (default 5; each wrk run has a 2 s warm-up before it)
#   --rounds N         measure direct, nginx, sluice in turn N times; the table shows medians (default 3)
#   --conns N          wrk connections (default 64)
#   --rate R           paced requests/s on one connection (default 100)
#   --streams N        concurrent open streams for the RSS test (default 10000; 0 skips it)
#   --paced-streams N  concurrent streams at 50 events/s each for the paced test (default 1000; 0 skips it)
#   --capped-share PCT the streaming run again with each proxy held to PCT % of a core by a cgroup CPU quota, so
#                      that the proxy, not core 1, sets the rate (default 25; 0 skips it; skipped where no
#                      cgroup CPU controller is writable)
#   --capped-rounds N  pairs of capped runs (default 10; nginx first in odd rounds, sluice first in even ones):
#                      the report gives the paired ratio's median with a 95 % confidence interval
#   --no-nginx-streams run the open-streams test through sluice only
#   --keep             keep the work dir (configs, logs) even on success
# CPU layout (2 cores): the proxy under test runs on core 0; the mock and the load generators on core 1.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/cpu_quota.sh"
REPO="$(cd "$HERE/../.." && pwd)"
BUILD="$REPO/build"
OUT=""
DURATION=5
ROUNDS=3
CONNS=64
RATE=100
STREAMS=10000
PACED_STREAMS=1000
CAPPED_SHARE=25
CAPPED_ROUNDS=10
NGINX_STREAMS=1
KEEP=0
while (($#)); do
  case "$1" in
    --build) BUILD="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --conns) CONNS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --streams) STREAMS="$2"; shift 2 ;;
    --paced-streams) PACED_STREAMS="$2"; shift 2 ;;
    --capped-share) CAPPED_SHARE="$2"; shift 2 ;;
    --capped-rounds) CAPPED_ROUNDS="$2"; shift 2 ;;
    --no-nginx-streams) NGINX_STREAMS=0; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

SLUICE="$BUILD/src/sluice"
MOCK="$BUILD/tools/mock_llm/mock_llm"
for bin in "$SLUICE" "$MOCK"; do
  [ -x "$bin" ] || { echo "compare.sh: $bin not found; build targets sluice and mock_llm first" >&2; exit 2; }
done
for tool in wrk nginx node taskset curl c++; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "compare.sh: $tool is required" >&2; exit 2; }
done
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
CORES="$(nproc)"
PROXY_CPU=0
LOAD_CPU=$((CORES > 1 ? 1 : 0))
CLK_TCK="$(getconf CLK_TCK)"

WORK="$(mktemp -d /tmp/sluice-load.XXXXXX)"
RAW="$WORK/raw.jsonl"
[ -n "$OUT" ] || OUT="$WORK/results.md"
PIDS=()
cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -z "${CAPPED_CG:-}" ] || rmdir "$CAPPED_CG" 2>/dev/null || true
  if ((rc != 0)); then
    echo "compare.sh: failed (rc=$rc); logs kept in $WORK" >&2
  elif ((KEEP == 0)) && [[ "$OUT" != "$WORK"/* ]]; then
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
log() { echo "[$(date +%T)] $*" >&2; }

# 10,000 client connections plus 10,000 upstream connections need more than the usual 1,024 (or 20,000)
# descriptors; root may raise the hard limit, others get the hard limit.
ulimit -Hn 65536 2>/dev/null || true
ulimit -n "$(ulimit -Hn)"
FD_LIMIT="$(ulimit -n)"
# A proxy holds two descriptors per open stream (client + upstream); where the hard limit cannot be
# raised (a container without CAP_SYS_RESOURCE), the open-streams test is capped to what fits.
STREAMS_REQUESTED=$STREAMS
if [ "$FD_LIMIT" != unlimited ] && ((2 * STREAMS + 200 > FD_LIMIT)); then
  STREAMS=$(((FD_LIMIT - 200) / 2))
  echo "compare.sh: the descriptor limit is $FD_LIMIT and cannot be raised: open-streams test capped at $STREAMS streams" >&2
fi

# ---- load client (standalone C++, rebuilt when its source changes) ----
CLIENT="$BUILD/bench/load/load_client"
if [ ! -x "$CLIENT" ] || [ "$HERE/load_client.cc" -nt "$CLIENT" ] || [ "$HERE/http_response_reader.h" -nt "$CLIENT" ]; then
  log "building $CLIENT"
  mkdir -p "$(dirname "$CLIENT")"
  c++ -O2 -std=c++20 -Wall -Wextra -o "$CLIENT" "$HERE/load_client.cc"
fi

# ---- request bodies (~1 KB, identical bytes for every target) ----
MODEL_PLAIN="gpt-bench"
MODEL_STREAM="bench-stream-chunks-200"          # 200 content chunks as fast as the mock can write
MODEL_HOLD="bench-hold-chunks-120-tps-1"        # one event per second for two minutes: stays open
MODEL_PACED="bench-paced-chunks-1500-tps-50"    # 50 events/s (a model's token rate) for 30 s: outlives the
                                                 # opening, the settling and the measured window
STREAM_EVENTS=203                                # role chunk + 200 content + finish chunk + [DONE]
USER_TEXT="Our team is migrating a payments service from a monolith to several smaller services. The \
current system handles about two thousand requests per second at peak, with a PostgreSQL database \
behind it and a Redis cache for sessions. We want to split out the ledger, the fraud checks and the \
notification sender first. Please outline the order in which you would extract these parts, the data \
ownership boundaries you would draw, how you would keep the ledger consistent during the migration, \
and which metrics you would watch to decide that each step is safe to roll out to all customers. A \
nightly batch job reconciles card settlements against the ledger; it must keep working throughout the \
migration, without duplicate or missing entries."
body() {  # model, stream(true|false)
  printf '{"model":"%s","stream":%s,"max_tokens":256,"temperature":0.2,"messages":[{"role":"system","content":"You are a senior backend engineer. Answer concisely, with numbered steps and no marketing language."},{"role":"user","content":"%s"}]}' \
    "$1" "$2" "$USER_TEXT"
}
body "$MODEL_PLAIN" false >"$WORK/body_plain.json"
body "$MODEL_STREAM" true >"$WORK/body_stream.json"
body "$MODEL_HOLD" true >"$WORK/body_hold.json"
body "$MODEL_PACED" true >"$WORK/body_paced.json"

# ---- helpers ----
wait_line() {  # file pattern [tries]: prints the first matching line
  local i
  for ((i = 0; i < ${3:-100}; i++)); do
    if grep -m1 "$2" "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "compare.sh: timed out waiting for '$2' in $1" >&2
  return 1
}
free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
cpu_ticks() {  # pids...: utime+stime summed (threads included)
  local total=0 pid t
  for pid in "$@"; do
    t=$(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')
    total=$((total + t))
  done
  echo "$total"
}
rss_kb() {  # pids...: VmRSS summed
  local total=0 pid v
  for pid in "$@"; do
    v=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
    total=$((total + v))
  done
  echo "$total"
}
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
record() { echo "$1" >>"$RAW"; }
mock_active_streams() { curl -s "http://127.0.0.1:$MOCK_PORT/mock/stats" | sed -n 's/.*"active_streams":\([0-9]*\).*/\1/p'; }
wait_mock_idle() {
  local i
  for ((i = 0; i < 300; i++)); do
    [ "$(mock_active_streams)" = "0" ] && return 0
    sleep 0.2
  done
  log "warning: the mock still has $(mock_active_streams) active streams"
}

# ---- start the mock (core 1), sluice and nginx (core 0) ----
taskset -c "$LOAD_CPU" "$MOCK" --listen 127.0.0.1:0 >"$WORK/mock.out" 2>"$WORK/mock.err" &
PIDS+=($!)
MOCK_PID=$!
MOCK_PORT=$(wait_line "$WORK/mock.out" '"listening"' | sed -n 's/.*"addr":"[^"]*:\([0-9]*\)".*/\1/p')
log "mock_llm pid $MOCK_PID on port $MOCK_PORT (cpu $LOAD_CPU)"

cat >"$WORK/sluice.json" <<EOF
{"server":{"listen":"127.0.0.1:0","workers":1,"limits":{"max_connections":$((STREAMS + 1000))}},
 "admin":{"listen":"127.0.0.1:0"},
 "log":{"access_log":false},
 "providers":{"mock":{"type":"openai_compatible","base_url":"http://127.0.0.1:$MOCK_PORT"}},
 "models":{"$MODEL_PLAIN":{"provider":"mock"},"$MODEL_STREAM":{"provider":"mock"},"$MODEL_HOLD":{"provider":"mock"},
           "$MODEL_PACED":{"provider":"mock"}}}
EOF
taskset -c "$PROXY_CPU" "$SLUICE" serve -c "$WORK/sluice.json" >"$WORK/sluice.out" 2>"$WORK/sluice.err" &
PIDS+=($!)
SLUICE_PID=$!
SLUICE_PORT=$(wait_line "$WORK/sluice.out" '"listening"' | sed -n 's/.*"http":"[^"]*:\([0-9]*\)".*/\1/p')
log "sluice pid $SLUICE_PID on port $SLUICE_PORT (cpu $PROXY_CPU, 1 worker)"

NGINX_USER=""
[ "$(id -u)" = 0 ] && NGINX_USER="user root;"
# start_nginx DIR WORKER_CONNECTIONS PORT STREAM_PORT: one worker, two servers: the buffered default for
# plain requests and proxy_buffering off for streams. Client and upstream keep-alive are unbounded so both
# proxies are measured in steady state. nginx allocates its connection table up front, so the throughput
# instance gets a modest table and the open-streams test a separate, large one (fair idle RSS).
# Sets NGINX_PID and NGINX_PIDS (master, worker).
start_nginx() {
  local dir=$1 conns=$2 port=$3 stream_port=$4 i
  mkdir -p "$dir/tmp"
  cat >"$dir/nginx.conf" <<EOF
$NGINX_USER
worker_processes 1;
worker_rlimit_nofile $FD_LIMIT;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections $conns; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  keepalive_requests 1000000;
  upstream mock {
    server 127.0.0.1:$MOCK_PORT;
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$port;
    location / { proxy_pass http://mock; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
  server {
    listen 127.0.0.1:$stream_port;
    location / {
      proxy_pass http://mock; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
EOF
  taskset -c "$PROXY_CPU" "$NGINX" -c "$dir/nginx.conf" -p "$dir" -g 'daemon off;' >"$dir/stdout" 2>"$dir/stderr" &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  for ((i = 0; i < 100; i++)); do
    curl -s -o /dev/null "http://127.0.0.1:$port/mock/stats" && break
    sleep 0.1
  done
  local workers
  mapfile -t workers < <(pgrep -P "$NGINX_PID")
  NGINX_PIDS=("$NGINX_PID" "${workers[@]}")
}
NGINX_PORT=$(free_port)
NGINX_STREAM_PORT=$(free_port)
# Two descriptors per paced stream (client and upstream), and room for the rest.
start_nginx "$WORK/nginx" $((2 * PACED_STREAMS + 512 > 4096 ? 2 * PACED_STREAMS + 512 : 4096)) "$NGINX_PORT" \
  "$NGINX_STREAM_PORT"
MAIN_NGINX_PID=$NGINX_PID
log "nginx pids ${NGINX_PIDS[*]} on ports $NGINX_PORT (buffered) / $NGINX_STREAM_PORT (unbuffered)"

# Idle RSS right after start-up, before any proxied request.
sleep 0.5
SLUICE_IDLE=$(rss_kb "$SLUICE_PID")
NGINX_IDLE=$(rss_kb "${NGINX_PIDS[@]}")
NGINX_WORKER_IDLE=$(rss_kb "${NGINX_PIDS[@]:1}")
# The same gateway without its tokenizer vocabularies, to show what they cost (a second process, briefly).
SLUICE_VOCAB_DIR="$WORK/no-vocab" taskset -c "$PROXY_CPU" "$SLUICE" serve -c "$WORK/sluice.json" \
  >"$WORK/sluice_novocab.out" 2>&1 &
NOVOCAB_PID=$!
wait_line "$WORK/sluice_novocab.out" '"listening"' >/dev/null
sleep 0.5
SLUICE_IDLE_NOVOCAB=$(rss_kb "$NOVOCAB_PID")
kill "$NOVOCAB_PID"
wait "$NOVOCAB_PID" || true

# Each target must answer the plain body with 200 before anything is measured.
for port in "$MOCK_PORT" "$NGINX_PORT" "$SLUICE_PORT"; do
  code=$(curl -s -o "$WORK/check.json" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "@$WORK/body_plain.json" "http://127.0.0.1:$port/v1/chat/completions")
  [ "$code" = 200 ] || { echo "compare.sh: port $port answered $code: $(head -c 300 "$WORK/check.json")" >&2; exit 1; }
done

LOAD_AVG="$(cut -d' ' -f1-3 /proc/loadavg)"
record "$(printf '{"kind":"meta","date":"%s","cores":%s,"cpu":"%s","kernel":"%s","loadavg":"%s","duration_s":%s,"conns":%s,"rate":%s,"streams":%s,"streams_requested":%s,"fd_limit":"%s","rounds":%s,"clk_tck":%s,"commit":"%s","stream_events":%s,"capped_share":%s}' \
  "$(date -u +%FT%TZ)" "$CORES" "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" "$(uname -r)" \
  "$LOAD_AVG" "$DURATION" "$CONNS" "$RATE" "$STREAMS" "$STREAMS_REQUESTED" "$FD_LIMIT" "$ROUNDS" "$CLK_TCK" \
  "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$STREAM_EVENTS" "$CAPPED_SHARE")"
record "{\"kind\":\"rss_idle\",\"target\":\"sluice\",\"rss_kb\":$SLUICE_IDLE,\"no_vocab_rss_kb\":$SLUICE_IDLE_NOVOCAB}"
record "{\"kind\":\"rss_idle\",\"target\":\"nginx\",\"rss_kb\":$NGINX_IDLE,\"worker_rss_kb\":$NGINX_WORKER_IDLE}"

target_port() {  # target streaming(0|1)
  case "$1" in
    direct) echo "$MOCK_PORT" ;;
    nginx) if [ "$2" = 1 ]; then echo "$NGINX_STREAM_PORT"; else echo "$NGINX_PORT"; fi ;;
    sluice) echo "$SLUICE_PORT" ;;
  esac
}
target_pids() {  # the processes whose CPU and memory count for this target
  case "$1" in
    direct) echo "$MOCK_PID" ;;
    nginx) echo "${NGINX_PIDS[*]}" ;;
    sluice) echo "$SLUICE_PID" ;;
  esac
}

# ---- wrk runs: non-streaming and streaming throughput, CPU per request, RSS under load ----
run_wrk() {  # kind target body stream
  local kind=$1 target=$2 body=$3 stream=$4 port pids before after rss out
  port=$(target_port "$target" "$stream")
  read -r -a pids <<<"$(target_pids "$target")"
  BODY_FILE="$body" STREAM="$stream" taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d2s -s "$HERE/chat.lua" \
    "http://127.0.0.1:$port" >/dev/null  # warm-up: upstream pools, caches
  before=$(cpu_ticks "${pids[@]}")
  BODY_FILE="$body" STREAM="$stream" EXPECT_EVENTS="$STREAM_EVENTS" taskset -c "$LOAD_CPU" \
    wrk -t1 -c"$CONNS" -d"${DURATION}s" --timeout 10s -s "$HERE/chat.lua" "http://127.0.0.1:$port" \
    >"$WORK/wrk_${kind}_$target.out" &
  local wrk_pid=$!
  sleep "$(awk -v d="$DURATION" 'BEGIN {print d / 2}')"
  rss=$(rss_kb "${pids[@]}")
  wait "$wrk_pid"
  after=$(cpu_ticks "${pids[@]}")
  out=$(grep -m1 '^{"requests"' "$WORK/wrk_${kind}_$target.out")
  record "{\"kind\":\"$kind\",\"round\":$round,\"target\":\"$target\",\"cpu_ticks\":$((after - before)),\"rss_kb\":$rss,\"wrk\":$out}"
  log "$kind $target (round $round): $out cpu_ticks=$((after - before)) rss_kb=$rss"
}
for ((round = 1; round <= ROUNDS; round++)); do
  for target in direct nginx sluice; do run_wrk nonstream "$target" "$WORK/body_plain.json" 0; done
done

# ---- added latency at a light paced rate on one connection ----
for ((round = 1; round <= ROUNDS; round++)); do
  for target in direct nginx sluice; do
    out=$(taskset -c "$LOAD_CPU" "$CLIENT" paced --port "$(target_port "$target" 0)" --body "$WORK/body_plain.json" \
      --rate "$RATE" --duration "$DURATION" --warmup 50 --emit-latencies 1) || true  # errors: in the report
    record "{\"kind\":\"paced\",\"round\":$round,\"target\":\"$target\",\"client\":$out}"
    log "paced $target (round $round): $(sed 's/,"latencies_us":\[[^]]*\]//' <<<"$out")"
  done
done

for ((round = 1; round <= ROUNDS; round++)); do
  for target in direct nginx sluice; do run_wrk stream "$target" "$WORK/body_stream.json" 1; done
done

# ---- streams with the proxy as the bottleneck ----
# Above, core 1 (mock + wrk) saturates first, so events/s is the load generator's rate. Held to a share of its
# core by a CPU quota, the proxy sets the rate: events/s ÷ share is what one core of it carries. A proxy that
# falls behind reads several events at once, so this also measures how well it batches.
CAPPED_CG=""
if ((CAPPED_SHARE > 0)); then
  CAPPED_CG=$(make_cpu_quota_cgroup "sluice-compare-$$" "$CAPPED_SHARE")
  [ -n "$CAPPED_CG" ] || log "no writable cgroup CPU controller: the capped streaming run is skipped"
fi
if [ -n "$CAPPED_CG" ]; then
  log "capped streams: each proxy held to $CAPPED_SHARE % of a core ($(cat "$CAPPED_CG"/cpu.cfs_quota_us "$CAPPED_CG"/cpu.max 2>/dev/null | tr '\n' ' '))"
  # More pairs than the other tests get: one pair's ratio moves by ±10 % on this VM, so the verdict rests on the
  # median of many, each pair back to back, and the order alternates so that neither always goes first.
  for ((round = 1; round <= CAPPED_ROUNDS; round++)); do
    order="nginx sluice"
    ((round % 2 == 0)) && order="sluice nginx"
    for target in $order; do
      read -r -a pids <<<"$(target_pids "$target")"
      home=()
      for pid in "${pids[@]}"; do
        home+=("$(awk -F: '$2 == "cpu" || $2 == "cpu,cpuacct" || $2 == "" {print $3; exit}' "/proc/$pid/cgroup")")
        echo "$pid" >"$CAPPED_CG/cgroup.procs"
      done
      run_wrk stream_capped "$target" "$WORK/body_stream.json" 1
      for i in "${!pids[@]}"; do
        echo "${pids[$i]}" >"$(dirname "$CAPPED_CG")${home[$i]}/cgroup.procs" 2>/dev/null ||
          echo "${pids[$i]}" >"$(dirname "$CAPPED_CG")/cgroup.procs"
      done
    done
  done
  rmdir "$CAPPED_CG"
  CAPPED_CG=""
fi

# ---- many paced streams at once: what LLM traffic looks like (each stream at a model's token rate) ----
# The offered rate (streams × 50 events/s) stays below what core 1 can generate, so every target carries the
# same events and the figure that tells is the proxy's CPU per event, counted by load_client over a window
# in which every stream is open: no stream starts or ends inside it.
if ((PACED_STREAMS > 0)); then
  for ((round = 1; round <= ROUNDS; round++)); do
    for target in direct nginx sluice; do
      read -r -a pids <<<"$(target_pids "$target")"
      wait_mock_idle
      out=$(taskset -c "$LOAD_CPU" "$CLIENT" hold --port "$(target_port "$target" 1)" --body "$WORK/body_paced.json" \
        --conns "$PACED_STREAMS" --open-parallel 256 --settle-s 1 --measure-s "$DURATION" --timeout-s 20 \
        --cpu-pids "$(IFS=,; echo "${pids[*]}")" | grep -m1 '"measured"') || out='{"event":"measured","failed":-1}'
      record "{\"kind\":\"paced_streams\",\"round\":$round,\"target\":\"$target\",\"streams\":$PACED_STREAMS,\"client\":$out}"
      log "paced streams $target (round $round): $out"
    done
  done
fi

# ---- RSS with many concurrent open streams ----
run_hold() {  # target
  local target=$1 port pids held rss hwm after done_line
  port=$(target_port "$target" 1)
  read -r -a pids <<<"$(target_pids "$target")"
  wait_mock_idle
  local before_rss
  before_rss=$(rss_kb "${pids[@]}")
  # Held for 6 s after every stream has its first event: RSS is read 2 s in, and the proxy's CPU for the
  # streams' events (one per second each) is counted over the last 5 s.
  taskset -c "$LOAD_CPU" "$CLIENT" hold --port "$port" --body "$WORK/body_hold.json" --conns "$STREAMS" \
    --open-parallel 256 --settle-s 1 --measure-s 5 --cpu-pids "$(IFS=,; echo "${pids[*]}")" --timeout-s 90 \
    >"$WORK/hold_$target.out" 2>"$WORK/hold_$target.err" &
  local client_pid=$!
  held=$(wait_line "$WORK/hold_$target.out" '"held"' 1200)
  sleep 2  # let the last streams' buffers settle
  rss=$(rss_kb "${pids[@]}")
  hwm=$(hwm_kb "${pids[-1]}")
  wait "$client_pid" || true
  done_line=$(grep -m1 '"done"' "$WORK/hold_$target.out")
  measured=$(grep -m1 '"measured"' "$WORK/hold_$target.out" || echo '{"event":"measured","failed":-1}')
  wait_mock_idle
  sleep 1
  after=$(rss_kb "${pids[@]}")
  record "{\"kind\":\"hold\",\"target\":\"$target\",\"rss_before_kb\":$before_rss,\"rss_kb\":$rss,\"hwm_kb\":$hwm,\"rss_after_kb\":$after,\"held\":$held,\"done\":$done_line,\"measured\":$measured}"
  log "hold $target: $held rss_kb=$rss after_kb=$after"
}
if ((STREAMS > 0)); then
  run_hold sluice
  if ((NGINX_STREAMS)); then
    # A separate nginx sized for the open streams (see start_nginx); the throughput instance stays idle.
    HOLD_PORT=$(free_port)
    # nginx starts closing idle connections once fewer than 1/16 of its table is free: leave headroom.
    start_nginx "$WORK/nginx-hold" $((2 * STREAMS * 17 / 16 + 1000)) "$(free_port)" "$HOLD_PORT"
    NGINX_STREAM_PORT=$HOLD_PORT
    log "nginx for the open-streams test: pids ${NGINX_PIDS[*]} on port $HOLD_PORT"
    run_hold nginx
  fi
fi

# Both proxies must have survived everything.
if ! kill -0 "$SLUICE_PID" || ! kill -0 "$MAIN_NGINX_PID" || ! kill -0 "$NGINX_PID"; then
  echo "compare.sh: a proxy died during the run" >&2
  exit 1
fi

{
  echo "Command: \`bench/load/compare.sh --rounds $ROUNDS --duration $DURATION --conns $CONNS --rate $RATE --streams $STREAMS_REQUESTED\`"
  echo
  node "$HERE/report.mjs" "$RAW"
} >"$OUT"
cp "$RAW" "${OUT%.md}.raw.jsonl" 2>/dev/null || true
cat "$OUT"
if ((KEEP)) || [[ "$OUT" == "$WORK"/* ]]; then
  log "results: $OUT (raw records: ${OUT%.md}.raw.jsonl; configs and logs: $WORK)"
else
  log "results: $OUT (raw records: ${OUT%.md}.raw.jsonl)"
fi
