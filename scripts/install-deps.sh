#!/usr/bin/env bash
# Installs every build, test and benchmark dependency from Debian packages and npm. Safe to run twice:
# it installs only what is missing. Needs root (or sudo) the first time.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev openssl ca-certificates libyaml-cpp-dev libpcre2-dev libicu-dev libmimalloc-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk nginx-light curl procps util-linux
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Node.js runs the official SDK conformance tests and the tokenizer parity check.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi

# npm packages for the conformance tests (pinned by package-lock.json when present).
if [ -f tests/conformance/package.json ]; then
  if [ ! -d tests/conformance/node_modules ] || [ tests/conformance/package.json -nt tests/conformance/node_modules ]; then
    (cd tests/conformance && npm install --no-audit --no-fund --loglevel=error >/dev/null)
    touch tests/conformance/node_modules
  fi
fi

# --- Hugging Face tokenizer files (tokenizer parity for open models) ---
# transformers.js and the tokenizer.json files of Llama 3, Qwen 2.5, DeepSeek V3 (pinned by package-lock.json)
# for tests/tokenizer_parity/hf_parity.cjs and bench_tokenizer's BM_CountHf. NFC needs libicu-dev (above).
if [ -f tests/tokenizer_parity/hf/package.json ]; then
  if [ ! -d tests/tokenizer_parity/hf/node_modules ] || [ tests/tokenizer_parity/hf/package.json -nt tests/tokenizer_parity/hf/node_modules ]; then
    (cd tests/tokenizer_parity/hf && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    touch tests/tokenizer_parity/hf/node_modules
  fi
fi

# Tokenizer vocabularies from the tiktoken npm package, checksum-verified.
if [ -x scripts/fetch-vocab.sh ]; then
  scripts/fetch-vocab.sh
fi
