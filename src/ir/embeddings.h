// ir::EmbeddingsRequest / EmbeddingsResponse: an embeddings call in the neutral model, for providers whose
// embeddings API is not OpenAI's (Gemini embedContent, Bedrock Titan/Cohere InvokeModel). OpenAI-dialect
// upstreams get the client's bytes instead (same-dialect splice), so this only carries what translation needs.
// Thread rule: plain value types; one request owns them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/usage.h"

namespace sluice::ir {

struct EmbeddingsRequest {
  std::string model;                 // client-facing model name
  std::vector<std::string> inputs;   // texts, in order (token-id inputs are refused by the decoder for translation)
  bool input_was_array = false;      // the client sent `input` as an array (shape of the answer is the same)
  std::optional<uint32_t> dimensions{};
  bool base64 = false;               // encoding_format "base64": the client wants little-endian float32, base64
  std::string user{};
};

struct EmbeddingsResponse {
  std::vector<std::vector<float>> vectors;  // one per input, in input order
  std::string model;                         // as the provider reported it ("" → the requested one)
  Usage usage;                               // input tokens only
};

}  // namespace sluice::ir
