#!/usr/bin/env bash
# Builds everything (gateway, mock upstream, tests, benchmarks) and runs every test through CTest.
# This is the README's test command and exactly what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

BUILD_DIR=${SLUICE_BUILD_DIR:-build}
JOBS=${SLUICE_JOBS:-$(nproc)}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/sluice-ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}

cmake -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
cd "$BUILD_DIR"
ctest --output-on-failure -j "$JOBS" --timeout 300 "$@"
