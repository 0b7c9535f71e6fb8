// The OpenAI-dialect preset table (reference §6, §7; docs/providers.md explains each row).
// Thread rule: immutable data.
#include "provider/openai_presets.h"

#include <algorithm>
#include <array>

namespace sluice::provider {
namespace {

using dialect::ToolCallIdRule;
constexpr std::string_view kMaxTokens = "max_tokens";

// Servers whose docs name only max_tokens get it; the others understand max_completion_tokens (which
// reasoning models require). stream_usage is false only where the server reports usage unasked and
// validates members strictly (Mistral answers 422 to unknown ones).
constexpr std::array<OpenAiPreset, 19> kPresets{{
    {.type_name = "openai", .default_base_url = "https://api.openai.com"},
    {.type_name = "azure", .default_base_url = ""},
    {.type_name = "openai_compatible",
     .default_base_url = "",
     .max_tokens_field = kMaxTokens,
     .reasoning_field = "reasoning_content",
     .usage_locations = kUsageChunk | kLastContentChunk},
    {.type_name = "vllm",
     .default_base_url = "http://localhost:8000",
     .top_k = true,
     .reasoning_field = "reasoning",
     .errors = ErrorShape::kFlat},
    {.type_name = "sglang",
     .default_base_url = "http://localhost:30000",
     .max_tokens_field = kMaxTokens,
     .top_k = true,
     .reasoning_field = "reasoning_content"},
    {.type_name = "tgi",
     .default_base_url = "http://localhost:8080",
     .max_tokens_field = kMaxTokens,
     .supports_n = false,
     .parallel_tool_calls = false,
     .errors = ErrorShape::kTgi},
    {.type_name = "ollama",
     .default_base_url = "http://localhost:11434",
     .max_tokens_field = kMaxTokens,
     .supports_n = false,
     .reasoning_field = "reasoning"},
    {.type_name = "deepseek",
     .default_base_url = "https://api.deepseek.com",
     .max_tokens_field = kMaxTokens,
     .supports_n = false,
     .reasoning_field = "reasoning_content",
     .usage_locations = kUsageChunk | kLastContentChunk,
     .sse_comment = ": keep-alive"},
    {.type_name = "mistral",
     .default_base_url = "https://api.mistral.ai/v1",
     .stream_usage = false,
     .max_tokens_field = kMaxTokens,
     .seed_field = "random_seed",
     .tool_call_ids = ToolCallIdRule::kNineAlnum,
     .usage_locations = kLastContentChunk,
     .errors = ErrorShape::kFlat},
    {.type_name = "groq",
     .default_base_url = "https://api.groq.com/openai/v1",
     .supports_n = false,
     .reasoning_field = "reasoning",
     .usage_locations = kUsageChunk | kXGroqUsage},
    {.type_name = "together",
     .default_base_url = "https://api.together.xyz/v1",
     .max_tokens_field = kMaxTokens,
     .top_k = true,
     .usage_locations = kUsageChunk | kLastContentChunk},
    {.type_name = "fireworks",
     .default_base_url = "https://api.fireworks.ai/inference/v1",
     .max_tokens_field = kMaxTokens,
     .top_k = true,
     .usage_locations = kUsageChunk | kLastContentChunk},
    {.type_name = "openrouter",
     .default_base_url = "https://openrouter.ai/api/v1",
     .top_k = true,
     .reasoning_field = "reasoning",
     .usage_locations = kUsageChunk | kLastContentChunk,
     .errors = ErrorShape::kOpenRouter,
     .sse_comment = ": OPENROUTER PROCESSING"},
    {.type_name = "xai", .default_base_url = "https://api.x.ai/v1", .reasoning_field = "reasoning_content"},
    {.type_name = "dashscope",
     .default_base_url = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
     .max_tokens_field = kMaxTokens,
     .reasoning_field = "reasoning_content"},
    {.type_name = "moonshot",
     .default_base_url = "https://api.moonshot.ai/v1",
     .max_tokens_field = kMaxTokens,
     .reasoning_field = "reasoning_content",
     .usage_locations = kUsageChunk | kLastContentChunk},
    {.type_name = "zhipu",
     .default_base_url = "https://open.bigmodel.cn/api/paas/v4",
     .max_tokens_field = kMaxTokens,
     .supports_n = false,
     .reasoning_field = "reasoning_content",
     .usage_locations = kLastContentChunk},
    // Aliases people type from vendor docs.
    {.type_name = "azure_openai", .default_base_url = ""},
    // The fallback row for names this table does not know: the generic compatible server.
    {.type_name = "",
     .default_base_url = "",
     .max_tokens_field = kMaxTokens,
     .reasoning_field = "reasoning_content",
     .usage_locations = kUsageChunk | kLastContentChunk},
}};

}  // namespace

const OpenAiPreset& OpenAiPresetFor(std::string_view type_name) {
  auto it = std::find_if(kPresets.begin(), kPresets.end() - 1,
                         [&](const OpenAiPreset& p) { return p.type_name == type_name; });
  return *it;  // end() - 1 is the generic row
}

std::span<const OpenAiPreset> OpenAiPresets() { return {kPresets.data(), kPresets.size() - 1}; }

dialect::OpenAiUpstreamOptions SpliceOptionsFor(const OpenAiPreset& preset) {
  dialect::OpenAiUpstreamOptions o;
  o.stream_usage = preset.stream_usage;
  // The generic compatible row keeps the client's own member names: it was pointed at that server.
  if (!preset.type_name.empty() && preset.type_name != "openai_compatible")
    o.max_tokens_field = preset.max_tokens_field;
  o.seed_field = preset.seed_field;
  o.parallel_tool_calls = preset.parallel_tool_calls;
  o.tool_call_ids = preset.tool_call_ids;
  return o;
}

OpenAiAdapterOptions AdapterOptionsFor(const OpenAiPreset& preset) {
  OpenAiAdapterOptions o;
  o.legacy_max_tokens = preset.max_tokens_field == kMaxTokens;
  o.send_top_k = preset.top_k;
  o.stream_usage = preset.stream_usage;
  o.random_seed = preset.seed_field == "random_seed";
  o.parallel_tool_calls = preset.parallel_tool_calls;
  o.tool_call_ids = preset.tool_call_ids;
  o.endpoint.flavor = preset.type_name == "azure" || preset.type_name == "azure_openai" ? OpenAiFlavor::kAzure
                                                                                        : OpenAiFlavor::kOpenAi;
  return o;
}

}  // namespace sluice::provider
