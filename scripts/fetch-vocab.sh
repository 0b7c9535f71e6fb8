#!/usr/bin/env bash
# Fetches the tokenizer vocabularies (o200k_base, cl100k_base) from the `tiktoken` npm package (MIT,
# https://github.com/dqbd/tiktoken; the vocabularies are OpenAI's, MIT-licensed in openai/tiktoken) and
# installs them, checksum-verified, where Sluice looks for them.
#   third_party/tiktoken/   the npm package (also used by the parity test and the node benchmark)
#   data/vocab/             o200k_base.json, cl100k_base.json (SLUICE_VOCAB_DIR default)
# Both folders are ignored by git. Idempotent: a second run verifies and does nothing else.
# Usage: scripts/fetch-vocab.sh [vocab_dir]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG_VERSION="1.0.22"
CACHE="${ROOT}/third_party/tiktoken"
VOCAB_DIR="${1:-${SLUICE_VOCAB_DIR:-${ROOT}/data/vocab}}"
ENCODERS="${CACHE}/node_modules/tiktoken/encoders"

# sha256 of the files as published in tiktoken@1.0.22.
declare -A SHA256=(
  [o200k_base.json]=df53e1a5f146e33a1b144d12ad9d685ee1b54dbc8b0950791ed45c933b119dc1
  [cl100k_base.json]=49a4e05dea02c8fafbd50cc4725c4aab8f39386c0afedef118e0dfebc2fe523a
)

verify() {  # file expected-sha
  [[ -f "$1" ]] && [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$2" ]]
}

installed_version() {
  node -p "require('${CACHE}/node_modules/tiktoken/package.json').version" 2>/dev/null || true
}

if [[ "$(installed_version)" != "${PKG_VERSION}" ]]; then
  command -v npm >/dev/null || { echo "fetch-vocab: npm is required" >&2; exit 1; }
  mkdir -p "${CACHE}"
  echo "fetch-vocab: installing tiktoken@${PKG_VERSION} into ${CACHE}"
  npm install --prefix "${CACHE}" --no-audit --no-fund --no-save --loglevel=error "tiktoken@${PKG_VERSION}"
fi

mkdir -p "${VOCAB_DIR}"
for name in "${!SHA256[@]}"; do
  want="${SHA256[$name]}"
  if verify "${VOCAB_DIR}/${name}" "${want}"; then
    continue
  fi
  if ! verify "${ENCODERS}/${name}" "${want}"; then
    echo "fetch-vocab: checksum mismatch for ${ENCODERS}/${name}; refusing to install it" >&2
    exit 1
  fi
  # Copy to a temporary name and rename, so a reader never sees half a file.
  cp "${ENCODERS}/${name}" "${VOCAB_DIR}/.${name}.tmp"
  mv -f "${VOCAB_DIR}/.${name}.tmp" "${VOCAB_DIR}/${name}"
  echo "fetch-vocab: installed ${VOCAB_DIR}/${name}"
done
echo "fetch-vocab: vocabularies verified in ${VOCAB_DIR}"
