// Bedrock Runtime wire format for the mock (reference §5.2–5.5): Converse bodies, the ConverseStream
// event stream (binary application/vnd.amazon.eventstream frames: messageStart, contentBlockStart for tool
// use, contentBlockDelta, contentBlockStop, messageStop, then metadata with usage — after messageStop, as
// AWS sends it; payloads carry AWS's "p" padding field), exception frames, error bodies, count-tokens and
// the Titan / Cohere embedding bodies.
// Thread rule: pure functions; a ConverseStream is owned by one connection.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "mock_llm/bedrock_reader.h"
#include "mock_llm/script.h"

namespace sluice::mock_llm {

// end_turn | tool_use | max_tokens | stop_sequence | content_filtered (response filtered) |
// guardrail_intervened (prompt blocked).
std::string_view BedrockStopReason(const Script& script);
// Tool call k's id: "tooluse_mock_<k>".
std::string BedrockToolUseId(size_t k);
// What a guardrail answers for a blocked prompt.
inline constexpr std::string_view kGuardrailBlockedText = "Sorry, the model cannot answer this question.";

// {"output":{"message":{"role":"assistant","content":[reasoningContent?, text | toolUse…]}},"stopReason",
//  "usage":{inputTokens (uncached), outputTokens, totalTokens, cacheReadInputTokens, cacheWriteInputTokens},
//  "metrics":{"latencyMs"}}
std::string RenderConverseResponse(const ChatCall& call, const Script& script, uint64_t latency_ms);
std::string RenderSizedConverseResponse(const ChatCall& call, const Script& script, uint64_t latency_ms,
                                        uint64_t body_bytes);

// ConverseStream frames, one StreamEvent each. messageStart goes out with the headers.
std::unique_ptr<StreamRenderer> MakeConverseStream(const ChatCall& call, Script script, uint64_t latency_ms);

// x-amzn-ErrorType name for a status: 400 ValidationException, 403 AccessDeniedException, 404
// ResourceNotFoundException, 408 ModelTimeoutException, 424 ModelErrorException, 429 ThrottlingException,
// 500 InternalServerException, 503 ServiceUnavailableException (other 4xx Validation…, 5xx InternalServer…).
std::string_view BedrockErrorType(int status);
// The ConverseStream exception member for a status (0 = modelStreamErrorException): throttlingException,
// validationException, internalServerException, serviceUnavailableException, modelStreamErrorException.
std::string_view BedrockStreamExceptionType(int status);
// The x-amzn-ErrorType header value: "<Type>:http://internal.amazon.com/coral/com.amazon.bedrock/".
std::string BedrockErrorTypeHeader(std::string_view type);
// {"message":"…"}
std::string RenderBedrockError(std::string_view message);

// {"inputTokens":N}
std::string RenderBedrockCountTokens(uint64_t input_tokens);

// Titan v1 {"embedding":[…],"inputTextTokenCount"}; v2 adds "embeddingsByType":{"float"|"binary"};
// Cohere {"embeddings":[[…]] | {"float":[[…]],"int8":[[…]]},"id","response_type":"embeddings_floats" |
// "embeddings_by_type","texts"}.
std::string RenderBedrockEmbedding(const BedrockEmbedCall& call, uint64_t id);

}  // namespace sluice::mock_llm
