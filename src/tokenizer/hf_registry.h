// Process-wide cache of loaded Hugging Face tokenizer files, keyed by canonical path: a file named by
// several config rules (or kept across config reloads) is parsed once and shared. A file that changed on
// disk (size or modification time) is loaded again on the next request; snapshots still holding the old
// tokenizer keep it alive through their shared_ptr.
// Thread rule: thread-safe (one mutex, taken only at config build time, never on the request path).
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "tokenizer/hf_tokenizer.h"

namespace sluice::tokenizer {

// The tokenizer of the file, loading it when needed. Errors (kInternal) name the file and the problem.
core::Result<std::shared_ptr<const HfTokenizer>> LoadHfTokenizer(const std::string& path);

}  // namespace sluice::tokenizer
