// Fixture tests of Anthropic answers → IR: message bodies (reference §3.4), stop reasons (§8.5),
// usage (§8.6) and error bodies (§3.7, §8.7).
#include <gtest/gtest.h>

#include "provider/anthropic.h"

namespace sluice::provider {
namespace {

TEST(AnthropicResponse, DecodesReferenceMessage) {
  AnthropicAdapter adapter;
  auto r = adapter.DecodeResponse(
      R"({"id":"msg_01XFD","type":"message","role":"assistant","model":"claude-sonnet-4-5",
          "content":[{"type":"thinking","thinking":"Paris weather.","signature":"EqQB"},
                     {"type":"redacted_thinking","data":"EmwKAhgB"},
                     {"type":"text","text":"Let me check.","citations":null},
                     {"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}},
                     {"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{"city":"Paris"}}],
          "stop_reason":"tool_use","stop_sequence":null,
          "usage":{"input_tokens":472,"cache_creation_input_tokens":100,"cache_read_input_tokens":2000,
                   "output_tokens":89,"service_tier":"standard"},
          "container":null})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->id, "msg_01XFD");
  EXPECT_EQ(r->model, "claude-sonnet-4-5");
  ASSERT_EQ(r->content.size(), 4u);  // the server-tool block has no client form yet
  EXPECT_EQ(r->content[0], ir::ContentPart::Reasoning("Paris weather.", "EqQB"));
  EXPECT_EQ(r->content[1].kind, ir::PartKind::kRedactedReasoning);
  EXPECT_EQ(r->content[1].data, "EmwKAhgB");
  EXPECT_EQ(r->content[2], ir::ContentPart::Text("Let me check."));
  EXPECT_EQ(r->content[3],
            ir::ContentPart::ToolCall("toolu_01A", "get_weather", R"({"city":"Paris"})"));
  EXPECT_EQ(r->finish, ir::FinishReason::kToolCalls);
  EXPECT_EQ(r->raw_finish, "tool_use");
  // input_tokens excludes cache reads and writes; the IR's input includes them.
  EXPECT_EQ(r->usage, (ir::Usage{.input = 2572,
                                 .output = 89,
                                 .cache_read = 2000,
                                 .cache_write = 100,
                                 .reasoning = 0,
                                 .present = true}));
}

TEST(AnthropicResponse, StopSequenceKeepsTheMatchedString) {
  AnthropicAdapter adapter;
  auto r = adapter.DecodeResponse(
      R"({"id":"m","content":[{"type":"text","text":"1, 2"}],"stop_reason":"stop_sequence","stop_sequence":", 3",
          "usage":{"input_tokens":5,"output_tokens":4,"output_tokens_details":{"thinking_tokens":0}}})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->finish, ir::FinishReason::kStopSequence);
  EXPECT_EQ(r->stop_sequence, ", 3");
  EXPECT_EQ(r->usage.input, 5u);
}

TEST(AnthropicResponse, BrokenBodiesAreProtocolErrors) {
  AnthropicAdapter adapter;
  for (const char* body : {"", "not json", "[]", R"({"id":"m"})", R"({"content":"text"})"}) {
    auto r = adapter.DecodeResponse(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, core::ErrorCode::kUpstreamProtocolError);
    EXPECT_EQ(r.error().Status(), 502);
  }
}

TEST(AnthropicFinishReason, Mapping) {
  EXPECT_EQ(AnthropicFinishReason("end_turn"), ir::FinishReason::kStop);
  EXPECT_EQ(AnthropicFinishReason("stop_sequence"), ir::FinishReason::kStopSequence);
  EXPECT_EQ(AnthropicFinishReason("max_tokens"), ir::FinishReason::kLength);
  EXPECT_EQ(AnthropicFinishReason("tool_use"), ir::FinishReason::kToolCalls);
  EXPECT_EQ(AnthropicFinishReason("refusal"), ir::FinishReason::kContentFilter);
  EXPECT_EQ(AnthropicFinishReason("pause_turn"), ir::FinishReason::kPauseTurn);
  EXPECT_EQ(AnthropicFinishReason("model_context_window_exceeded"),
            ir::FinishReason::kContextWindow);
  EXPECT_EQ(AnthropicFinishReason("something_new"), ir::FinishReason::kUnknown);
}

TEST(AnthropicError, OverloadedBecomes503WithTheMessage) {
  AnthropicAdapter adapter;
  core::Error e = adapter.DecodeError(
      529,
      R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"})");
  EXPECT_EQ(e.code, core::ErrorCode::kUpstreamError);
  EXPECT_EQ(e.Status(), 503);
  EXPECT_EQ(e.message, "Overloaded");
  EXPECT_EQ(
      core::OpenAiErrorBody(e),
      R"({"error":{"message":"Overloaded","type":"server_error","param":null,"code":"upstream_error"}})");
  EXPECT_TRUE(IsRetryableUpstreamStatus(529));
}

TEST(AnthropicError, StatusesPassThroughAndOpaqueBodiesGetAMessage) {
  AnthropicAdapter adapter;
  core::Error rate = adapter.DecodeError(
      429,
      R"({"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}})");
  EXPECT_EQ(rate.Status(), 429);
  EXPECT_EQ(rate.message, "Number of request tokens has exceeded your per-minute rate limit");
  core::Error html = adapter.DecodeError(502, "<html>Bad Gateway</html>");
  EXPECT_EQ(html.Status(), 502);
  EXPECT_EQ(html.message, "The Anthropic upstream answered with HTTP status 502.");
  EXPECT_FALSE(IsRetryableUpstreamStatus(400));
}

TEST(AnthropicStatusForErrorType, Mapping) {
  EXPECT_EQ(AnthropicStatusForErrorType("invalid_request_error"), 400);
  EXPECT_EQ(AnthropicStatusForErrorType("authentication_error"), 401);
  EXPECT_EQ(AnthropicStatusForErrorType("permission_error"), 403);
  EXPECT_EQ(AnthropicStatusForErrorType("not_found_error"), 404);
  EXPECT_EQ(AnthropicStatusForErrorType("request_too_large"), 413);
  EXPECT_EQ(AnthropicStatusForErrorType("rate_limit_error"), 429);
  EXPECT_EQ(AnthropicStatusForErrorType("api_error"), 500);
  EXPECT_EQ(AnthropicStatusForErrorType("overloaded_error"), 503);
  EXPECT_EQ(AnthropicStatusForErrorType("timeout_error"), 504);
}

}  // namespace
}  // namespace sluice::provider
