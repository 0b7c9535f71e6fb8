// Token counts of whole chat requests, as the providers count them before sending:
//   OpenAI chat completions: the OpenAI cookbook's framing ("How to count tokens with tiktoken"): 3 tokens
//   per message, every string field of a message encoded (role, content, name, ...), +1 for a name, +3
//   priming the reply; tools by the cookbook's function formula; images by the tile formula.
//   Anthropic messages: system, messages and tools text counted with the model's tokenizer (an estimate
//   for Claude: o200k_base x family factor), images by width*height/750.
// Counting reads the decoded JSON in place (string_views into it) and can stop once `limit` is exceeded.
// Thread rule: pure functions; the encodings are shared immutable data.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "tokenizer/model_table.h"

namespace sluice::tokenizer {

struct TokenCount {
  uint64_t tokens = 0;
  bool exact = true;         // false: an estimate (model without a public tokenizer)
  bool limit_exceeded = false;  // counting stopped early; tokens > limit but not the full count
  std::string family;        // ModelTokenizer::family of the model
};

inline constexpr uint64_t kNoLimit = UINT64_MAX;

// `request` is an OpenAI /v1/chat/completions body. Errors: kInvalidRequest (no model/messages),
// kInternal (vocabulary not loadable).
core::Result<TokenCount> CountOpenAiChat(const boost::json::object& request, const ModelTable& models,
                                         uint64_t limit = kNoLimit);

// `request` is an Anthropic /v1/messages (or /v1/messages/count_tokens) body.
core::Result<TokenCount> CountAnthropicMessages(const boost::json::object& request, const ModelTable& models,
                                                uint64_t limit = kNoLimit);

// Tokens of OpenAI `tools` (or legacy `functions`) definitions by the cookbook formula.
uint64_t CountOpenAiTools(const boost::json::array& tools, const class Encoding& enc, bool legacy);

}  // namespace sluice::tokenizer
