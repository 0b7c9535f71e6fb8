// Reading Bedrock TokenUsage objects into ir::Usage (reference §5.2, §8.6). Bedrock's inputTokens
// EXCLUDES cache reads and writes (as Anthropic's input_tokens does); ir::Usage::input includes
// them. outputTokens already includes reasoning; Bedrock does not break reasoning out, so ir
// reasoning stays 0. Internal to the Bedrock adapter. Thread rule: pure functions.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <string_view>

#include "ir/usage.h"

namespace sluice::provider::bedrock_detail {

inline bool Count(const boost::json::object& o, std::string_view key, uint64_t& out) {
  const boost::json::value* v = o.if_contains(key);
  if (!v) return false;
  if (v->is_uint64())
    out = v->get_uint64();
  else if (v->is_int64() && v->get_int64() >= 0)
    out = static_cast<uint64_t>(v->get_int64());
  else
    return false;
  return true;
}

// Replaces `usage` with the totals in `u` (Bedrock reports usage once, complete). Returns whether
// any count was present.
inline bool ReadUsage(const boost::json::object& u, ir::Usage& usage) {
  uint64_t input = 0, output = 0, read = 0, write = 0;
  bool in = Count(u, "inputTokens", input);
  bool out = Count(u, "outputTokens", output);
  bool cr = Count(u, "cacheReadInputTokens", read);
  bool cw = Count(u, "cacheWriteInputTokens", write);
  if (!(in || out || cr || cw)) return false;
  usage.cache_read = read;
  usage.cache_write = write;
  usage.input = input + read + write;
  usage.output = output;
  usage.present = true;
  return true;
}

}  // namespace sluice::provider::bedrock_detail
