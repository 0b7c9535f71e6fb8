// Process-wide access to the encodings: each is loaded lazily, once, from the vocabulary directory.
// Vocabulary directory: $SLUICE_VOCAB_DIR if set, else the compiled-in default SLUICE_DEFAULT_VOCAB_DIR
// (<source dir>/data/vocab, where scripts/fetch-vocab.sh puts the files).
// Thread rule: thread-safe (std::call_once per encoding); a loaded Encoding is immutable forever. A
// failed load is remembered too: the process must be restarted after fetching the files.
#pragma once

#include <string>

#include "core/result.h"
#include "tokenizer/encoding.h"

namespace sluice::tokenizer {

std::string VocabDir();

// The encoding, or why it could not be loaded (missing file, checksum-less corruption, bad format).
core::Result<const Encoding*> GetEncoding(EncodingId id);

}  // namespace sluice::tokenizer
