#!/usr/bin/env bash
# Side-by-side: Sluice's bench_tokenizer vs the tiktoken npm package on the same corpus and core.
# Usage: bench/micro/tokenizer/compare.sh <build dir> [cpu]   (scripts/fetch-vocab.sh must have run)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
BUILD="${1:?usage: compare.sh <build dir> [cpu]}"
CPU="${2:-0}"
PKG="${ROOT}/third_party/tiktoken/node_modules/tiktoken"
CORPUS="$(mktemp /tmp/sluice-tok-corpus.XXXXXX.jsonl)"
trap 'rm -f "${CORPUS}"' EXIT
# The corpus: the guard-dev prompts (realistic chat text), one JSON string per line.
node -e '
  const { guardDevTexts } = require(process.argv[1]);
  process.stdout.write(guardDevTexts(process.argv[2]).map((t) => JSON.stringify(t)).join("\n") + "\n");
' "${ROOT}/tests/tokenizer_parity/corpus.cjs" "${ROOT}/../shared/data/guard-dev" > "${CORPUS}"
echo "corpus: $(wc -l < "${CORPUS}") texts, $(wc -c < "${CORPUS}") bytes (JSON), pinned to CPU ${CPU}"
NODE_OUT="$(taskset -c "${CPU}" node "${ROOT}/bench/micro/tokenizer/bench_tiktoken.cjs" "${CORPUS}" "${PKG}" 3)"
SLUICE_OUT="$(SLUICE_BENCH_CORPUS="${CORPUS}" taskset -c "${CPU}" "${BUILD}/bench/micro/tokenizer/bench_tokenizer" \
  --benchmark_min_time=1 --benchmark_format=json 2>/dev/null)"
node -e '
  const nodeRows = process.argv[1].trim().split("\n").map(JSON.parse);
  const s = JSON.parse(process.argv[2]);
  const ids = { o200k_base: "BM_Encode/0", cl100k_base: "BM_Encode/1" };
  const counts = { o200k_base: "BM_Count/0", cl100k_base: "BM_Count/1" };
  const mb = (name) => s.benchmarks.find((b) => b.name === name).bytes_per_second / (1 << 20);
  for (const r of nodeRows) {
    const enc = mb(ids[r.encoding]), cnt = mb(counts[r.encoding]);
    console.log(`${r.encoding}: tiktoken npm ${r.mb_per_s.toFixed(1)} MB/s | sluice encode ${enc.toFixed(1)} MB/s ` +
      `(${(enc / r.mb_per_s).toFixed(1)}x) | sluice count ${cnt.toFixed(1)} MB/s (${(cnt / r.mb_per_s).toFixed(1)}x)`);
  }
  const chat = s.benchmarks.find((b) => b.name === "BM_ChatRequest2KB");
  console.log(`chat request (${chat.label}): ${chat.cpu_time.toFixed(1)} us CPU per count`);
' "${NODE_OUT}" "${SLUICE_OUT}"
