# Sourced by the single-sluice bench scripts (instructions.sh, stream_syscalls.sh): a work dir cleaned up on
# exit, the mock upstream on an ephemeral port, and a one-worker sluice config serving one model from it.
# Needs BUILD set. After `start_mock_and_config MODEL [UPSTREAM_MODEL]`: $WORK/sluice.json, $MOCK_PORT.
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
wait_line() {  # file pattern: prints the first matching line (waits up to 30 s)
  for ((i = 0; i < 300; i++)); do grep -m1 "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
start_mock_and_config() {  # model [upstream model]
  "$BUILD/tools/mock_llm/mock_llm" --listen 127.0.0.1:0 >"$WORK/mock.out" 2>&1 &
  PIDS+=($!)
  MOCK_PORT=$(wait_line "$WORK/mock.out" '"listening"' | sed -n 's/.*"addr":"[^"]*:\([0-9]*\)".*/\1/p')
  local target="{\"provider\":\"mock\"}"
  [ -z "${2:-}" ] || target="{\"provider\":\"mock\",\"model\":\"$2\"}"
  cat >"$WORK/sluice.json" <<JSON
{"server":{"listen":"127.0.0.1:0","workers":1},"admin":{"enabled":false},"log":{"access_log":false},
 "providers":{"mock":{"type":"openai_compatible","base_url":"http://127.0.0.1:$MOCK_PORT"}},
 "models":{"$1":$target}}
JSON
}
