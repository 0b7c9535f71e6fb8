// Gemini request decoding for the mock (reference §4.1, §4.5): generateContent / streamGenerateContent,
// countTokens, embedContent and batchEmbedContents bodies → neutral calls, validated the way Google's
// proto-JSON front end does (unknown fields, roles, the oneof `data` of a part, function call/response
// turn order), each failure being a 400 INVALID_ARGUMENT message. camelCase and snake_case are both
// accepted, as the proto-JSON parser does.
// Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mock_llm/openai_reader.h"  // Decoded<T>, RequestError (only .message is used here)
#include "mock_llm/script.h"

namespace sluice::mock_llm {

// generateContent body for `model` (from the URL). thinking_requested = thinkingConfig.includeThoughts, which
// also decides thoughts_visible; max_tokens = generationConfig.maxOutputTokens; stop_sequences from
// generationConfig.stopSequences; tools = functionDeclarations names. Token estimate as the other readers,
// systemInstruction counted as one message; a turn's text = text parts, functionCall name + args,
// functionResponse response (serialized).
Decoded<ChatCall> DecodeGeminiGenerate(std::string_view body, std::string_view model, bool stream);

// countTokens: {"contents":[…]} or {"generateContentRequest":{…}} → the prompt estimate.
Decoded<ChatCall> DecodeGeminiCountTokens(std::string_view body, std::string_view model);

struct GeminiEmbedCall {
  std::string model;
  std::vector<std::string> texts;          // one per content (its text parts joined by "\n")
  std::vector<uint32_t> dimensions;        // per content (outputDimensionality or the model's default)
};
// 3072 for gemini-embedding-*, else 768 (text-embedding-004, embedding-001).
uint32_t DefaultGeminiEmbeddingDimensions(std::string_view model);

// embedContent ({"content":{"parts":[…]},"taskType"?,"title"?,"outputDimensionality"?}) or, with `batch`,
// batchEmbedContents ({"requests":[{"model":"models/<model>","content":…}]}, each model must be the URL's).
Decoded<GeminiEmbedCall> DecodeGeminiEmbed(std::string_view body, std::string_view model, bool batch);

}  // namespace sluice::mock_llm
