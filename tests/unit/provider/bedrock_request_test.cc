// Fixture tests of IR → Bedrock Converse requests (reference §5.1, §5.6, mapping §8.1–§8.4): paths,
// signed headers (against a signature computed independently with openssl), a full conversation
// with tools, images and reasoning, parameters, tool choice and refusals.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "provider/bedrock.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;
using namespace std::chrono;

constexpr std::string_view kModel = "anthropic.claude-3-5-sonnet-20240620-v1:0";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kToken = "IQoJb3JpZ2luX2VjEXAMPLETOKEN//////////wEaCXVzLWVhc3QtMQ==";

BedrockOptions Options(std::string token = {}) {
  return {.region = "us-east-1",
          .access_key_id = "AKIDEXAMPLE",
          .secret_access_key = std::string(kSecret),
          .session_token = std::move(token),
          .host = {}};
}

Target MakeTarget(std::string_view model = kModel) {
  Target t;
  t.model = model;
  t.now = sys_days(year(2025) / January / 1) + hours(12);
  return t;
}

ir::ChatRequest UserSays(std::string text) {
  ir::ChatRequest r;
  r.model = "smart";
  r.messages.push_back({ir::Role::kUser, {ir::ContentPart::Text(std::move(text))}, ""});
  return r;
}

json::value Body(const ir::ChatRequest& r, const Target& t = MakeTarget()) {
  auto body = BedrockAdapter::EncodeBody(r, t);
  EXPECT_TRUE(body.ok()) << (body.ok() ? "" : body.error().message);
  return body.ok() ? json::parse(*body) : json::value();
}

core::Error Rejected(const ir::ChatRequest& r, const Target& t = MakeTarget()) {
  auto body = BedrockAdapter::EncodeBody(r, t);
  EXPECT_FALSE(body.ok());
  return body.ok() ? core::Error{} : body.error();
}

// The signatures were computed with openssl from the canonical request; the commands are recorded
// in aws_sigv4_test.cc (BedrockConverseDoubleEncodesThePath).
TEST(BedrockRequest, SignedConverseRequest) {
  BedrockAdapter adapter(Options());
  EXPECT_EQ(adapter.host(), "bedrock-runtime.us-east-1.amazonaws.com");
  auto req = adapter.BuildRequest(UserSays("Hello"), MakeTarget());
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->method, "POST");
  EXPECT_EQ(req->path, "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse");
  EXPECT_FALSE(req->stream);
  EXPECT_EQ(req->body, R"({"messages":[{"role":"user","content":[{"text":"Hello"}]}]})");
  EXPECT_EQ(req->headers,
            (std::vector<Header>{
                {"content-type", "application/json"},
                {"accept", "application/json"},
                {"host", "bedrock-runtime.us-east-1.amazonaws.com"},
                {"x-amz-date", "20250101T120000Z"},
                {"authorization",
                 "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/bedrock/aws4_request, "
                 "SignedHeaders=content-type;host;x-amz-date, "
                 "Signature=b6413acbd86030453e2c73a069757e87c1545c24e476bcf10f771bb978fda77e"}}));
}

TEST(BedrockRequest, SessionTokenAndStreamPath) {
  BedrockAdapter adapter(Options(std::string(kToken)));
  auto req = adapter.BuildRequest(UserSays("Hello"), MakeTarget());
  ASSERT_TRUE(req.ok());
  ASSERT_EQ(req->headers.size(), 6u);
  EXPECT_EQ(req->headers[4], (Header{"x-amz-security-token", std::string(kToken)}));
  EXPECT_EQ(req->headers[5].value,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/bedrock/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "
            "Signature=ffafdc46b1d8935c002efb1dfa99eeee09e345783d05eadfb63905fb688ac2f7");
  for (const Header& h : req->headers)
    EXPECT_EQ(h.value.find(kSecret), std::string::npos) << h.name;

  ir::ChatRequest r = UserSays("Hello");
  r.stream = true;
  Target t = MakeTarget(
      "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-v1:0");
  t.path_prefix = "/proxy";
  auto s = adapter.BuildRequest(r, t);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->stream);
  EXPECT_EQ(s->path,
            "/proxy/model/"
            "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic."
            "claude-v1%3A0/converse-stream");
  EXPECT_EQ(s->headers[1], (Header{"accept", "application/vnd.amazon.eventstream"}));
  EXPECT_EQ(s->body, req->body);  // streaming is chosen by the path, not the body
}

TEST(BedrockRequest, CustomHostApiKeyAndUnsigned) {
  BedrockOptions o{.region = "eu-west-1",
                   .access_key_id = {},
                   .secret_access_key = {},
                   .session_token = {},
                   .host = "vpce-1.bedrock-runtime.eu-west-1.vpce.amazonaws.com"};
  BedrockAdapter keyed(o);
  Target t = MakeTarget();
  t.api_key = "bedrock-api-key-123";
  auto req = keyed.BuildRequest(UserSays("Hi"), t);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->headers[2],
            (Header{"host", "vpce-1.bedrock-runtime.eu-west-1.vpce.amazonaws.com"}));
  EXPECT_EQ(req->headers[3], (Header{"authorization", "Bearer bedrock-api-key-123"}));
  auto unsigned_req = keyed.BuildRequest(UserSays("Hi"), MakeTarget());
  ASSERT_TRUE(unsigned_req.ok());
  EXPECT_EQ(unsigned_req->headers.size(), 3u);  // content-type, accept, host
}

TEST(BedrockRequest, SignatureDependsOnBodyAndTime) {
  BedrockAdapter adapter(Options());
  auto a = adapter.BuildRequest(UserSays("Hello"), MakeTarget());
  auto b = adapter.BuildRequest(UserSays("Hello!"), MakeTarget());
  Target later = MakeTarget();
  later.now += seconds(1);
  auto c = adapter.BuildRequest(UserSays("Hello"), later);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_NE(a->headers.back().value, b->headers.back().value);
  EXPECT_NE(a->headers.back().value, c->headers.back().value);
  EXPECT_EQ(c->headers[3].value, "20250101T120001Z");
}

ir::ContentPart Image(std::string media_type, std::string data) {
  ir::ContentPart p;
  p.kind = ir::PartKind::kImage;
  p.media_type = std::move(media_type);
  p.data = std::move(data);
  return p;
}

ir::ContentPart ToolResult(std::string id, std::vector<ir::ContentPart> parts,
                           bool is_error = false) {
  ir::ContentPart p;
  p.kind = ir::PartKind::kToolResult;
  p.id = std::move(id);
  p.parts = std::move(parts);
  p.is_error = is_error;
  return p;
}

TEST(BedrockRequest, FullConversationWithToolsImagesAndReasoning) {
  ir::ChatRequest r;
  r.system = {ir::ContentPart::Text("You are terse."), ir::ContentPart::Text("")};
  r.messages.push_back({ir::Role::kUser,
                        {ir::ContentPart::Text("What is here?"), Image("image/png", "iVBORw0=")},
                        ""});
  r.messages.push_back(
      {ir::Role::kUser, {ir::ContentPart::Text("And the weather?")}, ""});  // merged
  r.messages.push_back({ir::Role::kSystem, {ir::ContentPart::Text("Use metric units.")}, ""});
  r.messages.push_back(
      {ir::Role::kAssistant,
       {ir::ContentPart::Reasoning("Need weather.", "sig-1"), ir::ContentPart::Text(""),
        ir::ContentPart::ToolCall("tooluse_1", "get_weather", R"({"city":"Paris"})"),
        ir::ContentPart::ToolCall("tooluse_2", "get_time", "")},
       ""});
  r.messages.push_back(
      {ir::Role::kTool, {ToolResult("tooluse_1", {ir::ContentPart::Text("18C")})}, ""});
  r.messages.push_back({ir::Role::kTool, {ToolResult("tooluse_2", {}, /*is_error=*/true)}, ""});
  r.messages.push_back({ir::Role::kUser, {ir::ContentPart::Text("Thanks")}, ""});
  r.tools = {{"get_weather",
              "Weather by city",
              R"({"type":"object","properties":{"city":{"type":"string"}}})",
              {}}};
  r.tool_choice = {ir::ToolChoiceKind::kAuto, ""};
  r.max_tokens = 512;
  r.temperature = 1.7;
  r.top_p = 0.9;
  r.top_k = 40;
  r.stop = {"END"};
  r.seed = 7;
  r.user = "user-42";

  EXPECT_EQ(Body(r), json::parse(R"j({
    "messages":[
      {"role":"user","content":[{"text":"What is here?"},{"image":{"format":"png","source":{"bytes":"iVBORw0="}}},
                                {"text":"And the weather?"}]},
      {"role":"assistant","content":[
        {"reasoningContent":{"reasoningText":{"text":"Need weather.","signature":"sig-1"}}},
        {"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"city":"Paris"}}},
        {"toolUse":{"toolUseId":"tooluse_2","name":"get_time","input":{}}}]},
      {"role":"user","content":[
        {"toolResult":{"toolUseId":"tooluse_1","content":[{"text":"18C"}],"status":"success"}},
        {"toolResult":{"toolUseId":"tooluse_2","content":[{"text":"(no output)"}],"status":"error"}},
        {"text":"Thanks"}]}],
    "system":[{"text":"You are terse."},{"text":"Use metric units."}],
    "inferenceConfig":{"maxTokens":512,"temperature":1.0,"topP":0.9,"stopSequences":["END"]},
    "toolConfig":{"tools":[
        {"toolSpec":{"name":"get_weather","description":"Weather by city",
                     "inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"}}}}}},
        {"toolSpec":{"name":"get_time","description":"A tool used earlier in this conversation.",
                     "inputSchema":{"json":{"type":"object"}}}}],
      "toolChoice":{"auto":{}}},
    "additionalModelRequestFields":{"top_k":40},
    "additionalModelResponseFieldPaths":["/stop_sequence"],
    "requestMetadata":{"user":"user-42"}})j"));
}

TEST(BedrockRequest, ToolResultsLeadTheirUserTurnAndCarryImages) {
  ir::ChatRequest r;
  r.messages.push_back({ir::Role::kAssistant, {ir::ContentPart::ToolCall("t1", "shot", "{}")}, ""});
  r.messages.push_back({ir::Role::kUser, {ir::ContentPart::Text("look:")}, ""});
  r.messages.push_back(
      {ir::Role::kTool,
       {ToolResult("t1", {ir::ContentPart::Text("ok"), Image("image/jpeg", "AA==")})},
       ""});
  json::value body = Body(r);
  EXPECT_EQ(body.at("messages").at(1), json::parse(R"({"role":"user","content":[
              {"toolResult":{"toolUseId":"t1","content":[{"text":"ok"},
                 {"image":{"format":"jpeg","source":{"bytes":"AA=="}}}],"status":"success"}},
              {"text":"look:"}]})"));
}

TEST(BedrockRequest, ToolChoiceMapping) {
  ir::ChatRequest r = UserSays("Hi");
  r.tools = {{"f", "", "", {}}};
  EXPECT_EQ(
      Body(r).at("toolConfig"),
      json::parse(
          R"({"tools":[{"toolSpec":{"name":"f","inputSchema":{"json":{"type":"object","properties":{}}}}}]})"));
  r.tool_choice = {ir::ToolChoiceKind::kRequired, ""};
  EXPECT_EQ(Body(r).at("toolConfig").at("toolChoice"), json::parse(R"({"any":{}})"));
  r.tool_choice = {ir::ToolChoiceKind::kSpecific, "f"};
  EXPECT_EQ(Body(r).at("toolConfig").at("toolChoice"), json::parse(R"({"tool":{"name":"f"}})"));
  // none: no toolConfig at all…
  r.tool_choice = {ir::ToolChoiceKind::kNone, ""};
  EXPECT_FALSE(Body(r).as_object().contains("toolConfig"));
  // …unless the history holds tool blocks, which Bedrock refuses without toolConfig: tools kept, no
  // toolChoice.
  r.messages.push_back({ir::Role::kAssistant, {ir::ContentPart::ToolCall("t1", "f", "{}")}, ""});
  r.messages.push_back({ir::Role::kTool, {ToolResult("t1", {ir::ContentPart::Text("done")})}, ""});
  json::value body = Body(r);
  ASSERT_TRUE(body.as_object().contains("toolConfig"));
  EXPECT_FALSE(body.at("toolConfig").as_object().contains("toolChoice"));
  EXPECT_EQ(body.at("toolConfig").at("tools").as_array().size(), 1u);
}

TEST(BedrockRequest, ThinkingForAnthropicModels) {
  ir::ChatRequest r = UserSays("Think");
  r.reasoning_effort = "medium";
  r.temperature = 0.3;
  r.top_k = 5;
  r.top_p = 0.5;
  json::value body = Body(r);
  EXPECT_EQ(body.at("additionalModelRequestFields"),
            json::parse(R"({"thinking":{"type":"enabled","budget_tokens":8192}})"));
  EXPECT_EQ(body.at("inferenceConfig"),
            json::parse(R"({"maxTokens":12288,"topP":0.95})"));  // 4096 + budget

  r.reasoning_effort.clear();
  r.reasoning_budget = 3000;
  r.max_tokens = 2000;  // budget capped below max_tokens
  EXPECT_EQ(Body(r).at("additionalModelRequestFields").at("thinking").at("budget_tokens"), 1999);
  r.max_tokens = 1000;  // below Anthropic's 1024 minimum: no thinking, plain sampling parameters
  json::value plain = Body(r);
  EXPECT_EQ(plain.at("additionalModelRequestFields"), json::parse(R"({"top_k":5})"));
  EXPECT_EQ(plain.at("inferenceConfig"),
            json::parse(R"({"maxTokens":1000,"temperature":0.3,"topP":0.5})"));

  // Other families: no Anthropic thinking; OpenAI open-weight models take reasoning_effort.
  ir::ChatRequest o = UserSays("Think");
  o.reasoning_effort = "high";
  EXPECT_FALSE(Body(o, MakeTarget("meta.llama3-70b-instruct-v1:0"))
                   .as_object()
                   .contains("additionalModelRequestFields"));
  EXPECT_EQ(Body(o, MakeTarget("openai.gpt-oss-120b-1:0")).at("additionalModelRequestFields"),
            json::parse(R"({"reasoning_effort":"high"})"));
}

TEST(BedrockRequest, MaxTokensFromTargetAndOtherFields) {
  ir::ChatRequest r = UserSays("Hi");
  Target t = MakeTarget("amazon.nova-pro-v1:0");
  EXPECT_FALSE(Body(r, t).as_object().contains("inferenceConfig"));  // the model's default
  t.default_max_tokens = 1234;
  EXPECT_EQ(Body(r, t).at("inferenceConfig"), json::parse(R"({"maxTokens":1234})"));
  r.stop = {"x"};
  EXPECT_FALSE(
      Body(r, t).as_object().contains("additionalModelResponseFieldPaths"));  // Anthropic only
  r.user = "bad<user>";  // outside requestMetadata's pattern: dropped rather than refused
  EXPECT_FALSE(Body(r, t).as_object().contains("requestMetadata"));
  r.response_format.kind = ir::ResponseFormatKind::kJsonSchema;
  r.response_format.name = "answer";
  r.response_format.schema = R"({"type":"object"})";
  EXPECT_EQ(Body(r, t).at("outputConfig"),
            json::parse(R"({"textFormat":{"type":"json_schema","structure":{"jsonSchema":
                           {"schema":"{\"type\":\"object\"}","name":"answer"}}}})"));
}

TEST(BedrockRequest, DocumentsRedactedReasoningAndUnsignedReasoning) {
  ir::ContentPart pdf;
  pdf.kind = ir::PartKind::kFile;
  pdf.media_type = "application/pdf";
  pdf.data = "JVBERi0=";
  pdf.name = "Q3 report_final.v2.pdf";
  ir::ContentPart unnamed = pdf;
  unnamed.name.clear();
  unnamed.media_type = "text/csv";
  ir::ChatRequest r;
  r.messages.push_back({ir::Role::kUser, {pdf, unnamed}, ""});
  ir::ContentPart redacted;
  redacted.kind = ir::PartKind::kRedactedReasoning;
  redacted.data = "ZW5jcnlwdGVk";
  r.messages.push_back(
      {ir::Role::kAssistant,
       {redacted, ir::ContentPart::Reasoning("from elsewhere", ""), ir::ContentPart::Text("ok")},
       ""});
  json::value body = Body(r);
  EXPECT_EQ(
      body.at("messages").at(0).at("content"),
      json::parse(
          R"([{"document":{"format":"pdf","name":"Q3 report-final-v2","source":{"bytes":"JVBERi0="}}},
                            {"document":{"format":"csv","name":"document-2","source":{"bytes":"JVBERi0="}}}])"));
  EXPECT_EQ(
      body.at("messages").at(1).at("content"),
      json::parse(R"([{"reasoningContent":{"redactedContent":"ZW5jcnlwdGVk"}},{"text":"ok"}])"));
}

TEST(BedrockRequest, Refusals) {
  ir::ChatRequest r = UserSays("Hi");
  r.n = 2;
  EXPECT_EQ(Rejected(r).param, "n");

  ir::ChatRequest url = UserSays("Hi");
  ir::ContentPart img;
  img.kind = ir::PartKind::kImage;
  img.url = "https://example.com/cat.png";
  url.messages[0].parts.push_back(img);
  core::Error e = Rejected(url);
  EXPECT_EQ(e.code, core::ErrorCode::kInvalidRequest);
  EXPECT_EQ(e.Status(), 400);
  EXPECT_NE(e.message.find("cannot fetch images by URL"), std::string::npos);
  EXPECT_EQ(e.param, "messages[0]");

  ir::ChatRequest bmp = UserSays("Hi");
  bmp.messages[0].parts.push_back(Image("image/bmp", "AA=="));
  EXPECT_NE(Rejected(bmp).message.find("'image/bmp'"), std::string::npos);

  ir::ChatRequest audio = UserSays("Hi");
  ir::ContentPart a;
  a.kind = ir::PartKind::kAudio;
  audio.messages[0].parts.push_back(a);
  EXPECT_NE(Rejected(audio).message.find("Audio"), std::string::npos);

  ir::ChatRequest file_id = UserSays("Hi");
  ir::ContentPart f;
  f.kind = ir::PartKind::kFile;
  f.id = "file-abc";
  file_id.messages[0].parts.push_back(f);
  EXPECT_NE(Rejected(file_id).message.find("file ids"), std::string::npos);

  ir::ChatRequest bad_args;
  bad_args.messages.push_back(
      {ir::Role::kAssistant, {ir::ContentPart::ToolCall("t", "f", "[1]")}, ""});
  EXPECT_NE(Rejected(bad_args).message.find("not a JSON object"), std::string::npos);

  ir::ChatRequest empty;
  empty.messages.push_back({ir::Role::kUser, {ir::ContentPart::Text("")}, ""});
  EXPECT_EQ(Rejected(empty).param, "messages");

  // A model id is one path segment: dot segments would walk out of /model/.
  BedrockAdapter adapter(Options());
  for (std::string_view id : {"", ".", ".."}) {
    auto req = adapter.BuildRequest(UserSays("Hi"), MakeTarget(id));
    ASSERT_FALSE(req.ok()) << id;
    EXPECT_EQ(req.error().param, "model");
  }
  auto slashed = adapter.BuildRequest(UserSays("Hi"), MakeTarget("../../x?y"));
  ASSERT_TRUE(slashed.ok());
  EXPECT_EQ(slashed->path, "/model/..%2F..%2Fx%3Fy/converse");
}

}  // namespace
}  // namespace sluice::provider
