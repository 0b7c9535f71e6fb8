// Fixture tests of the OpenAI Chat client dialect over the IR: request decoding (reference
// §1.1–§1.3), chat.completion encoding (§1.4) and chunk streaming (§1.5).
#include "dialect/openai_chat.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "dialect/openai_chat_stream.h"

namespace sluice::dialect {
namespace {

namespace json = boost::json;

ir::ChatRequest Decode(std::string_view body) {
  auto r = DecodeOpenAiChatRequest(body);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : ir::ChatRequest{};
}

core::Error DecodeError(std::string_view body) {
  auto r = DecodeOpenAiChatRequest(body);
  EXPECT_FALSE(r.ok());
  return r.ok() ? core::Error{} : r.error();
}

TEST(DecodeOpenAiChat, FullRequest) {
  ir::ChatRequest req = Decode(R"({
    "model":"gpt-4o",
    "messages":[
      {"role":"developer","content":"Be brief."},
      {"role":"system","content":[{"type":"text","text":"Use metric units."}]},
      {"role":"user","name":"ann","content":[
        {"type":"text","text":"Weather here?"},
        {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0K","detail":"low"}},
        {"type":"image_url","image_url":{"url":"https://example.com/a.jpg"}}]},
      {"role":"assistant","content":null,"tool_calls":[
        {"id":"call_A","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
        {"id":"call_B","type":"function","function":{"name":"get_time","arguments":""}}]},
      {"role":"tool","tool_call_id":"call_A","content":"18C"},
      {"role":"tool","tool_call_id":"call_B","content":[{"type":"text","text":"12:00"}]},
      {"role":"system","content":"Answer in French."}
    ],
    "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather",
      "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"strict":true}}],
    "tool_choice":{"type":"function","function":{"name":"get_weather"}},
    "parallel_tool_calls":false,
    "max_tokens":50,"max_completion_tokens":300,
    "temperature":0.5,"top_p":0.9,"stop":["END"],"seed":7,
    "reasoning_effort":"low",
    "response_format":{"type":"json_schema","json_schema":{"name":"w","schema":{"type":"object"},"strict":true}},
    "user":"u-1",
    "stream":true,"stream_options":{"include_usage":true},
    "logit_bias":{"50256":-100},"presence_penalty":0.5
  })");
  EXPECT_EQ(req.model, "gpt-4o");
  ASSERT_EQ(req.system.size(), 2u);
  EXPECT_EQ(req.system[0].text, "Be brief.");
  EXPECT_EQ(req.system[1].text, "Use metric units.");
  ASSERT_EQ(req.messages.size(), 5u);

  const ir::Message& user = req.messages[0];
  EXPECT_EQ(user.role, ir::Role::kUser);
  EXPECT_EQ(user.name, "ann");
  ASSERT_EQ(user.parts.size(), 3u);
  EXPECT_EQ(user.parts[1].kind, ir::PartKind::kImage);
  EXPECT_EQ(user.parts[1].media_type, "image/png");
  EXPECT_EQ(user.parts[1].data, "iVBORw0K");
  EXPECT_EQ(user.parts[1].detail, "low");
  EXPECT_EQ(user.parts[2].url, "https://example.com/a.jpg");

  const ir::Message& assistant = req.messages[1];
  EXPECT_EQ(assistant.role, ir::Role::kAssistant);
  ASSERT_EQ(assistant.parts.size(), 2u);
  EXPECT_EQ(assistant.parts[0],
            ir::ContentPart::ToolCall("call_A", "get_weather", R"({"city":"Paris"})"));
  EXPECT_EQ(assistant.parts[1], ir::ContentPart::ToolCall("call_B", "get_time", ""));

  EXPECT_EQ(req.messages[2].role, ir::Role::kTool);
  ASSERT_EQ(req.messages[2].parts.size(), 1u);
  EXPECT_EQ(req.messages[2].parts[0].kind, ir::PartKind::kToolResult);
  EXPECT_EQ(req.messages[2].parts[0].id, "call_A");
  EXPECT_EQ(req.messages[2].parts[0].parts, std::vector{ir::ContentPart::Text("18C")});
  EXPECT_EQ(req.messages[3].parts[0].parts, std::vector{ir::ContentPart::Text("12:00")});
  EXPECT_EQ(req.messages[4].role, ir::Role::kSystem);  // a later instruction keeps its place

  ASSERT_EQ(req.tools.size(), 1u);
  EXPECT_EQ(
      json::parse(req.tools[0].parameters),
      json::parse(
          R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})"));
  EXPECT_EQ(req.tools[0].strict, true);
  EXPECT_EQ(req.tool_choice.kind, ir::ToolChoiceKind::kSpecific);
  EXPECT_EQ(req.tool_choice.name, "get_weather");
  EXPECT_EQ(req.parallel_tool_calls, false);
  EXPECT_EQ(req.max_tokens, 300u);  // max_completion_tokens wins over the deprecated max_tokens
  EXPECT_EQ(req.temperature, 0.5);
  EXPECT_EQ(req.top_p, 0.9);
  EXPECT_EQ(req.stop, std::vector<std::string>{"END"});
  EXPECT_EQ(req.seed, 7);
  EXPECT_EQ(req.reasoning_effort, "low");
  EXPECT_EQ(req.response_format.kind, ir::ResponseFormatKind::kJsonSchema);
  EXPECT_EQ(req.response_format.name, "w");
  EXPECT_EQ(req.response_format.schema, R"({"type":"object"})");
  EXPECT_EQ(req.user, "u-1");
  EXPECT_TRUE(req.stream);
  EXPECT_TRUE(req.include_usage);
  ASSERT_EQ(req.extra.size(), 2u);
  EXPECT_EQ(req.extra[0], (ir::RawField{"logit_bias", R"({"50256":-100})"}));
  EXPECT_EQ(req.extra[1].name, "presence_penalty");
}

TEST(DecodeOpenAiChat, StringStopNullsAndDefaults) {
  ir::ChatRequest req = Decode(
      R"({"model":"m","messages":[{"role":"user","content":"hi"}],"stop":"\n","temperature":null,"tools":null})");
  EXPECT_EQ(req.stop, std::vector<std::string>{"\n"});
  EXPECT_FALSE(req.temperature.has_value());
  EXPECT_FALSE(req.max_tokens.has_value());
  EXPECT_EQ(req.tool_choice.kind, ir::ToolChoiceKind::kUnset);
  EXPECT_FALSE(req.stream);
  EXPECT_TRUE(req.system.empty());
  ASSERT_EQ(req.messages.size(), 1u);
  EXPECT_EQ(req.messages[0].parts, std::vector{ir::ContentPart::Text("hi")});
}

TEST(DecodeOpenAiChat, SafetyIdentifierWinsOverUser) {
  ir::ChatRequest req = Decode(
      R"({"model":"m","messages":[{"role":"user","content":"hi"}],"user":"old","safety_identifier":"new"})");
  EXPECT_EQ(req.user, "new");
  ASSERT_EQ(req.extra.size(), 1u);  // the other one is kept, not lost
  EXPECT_EQ(req.extra[0], (ir::RawField{"user", R"("old")"}));
}

TEST(DecodeOpenAiChat, ErrorsNameTheParam) {
  struct Case {
    const char* body;
    const char* param;
  };
  const Case cases[] = {
      {R"({"messages":[{"role":"user","content":"x"}]})", "model"},
      {R"({"model":"m","messages":[]})", "messages"},
      {R"({"model":"m","messages":[{"content":"x"}]})", "messages[0].role"},
      {R"({"model":"m","messages":[{"role":"wizard","content":"x"}]})", "messages[0].role"},
      {R"({"model":"m","messages":[{"role":"user","content":[{"type":"video"}]}]})",
       "messages[0].content[0].type"},
      {R"({"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,xx"}}]}]})",
       "messages[0].content[0].image_url.url"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"arguments":"{}"}}]}]})",
       "messages[1].tool_calls[0].function.name"},
      {R"({"model":"m","messages":[{"role":"tool","content":"x"}]})", "messages[0].tool_call_id"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"custom","custom":{"name":"x"}}]})",
       "tools[0].type"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":"sometimes"})",
       "tool_choice"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"temperature":3})",
       "temperature"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":-1})", "max_tokens"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true}})",
       "stream_options"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"yaml"}})",
       "response_format.type"},
  };
  for (const Case& c : cases) {
    core::Error e = DecodeError(c.body);
    EXPECT_EQ(e.code, core::ErrorCode::kInvalidRequest) << c.body;
    EXPECT_EQ(e.param, c.param) << c.body << " → " << e.message;
    EXPECT_EQ(e.Status(), 400);
  }
  EXPECT_EQ(DecodeError("{not json").param, "");
}

// OpenAI quotes ranges as plain numbers ("between 0 and 2"), not in JSON exponent form ("2E0").
TEST(DecodeOpenAiChat, RangeErrorsQuoteShortestNumbers) {
  core::Error t = DecodeError(
      R"({"model":"m","messages":[{"role":"user","content":"x"}],"temperature":2.5})");
  EXPECT_EQ(t.message, "Invalid 'temperature': must be between 0 and 2.");
  core::Error p =
      DecodeError(R"({"model":"m","messages":[{"role":"user","content":"x"}],"top_p":-0.5})");
  EXPECT_EQ(p.message, "Invalid 'top_p': must be between 0 and 1.");
  EXPECT_EQ(p.param, "top_p");
  core::Error n = DecodeError(R"({"model":"m","messages":[{"role":"user","content":"x"}],"n":1.5})");
  EXPECT_EQ(n.message, "Invalid 'n': expected a non-negative integer.");
}

ir::ChatResponse ToolResponse() {
  ir::ChatResponse r;
  r.id = "msg_1";
  r.model = "claude-sonnet-4-5";
  r.content = {ir::ContentPart::Reasoning("Think.", "sig"), ir::ContentPart::Text("Let me check."),
               ir::ContentPart::ToolCall("toolu_1", "get_weather", R"({"city":"Paris"})")};
  r.finish = ir::FinishReason::kToolCalls;
  r.usage = {.input = 100,
             .output = 20,
             .cache_read = 60,
             .cache_write = 10,
             .reasoning = 5,
             .present = true};
  return r;
}

TEST(EncodeOpenAiChatResponse, ToolCallsReasoningAndCachedUsage) {
  std::string body = EncodeOpenAiChatResponse(ToolResponse(), {.created = 1741569952});
  EXPECT_EQ(
      body,
      R"({"id":"msg_1","object":"chat.completion","created":1741569952,"model":"claude-sonnet-4-5",)"
      R"("choices":[{"index":0,"message":{"role":"assistant","content":"Let me check.",)"
      R"("reasoning_content":"Think.","refusal":null,"tool_calls":[{"id":"toolu_1","type":"function",)"
      R"("function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},"logprobs":null,)"
      R"("finish_reason":"tool_calls"}],"usage":{"prompt_tokens":100,"completion_tokens":20,)"
      R"("total_tokens":120,"prompt_tokens_details":{"cached_tokens":60},)"
      R"("completion_tokens_details":{"reasoning_tokens":5}}})");
  EXPECT_NO_THROW(json::parse(body));
}

TEST(EncodeOpenAiChatResponse, NoTextIsNullAndStopSequenceIsStop) {
  ir::ChatResponse r;
  r.id = "x";
  r.finish = ir::FinishReason::kStopSequence;
  r.content = {ir::ContentPart::Reasoning("hidden", "")};
  json::value v =
      json::parse(EncodeOpenAiChatResponse(r, {.reasoning_field = ReasoningField::kOmit}));
  const json::object& choice = v.at("choices").at(0).as_object();
  EXPECT_TRUE(choice.at("message").at("content").is_null());
  EXPECT_FALSE(choice.at("message").as_object().contains("reasoning_content"));
  EXPECT_EQ(choice.at("finish_reason"), "stop");
  EXPECT_FALSE(v.as_object().contains("usage"));  // none reported: none invented
}

TEST(OpenAiFinishReason, Mapping) {
  EXPECT_EQ(OpenAiFinishReason(ir::FinishReason::kStop), "stop");
  EXPECT_EQ(OpenAiFinishReason(ir::FinishReason::kStopSequence), "stop");
  EXPECT_EQ(OpenAiFinishReason(ir::FinishReason::kPauseTurn), "stop");
  EXPECT_EQ(OpenAiFinishReason(ir::FinishReason::kLength), "length");
  EXPECT_EQ(OpenAiFinishReason(ir::FinishReason::kContextWindow), "length");
  EXPECT_EQ(OpenAiFinishReason(ir::FinishReason::kToolCalls), "tool_calls");
  EXPECT_EQ(OpenAiFinishReason(ir::FinishReason::kContentFilter), "content_filter");
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

TEST(OpenAiChatStreamEncoder, TextStreamWithoutUsage) {
  OpenAiChatStreamEncoder enc({.created = 1}, /*include_usage=*/false);
  std::string out;
  ir::StreamEvent start = Ev(ir::EventKind::kMessageStart);
  start.id = "chatcmpl-1";
  start.name = "gpt-4o";
  enc.Encode(start, out);
  ir::StreamEvent block = Ev(ir::EventKind::kBlockStart);
  enc.Encode(block, out);
  enc.Encode(Delta(0, ir::DeltaKind::kText, "Hel"), out);
  enc.Encode(Ev(ir::EventKind::kBlockStop), out);
  ir::StreamEvent md = Ev(ir::EventKind::kMessageDelta);
  md.finish = ir::FinishReason::kStop;
  md.usage = {.input = 9, .output = 2, .present = true};
  enc.Encode(md, out);
  enc.Encode(Ev(ir::EventKind::kMessageStop), out);
  // Exactly the shape of reference §1.5 (no usage chunk without include_usage).
  const std::string p =
      R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o",)";
  EXPECT_EQ(
      out,
      p +
          R"("choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]})"
          "\n\n" +
          p +
          R"("choices":[{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}]})"
          "\n\n" +
          p +
          R"("choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]})"
          "\n\n"
          "data: [DONE]\n\n");
  EXPECT_TRUE(enc.done());
  EXPECT_EQ(enc.usage().input, 9u);
}

TEST(OpenAiChatStreamEncoder, ErrorEndsTheStreamWithoutDone) {
  OpenAiChatStreamEncoder enc({.created = 1}, true);
  std::string out;
  ir::StreamEvent err = Ev(ir::EventKind::kError);
  err.status = 503;
  err.text = "Overloaded";
  enc.Encode(err, out);
  enc.Encode(Ev(ir::EventKind::kMessageStop), out);  // ignored after the error
  EXPECT_EQ(out,
            "data: "
            "{\"error\":{\"message\":\"Overloaded\",\"type\":\"server_error\",\"param\":null,"
            "\"code\":null}}\n\n");
}

TEST(OpenAiChatStreamEncoder, ReasoningFieldOption) {
  for (auto [field, expect] :
       {std::pair{ReasoningField::kReasoning, R"("delta":{"reasoning":"hm"})"},
        std::pair{ReasoningField::kReasoningContent, R"("delta":{"reasoning_content":"hm"})"}}) {
    OpenAiChatStreamEncoder enc({.created = 1, .reasoning_field = field}, false);
    std::string out;
    enc.Encode(Delta(0, ir::DeltaKind::kReasoning, "hm"), out);
    enc.Encode(Delta(0, ir::DeltaKind::kSignature, "sig"), out);  // never shown
    EXPECT_NE(out.find(expect), std::string::npos) << out;
    EXPECT_EQ(out.find("sig"), std::string::npos);
  }
  OpenAiChatStreamEncoder omit({.created = 1, .reasoning_field = ReasoningField::kOmit}, false);
  std::string out;
  omit.Encode(Delta(0, ir::DeltaKind::kReasoning, "hm"), out);
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace sluice::dialect
