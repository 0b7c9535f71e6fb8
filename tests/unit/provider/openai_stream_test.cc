// Fixture tests of the OpenAI chat.completion.chunk stream → IR events (reference §1.5, §7, §8.9).
#include <gtest/gtest.h>

#include "provider/openai.h"
#include "stream_fixture.h"

namespace sluice::provider {
namespace {

using testing::DecodeSse;

std::string Chunk(std::string_view choices_and_more) {
  return std::string(
             R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o",)") +
         std::string(choices_and_more) + "}\n\n";
}

// A compact text of the events, to compare whole sequences at once.
std::string Describe(const std::vector<ir::StreamEvent>& events) {
  std::string s;
  for (const ir::StreamEvent& e : events) {
    switch (e.kind) {
      case ir::EventKind::kMessageStart:
        s += "start(" + e.id + "," + e.name + ")";
        break;
      case ir::EventKind::kBlockStart:
        s += "open" + std::to_string(e.index) + "(" + std::to_string(static_cast<int>(e.block)) +
             (e.id.empty() ? "" : "," + e.id + "," + e.name) + ")";
        break;
      case ir::EventKind::kBlockDelta:
        s += "d" + std::to_string(e.index) + "[" + std::to_string(static_cast<int>(e.delta)) + "]" +
             e.text;
        break;
      case ir::EventKind::kBlockStop:
        s += "close" + std::to_string(e.index);
        break;
      case ir::EventKind::kMessageDelta:
        s += "finish(" + std::string(ir::FinishReasonName(e.finish)) +
             ",in=" + std::to_string(e.usage.input) + ",out=" + std::to_string(e.usage.output) +
             ",cr=" + std::to_string(e.usage.cache_read) + ")";
        break;
      case ir::EventKind::kMessageStop:
        s += "stop";
        break;
      case ir::EventKind::kError:
        s += "error(" + std::to_string(e.status) + "," + e.error_type + "," + e.text + ")";
        break;
    }
    s += ' ';
  }
  return s;
}

TEST(OpenAiStream, ReferenceTextStreamWithUsageChunk) {
  std::string sse =
      Chunk(
          R"("choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null)") +
      ": keep-alive\n\n" +
      Chunk(
          R"("choices":[{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}],"usage":null)") +
      Chunk(
          R"("choices":[{"index":0,"delta":{"content":"lo"},"logprobs":null,"finish_reason":null}],"usage":null)") +
      Chunk(
          R"("choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null)") +
      Chunk(
          R"("choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"prompt_tokens_details":{"cached_tokens":4}})") +
      "data: [DONE]\n\n";
  OpenAiAdapter adapter;
  for (size_t chunk : {size_t{1} << 20, size_t{13}, size_t{1}}) {
    auto d = DecodeSse(adapter, sse, chunk);
    EXPECT_TRUE(d.ok);
    EXPECT_EQ(Describe(d.events),
              "start(chatcmpl-1,gpt-4o) open0(0) d0[0]Hel d0[0]lo close0 "
              "finish(stop,in=9,out=2,cr=4) stop ")
        << "chunk " << chunk;
  }
}

TEST(OpenAiStream, ParallelToolCallsByIndexAndReasoning) {
  std::string sse =
      Chunk(
          R"("choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"Two calls."},"finish_reason":null}])") +
      Chunk(
          R"("choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_A","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}])") +
      Chunk(
          R"("choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"finish_reason":null}])") +
      Chunk(
          R"("choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]},"finish_reason":null}])") +
      Chunk(
          R"("choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_B","type":"function","function":{"name":"get_time","arguments":"{}"}}]},"finish_reason":null}])") +
      Chunk(R"("choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}])") +
      "data: [DONE]\n\n";
  auto d = DecodeSse(OpenAiAdapter{}, sse);
  EXPECT_TRUE(d.ok);
  EXPECT_EQ(Describe(d.events),
            "start(chatcmpl-1,gpt-4o) open0(2) d0[2]Two calls. close0 "
            "open1(1,call_A,get_weather) d1[1]{\"city\": d1[1]\"Paris\"} close1 "
            "open2(1,call_B,get_time) d2[1]{} close2 finish(tool_calls,in=0,out=0,cr=0) stop ");
}

TEST(OpenAiStream, CompatServerQuirks) {
  // vLLM "reasoning", DeepSeek usage on the finish chunk, a tool call without index or id, a
  // "stop" finish after tool calls, and no [DONE] before the body ends.
  std::string sse =
      Chunk(R"("choices":[{"index":0,"delta":{"reasoning":"r"}}])") +
      Chunk(
          R"("choices":[{"index":0,"delta":{"tool_calls":[{"function":{"name":"f","arguments":"{\"a\":1}"}}]}}])") +
      Chunk(R"("choices":[{"index":1,"delta":{"content":"other choice"}}])") +
      Chunk(
          R"("choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":3,"prompt_cache_hit_tokens":8})");
  auto d = DecodeSse(OpenAiAdapter{}, sse);
  EXPECT_TRUE(d.ok);
  EXPECT_EQ(
      Describe(d.events),
      "start(chatcmpl-1,gpt-4o) open0(2) d0[2]r close0 open1(1,call_0,f) d1[1]{\"a\":1} close1 "
      "finish(tool_calls,in=12,out=3,cr=8) stop ");
}

TEST(OpenAiStream, InStreamErrorsAndCutStreams) {
  OpenAiAdapter adapter;
  auto err = DecodeSse(
      adapter,
      Chunk(R"("choices":[{"index":0,"delta":{"content":"x"}}])") +
          R"(data: {"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}})"
          "\n\n");
  EXPECT_TRUE(err.ok);  // an upstream-reported error is a clean end, not a protocol failure
  EXPECT_TRUE(Describe(err.events).ends_with("error(500,server_error,The server had an error) "))
      << Describe(err.events);

  auto coded = DecodeSse(adapter, R"(data: {"error":{"message":"slow down","code":429}})"
                                  "\n\n");
  EXPECT_EQ(Describe(coded.events), "error(429,,slow down) ");

  auto cut = DecodeSse(adapter, Chunk(R"("choices":[{"index":0,"delta":{"content":"x"}}])"));
  EXPECT_FALSE(cut.ok);
  ASSERT_FALSE(cut.events.empty());
  EXPECT_EQ(cut.events.back().kind, ir::EventKind::kError);
  EXPECT_EQ(cut.events.back().status, 502);

  auto bad = DecodeSse(adapter, "data: {not json\n\n" + Chunk(R"("choices":[])"));
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.events.size(), 1u);
  EXPECT_EQ(bad.events[0].kind, ir::EventKind::kError);

  auto empty = DecodeSse(adapter, "data: [DONE]\n\n");
  EXPECT_FALSE(empty.ok);
}

TEST(OpenAiStream, LateFragmentForAnEarlierToolStaysOnItsIndex) {
  // Interleaved fragments are legal by OpenAI index; the delta keeps the earlier block's IR index.
  std::string sse =
      Chunk(
          R"("choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":"{\"x\":"}}]}}])") +
      Chunk(
          R"("choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"b","function":{"name":"g","arguments":"{}"}}]}}])") +
      Chunk(
          R"("choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}}])") +
      Chunk(R"("choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}])") +
      "data: [DONE]\n\n";
  auto d = DecodeSse(OpenAiAdapter{}, sse);
  EXPECT_TRUE(d.ok);
  EXPECT_EQ(
      Describe(d.events),
      "start(chatcmpl-1,gpt-4o) open0(1,a,f) d0[1]{\"x\": close0 open1(1,b,g) d1[1]{} d0[1]1} "
      "close1 finish(tool_calls,in=0,out=0,cr=0) stop ");
}

TEST(OpenAiStream, ReencodesToTheSameOpenAiChunks) {
  // OpenAI upstream → IR → OpenAI client: the existing chunk encoder reproduces the content.
  std::string sse =
      Chunk(
          R"("choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}])") +
      Chunk(R"("choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}])") +
      Chunk(
          R"("choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_A","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":null}])") +
      Chunk(R"("choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}])") +
      Chunk(R"("choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7})") +
      "data: [DONE]\n\n";
  std::string out = testing::ToOpenAiSse(OpenAiAdapter{}, sse, /*include_usage=*/true);
  EXPECT_NE(out.find(R"("delta":{"content":"Hi"})"), std::string::npos) << out;
  EXPECT_NE(
      out.find(
          R"("tool_calls":[{"index":0,"id":"call_A","type":"function","function":{"name":"f","arguments":""}}])"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find(R"("tool_calls":[{"index":0,"function":{"arguments":"{}"}}])"),
            std::string::npos);
  EXPECT_NE(out.find(R"("finish_reason":"tool_calls")"), std::string::npos);
  EXPECT_NE(out.find(R"("usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7,)"),
            std::string::npos);
  EXPECT_TRUE(out.ends_with("data: [DONE]\n\n"));
}

}  // namespace
}  // namespace sluice::provider
