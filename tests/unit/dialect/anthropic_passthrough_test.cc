// The Anthropic same-dialect splice: request head validation, model rewrite that keeps every other byte, and
// usage/error reading from bodies and stream events.
#include "dialect/anthropic_passthrough.h"

#include <gtest/gtest.h>

namespace sluice::dialect {
namespace {

TEST(AnthropicPassthrough, DecodesHeadAndRewritesOnlyTheModel) {
  std::string body =
      R"({"model":"claude-x", "max_tokens": 1024,"stream":true,"messages":[{"role":"user","content":"hi \"model\""}],"x_future":{"a":1}})";
  auto head = DecodeAnthropicRequestHead(body);
  ASSERT_TRUE(head.ok()) << head.error().message;
  EXPECT_EQ(head->model, "claude-x");
  EXPECT_TRUE(head->stream);
  std::string out = EncodeAnthropicUpstreamBody(body, *head, "claude-sonnet-4-5");
  EXPECT_EQ(out,
            R"({"model":"claude-sonnet-4-5", "max_tokens": 1024,"stream":true,"messages":[{"role":"user","content":"hi \"model\""}],"x_future":{"a":1}})");
}

TEST(AnthropicPassthrough, RejectsWhatAnthropicRejects) {
  auto missing_model = DecodeAnthropicRequestHead(R"({"max_tokens":1,"messages":[]})");
  ASSERT_FALSE(missing_model.ok());
  EXPECT_EQ(missing_model.error().message, "model: Field required");
  EXPECT_EQ(missing_model.error().Status(), 400);
  auto missing_max = DecodeAnthropicRequestHead(R"({"model":"m","messages":[]})");
  ASSERT_FALSE(missing_max.ok());
  EXPECT_EQ(missing_max.error().message, "max_tokens: Field required");
  auto bad_stream = DecodeAnthropicRequestHead(R"({"model":"m","max_tokens":5,"messages":[],"stream":"yes"})");
  ASSERT_FALSE(bad_stream.ok());
  EXPECT_EQ(bad_stream.error().param, "stream");
  auto negative = DecodeAnthropicRequestHead(R"({"model":"m","max_tokens":-5,"messages":[]})");
  EXPECT_FALSE(negative.ok());
  EXPECT_FALSE(DecodeAnthropicRequestHead("{not json").ok());
  EXPECT_FALSE(DecodeAnthropicRequestHead("[1,2]").ok());
}

TEST(AnthropicPassthrough, UsageFromBodyCountsCacheAsInput) {
  TokenUsage u;
  ASSERT_TRUE(ExtractAnthropicUsage(
      R"({"id":"msg_1","type":"message","usage":{"input_tokens":10,"cache_creation_input_tokens":5,"cache_read_input_tokens":100,"output_tokens":7}})",
      u));
  EXPECT_EQ(u.input, 115u);
  EXPECT_EQ(u.cached_input, 100u);
  EXPECT_EQ(u.output, 7u);
  TokenUsage none;
  EXPECT_FALSE(ExtractAnthropicUsage(R"({"id":"msg_1"})", none));
  EXPECT_FALSE(none.present);
}

TEST(AnthropicPassthrough, StreamEventsCarryUsageStopAndErrors) {
  TokenUsage u;
  auto start = InspectAnthropicEvent(
      "message_start",
      R"({"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":25,"cache_read_input_tokens":3,"output_tokens":1}}})",
      u);
  EXPECT_FALSE(start.is_error);
  EXPECT_EQ(u.input, 28u);
  EXPECT_EQ(u.output, 1u);
  InspectAnthropicEvent("content_block_delta", R"({"type":"content_block_delta","usage":{"output_tokens":999}})", u);
  EXPECT_EQ(u.output, 1u) << "only message_start/message_delta carry usage";
  InspectAnthropicEvent("message_delta", R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":15}})", u);
  EXPECT_EQ(u.output, 15u);
  EXPECT_EQ(u.input, 28u) << "the input side from message_start is kept";
  EXPECT_TRUE(InspectAnthropicEvent("message_stop", R"({"type":"message_stop"})", u).is_stop);
  auto err = InspectAnthropicEvent("error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})", u);
  EXPECT_TRUE(err.is_error);
  EXPECT_EQ(err.error_status, 529);
  auto rate = InspectAnthropicEvent("error", R"({"type":"error","error":{"type":"rate_limit_error","message":"slow"}})", u);
  EXPECT_EQ(rate.error_status, 429);
}

TEST(AnthropicPassthrough, UpstreamErrorsBecomeAnthropicShaped) {
  std::string native = R"({"type":"error","error":{"type":"rate_limit_error","message":"Too many"}})";
  EXPECT_EQ(NormalizeAnthropicUpstreamError(429, native), native);
  std::string wrapped = NormalizeAnthropicUpstreamError(502, "<html>bad gateway</html>");
  EXPECT_NE(wrapped.find(R"("type":"error")"), std::string::npos);
  EXPECT_NE(wrapped.find("api_error"), std::string::npos);
  std::string flat = NormalizeAnthropicUpstreamError(400, R"({"message":"bad thing"})");
  EXPECT_NE(flat.find("bad thing"), std::string::npos);
  EXPECT_NE(flat.find("invalid_request_error"), std::string::npos);
}

}  // namespace
}  // namespace sluice::dialect
