// Reading OpenAI-dialect responses on the proxy path: usage from a chat.completion / embeddings body or a
// chat.completion.chunk, error payloads inside streams, and upstream error bodies normalised to OpenAI's
// error shape. Cheap prefilters keep the common chunk (no usage, no error) free of JSON parsing.
// Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::dialect {

struct TokenUsage {
  uint64_t input = 0;         // prompt tokens, cached included (OpenAI semantics)
  uint64_t output = 0;        // completion tokens, reasoning included
  uint64_t cached_input = 0;  // prompt_tokens_details.cached_tokens
  uint64_t reasoning = 0;     // completion_tokens_details.reasoning_tokens
  bool present = false;
};

// Reads `usage` from a complete response body. Returns false when absent or null.
bool ExtractUsage(std::string_view body, TokenUsage& usage);

struct ChunkInfo {
  bool usage_only = false;  // "choices":[] with a usage object: the include_usage chunk
  bool is_error = false;    // top-level "error" object: an in-stream error
};

// Inspects one SSE data payload of a chat.completion.chunk stream; fills `usage` when the chunk has one.
ChunkInfo InspectChunk(std::string_view data, TokenUsage& usage);

// An OpenAI-format error body for an upstream error response: the upstream body itself when it already
// has OpenAI's {"error":{...}} shape (missing keys completed), else a wrapped message with the status.
std::string NormalizeUpstreamError(int status, std::string_view body);

// `data: {"error":{...}}\n\n` — how an error travels inside an OpenAI stream after the 200 was sent.
std::string OpenAiStreamErrorEvent(std::string_view message, std::string_view type, std::string_view code);

}  // namespace sluice::dialect
