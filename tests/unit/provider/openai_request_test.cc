// Fixture tests of the OpenAI provider adapter's request side: IR → POST /v1/chat/completions
// (reference §1.1–§1.3, §7, §8.1–§8.4).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "dialect/openai_chat.h"
#include "provider/openai.h"

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

ir::ChatRequest BasicRequest() {
  ir::ChatRequest req;
  req.model = "client-name";
  req.messages.push_back({ir::Role::kUser, {ir::ContentPart::Text("Hi")}, ""});
  return req;
}

TEST(OpenAiRequest, PathHeadersAndStreamOptions) {
  ir::ChatRequest req = BasicRequest();
  req.stream = true;
  OpenAiAdapter adapter;
  auto up = adapter.BuildRequest(req, To("gpt-4o", "sk-test", "/proxy"));
  ASSERT_TRUE(up.ok()) << up.error().message;
  EXPECT_EQ(up->method, "POST");
  EXPECT_EQ(up->path, "/proxy/v1/chat/completions");
  EXPECT_TRUE(up->stream);
  EXPECT_EQ(up->headers, (std::vector<Header>{{"content-type", "application/json"},
                                              {"authorization", "Bearer sk-test"},
                                              {"accept", "text/event-stream"}}));
  EXPECT_EQ(json::parse(up->body), json::parse(R"({"model":"gpt-4o",
    "messages":[{"role":"user","content":"Hi"}],
    "stream":true,"stream_options":{"include_usage":true}})"));

  // No key (a local vLLM or Ollama): no Authorization header at all.
  req.stream = false;
  auto local = adapter.BuildRequest(req, To("llama"));
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->headers, (std::vector<Header>{{"content-type", "application/json"}}));
  EXPECT_EQ(local->path, "/v1/chat/completions");
}

TEST(OpenAiRequest, EveryModelledField) {
  ir::ChatRequest req;
  req.system = {ir::ContentPart::Text("Be brief."), ir::ContentPart::Text("Metric units.")};
  ir::ContentPart image;
  image.kind = ir::PartKind::kImage;
  image.media_type = "image/png";
  image.data = "iVBOR";
  ir::ContentPart url_image;
  url_image.kind = ir::PartKind::kImage;
  url_image.url = "https://x.test/a.jpg";
  url_image.detail = "low";
  ir::ContentPart pdf;
  pdf.kind = ir::PartKind::kFile;
  pdf.media_type = "application/pdf";
  pdf.data = "JVBE";
  pdf.name = "r.pdf";
  req.messages.push_back(
      {ir::Role::kUser, {ir::ContentPart::Text("Look"), image, url_image, pdf}, ""});
  req.messages.push_back(
      {ir::Role::kAssistant,
       {ir::ContentPart::Reasoning("hidden", "sig"), ir::ContentPart::Text("Checking."),
        ir::ContentPart::ToolCall("call_A", "get_weather", R"({"city":"Paris"})"),
        ir::ContentPart::ToolCall("call_B", "get_time", "")},
       ""});
  ir::ContentPart ok_result, err_result;
  ok_result.kind = err_result.kind = ir::PartKind::kToolResult;
  ok_result.id = "call_A";
  ok_result.parts = {ir::ContentPart::Text("18C"), ir::ContentPart::Text("sunny")};
  err_result.id = "call_B";
  err_result.is_error = true;
  err_result.parts = {ir::ContentPart::Text("clock down")};
  req.messages.push_back({ir::Role::kTool, {ok_result, err_result}, ""});
  req.messages.push_back({ir::Role::kSystem, {ir::ContentPart::Text("Now summarise.")}, ""});
  req.tools = {{"get_weather", "Weather",
                R"({"type":"object","properties":{"city":{"type":"string"}}})", true},
               {"get_time", "", "", std::nullopt}};
  req.tool_choice = {ir::ToolChoiceKind::kSpecific, "get_weather"};
  req.parallel_tool_calls = false;
  req.max_tokens = 500;
  req.temperature = 0.3;
  req.top_p = 0.8;
  req.top_k = 20;
  req.stop = {"###"};
  req.seed = 7;
  req.reasoning_budget = 8192;
  req.response_format = {ir::ResponseFormatKind::kJsonSchema, "", "", R"({"type":"object"})",
                         std::nullopt};
  req.user = "u-42";

  auto body = OpenAiAdapter::EncodeBody(req, To("gpt-5"), {});
  ASSERT_TRUE(body.ok()) << body.error().message;
  EXPECT_EQ(json::parse(*body), json::parse(R"({
    "model":"gpt-5",
    "messages":[
      {"role":"system","content":"Be brief."},
      {"role":"system","content":"Metric units."},
      {"role":"user","content":[{"type":"text","text":"Look"},
        {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBOR"}},
        {"type":"image_url","image_url":{"url":"https://x.test/a.jpg","detail":"low"}},
        {"type":"file","file":{"file_data":"data:application/pdf;base64,JVBE","filename":"r.pdf"}}]},
      {"role":"assistant","content":"Checking.","tool_calls":[
        {"id":"call_A","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
        {"id":"call_B","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
      {"role":"tool","tool_call_id":"call_A","content":"18C\n\nsunny"},
      {"role":"tool","tool_call_id":"call_B","content":"Error: clock down"},
      {"role":"system","content":"Now summarise."}],
    "max_completion_tokens":500,"temperature":0.3,"top_p":0.8,"stop":["###"],"seed":7,
    "reasoning_effort":"medium",
    "tools":[
      {"type":"function","function":{"name":"get_weather","description":"Weather",
        "parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true}},
      {"type":"function","function":{"name":"get_time"}}],
    "tool_choice":{"type":"function","function":{"name":"get_weather"}},
    "parallel_tool_calls":false,
    "response_format":{"type":"json_schema","json_schema":{"name":"response","schema":{"type":"object"}}},
    "user":"u-42"})"));

  // Compat servers: the old max_tokens name, and top_k.
  auto compat =
      OpenAiAdapter::EncodeBody(req, To("m"), {.legacy_max_tokens = true, .send_top_k = true});
  ASSERT_TRUE(compat.ok());
  json::object o = json::parse(*compat).as_object();
  EXPECT_EQ(o.at("max_tokens"), 500);
  EXPECT_FALSE(o.contains("max_completion_tokens"));
  EXPECT_EQ(o.at("top_k"), 20);
}

TEST(OpenAiRequest, ToolChoiceOnlyWithToolsAndExtrasOnlyFromOpenAi) {
  ir::ChatRequest req = BasicRequest();
  req.tool_choice.kind = ir::ToolChoiceKind::kNone;
  req.parallel_tool_calls = false;
  req.extra = {{"logit_bias", R"({"50256":-100})"}};
  req.source = ir::Dialect::kAnthropicMessages;
  auto body = OpenAiAdapter::EncodeBody(req, To("m"), {});
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(json::parse(*body),
            json::parse(R"({"model":"m","messages":[{"role":"user","content":"Hi"}]})"));

  req.source = ir::Dialect::kOpenAiChat;
  body = OpenAiAdapter::EncodeBody(req, To("m"), {});
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(json::parse(*body).at("logit_bias"), json::parse(R"({"50256":-100})"));
}

TEST(OpenAiRequest, UntranslatableContentIs400) {
  ir::ChatRequest req = BasicRequest();
  req.n = 2;
  auto r = OpenAiAdapter::EncodeBody(req, To("m"), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().Status(), 400);
  EXPECT_EQ(r.error().param, "n");

  req = BasicRequest();
  ir::ContentPart result;
  result.kind = ir::PartKind::kToolResult;
  result.id = "toolu_1";
  ir::ContentPart image;
  image.kind = ir::PartKind::kImage;
  image.url = "https://x.test/s.png";
  result.parts = {image};
  req.messages.push_back({ir::Role::kTool, {result}, ""});
  r = OpenAiAdapter::EncodeBody(req, To("m"), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::kInvalidRequest);
  EXPECT_NE(r.error().message.find("toolu_1"), std::string::npos);
}

TEST(OpenAiRequest, OpenAiClientRoundTripKeepsTheBody) {
  // OpenAI client → IR → OpenAI provider: the modelled fields come back as they were sent.
  constexpr std::string_view kBody = R"({"model":"m","messages":[
      {"role":"system","content":"S"},{"role":"user","content":"Q"},
      {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"x\":1}"}}]},
      {"role":"tool","tool_call_id":"c1","content":"R"}],
    "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
    "tool_choice":"required","max_completion_tokens":9,"stop":["a","b"],"reasoning_effort":"low",
    "response_format":{"type":"json_object"},"logprobs":true})";
  auto ir = dialect::DecodeOpenAiChatRequest(kBody);
  ASSERT_TRUE(ir.ok()) << ir.error().message;
  auto body = OpenAiAdapter::EncodeBody(*ir, To("m"), {});
  ASSERT_TRUE(body.ok()) << body.error().message;
  EXPECT_EQ(json::parse(*body), json::parse(kBody));
}

}  // namespace
}  // namespace sluice::provider
