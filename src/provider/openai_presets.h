// The OpenAI-dialect provider presets (`type: openai | azure | vllm | deepseek | mistral | …`) as data:
// one row per server with what it does differently from OpenAI (reference §6, §7). The request side of a
// row is applied (splice options for OpenAI clients, adapter options for translated clients); the
// response side documents what to expect — the readers accept every known shape for every server anyway
// (the reference's "general compat rules"), so a wrong row never loses usage or an error.
// Thread rule: immutable table and pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "dialect/openai_request.h"
#include "provider/openai.h"

namespace sluice::provider {

// Where a server reports usage in a stream (bit set).
enum UsageLocation : uint8_t {
  kUsageChunk = 1,        // the OpenAI include_usage chunk: "choices":[] + "usage"
  kLastContentChunk = 2,  // "usage" on the last chunk that still has choices (DeepSeek, Mistral, OpenRouter)
  kXGroqUsage = 4,        // "x_groq":{"usage":…} on the final chunk (Groq)
};

// The error envelope a server uses.
enum class ErrorShape : uint8_t {
  kOpenAi,      // {"error":{"message","type","param","code":string|null}}
  kFlat,        // {"object":"error","message","type","param","code":int} (vLLM < 0.10.1, Mistral)
  kTgi,         // {"error":"…","error_type":"validation|generation|overloaded|incomplete_generation"}
  kOpenRouter,  // {"error":{"code":<int HTTP status>,"message","metadata"}}, in-stream code may be a string
};

struct OpenAiPreset {
  std::string_view type_name;         // as written in `type:`
  std::string_view default_base_url;  // "" when it depends on the deployment (Azure, generic)
  // Request side (applied).
  bool stream_usage = true;                                 // accepts stream_options.include_usage
  std::string_view max_tokens_field = "max_completion_tokens";  // or "max_tokens"
  std::string_view seed_field = "seed";                     // "random_seed" for Mistral
  bool supports_n = true;  // n > 1 (documented only: the splice forwards n and the server answers its own
                           // 400; the adapter refuses n > 1 for every server)
  bool parallel_tool_calls = true;                          // accepts the parallel_tool_calls member
  bool top_k = false;                                       // accepts top_k (vLLM, Together, …)
  dialect::ToolCallIdRule tool_call_ids = dialect::ToolCallIdRule::kAny;
  // Response side (documented; the readers accept every shape).
  std::string_view reasoning_field = {};  // "reasoning_content" | "reasoning" | "" (none exposed)
  uint8_t usage_locations = kUsageChunk;
  ErrorShape errors = ErrorShape::kOpenAi;
  std::string_view sse_comment = {};  // keep-alive comments it sends while queued ("" = none known)
};

// The row for a `type:` name; unknown names and "openai_compatible" get the generic compatible row,
// "azure_openai" the Azure one.
const OpenAiPreset& OpenAiPresetFor(std::string_view type_name);

// Every row, in documentation order.
std::span<const OpenAiPreset> OpenAiPresets();

// The byte splice's options for a server (OpenAI clients).
dialect::OpenAiUpstreamOptions SpliceOptionsFor(const OpenAiPreset& preset);

// The IR adapter's options for a server (other clients), endpoint left at its default (OpenAI paths).
OpenAiAdapterOptions AdapterOptionsFor(const OpenAiPreset& preset);

}  // namespace sluice::provider
