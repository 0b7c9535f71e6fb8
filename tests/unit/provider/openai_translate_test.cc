// Composed translation, end to end through the IR as the proxy will run it for an Anthropic client
// in front of an OpenAI(-compatible) provider:
//   Anthropic Messages request JSON → ir::ChatRequest → OpenAI Chat request JSON
//   OpenAI chat.completion.chunk SSE bytes → ir::StreamEvent → Anthropic SSE bytes (reference §8.9)
//   OpenAI chat.completion body → ir::ChatResponse → Anthropic message body
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "dialect/anthropic_messages.h"
#include "dialect/anthropic_messages_stream.h"
#include "provider/openai.h"
#include "stream_fixture.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;

// A target with every member named (designated initializers that skip members warn).
Target To(std::string_view model, std::string_view key = {}, std::string_view prefix = {}) {
  Target t;
  t.model = model;
  t.api_key = key;
  t.path_prefix = prefix;
  return t;
}

TEST(TranslateAnthropicToOpenAi, Request) {
  auto ir = dialect::DecodeAnthropicMessagesRequest(R"({
    "model":"smart","max_tokens":4096,
    "system":"You are a weather bot.",
    "messages":[
      {"role":"user","content":[{"type":"text","text":"Weather in Paris and the time?"},
        {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}}]},
      {"role":"assistant","content":[
        {"type":"thinking","thinking":"Two tools.","signature":"c2ln"},
        {"type":"text","text":"Checking."},
        {"type":"tool_use","id":"toolu_A","name":"get_weather","input":{"city":"Paris"}},
        {"type":"tool_use","id":"toolu_B","name":"get_time","input":{}}]},
      {"role":"user","content":[
        {"type":"tool_result","tool_use_id":"toolu_A","content":"18C, sunny"},
        {"type":"tool_result","tool_use_id":"toolu_B","content":[{"type":"text","text":"12:00"}]}]}],
    "tools":[
      {"name":"get_weather","description":"Current weather",
       "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
      {"name":"get_time","input_schema":{"type":"object","properties":{}}}],
    "tool_choice":{"type":"any","disable_parallel_tool_use":true},
    "temperature":0.2,"top_k":5,"stop_sequences":["###"],
    "thinking":{"type":"enabled","budget_tokens":2048},
    "metadata":{"user_id":"u-1"},"stream":true,"service_tier":"auto"
  })");
  ASSERT_TRUE(ir.ok()) << ir.error().message;
  OpenAiAdapter adapter;
  auto up = adapter.BuildRequest(*ir, To("gpt-4o", "sk-x"));
  ASSERT_TRUE(up.ok()) << up.error().message;
  EXPECT_EQ(json::parse(up->body), json::parse(R"({
    "model":"gpt-4o",
    "messages":[
      {"role":"system","content":"You are a weather bot."},
      {"role":"user","content":[{"type":"text","text":"Weather in Paris and the time?"},
        {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}}]},
      {"role":"assistant","content":"Checking.","tool_calls":[
        {"id":"toolu_A","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
        {"id":"toolu_B","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
      {"role":"tool","tool_call_id":"toolu_A","content":"18C, sunny"},
      {"role":"tool","tool_call_id":"toolu_B","content":"12:00"}],
    "max_completion_tokens":4096,"temperature":0.2,"stop":["###"],"reasoning_effort":"low",
    "tools":[
      {"type":"function","function":{"name":"get_weather","description":"Current weather",
        "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
      {"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{}}}}],
    "tool_choice":"required","parallel_tool_calls":false,
    "user":"u-1","stream":true,"stream_options":{"include_usage":true}})"));
  EXPECT_TRUE(up->stream);
}

// OpenAI SSE → IR → Anthropic SSE: parallel tool calls after some text, cached prompt tokens.
constexpr std::string_view kOpenAiToolStream =
    R"(data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null})"
    "\n\n"
    R"(data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Checking."},"logprobs":null,"finish_reason":null}],"usage":null})"
    "\n\n"
    R"(data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_A","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null})"
    "\n\n"
    R"(data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"logprobs":null,"finish_reason":null}],"usage":null})"
    "\n\n"
    R"(data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null})"
    "\n\n"
    R"(data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_B","type":"function","function":{"name":"get_time","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null})"
    "\n\n"
    R"(data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]},"logprobs":null,"finish_reason":null}],"usage":null})"
    "\n\n"
    R"(data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":null})"
    "\n\n"
    R"(data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":2006,"completion_tokens":40,"total_tokens":2046,"prompt_tokens_details":{"cached_tokens":1920},"completion_tokens_details":{"reasoning_tokens":0}}})"
    "\n\n"
    "data: [DONE]\n\n";

constexpr std::string_view kAnthropicToolStream =
    "event: message_start\n"
    R"(data: {"type":"message_start","message":{"id":"chatcmpl-9","type":"message","role":"assistant","model":"gpt-4o","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}})"
    "\n\nevent: content_block_start\n"
    R"(data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"
    "\n\nevent: content_block_delta\n"
    R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Checking."}})"
    "\n\nevent: content_block_stop\n"
    R"(data: {"type":"content_block_stop","index":0})"
    "\n\nevent: content_block_start\n"
    R"(data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"call_A","name":"get_weather","input":{}}})"
    "\n\nevent: content_block_delta\n"
    R"(data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\":"}})"
    "\n\nevent: content_block_delta\n"
    R"(data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\"Paris\"}"}})"
    "\n\nevent: content_block_stop\n"
    R"(data: {"type":"content_block_stop","index":1})"
    "\n\nevent: content_block_start\n"
    R"(data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"call_B","name":"get_time","input":{}}})"
    "\n\nevent: content_block_delta\n"
    R"(data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{}"}})"
    "\n\nevent: content_block_stop\n"
    R"(data: {"type":"content_block_stop","index":2})"
    "\n\nevent: message_delta\n"
    R"(data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":86,"cache_creation_input_tokens":0,"cache_read_input_tokens":1920,"output_tokens":40}})"
    "\n\nevent: message_stop\n"
    R"(data: {"type":"message_stop"})"
    "\n\n";

std::string ToAnthropicSse(std::string_view openai_sse, size_t chunk_size) {
  dialect::AnthropicMessagesStreamEncoder encoder;
  std::string out;
  for (const ir::StreamEvent& e :
       testing::DecodeSse(OpenAiAdapter{}, openai_sse, chunk_size).events)
    encoder.Encode(e, out);
  return out;
}

TEST(TranslateAnthropicToOpenAi, StreamWithParallelToolCallsAndCachedUsage) {
  for (size_t chunk : {size_t{1} << 20, size_t{17}, size_t{1}})
    EXPECT_EQ(ToAnthropicSse(kOpenAiToolStream, chunk), kAnthropicToolStream) << "chunk " << chunk;
}

TEST(TranslateAnthropicToOpenAi, StreamErrorBecomesAnthropicErrorEvent) {
  std::string sse =
      std::string(kOpenAiToolStream.substr(0, kOpenAiToolStream.find("data:", 10))) +
      R"(data: {"error":{"message":"Overloaded","type":"server_error","param":null,"code":503}})"
      "\n\n";
  std::string out = ToAnthropicSse(sse, 1 << 20);
  EXPECT_TRUE(out.starts_with("event: message_start\n"));
  EXPECT_TRUE(out.ends_with(
      "event: error\n"
      R"(data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"
      "\n\n"))
      << out;
  EXPECT_EQ(out.find("message_stop"), std::string::npos);

  // A cut stream: the client sees an api_error, not a silent end.
  std::string cut = ToAnthropicSse(
      kOpenAiToolStream.substr(0, kOpenAiToolStream.find("\"finish_reason\":\"tool_calls\"")),
      1 << 20);
  EXPECT_NE(cut.find("event: error\n"
                     R"(data: {"type":"error","error":{"type":"api_error")"),
            std::string::npos)
      << cut;
}

TEST(TranslateAnthropicToOpenAi, NonStreamedResponse) {
  OpenAiAdapter adapter;
  auto r = adapter.DecodeResponse(
      R"({"id":"chatcmpl-5","object":"chat.completion","created":1,"model":"gpt-4o",
    "choices":[{"index":0,"message":{"role":"assistant","content":"Let me check.","tool_calls":[
      {"id":"call_A","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
      {"id":"call_B","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
      "finish_reason":"tool_calls"}],
    "usage":{"prompt_tokens":2006,"completion_tokens":40,"total_tokens":2046,
      "prompt_tokens_details":{"cached_tokens":1920}}})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(json::parse(dialect::EncodeAnthropicMessagesResponse(*r)), json::parse(R"({
    "id":"chatcmpl-5","type":"message","role":"assistant","model":"gpt-4o",
    "content":[{"type":"text","text":"Let me check."},
      {"type":"tool_use","id":"call_A","name":"get_weather","input":{"city":"Paris"}},
      {"type":"tool_use","id":"call_B","name":"get_time","input":{}}],
    "stop_reason":"tool_use","stop_sequence":null,
    "usage":{"input_tokens":86,"cache_creation_input_tokens":0,"cache_read_input_tokens":1920,"output_tokens":40}})"));
}

}  // namespace
}  // namespace sluice::provider
