// Fixture tests of the Anthropic Messages client dialect over the IR: request decoding (reference
// §3.1–§3.3), message encoding (§3.4) and SSE streaming (§3.5, §8.9).
#include "dialect/anthropic_messages.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/error.h"
#include "dialect/anthropic_messages_stream.h"

namespace sluice::dialect {
namespace {

namespace json = boost::json;

ir::ChatRequest Decode(std::string_view body) {
  auto r = DecodeAnthropicMessagesRequest(body);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : ir::ChatRequest{};
}

core::Error DecodeError(std::string_view body) {
  auto r = DecodeAnthropicMessagesRequest(body);
  EXPECT_FALSE(r.ok());
  return r.ok() ? core::Error{} : r.error();
}

TEST(DecodeAnthropicMessages, FullRequest) {
  ir::ChatRequest req = Decode(R"({
    "model":"claude-sonnet-4-5","max_tokens":2048,
    "system":[{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}},
              {"type":"text","text":"Use metric units."}],
    "messages":[
      {"role":"user","content":[{"type":"text","text":"Weather?"},
        {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBOR"}},
        {"type":"image","source":{"type":"url","url":"https://x.test/a.jpg"}},
        {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBE"},"title":"r.pdf"}]},
      {"role":"assistant","content":[
        {"type":"thinking","thinking":"Need tools.","signature":"sig=="},
        {"type":"redacted_thinking","data":"opaque"},
        {"type":"text","text":"Checking."},
        {"type":"tool_use","id":"toolu_A","name":"get_weather","input":{"city":"Paris"}},
        {"type":"tool_use","id":"toolu_B","name":"get_time","input":{}}]},
      {"role":"user","content":[
        {"type":"tool_result","tool_use_id":"toolu_A","content":"18C"},
        {"type":"tool_result","tool_use_id":"toolu_B","is_error":true,
         "content":[{"type":"text","text":"clock down"}]},
        {"type":"text","text":"Thanks"}]}],
    "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}},
             {"name":"get_time","input_schema":{"type":"object"},"strict":true}],
    "tool_choice":{"type":"any","disable_parallel_tool_use":true},
    "stop_sequences":["###"],"temperature":0.5,"top_p":0.9,"top_k":40,
    "thinking":{"type":"enabled","budget_tokens":1024},
    "stream":true,"metadata":{"user_id":"u-42"},"service_tier":"auto"
  })");
  EXPECT_EQ(req.source, ir::Dialect::kAnthropicMessages);
  EXPECT_EQ(req.model, "claude-sonnet-4-5");
  EXPECT_EQ(req.max_tokens, 2048u);
  ASSERT_EQ(req.system.size(), 2u);
  EXPECT_EQ(req.system[1].text, "Use metric units.");
  ASSERT_EQ(req.messages.size(), 4u);  // user, assistant, tool results, user "Thanks"

  const ir::Message& user = req.messages[0];
  ASSERT_EQ(user.parts.size(), 4u);
  EXPECT_EQ(user.parts[1].kind, ir::PartKind::kImage);
  EXPECT_EQ(user.parts[1].media_type, "image/png");
  EXPECT_EQ(user.parts[1].data, "iVBOR");
  EXPECT_EQ(user.parts[2].url, "https://x.test/a.jpg");
  EXPECT_EQ(user.parts[3].kind, ir::PartKind::kFile);
  EXPECT_EQ(user.parts[3].name, "r.pdf");

  const ir::Message& assistant = req.messages[1];
  EXPECT_EQ(assistant.role, ir::Role::kAssistant);
  ASSERT_EQ(assistant.parts.size(), 5u);
  EXPECT_EQ(assistant.parts[0], ir::ContentPart::Reasoning("Need tools.", "sig=="));
  EXPECT_EQ(assistant.parts[1].kind, ir::PartKind::kRedactedReasoning);
  EXPECT_EQ(assistant.parts[1].data, "opaque");
  EXPECT_EQ(assistant.parts[3],
            ir::ContentPart::ToolCall("toolu_A", "get_weather", R"({"city":"Paris"})"));
  EXPECT_EQ(assistant.parts[4].arguments, "{}");

  const ir::Message& results = req.messages[2];
  EXPECT_EQ(results.role, ir::Role::kTool);
  ASSERT_EQ(results.parts.size(), 2u);
  EXPECT_EQ(results.parts[0].id, "toolu_A");
  EXPECT_EQ(results.parts[0].parts[0].text, "18C");
  EXPECT_TRUE(results.parts[1].is_error);
  EXPECT_EQ(results.parts[1].parts[0].text, "clock down");
  EXPECT_EQ(req.messages[3].role, ir::Role::kUser);
  EXPECT_EQ(req.messages[3].parts[0].text, "Thanks");

  ASSERT_EQ(req.tools.size(), 2u);
  EXPECT_EQ(json::parse(req.tools[0].parameters),
            json::parse(R"({"type":"object","properties":{"city":{"type":"string"}}})"));
  EXPECT_EQ(req.tools[1].strict, true);
  EXPECT_EQ(req.tool_choice.kind, ir::ToolChoiceKind::kRequired);
  EXPECT_EQ(req.parallel_tool_calls, false);
  EXPECT_EQ(req.stop, std::vector<std::string>{"###"});
  EXPECT_EQ(req.temperature, 0.5);
  EXPECT_EQ(req.top_p, 0.9);
  EXPECT_EQ(req.top_k, 40u);
  EXPECT_EQ(req.reasoning_budget, 1024u);
  EXPECT_TRUE(req.stream);
  EXPECT_TRUE(req.include_usage);
  EXPECT_EQ(req.user, "u-42");
  ASSERT_EQ(req.extra.size(), 1u);
  EXPECT_EQ(req.extra[0], (ir::RawField{"service_tier", "\"auto\""}));
}

TEST(DecodeAnthropicMessages, StringFormsAndChoices) {
  ir::ChatRequest req = Decode(R"({"model":"m","max_tokens":10,"system":"Sys",
    "messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hel"}],
    "tools":[{"name":"f","input_schema":{"type":"object"}}],
    "tool_choice":{"type":"tool","name":"f"},
    "thinking":{"type":"adaptive"},"output_config":{"effort":"low",
      "format":{"type":"json_schema","schema":{"type":"object"}}}})");
  ASSERT_EQ(req.system.size(), 1u);
  EXPECT_EQ(req.system[0].text, "Sys");
  ASSERT_EQ(req.messages.size(), 2u);
  EXPECT_EQ(req.messages[1].parts[0].text, "Hel");  // prefill
  EXPECT_EQ(req.tool_choice.kind, ir::ToolChoiceKind::kSpecific);
  EXPECT_EQ(req.tool_choice.name, "f");
  EXPECT_FALSE(req.parallel_tool_calls.has_value());
  EXPECT_EQ(req.reasoning_effort, "low");
  EXPECT_EQ(req.response_format.kind, ir::ResponseFormatKind::kJsonSchema);
  EXPECT_EQ(req.response_format.schema, R"({"type":"object"})");
  EXPECT_FALSE(req.stream);

  EXPECT_EQ(Decode(R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":"x"}],
    "tool_choice":{"type":"none"},"thinking":{"type":"disabled"}})")
                .tool_choice.kind,
            ir::ToolChoiceKind::kNone);
  EXPECT_EQ(Decode(R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":"x"}],
    "tool_choice":{"type":"auto"}})")
                .tool_choice.kind,
            ir::ToolChoiceKind::kAuto);
}

TEST(DecodeAnthropicMessages, ErrorsUseAnthropicWordingAndStatus400) {
  core::Error e = DecodeError(R"({"model":"m","messages":[{"role":"user","content":"x"}]})");
  EXPECT_EQ(e.message, "max_tokens: Field required");
  EXPECT_EQ(e.Status(), 400);
  EXPECT_EQ(json::parse(core::AnthropicErrorBody(e)),
            json::parse(R"({"type":"error","error":{"type":"invalid_request_error",
                         "message":"max_tokens: Field required"}})"));

  struct Case {
    std::string_view body;
    std::string_view param;
  };
  for (
      const Case& c : std::initializer_list<Case>{
          {"{not json", ""},
          {R"({"max_tokens":1,"messages":[]})", "model"},
          {R"({"model":"m","max_tokens":-1,"messages":[{"role":"user","content":"x"}]})",
           "max_tokens"},
          {R"({"model":"m","max_tokens":1})", "messages"},
          {R"({"model":"m","max_tokens":1,"messages":[]})", "messages"},
          {R"({"model":"m","max_tokens":1,"messages":[{"role":"system","content":"x"}]})",
           "messages.0.role"},
          {R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"video"}]}]})",
           "messages.0.content.0.type"},
          {R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":[
              {"type":"image","source":{"type":"base64","media_type":"image/bmp","data":"x"}}]}]})",
           "messages.0.content.0.source.media_type"},
          {R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":[
              {"type":"tool_use","id":"a","name":"f","input":{}}]}]})",
           "messages.0.content.0.type"},
          {R"({"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[
              {"type":"tool_use","id":"a","name":"f","input":"{}"}]}]})",
           "messages.0.content.0.input"},
          {R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],"temperature":1.5})",
           "temperature"},
          {R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],
              "tools":[{"name":"f"}]})",
           "tools.0.input_schema"},
          {R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],
              "tools":[{"type":"web_search_20250305","name":"web_search"}]})",
           "tools.0.type"},
          {R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],
              "tool_choice":{"type":"required"}})",
           "tool_choice.type"},
          {R"({"model":"m","max_tokens":4096,"messages":[{"role":"user","content":"x"}],
              "thinking":{"type":"enabled","budget_tokens":512}})",
           "thinking.enabled.budget_tokens"},
          {R"({"model":"m","max_tokens":2000,"messages":[{"role":"user","content":"x"}],
              "thinking":{"type":"enabled","budget_tokens":2000}})",
           "max_tokens"},
          {R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],"stream":"yes"})",
           "stream"},
      }) {
    core::Error err = DecodeError(c.body);
    EXPECT_EQ(err.code, core::ErrorCode::kInvalidRequest) << c.body;
    EXPECT_EQ(err.param, c.param) << c.body << " → " << err.message;
    if (!c.param.empty()) {
      EXPECT_TRUE(err.message.starts_with(std::string(c.param) + ": ")) << err.message;
    }
  }
  EXPECT_EQ(DecodeError(R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],
    "top_p":2})")
                .message,
            "top_p: Input should be less than or equal to 1");
}

TEST(EncodeAnthropicMessages, ResponseWithToolsThinkingAndCachedUsage) {
  ir::ChatResponse r;
  r.id = "msg_1";
  r.model = "gpt-4o";
  r.content.push_back(ir::ContentPart::Reasoning("Hmm", "sig"));
  r.content.push_back(ir::ContentPart::Text("Let me check."));
  r.content.push_back(ir::ContentPart::ToolCall("call_A", "get_weather", R"({"city": "Paris"})"));
  r.content.push_back(ir::ContentPart::ToolCall("call_B", "get_time", "not json"));
  r.finish = ir::FinishReason::kToolCalls;
  r.usage = {.input = 100, .output = 20, .cache_read = 60, .cache_write = 10, .present = true};
  EXPECT_EQ(json::parse(EncodeAnthropicMessagesResponse(r)), json::parse(R"({
    "id":"msg_1","type":"message","role":"assistant","model":"gpt-4o",
    "content":[{"type":"thinking","thinking":"Hmm","signature":"sig"},
               {"type":"text","text":"Let me check."},
               {"type":"tool_use","id":"call_A","name":"get_weather","input":{"city":"Paris"}},
               {"type":"tool_use","id":"call_B","name":"get_time","input":{}}],
    "stop_reason":"tool_use","stop_sequence":null,
    "usage":{"input_tokens":30,"cache_creation_input_tokens":10,"cache_read_input_tokens":60,"output_tokens":20}})"));
}

TEST(EncodeAnthropicMessages, StopReasons) {
  EXPECT_EQ(AnthropicStopReason(ir::FinishReason::kStop), "end_turn");
  EXPECT_EQ(AnthropicStopReason(ir::FinishReason::kUnknown), "end_turn");
  EXPECT_EQ(AnthropicStopReason(ir::FinishReason::kLength), "max_tokens");
  EXPECT_EQ(AnthropicStopReason(ir::FinishReason::kStopSequence), "stop_sequence");
  EXPECT_EQ(AnthropicStopReason(ir::FinishReason::kToolCalls), "tool_use");
  EXPECT_EQ(AnthropicStopReason(ir::FinishReason::kContentFilter), "refusal");
  EXPECT_EQ(AnthropicStopReason(ir::FinishReason::kContextWindow), "model_context_window_exceeded");
  ir::ChatResponse r;
  r.finish = ir::FinishReason::kStopSequence;
  r.stop_sequence = "###";
  json::value v = json::parse(EncodeAnthropicMessagesResponse(r));
  EXPECT_EQ(v.at("stop_reason"), "stop_sequence");
  EXPECT_EQ(v.at("stop_sequence"), "###");
  EXPECT_EQ(v.at("content"), json::array());
}

ir::StreamEvent Ev(ir::EventKind kind, uint32_t index = 0) {
  ir::StreamEvent e;
  e.kind = kind;
  e.index = index;
  return e;
}
ir::StreamEvent Delta(uint32_t index, ir::DeltaKind kind, std::string text) {
  ir::StreamEvent e = Ev(ir::EventKind::kBlockDelta, index);
  e.delta = kind;
  e.text = std::move(text);
  return e;
}

TEST(AnthropicMessagesStream, EncodesEveryEventKind) {
  std::vector<ir::StreamEvent> events;
  ir::StreamEvent start = Ev(ir::EventKind::kMessageStart);
  start.id = "msg_1";
  start.name = "gpt-4o";
  events.push_back(start);
  ir::StreamEvent think = Ev(ir::EventKind::kBlockStart, 2);  // IR index gaps are renumbered
  think.block = ir::BlockKind::kReasoning;
  events.push_back(think);
  events.push_back(Delta(2, ir::DeltaKind::kReasoning, "Hmm"));
  events.push_back(Delta(2, ir::DeltaKind::kSignature, "sig"));
  events.push_back(Ev(ir::EventKind::kBlockStop, 2));
  events.push_back(Delta(5, ir::DeltaKind::kText, "Hi \"you\""));  // no start: one is synthesized
  ir::StreamEvent tool = Ev(ir::EventKind::kBlockStart, 6);
  tool.block = ir::BlockKind::kToolCall;
  tool.id = "call_A";
  tool.name = "f";
  events.push_back(tool);
  events.push_back(Delta(6, ir::DeltaKind::kArguments, "{\"a\":1}"));
  ir::StreamEvent md = Ev(ir::EventKind::kMessageDelta);
  md.finish = ir::FinishReason::kToolCalls;
  md.usage = {.input = 50, .output = 7, .cache_read = 40, .present = true};
  events.push_back(md);
  events.push_back(Ev(ir::EventKind::kMessageStop));
  events.push_back(Delta(6, ir::DeltaKind::kText, "ignored after stop"));

  AnthropicMessagesStreamEncoder enc;
  std::string out;
  for (const auto& e : events) enc.Encode(e, out);
  EXPECT_TRUE(enc.done());
  EXPECT_EQ(
      out,
      "event: message_start\n"
      R"(data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"gpt-4o","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}})"
      "\n\nevent: content_block_start\n"
      R"(data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}})"
      "\n\nevent: content_block_delta\n"
      R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hmm"}})"
      "\n\nevent: content_block_delta\n"
      R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig"}})"
      "\n\nevent: content_block_stop\n"
      R"(data: {"type":"content_block_stop","index":0})"
      "\n\nevent: content_block_start\n"
      R"(data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}})"
      "\n\nevent: content_block_delta\n"
      R"(data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hi \"you\""}})"
      "\n\nevent: content_block_stop\n"
      R"(data: {"type":"content_block_stop","index":1})"
      "\n\nevent: content_block_start\n"
      R"(data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"call_A","name":"f","input":{}}})"
      "\n\nevent: content_block_delta\n"
      R"(data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"a\":1}"}})"
      "\n\nevent: content_block_stop\n"
      R"(data: {"type":"content_block_stop","index":2})"
      "\n\nevent: message_delta\n"
      R"(data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":40,"output_tokens":7}})"
      "\n\nevent: message_stop\n"
      R"(data: {"type":"message_stop"})"
      "\n\n");
  EXPECT_EQ(enc.usage().input, 50u);
}

TEST(AnthropicMessagesStream, ErrorEventEndsTheStream) {
  AnthropicMessagesStreamEncoder enc;
  std::string out;
  ir::StreamEvent start = Ev(ir::EventKind::kMessageStart);
  start.usage = {.input = 9, .present = true};
  enc.Encode(start, out);
  enc.Encode(Delta(0, ir::DeltaKind::kText, "par"), out);
  ir::StreamEvent err = Ev(ir::EventKind::kError);
  err.status = 503;
  err.text = "Overloaded";
  enc.Encode(err, out);
  enc.Encode(Ev(ir::EventKind::kMessageStop), out);
  EXPECT_TRUE(enc.done());
  EXPECT_NE(out.find(R"("usage":{"input_tokens":9,)"), std::string::npos);
  EXPECT_TRUE(out.ends_with(
      "event: error\n"
      R"(data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"
      "\n\n"))
      << out;
  EXPECT_EQ(out.find("message_stop"), std::string::npos);
}

TEST(AnthropicMessagesStream, MessageStopAloneClosesWithEndTurn) {
  AnthropicMessagesStreamEncoder enc;
  std::string out;
  enc.Encode(Ev(ir::EventKind::kMessageStart), out);
  enc.Encode(Delta(0, ir::DeltaKind::kText, "x"), out);
  enc.Encode(Ev(ir::EventKind::kMessageStop), out);
  size_t stop = out.find("event: content_block_stop");
  size_t delta = out.find("event: message_delta");
  size_t end = out.find("event: message_stop");
  ASSERT_NE(stop, std::string::npos);
  ASSERT_NE(delta, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  EXPECT_LT(stop, delta);
  EXPECT_LT(delta, end);
  EXPECT_NE(out.find(R"("stop_reason":"end_turn")"), std::string::npos);
}

}  // namespace
}  // namespace sluice::dialect
