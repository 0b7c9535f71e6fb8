// The dialect-neutral core of the mock: a decoded chat call plus its Behaviour become a Script — the
// exact content pieces, tool calls and usage the mock will answer with. Dialect writers (openai_writer.h
// today; Anthropic/Gemini/Bedrock later, one file each) only render a Script in their wire format, so
// every dialect answers the same request with the same words, tool calls and token counts.
// Thread rule: plain values and pure functions.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "mock_llm/behaviour.h"

namespace sluice::mock_llm {

// What the mock needs from any dialect's chat request.
struct ChatCall {
  std::string model;
  bool stream = false;
  bool include_usage = false;          // OpenAI stream_options.include_usage
  std::string last_user_text;          // text parts of the last user message, joined by "\n"
  uint64_t prompt_tokens_estimate = 0; // see EstimatePromptTokens
  std::vector<std::string> tool_names; // declared tools, in order
  // Anthropic-only today (OpenAI's reader leaves them unset, so its answers do not change):
  std::optional<uint64_t> max_tokens;      // generation budget: content is cut there, finish "length"
  std::vector<std::string> stop_sequences; // generated text is cut before the first match
  bool thinking_requested = false;         // the request enabled extended thinking
  bool thoughts_visible = true;            // Gemini: thought parts only with thinkingConfig.includeThoughts
};

// prompt tokens = 3 + Σ per message (3 + ceil(bytes of its text / 4)); "text" = string content, text
// parts, name, and tool-call arguments. Documented in docs/mock_llm.md; deterministic, not a tokenizer.
uint64_t EstimateTextTokens(size_t text_bytes);
inline constexpr uint64_t kTokensPerMessage = 3;
inline constexpr uint64_t kTokensPerReply = 3;

struct ToolCallScript {
  std::string id;         // "call_mock_<k>"
  std::string name;
  std::string arguments;  // a JSON object, as a string
  std::vector<std::string> fragments;  // arguments split for streaming (UTF-8 boundaries)
};

struct UsageScript {
  uint64_t prompt_tokens = 0;
  uint64_t completion_tokens = 0;   // includes reasoning_tokens
  uint64_t cached_tokens = 0;       // included in prompt_tokens
  uint64_t cache_creation_tokens = 0;  // included in prompt_tokens, disjoint from cached_tokens
  uint64_t reasoning_tokens = 0;
  uint64_t total() const { return prompt_tokens + completion_tokens; }
};

struct Script {
  std::vector<std::string> content_chunks;  // generated text, one entry per streamed chunk
  std::vector<uint32_t> chunk_tokens;       // tokens in each content chunk (pacing and usage)
  std::vector<ToolCallScript> tool_calls;
  std::vector<std::string> thinking_chunks; // generated before the answer (Anthropic thinking block)
  std::vector<uint32_t> thinking_tokens;    // tokens in each thinking chunk
  std::string thinking_signature;           // opaque, deterministic per thinking text
  std::string finish_reason = "stop";       // neutral: stop | tool_calls | length | content_filter
  bool prompt_blocked = false;              // Safety::kPrompt: nothing generated, the prompt was refused
  std::string matched_stop;                 // the stop sequence that ended the text (finish "stop")
  UsageScript usage;
  std::string Content() const;              // all content chunks joined
  std::string Thinking() const;             // all thinking chunks joined
  // Tokens the "model" generates, which tps paces: thinking + content (+ tool-call tokens).
  uint64_t GeneratedTokens() const;
};

// Content rules (docs/mock_llm.md): echo mode repeats the words of the last user message; tokens mode
// (or no user text) emits "token0 token1 …". Without an explicit chunk count, echo emits each word once
// (at most kMaxEchoWords), tokens mode emits kDefaultChunks chunks.
inline constexpr uint32_t kDefaultChunks = 5;
inline constexpr uint32_t kMaxEchoWords = 64;
inline constexpr size_t kToolArgFragmentBytes = 8;
inline constexpr size_t kThinkingSignatureBytes = 48;  // decoded size of the mock signature

Script BuildScript(const ChatCall& call, const Behaviour& behaviour);

// Deterministic ASCII filler text of exactly `bytes` bytes ("lorem ipsum …"), for sized bodies.
std::string Filler(size_t bytes);

// Small deterministic helpers shared by the writers.
uint64_t Fnv1a(std::string_view a, std::string_view b);
uint64_t SplitMix(uint64_t& state);  // splitmix64 step
std::string Base64(const unsigned char* data, size_t n);

// Splits text into pieces of about `piece_bytes` without cutting a UTF-8 sequence.
std::vector<std::string> SplitUtf8(std::string_view text, size_t piece_bytes);

// One streamed event, already in wire format. `tokens` > 0 marks a generated event that the server paces
// (time to first token before the first one, tokens/tps between the later ones).
struct StreamEvent {
  std::string bytes;
  uint32_t tokens = 0;
};

// A dialect's stream: the events in order, rendered on demand so 10k idle streams stay small.
class StreamRenderer {
 public:
  virtual ~StreamRenderer() = default;
  virtual size_t EventCount() const = 0;
  virtual StreamEvent Render(size_t index) const = 0;
  // The in-stream error event sent by x-mock-error-after-chunks (no terminator follows it). `status` is
  // Behaviour::stream_error_status: 0 = the dialect's usual mid-stream failure.
  virtual std::string RenderError(std::string_view message, uint16_t status) const = 0;
  // Events before this index go out with the headers, before the time-to-first-token wait (Anthropic
  // sends message_start and ping at once; OpenAI's role chunk waits for the first token).
  virtual size_t EventsBeforeFirstToken() const { return 0; }
};

}  // namespace sluice::mock_llm
