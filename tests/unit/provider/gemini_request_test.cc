// Fixture tests of IR → Gemini generateContent requests (reference §4.1, §8.1–§8.4): a full
// conversation decoded from an OpenAI Chat body, schemas, thinking, thought signatures, refusals,
// and the Developer API / Vertex paths and headers.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "dialect/openai_chat.h"
#include "provider/gemini.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;

constexpr std::string_view kKey = "AIzaSyD-secret-key-0123456789abcdefghij";

json::value Body(const ir::ChatRequest& req, std::string_view model = "gemini-2.5-flash") {
  auto body = GeminiAdapter::EncodeBody(req, {.model = model, .api_key = kKey});
  EXPECT_TRUE(body.ok()) << body.error().message;
  return body.ok() ? json::parse(*body) : json::value();
}

ir::ChatRequest FromOpenAi(std::string_view body) {
  auto ir = dialect::DecodeOpenAiChatRequest(body);
  EXPECT_TRUE(ir.ok()) << ir.error().message;
  return ir.ok() ? *ir : ir::ChatRequest{};
}

TEST(GeminiRequest, FullConversationFromOpenAi) {
  ir::ChatRequest req = FromOpenAi(R"({
    "model":"smart",
    "messages":[
      {"role":"system","content":"You are a weather bot."},
      {"role":"user","content":[{"type":"text","text":"Weather in Paris? See the photo."},
        {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
        {"type":"image_url","image_url":{"url":"gs://bucket/sky.JPG"}}]},
      {"role":"assistant","content":"Checking.","tool_calls":[
        {"id":"call_A","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
        {"id":"call_B","type":"function","function":{"name":"get_time","arguments":""}}]},
      {"role":"tool","tool_call_id":"call_B","content":"12:00"},
      {"role":"tool","tool_call_id":"call_A","content":"{\"temp_c\":21}"},
      {"role":"user","content":"And tomorrow?"},
      {"role":"developer","content":"Answer in French."}
    ],
    "tools":[
      {"type":"function","function":{"name":"get_weather","description":"Current weather","strict":true,
        "parameters":{"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
          "properties":{"city":{"type":"string","description":"City"},
                        "unit":{"type":["string","null"],"enum":["C","F"]},
                        "days":{"type":"integer","format":"int32","minimum":1},
                        "email":{"type":"string","format":"email"}},
          "required":["city"],"additionalProperties":false}}},
      {"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{}}}}],
    "tool_choice":{"type":"function","function":{"name":"get_weather"}},
    "parallel_tool_calls":false,
    "max_completion_tokens":1024,"temperature":1.5,"top_p":0.9,"stop":["END","###"],"seed":7,
    "presence_penalty":0.5,"frequency_penalty":0.25,
    "response_format":{"type":"json_schema","json_schema":{"name":"w","schema":
      {"type":"object","properties":{"summary":{"type":"string"}},"required":["summary"],"additionalProperties":false}}},
    "reasoning_effort":"low",
    "user":"u-1"
  })");
  EXPECT_EQ(Body(req), json::parse(R"({
    "systemInstruction":{"parts":[{"text":"You are a weather bot."},{"text":"Answer in French."}]},
    "contents":[
      {"role":"user","parts":[{"text":"Weather in Paris? See the photo."},
        {"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}},
        {"fileData":{"mimeType":"image/jpeg","fileUri":"gs://bucket/sky.JPG"}}]},
      {"role":"model","parts":[{"text":"Checking."},
        {"functionCall":{"name":"get_weather","args":{"city":"Paris"}}},
        {"functionCall":{"name":"get_time","args":{}}}]},
      {"role":"user","parts":[
        {"functionResponse":{"name":"get_time","response":{"output":"12:00"}}},
        {"functionResponse":{"name":"get_weather","response":{"temp_c":21}}},
        {"text":"And tomorrow?"}]}],
    "tools":[{"functionDeclarations":[
      {"name":"get_weather","description":"Current weather","parameters":{"type":"OBJECT",
        "properties":{"city":{"type":"STRING","description":"City"},
                      "unit":{"type":"STRING","nullable":true,"enum":["C","F"]},
                      "days":{"type":"INTEGER","format":"int32","minimum":1},
                      "email":{"type":"STRING"}},
        "required":["city"]}},
      {"name":"get_time"}]}],
    "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["get_weather"]}},
    "generationConfig":{"stopSequences":["END","###"],"maxOutputTokens":1024,"temperature":1.5,
      "topP":0.9,"seed":7,"presencePenalty":0.5,"frequencyPenalty":0.25,
      "responseMimeType":"application/json",
      "responseSchema":{"type":"OBJECT","properties":{"summary":{"type":"STRING"}},"required":["summary"]},
      "thinkingConfig":{"thinkingBudget":1024,"includeThoughts":true}}
  })"));
}

TEST(GeminiRequest, SchemasGeminiCannotExpressGoVerbatimAsJsonSchema) {
  ir::ChatRequest req;
  req.messages.push_back({ir::Role::kUser, {ir::ContentPart::Text("hi")}, {}});
  const char* with_ref =
      R"({"type":"object","properties":{"a":{"$ref":"#/$defs/A"}},"$defs":{"A":{"type":"string"}}})";
  const char* free_form =
      R"({"type":"object","properties":{"tags":{"type":"object","additionalProperties":{"type":"string"}}}})";
  req.tools = {{"refs", "", with_ref, std::nullopt}, {"map", "", free_form, std::nullopt}};
  req.tool_choice.kind = ir::ToolChoiceKind::kRequired;
  req.response_format.kind = ir::ResponseFormatKind::kJsonObject;
  json::value body = Body(req);
  const json::array& decls = body.at("tools").at(0).at("functionDeclarations").as_array();
  EXPECT_EQ(decls[0].at("parametersJsonSchema"), json::parse(with_ref));
  EXPECT_FALSE(decls[0].as_object().contains("parameters"));
  EXPECT_EQ(decls[1].at("parametersJsonSchema"), json::parse(free_form));
  EXPECT_EQ(body.at("toolConfig"), json::parse(R"({"functionCallingConfig":{"mode":"ANY"}})"));
  EXPECT_EQ(body.at("generationConfig"), json::parse(R"({"responseMimeType":"application/json"})"));

  req.response_format.kind = ir::ResponseFormatKind::kJsonSchema;
  req.response_format.schema =
      R"({"anyOf":[{"type":"string"},{"type":"integer"}],"not":{"const":"x"}})";
  EXPECT_EQ(Body(req).at("generationConfig").at("responseJsonSchema"),
            json::parse(req.response_format.schema));
  req.response_format.schema =
      R"({"type":"array","items":{"oneOf":[{"type":"string"},{"type":"number"}]}})";
  EXPECT_EQ(
      Body(req).at("generationConfig").at("responseSchema"),
      json::parse(R"({"type":"ARRAY","items":{"anyOf":[{"type":"STRING"},{"type":"NUMBER"}]}})"));
}

TEST(GeminiRequest, ThinkingFromEffortAndBudget) {
  ir::ChatRequest req;
  req.messages.push_back({ir::Role::kUser, {ir::ContentPart::Text("hi")}, {}});
  EXPECT_FALSE(Body(req).as_object().contains("generationConfig"));  // model default
  req.temperature = 2.5;  // an Anthropic or OpenAI-compatible client may send more than Gemini's 2
  EXPECT_EQ(Body(req).at("generationConfig"), json::parse(R"({"temperature":2.0})"));
  req.temperature.reset();
  req.reasoning_effort = "none";
  EXPECT_EQ(Body(req).at("generationConfig"),
            json::parse(R"({"thinkingConfig":{"thinkingBudget":0}})"));
  req.reasoning_effort = "high";
  EXPECT_EQ(Body(req).at("generationConfig").at("thinkingConfig").at("thinkingBudget"), 24576);
  req.reasoning_budget = 3000;  // an explicit budget (Anthropic clients) wins
  EXPECT_EQ(Body(req).at("generationConfig"),
            json::parse(R"({"thinkingConfig":{"thinkingBudget":3000,"includeThoughts":true}})"));
}

TEST(GeminiRequest, ThoughtSignaturesRoundTripAndForeignOnesAreDropped) {
  ir::ChatRequest req;
  req.messages.push_back({ir::Role::kUser, {ir::ContentPart::Text("weather?")}, {}});
  ir::Message answer{ir::Role::kAssistant, {}, {}};
  answer.parts.push_back(ir::ContentPart::Reasoning("Let me think.", "gemini:c2lnMQ=="));
  answer.parts.push_back(ir::ContentPart::Reasoning("", "gemini:c2lnMg=="));
  answer.parts.push_back(ir::ContentPart::ToolCall("call_0_get_weather", "get_weather", "{}"));
  answer.parts.push_back(ir::ContentPart::Reasoning("Claude thinking", "EqQBCkYIARgC"));
  answer.parts.push_back(ir::ContentPart::Text("Done."));
  answer.parts.push_back(ir::ContentPart::Reasoning("", "gemini:c2lnMw=="));
  req.messages.push_back(answer);
  EXPECT_EQ(Body(req).at("contents").at(1), json::parse(R"({"role":"model","parts":[
      {"text":"Let me think.","thought":true,"thoughtSignature":"c2lnMQ=="},
      {"functionCall":{"name":"get_weather","args":{}},"thoughtSignature":"c2lnMg=="},
      {"text":"Done."},
      {"text":"","thoughtSignature":"c2lnMw=="}]})"));
}

TEST(GeminiRequest, Gemini3HistoryWithoutSignaturesGetsTheDocumentedPlaceholder) {
  ir::ChatRequest req;
  req.messages.push_back({ir::Role::kUser, {ir::ContentPart::Text("weather?")}, {}});
  req.messages.push_back({ir::Role::kAssistant,
                          {ir::ContentPart::ToolCall("toolu_1", "a", "{}"),
                           ir::ContentPart::ToolCall("toolu_2", "b", "{}")},
                          {}});
  ir::ContentPart result;
  result.kind = ir::PartKind::kToolResult;
  result.id = "toolu_2";
  result.is_error = true;
  result.parts = {ir::ContentPart::Text("timeout")};
  req.messages.push_back({ir::Role::kTool, {result}, {}});
  json::value body = Body(req, "models/gemini-3-pro-preview");
  EXPECT_EQ(body.at("contents").at(1), json::parse(R"({"role":"model","parts":[
      {"functionCall":{"name":"a","args":{}},"thoughtSignature":"skip_thought_signature_validator"},
      {"functionCall":{"name":"b","args":{}}}]})"));
  EXPECT_EQ(body.at("contents").at(2), json::parse(R"({"role":"user","parts":[
      {"functionResponse":{"name":"b","response":{"error":"timeout"}}}]})"));
  // Gemini 2.5 needs no placeholder.
  EXPECT_FALSE(
      Body(req).at("contents").at(1).at("parts").at(0).as_object().contains("thoughtSignature"));
}

TEST(GeminiRequest, RefusesWhatGeminiCannotHonour) {
  ir::ChatRequest ok;
  ok.messages.push_back({ir::Role::kUser, {ir::ContentPart::Text("hi")}, {}});
  auto refused = [&](ir::ChatRequest req, std::string_view param) {
    GeminiAdapter adapter;
    auto r = adapter.BuildRequest(req, {.model = "gemini-2.5-flash", .api_key = kKey});
    ASSERT_FALSE(r.ok()) << param;
    EXPECT_EQ(r.error().code, core::ErrorCode::kInvalidRequest);
    EXPECT_EQ(r.error().Status(), 400);
    EXPECT_EQ(r.error().param.substr(0, param.size()), param);
    EXPECT_EQ(r.error().message.find(kKey), std::string::npos);
  };
  ir::ChatRequest r = ok;
  r.n = 2;
  refused(r, "n");
  r = ok;
  r.stop = {"a", "b", "c", "d", "e", "f"};
  refused(r, "stop");
  r = ok;
  ir::ContentPart image;
  image.kind = ir::PartKind::kImage;
  image.url = "http://example.com/cat.png";
  r.messages[0].parts.push_back(image);
  refused(r, "messages[0]");
  r = ok;
  ir::ContentPart orphan;
  orphan.kind = ir::PartKind::kToolResult;
  orphan.id = "call_unknown";
  r.messages.push_back({ir::Role::kTool, {orphan}, {}});
  refused(r, "messages[1]");
  r = ok;
  r.messages.push_back({ir::Role::kAssistant, {ir::ContentPart::ToolCall("c", "f", "[1]")}, {}});
  refused(r, "messages[1]");
  r = ok;
  r.messages.clear();
  refused(r, "messages");
}

TEST(GeminiRequest, DeveloperApiPathAndHeaders) {
  GeminiAdapter adapter;
  ir::ChatRequest req;
  req.messages.push_back({ir::Role::kUser, {ir::ContentPart::Text("hi")}, {}});
  auto r = adapter.BuildRequest(
      req, {.model = "models/gemini-2.5-flash", .api_key = kKey, .path_prefix = "/google"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->path, "/google/v1beta/models/gemini-2.5-flash:generateContent");
  EXPECT_EQ(r->headers, (std::vector<Header>{{"content-type", "application/json"},
                                             {"x-goog-api-key", std::string(kKey)}}));
  EXPECT_FALSE(r->stream);
  EXPECT_EQ(r->path.find(kKey), std::string::npos);  // never the legacy ?key= parameter
  req.stream = true;
  r = adapter.BuildRequest(req, {.model = "gemini-2.5-flash", .api_key = kKey});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->path, "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
  EXPECT_TRUE(r->stream);
  EXPECT_EQ(r->body.find("\"stream\""), std::string::npos);  // Gemini streams by method, not flag
  // A model name that would change the URL is refused, without the key in the message.
  auto bad = adapter.BuildRequest(req, {.model = "x/../../v1/files?", .api_key = kKey});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().Status(), 400);
  EXPECT_EQ(bad.error().message.find(kKey), std::string::npos);
}

TEST(GeminiRequest, VertexPathsAndAuthentication) {
  ir::ChatRequest req;
  req.messages.push_back({ir::Role::kUser, {ir::ContentPart::Text("hi")}, {}});
  req.stream = true;
  GeminiAdapter vertex({.vertex = true, .project = "my-proj", .location = "us-central1"});
  EXPECT_EQ(vertex.options().api_version, "v1");
  EXPECT_EQ(vertex.Name(), "vertex");
  auto r = vertex.BuildRequest(req, {.model = "gemini-2.5-pro", .api_key = "ya29.token"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->path,
            "/v1/projects/my-proj/locations/us-central1/publishers/google/models/"
            "gemini-2.5-pro:streamGenerateContent?alt=sse");
  EXPECT_EQ(r->headers[1], (Header{"authorization", "Bearer ya29.token"}));

  GeminiAdapter keyed({.vertex = true,
                       .project = "p",
                       .location = "global",
                       .api_version = "v1beta1",
                       .vertex_key_is_access_token = false});
  req.stream = false;
  r = keyed.BuildRequest(req,
                         {.model = "publishers/google/models/gemini-2.5-pro", .api_key = kKey});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->path,
            "/v1beta1/projects/p/locations/global/publishers/google/models/"
            "gemini-2.5-pro:generateContent");
  EXPECT_EQ(r->headers[1], (Header{"x-goog-api-key", std::string(kKey)}));

  GeminiAdapter express({.vertex = true, .vertex_key_is_access_token = false});
  r = express.BuildRequest(req, {.model = "gemini-2.5-flash", .api_key = kKey});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->path, "/v1/publishers/google/models/gemini-2.5-flash:generateContent");

  GeminiAdapter broken({.vertex = true, .project = "p"});  // no location
  auto e = broken.BuildRequest(req, {.model = "gemini-2.5-flash", .api_key = "ya29.token"});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().Status(), 500);
  EXPECT_EQ(e.error().message.find("ya29"), std::string::npos);
}

}  // namespace
}  // namespace sluice::provider
