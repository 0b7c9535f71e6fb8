// Anthropic Messages API adapter (reference §3, mapping §8): IR → POST /v1/messages, and the
// answer (body, SSE stream, errors) → IR. Translation choices the reference leaves open:
//  - max_tokens is required upstream: the client's value, else Target::default_max_tokens, else
//    kDefaultMaxTokens; when reasoning is requested without a client max_tokens, the thinking
//    budget is added on top so the answer keeps its room (Anthropic counts thinking inside
//    max_tokens).
//  - reasoning_effort → thinking budget: minimal 1024, low 2048, medium 8192, high 16384,
//    xhigh 24576, max 32000 tokens ("none": no thinking); capped below max_tokens, dropped if <
//    1024. With thinking on, temperature and top_k are omitted and top_p raised to ≥ 0.95 (API
//    rules).
//  - temperature is clamped to Anthropic's 0–1; seed and OpenAI-only extras are dropped; n > 1,
//    audio input and OpenAI file ids are rejected (400); json_object response format is dropped
//    (no schema to give), json_schema → output_config.format.
//  - every system/developer instruction is hoisted into `system`, in order; tool results become
//  user
//    tool_result blocks, consecutive user turns are merged with tool results first.
// Thread rule: the adapter is immutable and shareable; a stream decoder belongs to one stream.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "provider/adapter.h"

namespace sluice::provider {

inline constexpr uint64_t kAnthropicDefaultMaxTokens = 4096;
inline constexpr std::string_view kAnthropicVersion = "2023-06-01";

// Anthropic stop_reason → IR (unknown values → kUnknown).
ir::FinishReason AnthropicFinishReason(std::string_view stop_reason);
// Anthropic error.type → the HTTP status to show the client (overloaded_error → 503, not 529).
int AnthropicStatusForErrorType(std::string_view type);

class AnthropicStreamDecoder final : public StreamDecoder {
 public:
  bool Feed(std::string_view type, std::string_view data,
            std::vector<ir::StreamEvent>& out) override;
  bool Finish(std::vector<ir::StreamEvent>& out) override;
  const core::Error& error() const override { return error_; }
  bool finished() const override { return finished_; }

 private:
  enum class Block : uint8_t { kNone, kText, kToolCall, kReasoning, kRedacted, kIgnored, kClosed };
  bool Fail(std::string message, std::vector<ir::StreamEvent>& out);
  Block& BlockAt(uint32_t index);

  std::vector<Block> blocks_;  // Anthropic block index → kind (server-tool blocks are kIgnored)
  ir::Usage usage_;  // merged: message_start's input side, message_delta's cumulative output
  bool started_ = false;
  bool finished_ = false;
  bool failed_ = false;
  core::Error error_;
};

class AnthropicAdapter final : public ProviderAdapter {
 public:
  std::string_view Name() const override { return "anthropic"; }
  core::Result<UpstreamRequest> BuildRequest(const ir::ChatRequest& request,
                                             const Target& target) const override;
  core::Result<ir::ChatResponse> DecodeResponse(std::string_view body) const override;
  std::unique_ptr<StreamDecoder> NewStreamDecoder() const override {
    return std::make_unique<AnthropicStreamDecoder>();
  }
  core::Error DecodeError(int status, std::string_view body) const override;

  // The JSON body alone (BuildRequest = this + path + headers), for tests and benchmarks.
  static core::Result<std::string> EncodeBody(const ir::ChatRequest& request, const Target& target);
};

}  // namespace sluice::provider
