// Fixtures for the translation-matrix micro-benchmarks: one realistic agent turn (~2 KB: system
// prompt, four turns, two tool definitions, one tool call and its result) in each client dialect
// (OpenAI chat, Anthropic Messages, OpenAI Responses), and one recorded text answer of 200 deltas in
// each provider's stream framing, as bytes on the wire. Shapes follow the providers' documentation
// (see /work/shared/reference/llm-apis.md) and the unit-test fixtures in tests/unit/provider/.
// Thread rule: immutable after first use (function-local statics).
#pragma once

#include <string>
#include <vector>

namespace sluice::bench {

// Number of text deltas in every recorded stream.
inline constexpr int kStreamDeltas = 200;

// The same conversation in the three client dialects.
const std::string& OpenAiChatRequest();          // POST /v1/chat/completions
const std::string& AnthropicMessagesRequest();   // POST /v1/messages
const std::string& OpenAiResponsesRequest();     // POST /v1/responses

// A recorded stream: the upstream body split into the reads a proxy would see (one event or frame
// per read, the worst case for per-read overhead), and how many upstream events it holds.
struct Recording {
  std::vector<std::string> reads;
  size_t events = 0;
  size_t bytes = 0;
};

// chat.completion.chunk SSE: role chunk, 200 content chunks, finish chunk, usage chunk, [DONE].
const Recording& OpenAiStream();
// Messages SSE: message_start, content_block_start, ping, 200 content_block_delta,
// content_block_stop, message_delta, message_stop.
const Recording& AnthropicStream();
// streamGenerateContent?alt=sse: 200 candidate chunks (usage on the first and last, STOP on the
// last), CRLF-separated, no terminator.
const Recording& GeminiStream();
// ConverseStream application/vnd.amazon.eventstream frames: messageStart, 200 contentBlockDelta,
// contentBlockStop, messageStop, metadata.
const Recording& BedrockStream();

// The i-th text delta (shared by every recording, so all carry the same text).
std::string DeltaText(int i);

}  // namespace sluice::bench
