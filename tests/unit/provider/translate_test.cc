// Composed translation, end to end through the IR as the proxy will run it:
//   OpenAI Chat request JSON → ir::ChatRequest → Anthropic Messages request JSON
//   Anthropic SSE bytes → ir::StreamEvent → OpenAI chat.completion.chunk SSE bytes (reference §8.8)
//   Anthropic message body → ir::ChatResponse → OpenAI chat.completion body
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "dialect/openai_chat.h"
#include "provider/anthropic.h"
#include "stream_fixture.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;
using testing::ToOpenAiSse;

TEST(TranslateRequest, OpenAiToAnthropic) {
  auto ir = dialect::DecodeOpenAiChatRequest(R"({
    "model":"smart",
    "messages":[
      {"role":"system","content":"You are a weather bot."},
      {"role":"user","content":[{"type":"text","text":"Weather in Paris and the time?"},
        {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ","detail":"auto"}}]},
      {"role":"assistant","content":"Checking.","tool_calls":[
        {"id":"toolu_A","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
        {"id":"toolu_B","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
      {"role":"tool","tool_call_id":"toolu_A","content":"18C, sunny"},
      {"role":"tool","tool_call_id":"toolu_B","content":"12:00"}
    ],
    "tools":[
      {"type":"function","function":{"name":"get_weather","description":"Current weather",
        "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
      {"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{}}}}],
    "tool_choice":"required","parallel_tool_calls":false,
    "max_completion_tokens":1024,"temperature":0.2,"stop":"###",
    "stream":true,"stream_options":{"include_usage":true},
    "frequency_penalty":0.1,"logprobs":false
  })");
  ASSERT_TRUE(ir.ok()) << ir.error().message;
  auto body = AnthropicAdapter::EncodeBody(*ir, {.model = "claude-sonnet-4-5", .api_key = "k"});
  ASSERT_TRUE(body.ok()) << body.error().message;
  EXPECT_EQ(json::parse(*body), json::parse(R"({
    "model":"claude-sonnet-4-5",
    "max_tokens":1024,
    "system":"You are a weather bot.",
    "messages":[
      {"role":"user","content":[{"type":"text","text":"Weather in Paris and the time?"},
        {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}}]},
      {"role":"assistant","content":[{"type":"text","text":"Checking."},
        {"type":"tool_use","id":"toolu_A","name":"get_weather","input":{"city":"Paris"}},
        {"type":"tool_use","id":"toolu_B","name":"get_time","input":{}}]},
      {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_A","content":"18C, sunny"},
        {"type":"tool_result","tool_use_id":"toolu_B","content":"12:00"}]}],
    "stop_sequences":["###"],
    "temperature":0.2,
    "stream":true,
    "tools":[
      {"name":"get_weather","description":"Current weather",
       "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
      {"name":"get_time","input_schema":{"type":"object","properties":{}}}],
    "tool_choice":{"type":"any","disable_parallel_tool_use":true}
  })"))
      << *body;
}

std::string Sse(std::string_view event, std::string_view data) {
  return "event: " + std::string(event) + "\ndata: " + std::string(data) + "\n\n";
}

// Text, then two parallel tool calls streamed as input_json_delta fragments, cached prompt tokens.
const std::string kParallelTools =
    Sse("message_start",
        R"({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":10,"cache_read_input_tokens":100,"output_tokens":1}}})") +
    Sse("ping", R"({"type":"ping"})") +
    Sse("content_block_start",
        R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})") +
    Sse("content_block_delta",
        R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Checking."}})") +
    Sse("content_block_stop", R"({"type":"content_block_stop","index":0})") +
    Sse("content_block_start",
        R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_A","name":"get_weather","input":{}}})") +
    Sse("content_block_delta",
        R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}})") +
    Sse("content_block_delta",
        R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Pa"}})") +
    Sse("content_block_delta",
        R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ris\"}"}})") +
    Sse("content_block_stop", R"({"type":"content_block_stop","index":1})") +
    Sse("content_block_start",
        R"({"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_B","name":"get_time","input":{}}})") +
    Sse("content_block_delta",
        R"({"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"tz\":\"CET\"}"}})") +
    Sse("content_block_stop", R"({"type":"content_block_stop","index":2})") +
    Sse("message_delta",
        R"({"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":42}})") +
    Sse("message_stop", R"({"type":"message_stop"})");

const std::string kP =
    R"(data: {"id":"msg_1","object":"chat.completion.chunk","created":1700000000,"model":"claude-sonnet-4-5",)";

std::string Chunk(std::string_view delta, std::string_view finish = "null",
                  bool usage_null = true) {
  return kP + R"("choices":[{"index":0,"delta":)" + std::string(delta) +
         R"(,"logprobs":null,"finish_reason":)" + std::string(finish) + "}]" +
         (usage_null ? R"(,"usage":null)" : "") + "}\n\n";
}

TEST(TranslateStream, ParallelToolCallsWithUsage) {
  const std::string expected =
      Chunk(R"({"role":"assistant","content":""})") + Chunk(R"({"content":"Checking."})") +
      Chunk(
          R"({"tool_calls":[{"index":0,"id":"toolu_A","type":"function","function":{"name":"get_weather","arguments":""}}]})") +
      Chunk(R"({"tool_calls":[{"index":0,"function":{"arguments":"{\"city\": \"Pa"}}]})") +
      Chunk(R"({"tool_calls":[{"index":0,"function":{"arguments":"ris\"}"}}]})") +
      Chunk(
          R"({"tool_calls":[{"index":1,"id":"toolu_B","type":"function","function":{"name":"get_time","arguments":""}}]})") +
      Chunk(R"({"tool_calls":[{"index":1,"function":{"arguments":"{\"tz\":\"CET\"}"}}]})") +
      Chunk("{}", R"("tool_calls")") +
      // prompt_tokens includes cache reads and writes: 25 + 10 + 100.
      kP +
      R"("choices":[],"usage":{"prompt_tokens":135,"completion_tokens":42,"total_tokens":177,)"
      R"("prompt_tokens_details":{"cached_tokens":100},"completion_tokens_details":{"reasoning_tokens":0}}})"
      "\n\n"
      "data: [DONE]\n\n";
  AnthropicAdapter adapter;
  EXPECT_EQ(ToOpenAiSse(adapter, kParallelTools, /*include_usage=*/true), expected);
  EXPECT_EQ(ToOpenAiSse(adapter, kParallelTools, true, /*chunk_size=*/5), expected);
}

TEST(TranslateStream, WithoutIncludeUsageNoUsageAnywhere) {
  AnthropicAdapter adapter;
  std::string out = ToOpenAiSse(adapter, kParallelTools, /*include_usage=*/false);
  EXPECT_EQ(out.find("usage"), std::string::npos);
  EXPECT_TRUE(out.ends_with(Chunk("{}", R"("tool_calls")", false) + "data: [DONE]\n\n"));
}

const std::string kStart = Sse(
    "message_start",
    R"({"type":"message_start","message":{"id":"msg_2","model":"claude-opus-4-1","usage":{"input_tokens":12,"output_tokens":1}}})");
const std::string kP2 =
    R"(data: {"id":"msg_2","object":"chat.completion.chunk","created":1700000000,"model":"claude-opus-4-1",)";

TEST(TranslateStream, ThinkingBecomesReasoningAndStopSequenceIsStop) {
  std::string sse =
      kStart +
      Sse("content_block_start",
          R"({"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}})") +
      Sse("content_block_delta",
          R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Count up."}})") +
      Sse("content_block_delta",
          R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQB"}})") +
      Sse("content_block_stop", R"({"type":"content_block_stop","index":0})") +
      Sse("content_block_start",
          R"({"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}})") +
      Sse("content_block_delta",
          R"({"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"1, 2"}})") +
      Sse("content_block_stop", R"({"type":"content_block_stop","index":1})") +
      Sse("message_delta",
          R"({"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":", 3"},"usage":{"output_tokens":9}})") +
      Sse("message_stop", R"({"type":"message_stop"})");
  auto chunk = [](std::string_view delta, std::string_view finish = "null") {
    return kP2 + R"("choices":[{"index":0,"delta":)" + std::string(delta) +
           R"(,"logprobs":null,"finish_reason":)" + std::string(finish) + "}]}\n\n";
  };
  AnthropicAdapter adapter;
  EXPECT_EQ(ToOpenAiSse(adapter, sse, false), chunk(R"({"role":"assistant","content":""})") +
                                                  chunk(R"({"reasoning_content":"Count up."})") +
                                                  chunk(R"({"content":"1, 2"})") +
                                                  chunk("{}", R"("stop")") + "data: [DONE]\n\n");
}

TEST(TranslateStream, InStreamErrorBecomesOpenAiErrorWithoutDone) {
  std::string sse =
      kStart +
      Sse("content_block_start",
          R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})") +
      Sse("content_block_delta",
          R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}})") +
      Sse("error",
          R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  AnthropicAdapter adapter;
  std::string out = ToOpenAiSse(adapter, sse, true);
  EXPECT_TRUE(
      out.ends_with("data: "
                    "{\"error\":{\"message\":\"Overloaded\",\"type\":\"server_error\",\"param\":"
                    "null,\"code\":null}}\n\n"))
      << out;
  EXPECT_EQ(out.find("[DONE]"), std::string::npos);
}

TEST(TranslateStream, CutStreamEndsWithAnError) {
  AnthropicAdapter adapter;
  std::string out = ToOpenAiSse(
      adapter, kParallelTools.substr(0, kParallelTools.find("event: message_delta")), true);
  EXPECT_NE(
      out.find(
          R"(data: {"error":{"message":"The Anthropic upstream stream ended before message_stop.")"),
      std::string::npos)
      << out;
  EXPECT_EQ(out.find("[DONE]"), std::string::npos);
}

TEST(TranslateResponse, AnthropicMessageToChatCompletion) {
  AnthropicAdapter adapter;
  auto r = adapter.DecodeResponse(
      R"({"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5",
          "content":[{"type":"text","text":"Let me check."},
                     {"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}}],
          "stop_reason":"tool_use","stop_sequence":null,
          "usage":{"input_tokens":472,"cache_creation_input_tokens":0,"cache_read_input_tokens":128,"output_tokens":89}})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(json::parse(dialect::EncodeOpenAiChatResponse(*r, {.created = 42})), json::parse(R"({
    "id":"msg_01","object":"chat.completion","created":42,"model":"claude-sonnet-4-5",
    "choices":[{"index":0,"message":{"role":"assistant","content":"Let me check.","refusal":null,
      "tool_calls":[{"id":"toolu_01","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
      "logprobs":null,"finish_reason":"tool_calls"}],
    "usage":{"prompt_tokens":600,"completion_tokens":89,"total_tokens":689,
      "prompt_tokens_details":{"cached_tokens":128},"completion_tokens_details":{"reasoning_tokens":0}}})"));
}

TEST(TranslateStream, EveryTruncationEndsCleanly) {
  // Cut the stream at every byte: the client must always get either [DONE] after a finish chunk, or
  // an in-stream error, and never both or neither.
  AnthropicAdapter adapter;
  for (size_t cut = 0; cut <= kParallelTools.size(); ++cut) {
    std::string out = ToOpenAiSse(adapter, std::string_view(kParallelTools).substr(0, cut), true);
    bool done = out.ends_with("data: [DONE]\n\n");
    bool error = out.find(R"(data: {"error":)") != std::string::npos;
    ASSERT_NE(done, error) << "cut at " << cut << ":\n" << out;
    if (done) {
      EXPECT_EQ(cut, kParallelTools.size());
    }
  }
}

TEST(TranslateRequest, EmptyToolResultAndFileParts) {
  auto ir = dialect::DecodeOpenAiChatRequest(R"({"model":"m","messages":[
    {"role":"user","content":[{"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0"}}]},
    {"role":"assistant","content":"","tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"f","arguments":""}}]},
    {"role":"tool","tool_call_id":"toolu_1","content":""}]})");
  ASSERT_TRUE(ir.ok()) << ir.error().message;
  auto body = AnthropicAdapter::EncodeBody(*ir, {.model = "claude"});
  ASSERT_TRUE(body.ok()) << body.error().message;
  EXPECT_EQ(json::parse(*body).at("messages"), json::parse(R"([
    {"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0"},"title":"a.pdf"}]},
    {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]},
    {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1"}]}])"));

  auto by_id = dialect::DecodeOpenAiChatRequest(
      R"({"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}}]}]})");
  ASSERT_TRUE(by_id.ok());
  auto rejected = AnthropicAdapter::EncodeBody(*by_id, {.model = "claude"});
  ASSERT_FALSE(rejected.ok());  // an OpenAI file id means nothing to Anthropic
  EXPECT_EQ(rejected.error().Status(), 400);
}

}  // namespace
}  // namespace sluice::provider
