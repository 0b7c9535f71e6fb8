// Fixture tests of Gemini answers → IR: generateContent bodies (reference §4.2, §8.5, §8.6), error
// bodies (§4.4, §8.7) and embeddings (§4.5), in the shapes Google documents.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "provider/gemini.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;

TEST(GeminiResponse, TextThoughtsFunctionCallsAndUsage) {
  GeminiAdapter adapter;
  auto r = adapter.DecodeResponse(R"({
    "candidates":[{"content":{"role":"model","parts":[
        {"text":"The user wants weather.","thought":true},
        {"text":"Let me "},{"text":"check."},
        {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2lnQQ=="},
        {"functionCall":{"name":"get.time","args":{}}}]},
      "finishReason":"STOP","index":0,
      "safetyRatings":[{"category":"HARM_CATEGORY_HARASSMENT","probability":"NEGLIGIBLE"}]}],
    "usageMetadata":{"promptTokenCount":1200,"candidatesTokenCount":30,"thoughtsTokenCount":85,
      "cachedContentTokenCount":1024,"totalTokenCount":1315,
      "promptTokensDetails":[{"modality":"TEXT","tokenCount":1200}]},
    "modelVersion":"gemini-2.5-flash","responseId":"mhxHabC8Ib7f2sIPzqH7gAQ"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->id, "mhxHabC8Ib7f2sIPzqH7gAQ");
  EXPECT_EQ(r->model, "gemini-2.5-flash");
  ASSERT_EQ(r->content.size(), 5u);
  EXPECT_EQ(r->content[0], ir::ContentPart::Reasoning("The user wants weather.", ""));
  EXPECT_EQ(r->content[1], ir::ContentPart::Text("Let me check."));
  EXPECT_EQ(r->content[2], ir::ContentPart::Reasoning("", "gemini:c2lnQQ=="));
  EXPECT_EQ(r->content[3],
            ir::ContentPart::ToolCall("call_0_get_weather", "get_weather", R"({"city":"Paris"})"));
  EXPECT_EQ(r->content[4], ir::ContentPart::ToolCall("call_1_get_time", "get.time", "{}"));
  EXPECT_EQ(r->finish, ir::FinishReason::kToolCalls);  // STOP with calls
  EXPECT_EQ(r->raw_finish, "STOP");
  EXPECT_EQ(
      r->usage,
      (ir::Usage{
          .input = 1200, .output = 115, .cache_read = 1024, .reasoning = 85, .present = true}));
}

TEST(GeminiResponse, UpstreamCallIdsAreKept) {
  GeminiAdapter adapter;
  auto r = adapter.DecodeResponse(
      R"({"candidates":[{"content":{"parts":[{"functionCall":{"id":"fc-9","name":"f","args":{"a":1}}}]},"finishReason":"STOP"}]})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->content[0].id, "fc-9");
  EXPECT_FALSE(r->usage.present);
}

TEST(GeminiResponse, FinishReasons) {
  GeminiAdapter adapter;
  auto finish = [&](std::string_view reason) {
    auto r = adapter.DecodeResponse(
        R"({"candidates":[{"content":{"parts":[{"text":"x"}]},"finishReason":")" +
        std::string(reason) + R"("}]})");
    EXPECT_TRUE(r.ok()) << reason;
    return r.ok() ? r->finish : ir::FinishReason::kUnknown;
  };
  EXPECT_EQ(finish("STOP"), ir::FinishReason::kStop);
  EXPECT_EQ(finish("MAX_TOKENS"), ir::FinishReason::kLength);
  for (const char* filtered : {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"})
    EXPECT_EQ(finish(filtered), ir::FinishReason::kContentFilter) << filtered;
  EXPECT_EQ(finish("OTHER"), ir::FinishReason::kStop);
  EXPECT_EQ(finish("SOMETHING_NEW"), ir::FinishReason::kUnknown);

  auto malformed = adapter.DecodeResponse(
      R"js({"candidates":[{"content":{},"finishReason":"MALFORMED_FUNCTION_CALL","finishMessage":"Malformed function call: print(x)"}]})js");
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().code, core::ErrorCode::kUpstreamError);
  EXPECT_EQ(malformed.error().Status(), 502);  // retryable: another attempt may succeed
  EXPECT_NE(malformed.error().message.find("MALFORMED_FUNCTION_CALL"), std::string::npos);
}

TEST(GeminiResponse, SafetyBlockedAnswerAndBlockedPrompt) {
  GeminiAdapter adapter;
  auto r = adapter.DecodeResponse(R"({"candidates":[{"finishReason":"SAFETY","index":0,
      "safetyRatings":[{"category":"HARM_CATEGORY_DANGEROUS_CONTENT","probability":"HIGH","blocked":true}]}],
      "usageMetadata":{"promptTokenCount":9,"totalTokenCount":9},"modelVersion":"gemini-2.5-pro"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->content.empty());
  EXPECT_EQ(r->finish, ir::FinishReason::kContentFilter);
  EXPECT_EQ(r->usage, (ir::Usage{.input = 9, .present = true}));

  auto blocked = adapter.DecodeResponse(R"({"promptFeedback":{"blockReason":"PROHIBITED_CONTENT",
      "safetyRatings":[]},"usageMetadata":{"promptTokenCount":12,"totalTokenCount":12},
      "modelVersion":"gemini-2.5-flash","responseId":"r1"})");
  ASSERT_TRUE(blocked.ok()) << blocked.error().message;
  EXPECT_TRUE(blocked->content.empty());
  EXPECT_EQ(blocked->finish, ir::FinishReason::kContentFilter);
  EXPECT_EQ(blocked->raw_finish, "PROHIBITED_CONTENT");
  EXPECT_EQ(blocked->usage.input, 12u);
}

TEST(GeminiResponse, BrokenBodiesAreProtocolErrors) {
  GeminiAdapter adapter;
  for (const char* body :
       {"", "not json", "[]", "{}", R"({"candidates":[]})", R"({"candidates":"x"})"}) {
    auto r = adapter.DecodeResponse(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, core::ErrorCode::kUpstreamProtocolError) << body;
  }
}

TEST(GeminiError, GoogleErrorObjectsKeepStatusAndMessage) {
  GeminiAdapter adapter;
  core::Error e = adapter.DecodeError(429, R"({"error":{"code":429,
      "message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED",
      "details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"25s"}]}})");
  EXPECT_EQ(e.code, core::ErrorCode::kUpstreamError);
  EXPECT_EQ(e.Status(), 429);
  EXPECT_EQ(e.message, "Resource has been exhausted (e.g. check quota).");

  e = adapter.DecodeError(
      503,
      R"([{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}])");
  EXPECT_EQ(e.Status(), 503);
  EXPECT_EQ(e.message, "The model is overloaded. Please try again later.");

  for (auto [status, name] : {std::pair{400, "INVALID_ARGUMENT"},
                              {403, "PERMISSION_DENIED"},
                              {404, "NOT_FOUND"},
                              {500, "INTERNAL"}}) {
    e = adapter.DecodeError(status, R"({"error":{"code":)" + std::to_string(status) +
                                        R"(,"message":"m","status":")" + name + R"("}})");
    EXPECT_EQ(e.Status(), status) << name;
    EXPECT_EQ(e.message, "m");
  }
  e = adapter.DecodeError(502, "<html>Bad Gateway</html>");
  EXPECT_EQ(e.Status(), 502);
  EXPECT_EQ(e.message, "The Gemini upstream answered with HTTP status 502.");
  EXPECT_EQ(GeminiStatusForName("DEADLINE_EXCEEDED"), 504);
  EXPECT_EQ(GeminiStatusForName("UNAUTHENTICATED"), 401);
}

TEST(GeminiError, CredentialsInUpstreamMessagesAreRedacted) {
  GeminiAdapter adapter;
  core::Error e = adapter.DecodeError(400, R"({"error":{"code":400,
      "message":"API key not valid: AIzaSyD-secret-key-0123456789abcdefghij. Token ya29.a0AfH6SMBx-secret_token was rejected.",
      "status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}})");
  EXPECT_EQ(e.Status(), 400);
  EXPECT_EQ(e.message, "API key not valid: [redacted]. Token [redacted] was rejected.");
}

TEST(GeminiEmbeddings, DeveloperApiSingleAndBatch) {
  GeminiAdapter adapter;
  ir::EmbeddingsRequest one{.model = "e", .inputs = {"hello"}, .dimensions = 768};
  auto r = adapter.BuildEmbeddingsRequest(one, {.model = "gemini-embedding-001", .api_key = "k"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->path, "/v1beta/models/gemini-embedding-001:embedContent");
  EXPECT_EQ(json::parse(r->body),
            json::parse(R"({"content":{"parts":[{"text":"hello"}]},"outputDimensionality":768})"));
  EXPECT_EQ(r->headers[1], (Header{"x-goog-api-key", "k"}));

  ir::EmbeddingsRequest two{.model = "e", .inputs = {"a", "b"}, .input_was_array = true};
  r = adapter.BuildEmbeddingsRequest(two, {.model = "models/text-embedding-004", .api_key = "k"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->path, "/v1beta/models/text-embedding-004:batchEmbedContents");
  EXPECT_EQ(json::parse(r->body), json::parse(R"({"requests":[
      {"model":"models/text-embedding-004","content":{"parts":[{"text":"a"}]}},
      {"model":"models/text-embedding-004","content":{"parts":[{"text":"b"}]}}]})"));
  EXPECT_FALSE(adapter.BuildEmbeddingsRequest({}, {.model = "m"}).ok());

  auto single = adapter.DecodeEmbeddingsResponse(R"({"embedding":{"values":[0.25,-1,3e-2]}})");
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->vectors, (std::vector<std::vector<float>>{{0.25f, -1.0f, 0.03f}}));
  EXPECT_FALSE(single->usage.present);  // Gemini reports no tokens for embeddings
  auto batch =
      adapter.DecodeEmbeddingsResponse(R"({"embeddings":[{"values":[1,2]},{"values":[3,4]}]})");
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->vectors, (std::vector<std::vector<float>>{{1, 2}, {3, 4}}));
  for (const char* broken : {"{}", R"({"embeddings":[{"values":["x"]}]})", "nope"})
    EXPECT_EQ(adapter.DecodeEmbeddingsResponse(broken).error().code,
              core::ErrorCode::kUpstreamProtocolError)
        << broken;
}

TEST(GeminiEmbeddings, VertexPredict) {
  GeminiAdapter vertex({.vertex = true, .project = "p", .location = "europe-west4"});
  ir::EmbeddingsRequest req{.model = "e", .inputs = {"a", "b"}, .dimensions = 256};
  auto r = vertex.BuildEmbeddingsRequest(req, {.model = "text-embedding-005", .api_key = "ya29.t"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(
      r->path,
      "/v1/projects/p/locations/europe-west4/publishers/google/models/text-embedding-005:predict");
  EXPECT_EQ(json::parse(r->body), json::parse(R"({"instances":[{"content":"a"},{"content":"b"}],
      "parameters":{"outputDimensionality":256}})"));
  auto d = vertex.DecodeEmbeddingsResponse(R"({"predictions":[
      {"embeddings":{"statistics":{"truncated":false,"token_count":4},"values":[0.5,0.5]}},
      {"embeddings":{"statistics":{"truncated":false,"token_count":3.0},"values":[1,0]}}],
      "metadata":{"billableCharacterCount":2}})");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->vectors, (std::vector<std::vector<float>>{{0.5f, 0.5f}, {1, 0}}));
  EXPECT_EQ(d->usage, (ir::Usage{.input = 7, .present = true}));
}

}  // namespace
}  // namespace sluice::provider
