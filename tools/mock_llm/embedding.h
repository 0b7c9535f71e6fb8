// Deterministic mock embedding vectors shared by every dialect (OpenAI/Azure embeddings, Gemini
// embedContent, Bedrock Titan and Cohere invoke): the same (model, text, dimensions) always gives the same
// unit-length vector, so tests can compare answers across dialects.
// Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::mock_llm {

// Unit-length float32 vector of `dims` values seeded by FNV-1a(model, text) through splitmix64.
std::vector<float> MockEmbedding(std::string_view model, std::string_view text, uint32_t dims);

// Appends "[v0,v1,…]" with the shortest decimal text that round-trips each float32 (what the providers'
// JSON encoders print; Boost.JSON 1.81 would print "-2.67E-1").
void AppendFloatArray(std::string& out, const std::vector<float>& values);

}  // namespace sluice::mock_llm
