// OpenAI request decoding for the mock: chat completions and embeddings bodies → neutral calls, with the
// 400 errors OpenAI gives for malformed JSON and missing parameters.
// Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "mock_llm/script.h"

namespace sluice::mock_llm {

// A 400 as OpenAI words it: message, param and code (each empty → JSON null).
struct RequestError {
  std::string message;
  std::string param;  // empty → null
  std::string code;   // empty → null
};

template <typename T>
struct Decoded {
  std::optional<T> value;
  RequestError error;  // meaningful when !value
};

// Decodes POST /v1/chat/completions. A non-empty `model_override` (Azure's deployment name) replaces the
// body's model, which then is neither required nor checked.
Decoded<ChatCall> DecodeChatRequest(std::string_view body, std::string_view model_override = {});

// A decoded POST /v1/embeddings request: each input as its bytes (strings) or token list (ints).
struct EmbeddingsCall {
  std::string model;
  std::vector<std::string> texts;           // one per input; token arrays are rendered "t1,t2,…"
  std::vector<uint64_t> input_tokens;       // per input: ceil(bytes/4) for text, length for tokens
  bool base64 = false;
  std::optional<uint32_t> dimensions;
};

Decoded<EmbeddingsCall> DecodeEmbeddingsRequest(std::string_view body, std::string_view model_override = {});

}  // namespace sluice::mock_llm
