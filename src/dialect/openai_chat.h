// OpenAI Chat Completions as a client dialect over the IR (reference §1): decode a request body
// into ir::ChatRequest, encode an ir::ChatResponse as a chat.completion body. The stream encoder is
// in openai_chat_stream.h. Used when the client's dialect differs from the provider's; the
// same-dialect proxy path keeps its byte-faithful splice (openai_request.h). Thread rule: pure
// functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "ir/chat_request.h"
#include "ir/chat_response.h"
#include "ir/usage.h"

namespace sluice::dialect {

// Decodes and validates a /v1/chat/completions body. Errors are kInvalidRequest with OpenAI-style
// messages and `param` paths (e.g. "messages[2].tool_calls[0].function.name"). Modelled fields fill
// the IR; every other top-level member is kept verbatim in `extra` (source kOpenAiChat). Leading
// system/developer messages become `system`; later ones stay in place as Role::kSystem.
core::Result<ir::ChatRequest> DecodeOpenAiChatRequest(std::string_view body);

// Where reasoning (thinking) text goes in OpenAI output, which has no standard field for it.
enum class ReasoningField : uint8_t {
  kOmit,              // drop it (strict OpenAI clients)
  kReasoningContent,  // "reasoning_content" (DeepSeek; most OpenAI-dialect clients that show
                      // reasoning)
  kReasoning,         // "reasoning" (vLLM ≥ 2025-11, OpenRouter, Ollama, Groq)
};

struct OpenAiEncodeOptions {
  int64_t created = 0;  // unix seconds for "created": the caller's clock (codecs read none)
  ReasoningField reasoning_field = ReasoningField::kReasoningContent;
};

// stop/stop_sequence/pause_turn → "stop", length/context window → "length", tool calls →
// "tool_calls", content filter → "content_filter"; unknown → "stop" (OpenAI has no "unknown").
std::string_view OpenAiFinishReason(ir::FinishReason reason);

// Appends the OpenAI usage object: prompt_tokens includes cache reads and writes (ir::Usage already
// does), prompt_tokens_details.cached_tokens = cache reads,
// completion_tokens_details.reasoning_tokens.
void AppendOpenAiUsage(std::string& out, const ir::Usage& usage);

// A chat.completion body: one choice; text parts concatenated into `content` (null when there is
// none); tool calls as `tool_calls`; reasoning per options.reasoning_field.
std::string EncodeOpenAiChatResponse(const ir::ChatResponse& response,
                                     const OpenAiEncodeOptions& options);

}  // namespace sluice::dialect
