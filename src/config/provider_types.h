// The provider `type:` vocabulary: native APIs and OpenAI-compatible presets (presets are data, not
// code). Thread rule: immutable tables and pure functions.
#pragma once

#include <optional>
#include <string>
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

// The base URL used when a provider omits `base_url`: the vendor's public endpoint ("" when it depends
// on the deployment: azure, openai_compatible). Vertex and Bedrock derive theirs from location/region
// (VertexBaseUrl, BedrockBaseUrl). The OpenAI-compatible rows mirror provider/openai_presets.cc
// (default_base_url); tests/unit/server/runtime_providers_test.cc checks they agree.
std::string_view DefaultBaseUrl(std::string_view type_name);
// "https://{location}-aiplatform.googleapis.com"; "global" (or "") → "https://aiplatform.googleapis.com".
std::string VertexBaseUrl(std::string_view location);
// "https://bedrock-runtime.{region}.amazonaws.com".
std::string BedrockBaseUrl(std::string_view region);

}  // namespace sluice::config
