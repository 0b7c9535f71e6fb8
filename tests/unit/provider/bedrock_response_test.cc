// Fixture tests of Bedrock answers → IR: Converse bodies (reference §5.2), stop reasons (§8.5),
// usage (§8.6), error answers (§5.3, §8.7) with credential scrubbing, and InvokeModel embeddings
// for Titan and Cohere.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "provider/bedrock.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;

BedrockOptions Options() {
  return {.region = "us-west-2",
          .access_key_id = "AKIAEXAMPLEKEYID0001",
          .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
          .session_token = "FQoGZXIvYXdzEXAMPLESESSIONTOKEN",
          .host = {}};
}

TEST(BedrockResponse, ReferenceAnswerWithToolUse) {
  BedrockAdapter adapter(Options());
  // Reference §5.2's example, with cache counts and padding members Bedrock may add.
  auto r = adapter.DecodeResponse(
      R"({"output":{"message":{"role":"assistant","content":[{"text":"Checking."},
     {"toolUse":{"toolUseId":"tooluse_abc","name":"get_weather","input":{"city":"Paris"}}}]}},
     "stopReason":"tool_use",
     "usage":{"inputTokens":30,"outputTokens":25,"totalTokens":355,"cacheReadInputTokens":200,"cacheWriteInputTokens":100},
     "metrics":{"latencyMs":812},"trace":{},"p":"abcdef"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->content.size(), 2u);
  EXPECT_EQ(r->content[0], ir::ContentPart::Text("Checking."));
  EXPECT_EQ(r->content[1],
            ir::ContentPart::ToolCall("tooluse_abc", "get_weather", R"({"city":"Paris"})"));
  EXPECT_EQ(r->finish, ir::FinishReason::kToolCalls);
  EXPECT_EQ(r->raw_finish, "tool_use");
  // inputTokens excludes the cache: the IR's input is the whole prompt.
  EXPECT_EQ(
      r->usage,
      (ir::Usage{
          .input = 330, .output = 25, .cache_read = 200, .cache_write = 100, .present = true}));
  EXPECT_EQ(r->usage.UncachedInput(), 30u);
  EXPECT_TRUE(r->id.empty());  // Bedrock names neither the message nor the model
  EXPECT_TRUE(r->model.empty());
}

TEST(BedrockResponse, ReasoningRedactedAndStopSequence) {
  BedrockAdapter adapter(Options());
  auto r = adapter.DecodeResponse(R"({"output":{"message":{"role":"assistant","content":[
     {"reasoningContent":{"reasoningText":{"text":"Let me think.","signature":"EqQBCgIYAh"}}},
     {"reasoningContent":{"redactedContent":"c2VjcmV0"}},
     {"citationsContent":{}},
     {"text":"42"}]}},
     "stopReason":"stop_sequence","additionalModelResponseFields":{"stop_sequence":"END"},
     "usage":{"inputTokens":10,"outputTokens":5,"totalTokens":15}})");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->content.size(), 3u);
  EXPECT_EQ(r->content[0], ir::ContentPart::Reasoning("Let me think.", "EqQBCgIYAh"));
  EXPECT_EQ(r->content[1].kind, ir::PartKind::kRedactedReasoning);
  EXPECT_EQ(r->content[1].data, "c2VjcmV0");
  EXPECT_EQ(r->content[2], ir::ContentPart::Text("42"));
  EXPECT_EQ(r->finish, ir::FinishReason::kStopSequence);
  EXPECT_EQ(r->stop_sequence, "END");
  EXPECT_EQ(r->usage, (ir::Usage{.input = 10, .output = 5, .present = true}));
}

TEST(BedrockResponse, StopReasons) {
  EXPECT_EQ(BedrockFinishReason("end_turn"), ir::FinishReason::kStop);
  EXPECT_EQ(BedrockFinishReason("max_tokens"), ir::FinishReason::kLength);
  EXPECT_EQ(BedrockFinishReason("guardrail_intervened"), ir::FinishReason::kContentFilter);
  EXPECT_EQ(BedrockFinishReason("content_filtered"), ir::FinishReason::kContentFilter);
  EXPECT_EQ(BedrockFinishReason("model_context_window_exceeded"), ir::FinishReason::kContextWindow);
  EXPECT_EQ(BedrockFinishReason("malformed_tool_use"), ir::FinishReason::kUnknown);
  BedrockAdapter adapter(Options());
  auto r = adapter.DecodeResponse(
      R"({"output":{"message":{"role":"assistant","content":[]}},"stopReason":"guardrail_intervened"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->finish, ir::FinishReason::kContentFilter);
  EXPECT_FALSE(r->usage.present);
}

TEST(BedrockResponse, MalformedBodiesAreProtocolErrors) {
  BedrockAdapter adapter(Options());
  for (std::string_view body :
       {"", "[]", "{\"output\":{}}", "{\"output\":{\"message\":{\"content\":{}}}}"}) {
    auto r = adapter.DecodeResponse(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, core::ErrorCode::kUpstreamProtocolError);
    EXPECT_EQ(r.error().Status(), 502);
  }
}

TEST(BedrockError, StatusMappingAndMessage) {
  BedrockAdapter adapter(Options());
  struct Case {
    int upstream;
    int client;
  };
  for (Case c : {Case{400, 400}, Case{403, 403}, Case{404, 404}, Case{429, 429}, Case{500, 500},
                 Case{503, 503}, Case{424, 502}, Case{408, 504}}) {
    core::Error e = adapter.DecodeError(c.upstream, R"({"message":"Something went wrong."})");
    EXPECT_EQ(e.code, core::ErrorCode::kUpstreamError);
    EXPECT_EQ(e.Status(), c.client) << c.upstream;
    EXPECT_EQ(e.message, "Something went wrong.");
  }
  EXPECT_EQ(adapter.DecodeError(403, R"({"Message":"User is not authorized"})").message,
            "User is not authorized");
  core::Error html = adapter.DecodeError(502, "<html>Bad Gateway</html>");
  EXPECT_EQ(html.Status(), 502);
  EXPECT_EQ(html.message, "The Bedrock upstream answered with HTTP status 502.");
}

TEST(BedrockError, CredentialsAreScrubbedFromUpstreamMessages) {
  BedrockOptions o = Options();
  BedrockAdapter adapter(o);
  // SignatureDoesNotMatch echoes the canonical request, which holds the session token.
  std::string body =
      R"({"message":"The request signature we calculated does not match. Canonical String:\n)"
      R"(x-amz-security-token:)" +
      o.session_token + R"(\nCredential=)" + o.access_key_id + R"(/20250101 secret )" +
      o.secret_access_key + R"("})";
  core::Error e = adapter.DecodeError(403, body);
  EXPECT_EQ(e.message.find(o.session_token), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find(o.access_key_id), std::string::npos);
  EXPECT_EQ(e.message.find(o.secret_access_key), std::string::npos);
  EXPECT_NE(e.message.find("x-amz-security-token:[redacted]"), std::string::npos);
}

TEST(BedrockError, ExceptionTypes) {
  EXPECT_EQ(BedrockStatusForErrorType("ThrottlingException"), 429);
  EXPECT_EQ(BedrockStatusForErrorType("throttlingException"), 429);
  EXPECT_EQ(BedrockStatusForErrorType("ValidationException:http://internal.amazon.com/coral/"),
            400);
  EXPECT_EQ(BedrockStatusForErrorType("modelNotReadyException"), 429);
  EXPECT_EQ(BedrockStatusForErrorType("serviceUnavailableException"), 503);
  EXPECT_EQ(BedrockStatusForErrorType("internalServerException"), 500);
  EXPECT_EQ(BedrockStatusForErrorType("modelStreamErrorException"), 502);
  EXPECT_EQ(BedrockStatusForErrorType("ModelTimeoutException"), 504);
  EXPECT_EQ(BedrockStatusForErrorType("AccessDeniedException"), 403);
  EXPECT_EQ(BedrockStatusForErrorType("SomethingNewException"), 502);
  EXPECT_EQ(BedrockStatusForErrorType(""), 502);
}

Target EmbedTarget(std::string_view model) {
  Target t;
  t.model = model;
  return t;
}

TEST(BedrockEmbeddings, TitanV2) {
  BedrockAdapter adapter(Options());
  ir::EmbeddingsRequest r;
  r.inputs = {"hello world"};
  r.dimensions = 256;
  auto req = adapter.BuildEmbeddingsRequest(r, EmbedTarget("amazon.titan-embed-text-v2:0"));
  ASSERT_TRUE(req.ok()) << req.error().message;
  EXPECT_EQ(req->path, "/model/amazon.titan-embed-text-v2%3A0/invoke");
  EXPECT_FALSE(req->stream);
  EXPECT_EQ(json::parse(req->body),
            json::parse(R"({"inputText":"hello world","dimensions":256,"normalize":true})"));
  EXPECT_EQ(req->headers[0], (Header{"content-type", "application/json"}));
  EXPECT_EQ(req->headers[2], (Header{"host", "bedrock-runtime.us-west-2.amazonaws.com"}));
  EXPECT_TRUE(req->headers.back().value.starts_with(
      "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEYID0001/19700101/"
      "us-west-2/bedrock/aws4_request, "));

  auto resp =
      adapter.DecodeEmbeddingsResponse(R"({"embedding":[0.5,-1,2.25],"inputTextTokenCount":3})");
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->vectors, (std::vector<std::vector<float>>{{0.5f, -1.0f, 2.25f}}));
  EXPECT_EQ(resp->usage, (ir::Usage{.input = 3, .present = true}));
}

TEST(BedrockEmbeddings, TitanRefusals) {
  BedrockAdapter adapter(Options());
  ir::EmbeddingsRequest two;
  two.inputs = {"a", "b"};
  auto e = adapter.BuildEmbeddingsRequest(two, EmbedTarget("amazon.titan-embed-text-v2:0"));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().Status(), 400);
  EXPECT_NE(e.error().message.find("one text per request"), std::string::npos);
  EXPECT_NE(e.error().message.find("got 2"), std::string::npos);

  ir::EmbeddingsRequest odd;
  odd.inputs = {"a"};
  odd.dimensions = 300;
  EXPECT_EQ(adapter.BuildEmbeddingsRequest(odd, EmbedTarget("amazon.titan-embed-text-v2:0"))
                .error()
                .param,
            "dimensions");
  ir::EmbeddingsRequest v1;
  v1.inputs = {"a"};
  auto ok = adapter.BuildEmbeddingsRequest(v1, EmbedTarget("amazon.titan-embed-text-v1"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->body, R"({"inputText":"a"})");
}

TEST(BedrockEmbeddings, Cohere) {
  BedrockAdapter adapter(Options());
  ir::EmbeddingsRequest r;
  r.inputs = {"first", "second"};
  auto req = adapter.BuildEmbeddingsRequest(r, EmbedTarget("cohere.embed-english-v3"));
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->path, "/model/cohere.embed-english-v3/invoke");
  EXPECT_EQ(json::parse(req->body),
            json::parse(R"({"texts":["first","second"],"input_type":"search_document"})"));
  r.dimensions = 512;
  EXPECT_FALSE(adapter.BuildEmbeddingsRequest(r, EmbedTarget("cohere.embed-english-v3")).ok());
  auto v4 = adapter.BuildEmbeddingsRequest(r, EmbedTarget("us.cohere.embed-v4:0"));
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(json::parse(v4->body),
            json::parse(R"({"texts":["first","second"],"input_type":"search_document",
                            "embedding_types":["float"],"output_dimension":512})"));
  ir::EmbeddingsRequest many;
  many.inputs.assign(97, "x");
  EXPECT_NE(adapter.BuildEmbeddingsRequest(many, EmbedTarget("cohere.embed-multilingual-v3"))
                .error()
                .message.find("at most 96"),
            std::string::npos);

  auto resp = adapter.DecodeEmbeddingsResponse(
      R"({"id":"e1","embeddings":[[0.1,0.2],[0.3,0.4]],"texts":["first","second"],"response_type":"embeddings_floats"})");
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->vectors, (std::vector<std::vector<float>>{{0.1f, 0.2f}, {0.3f, 0.4f}}));
  EXPECT_FALSE(resp->usage.present);
  auto typed = adapter.DecodeEmbeddingsResponse(
      R"({"embeddings":{"float":[[1,2]]},"response_type":"embeddings_by_type"})");
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(typed->vectors, (std::vector<std::vector<float>>{{1.0f, 2.0f}}));
}

TEST(BedrockEmbeddings, OtherModelsAndBadBodies) {
  BedrockAdapter adapter(Options());
  ir::EmbeddingsRequest r;
  r.inputs = {"a"};
  auto e = adapter.BuildEmbeddingsRequest(r, EmbedTarget("anthropic.claude-v2"));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().param, "model");
  ir::EmbeddingsRequest none;
  EXPECT_FALSE(adapter.BuildEmbeddingsRequest(none, EmbedTarget("cohere.embed-english-v3")).ok());
  for (std::string_view body :
       {"nope", "{}", R"({"embedding":["x"]})", R"({"embeddings":[[1],"x"]})"}) {
    auto d = adapter.DecodeEmbeddingsResponse(body);
    ASSERT_FALSE(d.ok()) << body;
    EXPECT_EQ(d.error().code, core::ErrorCode::kUpstreamProtocolError);
  }
}

}  // namespace
}  // namespace sluice::provider
