// Anthropic Messages request decoding for the mock (reference §3.1–3.3, §3.6): POST /v1/messages and
// /v1/messages/count_tokens bodies → the neutral ChatCall, with the 400 wording Anthropic uses
// ("max_tokens: Field required"), plus the header checks (API key, anthropic-version) the real API makes
// before it looks at the body.
// Thread rule: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mock_llm/openai_reader.h"  // RequestError, Decoded<T>
#include "mock_llm/script.h"

namespace sluice::mock_llm {

// A rejected header set: status (401 or 400) and the message of the Anthropic error body.
struct HeaderRejection {
  int status = 0;
  std::string message;
};

// 401 when neither x-api-key nor Authorization is present; 400 when anthropic-version is missing or not a
// YYYY-MM-DD date (the SDKs move to newer dates than 2023-06-01, so any date shape is accepted).
// nullopt when the request may proceed.
std::optional<HeaderRejection> CheckAnthropicHeaders(bool has_api_key, bool has_authorization,
                                                     std::optional<std::string_view> version);

// POST /v1/messages: model, max_tokens (integer ≥ 0) and a non-empty messages array are required; system is a
// string or text blocks; messages have role user|assistant and string or block content; tools need a name
// (and an input_schema object unless they are typed server tools); stream is a boolean.
// Token estimate (as OpenAI's reader): 3 + Σ (3 + ⌈text bytes/4⌉) over the system prompt (one message)
// and each message, where text = string content, text blocks, tool_use input (serialized) and
// tool_result text. last_user_text = the text of the last user message that has text.
Decoded<ChatCall> DecodeMessagesRequest(std::string_view body);

// POST /v1/messages/count_tokens: the same body minus max_tokens/stream.
Decoded<ChatCall> DecodeCountTokensRequest(std::string_view body);

}  // namespace sluice::mock_llm
