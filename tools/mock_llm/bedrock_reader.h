// Bedrock Runtime request decoding for the mock (reference §5.1): Converse / ConverseStream bodies,
// count-tokens, and the InvokeModel bodies of the Titan and Cohere embedding models, validated with AWS's
// ValidationException wording (1-based "messages.N.member.role" paths, role alternation, toolResult ids
// against the previous turn's toolUse ids, toolConfig presence, single-member content unions).
// Failures carry the exception type in RequestError.code and the {"message"} text in .message.
// Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mock_llm/openai_reader.h"  // Decoded<T>, RequestError
#include "mock_llm/script.h"

namespace sluice::mock_llm {

// The model id of a wire path segment: percent-decoded ("anthropic.claude-v2%3A1" → "anthropic.claude-v2:1").
std::string DecodeBedrockModelId(std::string_view segment);

// Converse body. max_tokens = inferenceConfig.maxTokens; stop_sequences = inferenceConfig.stopSequences;
// tools = toolConfig.tools[].toolSpec.name; thinking_requested = additionalModelRequestFields.thinking.type
// "enabled". Token estimate as the other readers (system blocks as one message; text, toolUse name + input,
// toolResult text/json).
Decoded<ChatCall> DecodeConverse(std::string_view body, std::string_view model_id, bool stream);

// count-tokens: {"input":{"converse":{messages, system?, toolConfig?}}} → the prompt estimate.
Decoded<ChatCall> DecodeBedrockCountTokens(std::string_view body, std::string_view model_id);

enum class EmbedFamily : uint8_t { kTitanV1, kTitanV2, kCohere };

struct BedrockEmbedCall {
  EmbedFamily family = EmbedFamily::kTitanV2;
  std::string model;
  std::vector<std::string> texts;
  uint32_t dimensions = 1024;
  bool normalize = true;               // Titan v2
  std::vector<std::string> types;      // Titan v2 embeddingTypes / Cohere embedding_types (empty = default)
  uint64_t input_tokens = 0;
};

// The embedding family of a model id, or nullopt when the mock's invoke does not serve it.
std::optional<EmbedFamily> BedrockEmbedFamily(std::string_view model_id);

// Titan: {"inputText", "dimensions"? (256|512|1024, v2), "normalize"?, "embeddingTypes"?}; Cohere:
// {"texts" (1–96), "input_type" (required), "truncate"?, "embedding_types"?, "output_dimension"?}. Errors
// are Bedrock's schema messages ("Malformed input request: #: required key [inputText] not found, …").
Decoded<BedrockEmbedCall> DecodeBedrockEmbed(std::string_view body, std::string_view model_id, EmbedFamily family);

}  // namespace sluice::mock_llm
