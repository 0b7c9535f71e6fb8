// Fixture tests of IR → Anthropic Messages requests (reference §3.1–§3.3 and the mapping
// §8.1–§8.4).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "provider/anthropic.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;

const Target kTarget{.model = "claude-sonnet-4-5", .api_key = "sk-ant-test"};

ir::ChatRequest UserSays(std::string text) {
  ir::ChatRequest r;
  r.model = "smart";
  r.messages.push_back({ir::Role::kUser, {ir::ContentPart::Text(std::move(text))}, ""});
  return r;
}

json::value Body(const ir::ChatRequest& r, const Target& t = kTarget) {
  auto body = AnthropicAdapter::EncodeBody(r, t);
  EXPECT_TRUE(body.ok()) << (body.ok() ? "" : body.error().message);
  return body.ok() ? json::parse(*body) : json::value();
}

core::Error Rejected(const ir::ChatRequest& r) {
  auto body = AnthropicAdapter::EncodeBody(r, kTarget);
  EXPECT_FALSE(body.ok());
  return body.ok() ? core::Error{} : body.error();
}

TEST(AnthropicRequest, PathHeadersAndMinimalBody) {
  AnthropicAdapter adapter;
  Target t = kTarget;
  t.path_prefix = "/anthropic";
  ir::ChatRequest r = UserSays("Hi");
  r.stream = true;
  auto req = adapter.BuildRequest(r, t);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->method, "POST");
  EXPECT_EQ(req->path, "/anthropic/v1/messages");
  EXPECT_TRUE(req->stream);
  EXPECT_EQ(req->headers, (std::vector<Header>{{"content-type", "application/json"},
                                               {"x-api-key", "sk-ant-test"},
                                               {"anthropic-version", "2023-06-01"},
                                               {"accept", "text/event-stream"}}));
  EXPECT_EQ(
      req->body,
      R"({"model":"claude-sonnet-4-5","max_tokens":4096,"messages":[{"role":"user","content":"Hi"}],"stream":true})");
}

TEST(AnthropicRequest, MaxTokensFromClientThenTargetThenDefault) {
  ir::ChatRequest r = UserSays("Hi");
  EXPECT_EQ(Body(r).at("max_tokens"), 4096);
  Target t = kTarget;
  t.default_max_tokens = 8192;
  EXPECT_EQ(Body(r, t).at("max_tokens"), 8192);
  r.max_tokens = 100;
  EXPECT_EQ(Body(r, t).at("max_tokens"), 100);
}

TEST(AnthropicRequest, ReasoningEffortBecomesThinkingBudget) {
  ir::ChatRequest r = UserSays("Hi");
  r.reasoning_effort = "medium";
  r.temperature = 0.3;
  r.top_k = 5;
  r.top_p = 0.5;
  json::value b = Body(r);
  // No client max_tokens: the budget is added on top of the default, so the answer keeps its room.
  EXPECT_EQ(b.at("max_tokens"), 4096 + 8192);
  EXPECT_EQ(b.at("thinking"), json::parse(R"({"type":"enabled","budget_tokens":8192})"));
  // Anthropic rejects temperature/top_k with thinking, and top_p below 0.95.
  EXPECT_FALSE(b.as_object().contains("temperature"));
  EXPECT_FALSE(b.as_object().contains("top_k"));
  EXPECT_EQ(b.at("top_p"), 0.95);

  r.max_tokens = 3000;  // the client's limit includes thinking: the budget must fit below it
  b = Body(r);
  EXPECT_EQ(b.at("max_tokens"), 3000);
  EXPECT_EQ(b.at("thinking").at("budget_tokens"), 2999);

  r.max_tokens = 1000;  // too small for Anthropic's minimum budget of 1024: no thinking
  b = Body(r);
  EXPECT_FALSE(b.as_object().contains("thinking"));
  EXPECT_EQ(b.at("temperature"), 0.3);

  r.reasoning_effort = "none";
  r.max_tokens.reset();
  EXPECT_FALSE(Body(r).as_object().contains("thinking"));
}

TEST(AnthropicRequest, SamplingAndStop) {
  ir::ChatRequest r = UserSays("Hi");
  r.temperature = 1.7;  // OpenAI allows up to 2, Anthropic 1
  r.top_p = 0.9;
  r.top_k = 40;
  r.seed = 3;
  r.stop = {"END", "\n\n"};
  r.user = "user-42";
  json::value b = Body(r);
  EXPECT_EQ(b.at("temperature"), 1.0);
  EXPECT_EQ(b.at("top_p"), 0.9);
  EXPECT_EQ(b.at("top_k"), 40);
  EXPECT_FALSE(b.as_object().contains("seed"));
  EXPECT_EQ(b.at("stop_sequences"), json::parse(R"(["END","\n\n"])"));
  EXPECT_EQ(b.at("metadata"), json::parse(R"({"user_id":"user-42"})"));
}

TEST(AnthropicRequest, ToolChoiceMapping) {
  struct Case {
    ir::ToolChoiceKind kind;
    std::optional<bool> parallel;
    const char* expected;  // nullptr: no tool_choice member
  };
  const Case cases[] = {
      {ir::ToolChoiceKind::kUnset, std::nullopt, nullptr},
      {ir::ToolChoiceKind::kUnset, false, R"({"type":"auto","disable_parallel_tool_use":true})"},
      {ir::ToolChoiceKind::kAuto, std::nullopt, R"({"type":"auto"})"},
      {ir::ToolChoiceKind::kNone, false, R"({"type":"none"})"},
      {ir::ToolChoiceKind::kRequired, true, R"({"type":"any"})"},
      {ir::ToolChoiceKind::kRequired, false, R"({"type":"any","disable_parallel_tool_use":true})"},
      {ir::ToolChoiceKind::kSpecific, std::nullopt, R"({"type":"tool","name":"get_weather"})"},
  };
  for (const Case& c : cases) {
    ir::ChatRequest r = UserSays("Hi");
    r.tools = {{"get_weather", "", "", std::nullopt}};
    r.tool_choice = {c.kind, c.kind == ir::ToolChoiceKind::kSpecific ? "get_weather" : ""};
    r.parallel_tool_calls = c.parallel;
    json::value b = Body(r);
    // A tool without parameters still needs an object schema upstream.
    EXPECT_EQ(b.at("tools"),
              json::parse(
                  R"([{"name":"get_weather","input_schema":{"type":"object","properties":{}}}])"));
    if (c.expected)
      EXPECT_EQ(b.at("tool_choice"), json::parse(c.expected)) << c.expected;
    else
      EXPECT_FALSE(b.as_object().contains("tool_choice"));
  }
}

TEST(AnthropicRequest, ToolResultsMergeIntoOneUserTurnResultsFirst) {
  ir::ChatRequest r = UserSays("Weather and time?");
  r.messages.push_back(
      {ir::Role::kAssistant,
       {ir::ContentPart::Text(""), ir::ContentPart::ToolCall("toolu_A", "get_weather", ""),
        ir::ContentPart::ToolCall("toolu_B", "get_time", R"({"tz":"CET"})")},
       ""});
  ir::ContentPart a, b;
  a.kind = b.kind = ir::PartKind::kToolResult;
  a.id = "toolu_A";
  a.parts = {ir::ContentPart::Text("18C")};
  b.id = "toolu_B";
  b.parts = {ir::ContentPart::Text("12:00"), ir::ContentPart::Text("CET")};
  b.is_error = true;
  r.messages.push_back({ir::Role::kTool, {a}, ""});
  r.messages.push_back(
      {ir::Role::kUser, {ir::ContentPart::Text("Thanks")}, ""});  // text before results…
  r.messages.push_back({ir::Role::kTool, {b}, ""});               // …is moved after them
  EXPECT_EQ(Body(r).at("messages"), json::parse(R"([
    {"role":"user","content":"Weather and time?"},
    {"role":"assistant","content":[
      {"type":"tool_use","id":"toolu_A","name":"get_weather","input":{}},
      {"type":"tool_use","id":"toolu_B","name":"get_time","input":{"tz":"CET"}}]},
    {"role":"user","content":[
      {"type":"tool_result","tool_use_id":"toolu_A","content":"18C"},
      {"type":"tool_result","tool_use_id":"toolu_B","content":[{"type":"text","text":"12:00"},{"type":"text","text":"CET"}],"is_error":true},
      {"type":"text","text":"Thanks"}]}])"));
}

TEST(AnthropicRequest, SystemHoistedImagesAndThinkingHistory) {
  ir::ChatRequest r;
  r.system = {ir::ContentPart::Text("Be brief.")};
  ir::ContentPart png, url;
  png.kind = url.kind = ir::PartKind::kImage;
  png.media_type = "image/png";
  png.data = "iVBORw0K";
  png.detail = "high";  // no Anthropic equivalent: dropped
  url.url = "https://example.com/a.jpg";
  r.messages.push_back({ir::Role::kUser, {ir::ContentPart::Text("What is this?"), png, url}, ""});
  r.messages.push_back(
      {ir::Role::kAssistant,
       {ir::ContentPart::Reasoning("Looks like a cat.", "sig=="), ir::ContentPart::Text("A cat.")},
       ""});
  r.messages.push_back({ir::Role::kSystem, {ir::ContentPart::Text("Now answer in French.")}, ""});
  r.messages.push_back({ir::Role::kUser, {ir::ContentPart::Text("Sure?")}, ""});
  json::value b = Body(r);
  EXPECT_EQ(
      b.at("system"),
      json::parse(
          R"([{"type":"text","text":"Be brief."},{"type":"text","text":"Now answer in French."}])"));
  EXPECT_EQ(b.at("messages"), json::parse(R"([
    {"role":"user","content":[{"type":"text","text":"What is this?"},
      {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0K"}},
      {"type":"image","source":{"type":"url","url":"https://example.com/a.jpg"}}]},
    {"role":"assistant","content":[{"type":"thinking","thinking":"Looks like a cat.","signature":"sig=="},
      {"type":"text","text":"A cat."}]},
    {"role":"user","content":"Sure?"}])"));
}

TEST(AnthropicRequest, ResponseFormatAndExtras) {
  ir::ChatRequest r = UserSays("Hi");
  r.response_format = {ir::ResponseFormatKind::kJsonSchema, "w", "",
                       R"({"type":"object","properties":{}})", true};
  r.extra = {{"logit_bias", R"({"1":2})"}};  // an OpenAI-only member: not for Anthropic
  json::value b = Body(r);
  EXPECT_EQ(b.at("output_config"),
            json::parse(
                R"({"format":{"type":"json_schema","schema":{"type":"object","properties":{}}}})"));
  EXPECT_FALSE(b.as_object().contains("logit_bias"));

  r.source = ir::Dialect::kAnthropicMessages;  // the same dialect: unmodelled members go through
  r.extra = {{"service_tier", R"("standard_only")"}};
  EXPECT_EQ(Body(r).at("service_tier"), "standard_only");
}

TEST(AnthropicRequest, UntranslatableRequestsAre400) {
  ir::ChatRequest r = UserSays("Hi");
  r.n = 2;
  EXPECT_EQ(Rejected(r).param, "n");

  ir::ChatRequest audio = UserSays("Listen");
  ir::ContentPart clip;
  clip.kind = ir::PartKind::kAudio;
  clip.data = "AAAA";
  clip.media_type = "wav";
  audio.messages[0].parts.push_back(clip);
  EXPECT_EQ(Rejected(audio).Status(), 400);

  ir::ChatRequest bmp = UserSays("Look");
  ir::ContentPart img;
  img.kind = ir::PartKind::kImage;
  img.media_type = "image/bmp";
  img.data = "Qk0=";
  bmp.messages[0].parts.push_back(img);
  EXPECT_NE(Rejected(bmp).message.find("image/bmp"), std::string::npos);

  ir::ChatRequest bad_args = UserSays("Hi");
  bad_args.messages.push_back(
      {ir::Role::kAssistant, {ir::ContentPart::ToolCall("c1", "f", "{not json")}, ""});
  core::Error e = Rejected(bad_args);
  EXPECT_EQ(e.code, core::ErrorCode::kInvalidRequest);
  EXPECT_EQ(e.param, "messages[1]");
  bad_args.messages[1].parts[0].arguments = "[1,2]";  // valid JSON but not an object
  EXPECT_EQ(Rejected(bad_args).param, "messages[1]");
}

}  // namespace
}  // namespace sluice::provider
