// OpenAI Chat Completions (and OpenAI-compatible servers: vLLM, Ollama, DeepSeek, …) as a provider
// over the IR (reference §1, §7, mapping §8): IR → POST /v1/chat/completions, and the answer (body,
// chat.completion.chunk stream, errors) → IR. Translation choices:
//  - system parts → one `system` message each (strings: every compat server accepts them); later
//    Role::kSystem messages stay in place; reasoning and redacted reasoning are never sent back
//    (OpenAI has no input form; DeepSeek rejects reasoning_content in input).
//  - each kToolResult → one `tool` message (text only; is_error prefixes "Error: ", reference
//  §8.4);
//    tool call arguments are sent as the JSON text the client gave ("" → "{}").
//  - max_tokens → max_completion_tokens, or max_tokens with Options::legacy_max_tokens (servers
//    that only know the old name); top_k only with Options::send_top_k (OpenAI rejects it).
//  - reasoning_effort passes through; an explicit thinking budget (Anthropic clients) becomes an
//    effort: < 4096 low, < 16384 medium, else high.
//  - tool_choice / parallel_tool_calls are sent only with tools (OpenAI rejects them otherwise);
//    stream → stream_options.include_usage:true (usage is needed for accounting either way).
//  - n > 1, and images or files inside tool results, are rejected (400): the decoders read one
//    choice and OpenAI tool messages carry text only.
//  - per-server quirks come from the preset (provider/openai_presets.h → AdapterOptionsFor): seed sent
//    as random_seed, stream_options left out, parallel_tool_calls left out, tool-call ids remapped to
//    the server's rule (Mistral: 9 alphanumerics) and restored in answers (NewStreamDecoder(ids),
//    DecodeResponse(body, ids)); the path and auth header come from OpenAiEndpointConfig (Azure too).
//  - answers: finish_reason insufficient_system_resource (DeepSeek) and error (Mistral, OpenRouter)
//    become errors (503 / 502), model_length → length; Azure's prompt_filter_results chunk (empty
//    choices, no usage) is skipped.
// Thread rule: the adapter is immutable and shareable; a stream decoder belongs to one stream.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialect/openai_request.h"
#include "provider/adapter.h"
#include "provider/openai_endpoint.h"

namespace sluice::provider {

// OpenAI finish_reason → IR: stop, length, tool_calls/function_call, content_filter; others
// (insufficient_system_resource, error, …) → kUnknown.
ir::FinishReason OpenAiFinishReasonToIr(std::string_view finish_reason);

struct OpenAiAdapterOptions {
  bool legacy_max_tokens = false;  // send "max_tokens" instead of "max_completion_tokens"
  bool send_top_k = false;         // the server accepts top_k (vLLM, Together, …)
  bool stream_usage = true;        // send stream_options.include_usage (false: the server rejects it)
  bool random_seed = false;        // send seed as "random_seed" (Mistral)
  bool parallel_tool_calls = true; // false: the server rejects parallel_tool_calls; never sent
  dialect::ToolCallIdRule tool_call_ids = dialect::ToolCallIdRule::kAny;
  // Path and auth. An empty base_path falls back to Target::path_prefix to choose the path form.
  OpenAiEndpointConfig endpoint{};
};

// What an OpenAI finish_reason means when it is a failure rather than an end: nullopt for ordinary
// reasons; else the status to report (insufficient_system_resource → 503, error → 502).
std::optional<int> OpenAiFinishReasonError(std::string_view finish_reason);

// chat.completion.chunk `data:` events → IR (reference §1.5, §7, §8.9). Blocks: text and reasoning
// blocks open when their first non-empty delta arrives and close when another block opens; each
// OpenAI tool index opens a tool block (id synthesized as "call_<n>" when a server omits it) and
// closes when another block opens. A late fragment for a tool block already closed is still
// emitted as a delta on its index (IR consumers key by index). finish_reason closes the open
// block; the message delta (finish + latest usage) and message stop are emitted at `[DONE]` (or at
// the end of the body once a finish_reason was seen), because the usage chunk follows the finish.
// Usage is read from any chunk's `usage` (last non-null wins) and from `x_groq.usage`. A
// `{"error":…}` payload becomes an IR error (status from its numeric code, else its type).
// Answers to a request whose tool-call ids were remapped carry the client's ids again (`ids`).
// Azure's leading prompt_filter_results chunk (empty choices, no usage) does not start the message.
class OpenAiStreamDecoder final : public StreamDecoder {
 public:
  OpenAiStreamDecoder() = default;
  explicit OpenAiStreamDecoder(dialect::ToolCallIdMap ids) : ids_(std::move(ids)) {}
  bool Feed(std::string_view type, std::string_view data,
            std::vector<ir::StreamEvent>& out) override;
  bool Finish(std::vector<ir::StreamEvent>& out) override;
  const core::Error& error() const override { return error_; }
  bool finished() const override { return finished_; }

 private:
  enum class Open : uint8_t { kNone, kText, kReasoning, kTool };
  struct ToolBlock {
    int64_t openai_index;
    uint32_t block;
  };
  bool Fail(std::string message, std::vector<ir::StreamEvent>& out);
  void CloseOpen(std::vector<ir::StreamEvent>& out);
  void Delta(Open kind, std::string_view text, std::vector<ir::StreamEvent>& out);
  void End(std::vector<ir::StreamEvent>& out);

  dialect::ToolCallIdMap ids_;
  std::vector<ToolBlock> tools_;
  Open open_ = Open::kNone;
  uint32_t open_block_ = 0;
  uint32_t next_block_ = 0;
  ir::FinishReason finish_ = ir::FinishReason::kUnknown;
  bool finish_seen_ = false;
  ir::Usage usage_;
  bool started_ = false;
  bool finished_ = false;
  bool failed_ = false;
  core::Error error_;
};

class OpenAiAdapter final : public ProviderAdapter {
 public:
  explicit OpenAiAdapter(OpenAiAdapterOptions options = {}) : options_(options) {}
  std::string_view Name() const override {
    return options_.endpoint.flavor == OpenAiFlavor::kAzure ? "azure" : "openai";
  }
  core::Result<UpstreamRequest> BuildRequest(const ir::ChatRequest& request,
                                             const Target& target) const override;
  core::Result<ir::ChatResponse> DecodeResponse(std::string_view body) const override;
  std::unique_ptr<StreamDecoder> NewStreamDecoder() const override {
    return std::make_unique<OpenAiStreamDecoder>();
  }
  core::Error DecodeError(int status, std::string_view body) const override;

  // The tool-call ids BuildRequest rewrites for `request` (upstream id → client id); empty unless the
  // server has an id rule (Mistral). Pass it to the two overloads below so clients see their own ids.
  dialect::ToolCallIdMap ToolCallIdsFor(const ir::ChatRequest& request) const;
  std::unique_ptr<StreamDecoder> NewStreamDecoder(dialect::ToolCallIdMap ids) const {
    return std::make_unique<OpenAiStreamDecoder>(std::move(ids));
  }
  core::Result<ir::ChatResponse> DecodeResponse(std::string_view body, const dialect::ToolCallIdMap& ids) const;

  const OpenAiAdapterOptions& options() const { return options_; }

  // The JSON body alone (BuildRequest = this + path + headers), for tests and benchmarks.
  static core::Result<std::string> EncodeBody(const ir::ChatRequest& request, const Target& target,
                                              const OpenAiAdapterOptions& options);

 private:
  OpenAiAdapterOptions options_;
};

}  // namespace sluice::provider
