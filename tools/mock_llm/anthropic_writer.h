// Anthropic Messages wire format for the mock (reference §3.4–3.8): message bodies, the SSE event stream
// (message_start, ping, content blocks with text/thinking/input_json deltas, message_delta, message_stop),
// error bodies and events, count_tokens and the model list.
// Thread rule: pure functions; an AnthropicStream is owned by one connection.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "mock_llm/script.h"

namespace sluice::mock_llm {

// "end_turn" | "tool_use" | "max_tokens" | "stop_sequence" for a Script's neutral finish.
std::string_view AnthropicStopReason(const Script& script);

// Tool call k's id as Anthropic spells it: "toolu_mock_<k>".
std::string AnthropicToolUseId(size_t k);

// {"id":"msg_…","type":"message","role":"assistant","model","content":[thinking?, text | tool_use…],
//  "stop_reason","stop_sequence","usage":{input_tokens (uncached), cache_creation_input_tokens,
//  cache_read_input_tokens, cache_creation{…}, output_tokens, service_tier}}.
std::string RenderMessage(const ChatCall& call, const Script& script, std::string_view id);

// A message whose serialized size is exactly `body_bytes` (filler text; the smallest body when smaller).
std::string RenderSizedMessage(const ChatCall& call, const Script& script, std::string_view id,
                               uint64_t body_bytes);

// The event stream. Events: message_start, ping (both sent before the time-to-first-token wait), then
// per block content_block_start / content_block_delta* / content_block_stop (thinking first, with its
// signature_delta just before its stop; then text or tool_use blocks), message_delta, message_stop.
std::unique_ptr<StreamRenderer> MakeAnthropicStream(const ChatCall& call, Script script, std::string id);

// "event: NAME\ndata: JSON\n\n".
std::string AnthropicEvent(std::string_view name, std::string_view json);

// {"type":"error","error":{"type","message"},"request_id"} (request_id omitted when empty). The type is
// chosen by status: 400 invalid_request_error, 401 authentication_error, 403 permission_error, 404
// not_found_error, 413 request_too_large, 429 rate_limit_error, 500 api_error, 529 overloaded_error…
std::string RenderAnthropicError(int status, std::string_view message, std::string_view request_id);

// {"input_tokens":N}
std::string RenderCountTokens(uint64_t input_tokens);

// GET /v1/models with anthropic-version: {"data":[{"type":"model","id","display_name","created_at"}],
// "has_more","first_id","last_id"}, paged by limit (1..1000) and after_id / before_id.
std::string RenderAnthropicModelList(uint32_t limit, std::string_view after_id, std::string_view before_id);
std::string RenderAnthropicModel(std::string_view id);

}  // namespace sluice::mock_llm
