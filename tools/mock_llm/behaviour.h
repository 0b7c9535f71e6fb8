// Behaviour: what the mock should do for one request (latency, pacing, failures, tool calls, sizes),
// chosen from the request's model name and its x-mock-* headers (headers win). Dialect-neutral and pure.
// Thread rule: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace sluice::mock_llm {

enum class Hang : uint8_t { kNone, kHeaders, kBody };
enum class ContentMode : uint8_t { kEcho, kTokens };
// Safety-filter outcome: the prompt is blocked (Gemini promptFeedback.blockReason, Azure 400 content_filter,
// Bedrock guardrail_intervened) or the response is cut by the filter (finish "content_filter").
enum class Safety : uint8_t { kNone, kPrompt, kResponse };

struct Behaviour {
  uint32_t delay_ms = 0;          // before the response headers
  uint32_t ttft_ms = 0;           // stream: headers → first generated event (non-stream: added to latency)
  uint32_t tps = 0;               // generated tokens per second; 0 = as fast as possible
  std::optional<uint32_t> chunks; // generated chunks; unset = derived from the content (see docs)
  uint32_t tokens_per_chunk = 1;
  ContentMode content = ContentMode::kEcho;
  uint16_t error_status = 0;      // answer this status before any byte
  std::optional<uint32_t> retry_after_s;
  std::optional<uint32_t> error_after_chunks;  // in-stream error after N data events
  // The status the in-stream error stands for (0 = the dialect's usual mid-stream failure). Dialects with
  // typed stream errors use it: Bedrock 429 → throttlingException, Gemini 429 → RESOURCE_EXHAUSTED, …
  uint16_t stream_error_status = 0;
  std::optional<uint32_t> abort_after_chunks;  // cut the connection after N data events
  Hang hang = Hang::kNone;
  uint32_t tool_calls = 0;        // parallel tool calls to return
  std::optional<uint64_t> prompt_tokens;       // override the estimate
  uint64_t cached_tokens = 0;     // clamped to prompt_tokens (Anthropic: cache_read_input_tokens)
  uint64_t cache_creation_tokens = 0;  // Anthropic cache_creation_input_tokens; clamped to the uncached rest
  uint64_t reasoning_tokens = 0;  // added to completion_tokens
  std::optional<uint64_t> response_bytes;      // non-stream: exact body size; stream: total content bytes
  // Thinking chunks generated before the answer (Anthropic: a `thinking` block; OpenAI: hidden, counted as
  // reasoning tokens). Unset = the request decides (Anthropic `thinking.type` enabled/adaptive → default).
  std::optional<uint32_t> thinking_chunks;
  Safety safety = Safety::kNone;
};

// Limits keep one request from exhausting the mock (and make bad values a 400, not a crash).
inline constexpr uint32_t kMaxChunks = 100000;
inline constexpr uint32_t kMaxToolCalls = 128;
inline constexpr uint64_t kMaxResponseBytes = 64ull << 20;
inline constexpr uint32_t kDefaultToolCallsForModel = 2;
inline constexpr uint32_t kDefaultThinkingChunks = 3;
inline constexpr uint32_t kMaxThinkingChunks = 10000;

// Header names are compared case-insensitively; only x-mock-* headers matter.
using HeaderList = std::vector<std::pair<std::string_view, std::string_view>>;

// Applies model-name tokens first, then headers. An unparsable header value is an error (a 400).
core::Result<Behaviour> ParseBehaviour(std::string_view model, const HeaderList& headers);

// Model-name part alone (never fails: unknown segments are ignored), exposed for tests.
void ApplyModelName(std::string_view model, Behaviour& out);

}  // namespace sluice::mock_llm
