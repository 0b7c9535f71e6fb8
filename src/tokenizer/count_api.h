// Local answers for token-count endpoints, for the server to call:
//   POST /v1/messages/count_tokens (Anthropic) -> {"input_tokens":N}
// When the model's tokenizer is only an estimate and the route does not accept estimates, the reply is
// kForward: the server should pass the request to the provider's own count endpoint.
// Thread rule: pure functions over the request bytes; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "tokenizer/chat_count.h"
#include "tokenizer/model_table.h"

namespace sluice::tokenizer {

struct CountTokensOptions {
  bool allow_estimate = true;  // a route may require the provider's exact count instead
  // The model whose tokenizer counts, when it is not the body's `model`: the gateway passes the upstream
  // model of the route serving the name, so an alias of gpt-4o is counted exactly. Empty: the body's.
  std::string_view tokenizer_model{};
};

struct CountTokensReply {
  enum class Kind { kLocal, kForward };
  Kind kind = Kind::kLocal;
  std::string body;    // {"input_tokens":N} when kLocal
  TokenCount count;    // details (exact or estimate) for logs and headers
};

// body: the JSON request body. Errors: kInvalidRequest (malformed JSON, missing model/messages) to be
// rendered in the client's dialect; kInternal when a vocabulary cannot be loaded.
core::Result<CountTokensReply> AnswerAnthropicCountTokens(std::string_view body, const ModelTable& models,
                                                          const CountTokensOptions& options = {});

// Convenience for the OpenAI dialect: parses an OpenAI chat body and counts its prompt tokens.
core::Result<TokenCount> CountOpenAiChatBody(std::string_view body, const ModelTable& models,
                                             uint64_t limit = kNoLimit);

}  // namespace sluice::tokenizer
