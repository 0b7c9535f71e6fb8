// ir::Usage: token accounting in one neutral convention, so every dialect converts exactly once.
// Convention (chosen to match OpenAI's, the most common client dialect, and the gateway's ledger):
//   input        = every prompt token the model saw, INCLUDING cache reads and cache writes
//   cache_read   = the part of `input` served from the prompt cache
//   cache_write  = the part of `input` written to the prompt cache
//   output       = every generated token, INCLUDING reasoning tokens
//   reasoning    = the part of `output` spent on reasoning/thinking (0 when the provider does not
//   say)
// Anthropic's input_tokens EXCLUDES cache reads and writes: its decoder adds them (reference §8.6).
// Thread rule: plain value type.
#pragma once

#include <cstdint>

namespace sluice::ir {

struct Usage {
  uint64_t input = 0;
  uint64_t output = 0;
  uint64_t cache_read = 0;
  uint64_t cache_write = 0;
  uint64_t reasoning = 0;
  bool present = false;  // the provider reported usage at all (a cut stream may never do so)

  uint64_t UncachedInput() const {
    uint64_t cached = cache_read + cache_write;
    return input > cached ? input - cached : 0;
  }
  uint64_t Total() const { return input + output; }
  bool operator==(const Usage&) const = default;
};

}  // namespace sluice::ir
