// Reading OpenAI-dialect responses on the proxy path: usage from a chat.completion / embeddings body or a
// chat.completion.chunk, error payloads inside streams, and upstream error bodies normalised to OpenAI's
// error shape. Cheap prefilters keep the common chunk (no usage, no error) free of JSON parsing.
// Compatible servers differ (reference §6, §7): usage also rides on content chunks (DeepSeek, Mistral) or in
// x_groq.usage (Groq); errors come as TGI's {"error":"…","error_type"}, vLLM's and Mistral's flat
// {"object":"error",…}, OpenRouter's numeric codes, Azure's content_filter. Every shape is read for every
// server (tolerant reader), so a misconfigured preset loses nothing.
// Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "dialect/openai_request.h"

namespace sluice::dialect {

struct TokenUsage {
  uint64_t input = 0;         // prompt tokens, cached included (OpenAI semantics)
  uint64_t output = 0;        // completion tokens, reasoning included
  uint64_t cached_input = 0;  // prompt_tokens_details.cached_tokens
  uint64_t reasoning = 0;     // completion_tokens_details.reasoning_tokens
  bool present = false;
};

// Reads `usage` from a complete response body. Returns false when absent or null. When a body repeats the
// top-level key (JSON leaves duplicate names' meaning open), which one counts is unspecified.
bool ExtractUsage(std::string_view body, TokenUsage& usage);
// The same by walking every top-level member (ExtractUsage's fallback), for tests and fuzzing to compare
// with ExtractUsage's from-the-end path.
bool ExtractUsageByFullScan(std::string_view body, TokenUsage& usage);

struct ChunkInfo {
  bool usage_only = false;  // "choices":[] with a usage object: the include_usage chunk
  bool is_error = false;    // an in-stream error: top-level "error" (object or TGI string) or "object":"error"
  int error_status = 0;     // is_error: the HTTP status the error stands for (e.g. TGI validation → 400)
  // is_error and the payload is not already OpenAI's {"error":{"message","type",…}}: the OpenAI-shaped
  // payload to forward instead, so SDKs show the upstream's message.
  std::string openai_error;
  // [begin, end) of `,"usage":null` when it is the payload's last top-level member (where OpenAI and the
  // OpenAI-compatible servers put it on every chunk of an include_usage stream); begin == end when absent.
  // Cutting it gives the chunk a client that did not ask for usage would have had.
  size_t null_usage_begin = 0;
  size_t null_usage_end = 0;
};

// Inspects one SSE data payload of a chat.completion.chunk stream; fills `usage` when the chunk has one
// (`usage` on any chunk, or `x_groq.usage`).
ChunkInfo InspectChunk(std::string_view data, TokenUsage& usage);

// InspectChunk's prefilter: whether a payload may hold a `usage` object or an `error`. Exposed so the tests
// hold its vector paths to the same answers; `wide` allows the AVX2 path (taken only where the CPU has it).
struct ChunkKeyHits {
  bool usage_object = false;
  bool error = false;
  size_t null_usage_begin = 0;  // as in ChunkInfo
  size_t null_usage_end = 0;
};
ChunkKeyHits FindChunkKeys(std::string_view data, bool wide = true);

// An OpenAI-format error body for an upstream error response: the upstream body itself when it already
// has OpenAI's {"error":{...}} shape (missing keys completed), else a wrapped message with the status.
std::string NormalizeUpstreamError(int status, std::string_view body);

struct NormalizedError {
  int status = 502;  // what the client should see: TGI 422 → 400, 424 → 502, 529 → 503, an error in a 2xx → its
                     // code or 502
  std::string body;  // {"error":{"message","type","param","code",…extras}}
};

// NormalizeUpstreamError with the status to answer with. Azure's content_filter 400 keeps code
// "content_filter", param "prompt" and its innererror, and its message names the filtered categories.
NormalizedError NormalizeUpstreamErrorWithStatus(int status, std::string_view body);

// Puts the client's tool-call ids back into an answer (a chat.completion body or one chunk payload) whose
// upstream saw rewritten ids (EncodeOpenAiUpstreamBody with a ToolCallIdRule). Only string values of an
// "id" or "tool_call_id" member are replaced. Returns false (and leaves `out` alone) when nothing changed.
bool RestoreToolCallIds(std::string_view json, const ToolCallIdMap& ids, std::string& out);

// `data: {"error":{...}}\n\n` — how an error travels inside an OpenAI stream after the 200 was sent.
std::string OpenAiStreamErrorEvent(std::string_view message, std::string_view type, std::string_view code);

}  // namespace sluice::dialect
