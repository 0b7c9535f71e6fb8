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

}  // namespace

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
