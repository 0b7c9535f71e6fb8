// Composed translation through the IR with a Gemini upstream, as the proxy runs it: a Gemini stream
// with a signed function call → Anthropic SSE for an Anthropic client (reference §8.10), and that
// client's next request (thinking block + tool_use + tool_result) → Gemini, with the thought
// signature back on the functionCall part where Gemini 3 requires it.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "dialect/anthropic_messages.h"
#include "dialect/anthropic_messages_stream.h"
#include "provider/gemini.h"
#include "stream_fixture.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;
using testing::DecodeSse;

constexpr std::string_view kSignedCallStream =
    "data: "
    R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"U0lHMQ=="}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":40,"candidatesTokenCount":8,"thoughtsTokenCount":12,"totalTokenCount":60},"modelVersion":"gemini-3-pro-preview","responseId":"r9"})"
    "\r\n\r\n";

TEST(GeminiTranslate, StreamToAnthropicClientAndBack) {
  GeminiAdapter adapter;
  auto d = DecodeSse(adapter, kSignedCallStream);
  ASSERT_TRUE(d.ok);
  dialect::AnthropicMessagesStreamEncoder encoder;
  std::string sse;
  for (const ir::StreamEvent& e : d.events) encoder.Encode(e, sse);
  // The signature travels as a thinking block before the tool_use it belongs to.
  EXPECT_NE(sse.find(R"("delta":{"type":"signature_delta","signature":"gemini:U0lHMQ=="})"),
            std::string::npos)
      << sse;
  EXPECT_NE(
      sse.find(
          R"("content_block":{"type":"tool_use","id":"call_0_get_weather","name":"get_weather")"),
      std::string::npos)
      << sse;
  EXPECT_NE(sse.find(R"("stop_reason":"tool_use")"), std::string::npos) << sse;
  EXPECT_LT(sse.find("signature_delta"), sse.find("tool_use"));

  // The Anthropic client replays the assistant turn as it received it.
  auto next = dialect::DecodeAnthropicMessagesRequest(R"({
    "model":"smart","max_tokens":256,
    "messages":[
      {"role":"user","content":"Weather in Paris?"},
      {"role":"assistant","content":[
        {"type":"thinking","thinking":"","signature":"gemini:U0lHMQ=="},
        {"type":"tool_use","id":"call_0_get_weather","name":"get_weather","input":{"city":"Paris"}}]},
      {"role":"user","content":[
        {"type":"tool_result","tool_use_id":"call_0_get_weather","content":[{"type":"text","text":"21C"}]}]}]})");
  ASSERT_TRUE(next.ok()) << next.error().message;
  auto body = GeminiAdapter::EncodeBody(*next, {.model = "gemini-3-pro-preview", .api_key = "k"});
  ASSERT_TRUE(body.ok()) << body.error().message;
  EXPECT_EQ(json::parse(*body), json::parse(R"({
    "contents":[
      {"role":"user","parts":[{"text":"Weather in Paris?"}]},
      {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},
                                "thoughtSignature":"U0lHMQ=="}]},
      {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"output":"21C"}}}]}],
    "generationConfig":{"maxOutputTokens":256}})"))
      << *body;
}

TEST(GeminiTranslate, ResponseBodyUsageConvention) {
  // Gemini's thoughts sit outside candidatesTokenCount; the IR's output includes them, so an OpenAI
  // client's completion_tokens equals candidates + thoughts and reasoning_tokens the thoughts.
  GeminiAdapter adapter;
  auto r = adapter.DecodeResponse(
      R"({"candidates":[{"content":{"parts":[{"text":"ok"}]},"finishReason":"STOP"}],
      "usageMetadata":{"promptTokenCount":100,"candidatesTokenCount":5,"thoughtsTokenCount":50,
                       "toolUsePromptTokenCount":7,"cachedContentTokenCount":60,"totalTokenCount":162}})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->usage.input, 107u);
  EXPECT_EQ(r->usage.UncachedInput(), 47u);
  EXPECT_EQ(r->usage.output, 55u);
  EXPECT_EQ(r->usage.reasoning, 50u);
  EXPECT_EQ(r->usage.Total(), 162u);  // = Gemini's totalTokenCount
}

}  // namespace
}  // namespace sluice::provider
