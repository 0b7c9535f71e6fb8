// Reading Anthropic usage objects into ir::Usage (reference §3.4, §8.6). Anthropic's input_tokens
// excludes cache reads and writes; ir::Usage::input includes them. Internal to the Anthropic
// adapter. Thread rule: pure functions.
#pragma once

#include <boost/json/value.hpp>

#include "ir/usage.h"
#include "provider/json_fields.h"

namespace sluice::provider::anthropic_detail {

// Merges the members present in `u` into `usage` (message_delta carries only what changed,
// cumulative). Returns whether any token count was present.
inline bool MergeUsage(const boost::json::object& u, ir::Usage& usage) {
  bool in = false, cr = false, cw = false, out = false, reasoning = false;
  uint64_t input = TokenCount(u, "input_tokens", in);
  uint64_t read = TokenCount(u, "cache_read_input_tokens", cr);
  uint64_t write = TokenCount(u, "cache_creation_input_tokens", cw);
  uint64_t output = TokenCount(u, "output_tokens", out);
  uint64_t thinking = 0;
  if (const boost::json::value* d = u.if_contains("output_tokens_details"); d && d->is_object())
    thinking = TokenCount(d->get_object(), "thinking_tokens", reasoning);
  if (in || cr || cw) {
    // Recompute the total from the parts, keeping parts not repeated in this object.
    uint64_t uncached = in ? input : usage.UncachedInput();
    if (cr) usage.cache_read = read;
    if (cw) usage.cache_write = write;
    usage.input = uncached + usage.cache_read + usage.cache_write;
  }
  if (out) usage.output = output;
  if (reasoning) usage.reasoning = thinking;
  bool any = in || cr || cw || out || reasoning;
  usage.present = usage.present || any;
  return any;
}

}  // namespace sluice::provider::anthropic_detail
