// Provider type table. Thread rule: immutable data.
#include "config/provider_types.h"

#include <algorithm>
#include <array>

namespace sluice::config {
namespace {

struct TypeRow {
  std::string_view name;
  ProviderType type;
};

// Presets speak the OpenAI API; type_name keeps the preset so adapters can apply per-vendor quirks
// later.
constexpr std::array<TypeRow, 24> kTypes{{
    {"openai", ProviderType::kOpenAi},
    {"azure", ProviderType::kAzureOpenAi},
    {"anthropic", ProviderType::kAnthropic},
    {"gemini", ProviderType::kGemini},
    {"vertex", ProviderType::kVertex},
    {"bedrock", ProviderType::kBedrock},
    {"openai_compatible", ProviderType::kOpenAiCompatible},
    {"vllm", ProviderType::kOpenAiCompatible},
    {"sglang", ProviderType::kOpenAiCompatible},
    {"tgi", ProviderType::kOpenAiCompatible},
    {"ollama", ProviderType::kOpenAiCompatible},
    {"deepseek", ProviderType::kOpenAiCompatible},
    {"mistral", ProviderType::kOpenAiCompatible},
    {"groq", ProviderType::kOpenAiCompatible},
    {"together", ProviderType::kOpenAiCompatible},
    {"fireworks", ProviderType::kOpenAiCompatible},
    {"openrouter", ProviderType::kOpenAiCompatible},
    {"xai", ProviderType::kOpenAiCompatible},
    {"dashscope", ProviderType::kOpenAiCompatible},
    {"moonshot", ProviderType::kOpenAiCompatible},
    {"zhipu", ProviderType::kOpenAiCompatible},
    // Aliases people type from vendor docs.
    {"azure_openai", ProviderType::kAzureOpenAi},
    {"vertex_ai", ProviderType::kVertex},
    {"aws_bedrock", ProviderType::kBedrock},
}};

struct DefaultUrlRow {
  std::string_view type_name;
  std::string_view base_url;
};

constexpr std::array<DefaultUrlRow, 17> kDefaultUrls{{
    {"openai", "https://api.openai.com"},
    {"anthropic", "https://api.anthropic.com"},
    {"gemini", "https://generativelanguage.googleapis.com"},
    {"vllm", "http://localhost:8000"},
    {"sglang", "http://localhost:30000"},
    {"tgi", "http://localhost:8080"},
    {"ollama", "http://localhost:11434"},
    {"deepseek", "https://api.deepseek.com"},
    {"mistral", "https://api.mistral.ai/v1"},
    {"groq", "https://api.groq.com/openai/v1"},
    {"together", "https://api.together.xyz/v1"},
    {"fireworks", "https://api.fireworks.ai/inference/v1"},
    {"openrouter", "https://openrouter.ai/api/v1"},
    {"xai", "https://api.x.ai/v1"},
    {"dashscope", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"},
    {"moonshot", "https://api.moonshot.ai/v1"},
    {"zhipu", "https://open.bigmodel.cn/api/paas/v4"},
}};

}  // namespace

std::string_view DefaultBaseUrl(std::string_view type_name) {
  if (type_name == "aws_bedrock" || type_name == "vertex_ai") return {};
  for (const DefaultUrlRow& row : kDefaultUrls)
    if (row.type_name == type_name) return row.base_url;
  return {};
}

std::string VertexBaseUrl(std::string_view location) {
  if (location.empty() || location == "global") return "https://aiplatform.googleapis.com";
  return "https://" + std::string(location) + "-aiplatform.googleapis.com";
}

std::string BedrockBaseUrl(std::string_view region) {
  return "https://bedrock-runtime." + std::string(region) + ".amazonaws.com";
}

std::optional<ProviderType> ParseProviderType(std::string_view name) {
  auto it =
      std::find_if(kTypes.begin(), kTypes.end(), [&](const TypeRow& r) { return r.name == name; });
  if (it == kTypes.end()) return std::nullopt;
  return it->type;
}

const std::vector<std::string_view>& ProviderTypeNames() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names;
    for (const TypeRow& row : kTypes) names.push_back(row.name);
    return names;
  }();
  return kNames;
}

std::string_view ProviderTypeName(ProviderType type) {
  switch (type) {
    case ProviderType::kOpenAi:
      return "openai";
    case ProviderType::kOpenAiCompatible:
      return "openai_compatible";
    case ProviderType::kAzureOpenAi:
      return "azure";
    case ProviderType::kAnthropic:
      return "anthropic";
    case ProviderType::kGemini:
      return "gemini";
    case ProviderType::kVertex:
      return "vertex";
    case ProviderType::kBedrock:
      return "bedrock";
  }
  return "unknown";
}

bool ApiKeyRequired(ProviderType type) {
  return type == ProviderType::kOpenAi || type == ProviderType::kAzureOpenAi ||
         type == ProviderType::kAnthropic || type == ProviderType::kGemini;
}

}  // namespace sluice::config
