// Gemini wire format for the mock (reference §4.2–4.5): GenerateContentResponse bodies, the
// `alt=sse` stream (each `data:` event a whole GenerateContentResponse holding only the new parts, CRLF
// CRLF separators, no terminator, finishReason and the final usageMetadata on the last event), Google's
// error shape, countTokens and embeddings.
// Thread rule: pure functions; a GeminiStream is owned by one connection.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "mock_llm/gemini_reader.h"
#include "mock_llm/script.h"

namespace sluice::mock_llm {

// STOP (also for function calls: Gemini has no tool-call finish reason), MAX_TOKENS, SAFETY.
std::string_view GeminiFinishReason(const Script& script);

// {"candidates":[{"content":{"role":"model","parts":[thought parts?, text | functionCall…]},"finishReason",
//  "index":0}],"usageMetadata":{promptTokenCount, candidatesTokenCount (without thoughts), thoughtsTokenCount?,
//  cachedContentTokenCount?, totalTokenCount, promptTokensDetails},"modelVersion","responseId"}; a blocked
// prompt gives {"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[…]},"usageMetadata",…} instead.
std::string RenderGeminiResponse(const ChatCall& call, const Script& script, std::string_view response_id);

// A response of exactly `body_bytes` bytes (filler text), the smallest body when that is smaller.
std::string RenderSizedGeminiResponse(const ChatCall& call, const Script& script, std::string_view response_id,
                                      uint64_t body_bytes);

// The SSE stream: one event per thought chunk (when visible), content chunk or function call; the last
// carries finishReason and the final usage. "data: {…}\r\n\r\n" each.
std::unique_ptr<StreamRenderer> MakeGeminiStream(const ChatCall& call, Script script, std::string response_id);

// The same events as one JSON array streamed incrementally ("[{…}" then ",\r\n{…}" … then "]"): what
// streamGenerateContent sends without alt=sse. An injected error closes the array with the error object.
std::unique_ptr<StreamRenderer> MakeGeminiArrayStream(const ChatCall& call, Script script, std::string response_id);

// {"error":{"code","message","status"}}; status by code when empty (400 INVALID_ARGUMENT, 401
// UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 NOT_FOUND, 429 RESOURCE_EXHAUSTED, 499 CANCELLED, 500
// INTERNAL, 503 UNAVAILABLE, 504 DEADLINE_EXCEEDED, …).
std::string RenderGoogleError(int code, std::string_view message, std::string_view status = {});
std::string_view GoogleStatusFor(int code);

// {"totalTokens":N,"promptTokensDetails":[{"modality":"TEXT","tokenCount":N}]}
std::string RenderGeminiCountTokens(uint64_t total_tokens);

// embedContent {"embedding":{"values":[…]}}; batch {"embeddings":[{"values":[…]},…]}.
std::string RenderGeminiEmbeddings(const GeminiEmbedCall& call, bool batch);

}  // namespace sluice::mock_llm
