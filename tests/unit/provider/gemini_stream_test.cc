// Fixture tests of the Gemini streamGenerateContent?alt=sse stream → IR events (reference §4.3,
// §8.10), and on into OpenAI chat.completion.chunk SSE as the proxy runs it.
#include <gtest/gtest.h>

#include "provider/gemini.h"
#include "stream_fixture.h"

namespace sluice::provider {
namespace {

using testing::DecodeSse;
using testing::ToOpenAiSse;

// Google separates events with CRLF CRLF and sends no event names and no terminator.
std::string Chunk(std::string_view json) { return "data: " + std::string(json) + "\r\n\r\n"; }

const std::string kTextStream =
    Chunk(
        R"({"candidates":[{"content":{"parts":[{"text":"Planning.","thought":true}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":10,"totalTokenCount":10,"cachedContentTokenCount":4},"modelVersion":"gemini-2.5-flash","responseId":"resp-1"})") +
    Chunk(
        R"({"candidates":[{"content":{"parts":[{"text":"Hello"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":1,"totalTokenCount":11},"modelVersion":"gemini-2.5-flash","responseId":"resp-1"})") +
    Chunk(
        R"({"candidates":[{"content":{"parts":[{"text":", world"}],"role":"model"},"index":0}],"modelVersion":"gemini-2.5-flash","responseId":"resp-1"})") +
    Chunk(
        R"({"candidates":[{"content":{"parts":[{"text":"!","thoughtSignature":"c2ln"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":4,"thoughtsTokenCount":20,"cachedContentTokenCount":4,"totalTokenCount":34},"modelVersion":"gemini-2.5-flash","responseId":"resp-1"})");

TEST(GeminiStream, MultiChunkTextWithThoughts) {
  GeminiAdapter adapter;
  for (size_t chunk : {size_t{1} << 20, size_t{13}, size_t{1}}) {
    auto d = DecodeSse(adapter, kTextStream, chunk);
    ASSERT_TRUE(d.ok) << chunk;
    const auto& ev = d.events;
    ASSERT_EQ(ev.size(), 16u) << chunk;
    EXPECT_EQ(ev[0].kind, ir::EventKind::kMessageStart);
    EXPECT_EQ(ev[0].id, "resp-1");
    EXPECT_EQ(ev[0].name, "gemini-2.5-flash");
    EXPECT_EQ(ev[0].usage, (ir::Usage{.input = 10, .cache_read = 4, .present = true}));
    EXPECT_EQ(ev[1].kind, ir::EventKind::kBlockStart);
    EXPECT_EQ(ev[1].block, ir::BlockKind::kReasoning);
    EXPECT_EQ(ev[2].delta, ir::DeltaKind::kReasoning);
    EXPECT_EQ(ev[2].text, "Planning.");
    EXPECT_EQ(ev[3].kind, ir::EventKind::kBlockStop);
    EXPECT_EQ(ev[3].index, 0u);
    EXPECT_EQ(ev[4].kind, ir::EventKind::kBlockStart);
    EXPECT_EQ(ev[4].block, ir::BlockKind::kText);
    EXPECT_EQ(ev[4].index, 1u);
    EXPECT_EQ(ev[5].text, "Hello");
    EXPECT_EQ(ev[6].text, ", world");
    EXPECT_EQ(ev[6].index, 1u);
    // The signature on the last text part: the text block closes, a reasoning block carries it.
    EXPECT_EQ(ev[7].kind, ir::EventKind::kBlockStop);
    EXPECT_EQ(ev[8].kind, ir::EventKind::kBlockStart);
    EXPECT_EQ(ev[8].block, ir::BlockKind::kReasoning);
    EXPECT_EQ(ev[8].index, 2u);
    EXPECT_EQ(ev[9].delta, ir::DeltaKind::kSignature);
    EXPECT_EQ(ev[9].text, "gemini:c2ln");
    EXPECT_EQ(ev[10].kind, ir::EventKind::kBlockStop);
    EXPECT_EQ(ev[11].kind, ir::EventKind::kBlockStart);
    EXPECT_EQ(ev[11].index, 3u);
    EXPECT_EQ(ev[12].text, "!");
    EXPECT_EQ(ev[13].kind, ir::EventKind::kBlockStop);
    EXPECT_EQ(ev[14].kind, ir::EventKind::kMessageDelta);
    EXPECT_EQ(ev[14].finish, ir::FinishReason::kStop);
    EXPECT_EQ(
        ev[14].usage,
        (ir::Usage{.input = 10, .output = 24, .cache_read = 4, .reasoning = 20, .present = true}));
    EXPECT_EQ(ev[15].kind, ir::EventKind::kMessageStop);  // from Finish(), at the end of the body
  }
  // Without the end of the body there is no MessageStop yet.
  auto decoder = adapter.NewStreamDecoder();
  std::vector<ir::StreamEvent> events;
  stream::SseParser parser;
  parser.FeedAll(kTextStream, [&](const stream::SseItem& item) {
    if (item.kind == stream::SseKind::kEvent)
      decoder->Feed(item.event.type, item.event.data, events);
  });
  EXPECT_EQ(events.size(), 15u);
  EXPECT_FALSE(decoder->finished());
  EXPECT_TRUE(decoder->Finish(events));
  EXPECT_TRUE(decoder->finished());
  EXPECT_EQ(events.back().kind, ir::EventKind::kMessageStop);
}

const std::string kCallStream =
    Chunk(
        R"({"candidates":[{"content":{"parts":[{"text":"Checking both."}],"role":"model"},"index":0}],"modelVersion":"gemini-2.5-pro","responseId":"r2"})") +
    Chunk(
        R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}},{"functionCall":{"name":"get_weather","args":{"city":"Rome"}}}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":50,"candidatesTokenCount":22,"totalTokenCount":72},"modelVersion":"gemini-2.5-pro","responseId":"r2"})");

TEST(GeminiStream, FunctionCallsArriveWholeAndFinishAsToolCalls) {
  GeminiAdapter adapter;
  EXPECT_EQ(
      ToOpenAiSse(adapter, kCallStream, /*include_usage=*/true),
      R"(data: {"id":"r2","object":"chat.completion.chunk","created":1700000000,"model":"gemini-2.5-pro","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null})"
      "\n\n"
      R"(data: {"id":"r2","object":"chat.completion.chunk","created":1700000000,"model":"gemini-2.5-pro","choices":[{"index":0,"delta":{"content":"Checking both."},"logprobs":null,"finish_reason":null}],"usage":null})"
      "\n\n"
      R"(data: {"id":"r2","object":"chat.completion.chunk","created":1700000000,"model":"gemini-2.5-pro","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_0_get_weather","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null})"
      "\n\n"
      R"(data: {"id":"r2","object":"chat.completion.chunk","created":1700000000,"model":"gemini-2.5-pro","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":\"Paris\"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null})"
      "\n\n"
      R"(data: {"id":"r2","object":"chat.completion.chunk","created":1700000000,"model":"gemini-2.5-pro","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_1_get_weather","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null})"
      "\n\n"
      R"(data: {"id":"r2","object":"chat.completion.chunk","created":1700000000,"model":"gemini-2.5-pro","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"city\":\"Rome\"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null})"
      "\n\n"
      R"(data: {"id":"r2","object":"chat.completion.chunk","created":1700000000,"model":"gemini-2.5-pro","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":null})"
      "\n\n"
      R"(data: {"id":"r2","object":"chat.completion.chunk","created":1700000000,"model":"gemini-2.5-pro","choices":[],"usage":{"prompt_tokens":50,"completion_tokens":22,"total_tokens":72,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}})"
      "\n\n"
      "data: [DONE]\n\n");
}

TEST(GeminiStream, CutStreamIsAnError) {
  GeminiAdapter adapter;
  // Everything but the final chunk: no finishReason ever arrived.
  std::string cut = kCallStream.substr(0, kCallStream.find("data:", 10));
  auto d = DecodeSse(adapter, cut);
  EXPECT_FALSE(d.ok);
  ASSERT_FALSE(d.events.empty());
  EXPECT_EQ(d.events.back().kind, ir::EventKind::kError);
  EXPECT_EQ(d.events.back().status, 502);
  auto empty = DecodeSse(adapter, "");
  EXPECT_FALSE(empty.ok);
  ASSERT_EQ(empty.events.size(), 1u);
  EXPECT_EQ(empty.events[0].kind, ir::EventKind::kError);
}

TEST(GeminiStream, ErrorChunkEndsTheStreamWithGooglesStatus) {
  GeminiAdapter adapter;
  std::string sse =
      Chunk(
          R"({"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"},"index":0}],"responseId":"r3"})") +
      Chunk(
          R"({"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}})") +
      Chunk(R"({"candidates":[{"content":{"parts":[{"text":"ignored"}]},"finishReason":"STOP"}]})");
  auto d = DecodeSse(adapter, sse);
  EXPECT_TRUE(d.ok);  // a well-formed upstream error, not a protocol violation
  const auto& ev = d.events;
  ASSERT_EQ(ev.size(), 5u);
  EXPECT_EQ(ev[2].text, "Hel");
  EXPECT_EQ(ev[3].kind, ir::EventKind::kBlockStop);
  EXPECT_EQ(ev[4].kind, ir::EventKind::kError);
  EXPECT_EQ(ev[4].status, 503);
  EXPECT_EQ(ev[4].error_type, "UNAVAILABLE");
  EXPECT_EQ(ev[4].text, "The model is overloaded. Please try again later.");

  // An error as the first and only chunk, in the array wrapper.
  auto first = DecodeSse(
      adapter,
      Chunk(
          R"([{"error":{"code":429,"message":"Quota exceeded.","status":"RESOURCE_EXHAUSTED"}}])"));
  ASSERT_EQ(first.events.size(), 1u);
  EXPECT_EQ(first.events[0].status, 429);
}

TEST(GeminiStream, BlockedPromptAndMalformedCall) {
  GeminiAdapter adapter;
  auto blocked = DecodeSse(
      adapter,
      Chunk(
          R"({"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":7,"totalTokenCount":7},"modelVersion":"gemini-2.5-flash","responseId":"r4"})"));
  ASSERT_TRUE(blocked.ok);
  ASSERT_EQ(blocked.events.size(), 3u);
  EXPECT_EQ(blocked.events[1].kind, ir::EventKind::kMessageDelta);
  EXPECT_EQ(blocked.events[1].finish, ir::FinishReason::kContentFilter);
  EXPECT_EQ(blocked.events[2].kind, ir::EventKind::kMessageStop);

  auto malformed = DecodeSse(
      adapter,
      Chunk(
          R"({"candidates":[{"content":{"parts":[]},"finishReason":"MALFORMED_FUNCTION_CALL"}]})"));
  ASSERT_EQ(malformed.events.size(), 2u);
  EXPECT_EQ(malformed.events[1].kind, ir::EventKind::kError);
  EXPECT_EQ(malformed.events[1].status, 502);

  auto garbage = DecodeSse(adapter, Chunk("not json"));
  EXPECT_FALSE(garbage.ok);
  EXPECT_EQ(garbage.events.back().status, 502);
}

}  // namespace
}  // namespace sluice::provider
