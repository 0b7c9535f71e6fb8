#!/usr/bin/env bash
# Builds and runs the gateway on the out-of-the-box config (deploy/examples/default.yaml): it starts the
# bundled mock upstream on 127.0.0.1:8089 and serves the OpenAI API on 127.0.0.1:8080 (admin: 9090).
# Real providers are added when their keys are set (OPENAI_API_KEY, ...). Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

BUILD_DIR=${SLUICE_BUILD_DIR:-build-release}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/sluice-ccache}
cmake -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
  -DSLUICE_BUILD_TESTS=OFF -DSLUICE_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" --target sluice mock_llm

CONFIG=${1:-deploy/examples/default.yaml}
MOCK_ADDR=${SLUICE_MOCK_LISTEN:-127.0.0.1:8089}
export SLUICE_MOCK_URL="http://${MOCK_ADDR}"
export SLUICE_VOCAB_DIR=${SLUICE_VOCAB_DIR:-$PWD/data/vocab}

"$BUILD_DIR/tools/mock_llm/mock_llm" --listen "$MOCK_ADDR" >/dev/null &
MOCK_PID=$!
trap 'kill $MOCK_PID 2>/dev/null || true' EXIT INT TERM
echo "mock upstream on ${MOCK_ADDR} (pid ${MOCK_PID}); gateway config: ${CONFIG}"
"$BUILD_DIR/src/sluice" serve -c "$CONFIG"
