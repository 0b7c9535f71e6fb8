// Shared helpers for tokenizer tests: loading the vocabularies (scripts/fetch-vocab.sh must have run).
// Thread rule: test-only.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "tokenizer/registry.h"

namespace sluice::tokenizer::testing {

inline const Encoding& Enc(EncodingId id) {
  // Tests use the source tree's vocabulary unless SLUICE_VOCAB_DIR says otherwise.
  setenv("SLUICE_VOCAB_DIR", std::getenv("SLUICE_VOCAB_DIR") ? std::getenv("SLUICE_VOCAB_DIR")
                                                              : SLUICE_SOURCE_DIR "/data/vocab", 1);
  auto enc = GetEncoding(id);
  if (!enc.ok()) {
    ADD_FAILURE() << enc.error().message << " -- run scripts/fetch-vocab.sh before the tests";
    std::abort();
  }
  return **enc;
}

}  // namespace sluice::tokenizer::testing
