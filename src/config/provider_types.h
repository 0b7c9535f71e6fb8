// The provider `type:` vocabulary: native APIs and OpenAI-compatible presets (presets are data, not
// code). Thread rule: immutable tables and pure functions.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "config/schema.h"

namespace sluice::config {

// "openai" → kOpenAi, "vllm" → kOpenAiCompatible, ...; nullopt for an unknown name. Case-sensitive.
std::optional<ProviderType> ParseProviderType(std::string_view name);

// Every accepted `type:` name, in documentation order.
const std::vector<std::string_view>& ProviderTypeNames();

// The canonical name of a type ("openai_compatible" for every preset).
std::string_view ProviderTypeName(ProviderType type);

// Hosted first-party APIs cannot be called without a key; self-hosted and compatible servers often
// can.
bool ApiKeyRequired(ProviderType type);

}  // namespace sluice::config
