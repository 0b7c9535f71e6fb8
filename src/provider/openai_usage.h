// Reading OpenAI(-compatible) usage objects into ir::Usage (reference §1.4, §7, §8.6). OpenAI's
// convention is the IR's: prompt_tokens includes cached tokens, completion_tokens includes
// reasoning tokens. DeepSeek's prompt_cache_hit_tokens stands in for cached_tokens when that is
// absent. Internal to the OpenAI adapter. Thread rule: pure functions.
#pragma once

#include <boost/json/value.hpp>

#include "ir/usage.h"

namespace sluice::provider::openai_detail {

inline uint64_t Count(const boost::json::object& o, std::string_view key, bool* seen = nullptr) {
  const boost::json::value* v = o.if_contains(key);
  if (!v) return 0;
  uint64_t n = 0;
  if (v->is_uint64())
    n = v->get_uint64();
  else if (v->is_int64() && v->get_int64() >= 0)
    n = static_cast<uint64_t>(v->get_int64());
  else if (v->is_double() && v->get_double() >= 0 && v->get_double() < 1e18)
    n = static_cast<uint64_t>(v->get_double());
  else
    return 0;
  if (seen) *seen = true;
  return n;
}

inline const boost::json::object* Member(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

// Replaces `usage` with the totals in `u` (OpenAI usage objects are complete, not increments).
inline void ReadUsage(const boost::json::object& u, ir::Usage& usage) {
  ir::Usage r;
  bool any = false;
  r.input = Count(u, "prompt_tokens", &any);
  r.output = Count(u, "completion_tokens", &any);
  bool cached = false;
  if (const boost::json::object* d = Member(u, "prompt_tokens_details")) {
    r.cache_read = Count(*d, "cached_tokens", &cached);
    r.cache_write = Count(*d, "cache_write_tokens");
  }
  if (!cached) r.cache_read = Count(u, "prompt_cache_hit_tokens");
  if (const boost::json::object* d = Member(u, "completion_tokens_details"))
    r.reasoning = Count(*d, "reasoning_tokens");
  r.present = any;
  if (any) usage = r;
}

}  // namespace sluice::provider::openai_detail
