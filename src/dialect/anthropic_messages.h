// Anthropic Messages as a client dialect over the IR (reference §3): decode a /v1/messages request
// body into ir::ChatRequest and encode an ir::ChatResponse as a Messages body. The stream encoder
// is in anthropic_messages_stream.h. Decoding choices the reference leaves open:
//  - tool_result blocks of a user turn become one Role::kTool message (results in order), followed
//    by a Role::kUser message with the turn's other blocks, so OpenAI-shaped providers get their
//    `tool` messages; the Anthropic adapter merges them back into one user turn.
//  - thinking {enabled, budget_tokens} → reasoning_budget; {adaptive} → reasoning_effort from
//    output_config.effort (else "high", Anthropic's default); {disabled} → nothing.
//  - output_config.format json_schema → response_format kJsonSchema named "response".
//  - document blocks: base64 sources → kFile, plain-text sources → a text part; url/file/content
//    sources, image file ids and server tools are rejected (400): no provider-neutral form yet.
//  - metadata.user_id → user; unmodelled top-level members → `extra` (source kAnthropicMessages).
// Errors are kInvalidRequest (400) with Anthropic's wording ("max_tokens: Field required") and the
// dotted path in `param`; render them with core::AnthropicErrorBody. Thread rule: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "ir/chat_request.h"
#include "ir/chat_response.h"
#include "ir/usage.h"

namespace sluice::dialect {

core::Result<ir::ChatRequest> DecodeAnthropicMessagesRequest(std::string_view body);

// IR finish → Anthropic stop_reason: stop/unknown → end_turn, stop sequence → stop_sequence,
// length → max_tokens, context window → model_context_window_exceeded, tool calls → tool_use,
// content filter → refusal, pause → pause_turn.
std::string_view AnthropicStopReason(ir::FinishReason reason);

// Appends {"input_tokens","cache_creation_input_tokens","cache_read_input_tokens","output_tokens"}:
// input_tokens EXCLUDES cache reads and writes (ir::Usage::input includes them).
void AppendAnthropicUsage(std::string& out, const ir::Usage& usage);

// A `message` body: text, tool_use (arguments parsed into `input`; not an object → {}), thinking
// (with signature) and redacted_thinking blocks in order.
std::string EncodeAnthropicMessagesResponse(const ir::ChatResponse& response);

}  // namespace sluice::dialect
