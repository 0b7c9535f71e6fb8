// The IR's own invariants: usage arithmetic in the neutral convention and stable finish-reason
// names.
#include <gtest/gtest.h>

#include "ir/chat_request.h"
#include "ir/chat_response.h"
#include "ir/stream_event.h"
#include "ir/usage.h"

namespace sluice::ir {
namespace {

TEST(Usage, InputIncludesCacheReadsAndWrites) {
  Usage u{.input = 135,
          .output = 42,
          .cache_read = 100,
          .cache_write = 10,
          .reasoning = 7,
          .present = true};
  EXPECT_EQ(u.UncachedInput(), 25u);
  EXPECT_EQ(u.Total(), 177u);
}

TEST(Usage, UncachedInputNeverUnderflows) {
  Usage u{.input = 5, .cache_read = 10};  // inconsistent upstream numbers must not wrap around
  EXPECT_EQ(u.UncachedInput(), 0u);
}

TEST(FinishReasonName, StableNames) {
  EXPECT_EQ(FinishReasonName(FinishReason::kStop), "stop");
  EXPECT_EQ(FinishReasonName(FinishReason::kStopSequence), "stop_sequence");
  EXPECT_EQ(FinishReasonName(FinishReason::kLength), "length");
  EXPECT_EQ(FinishReasonName(FinishReason::kContextWindow), "context_window");
  EXPECT_EQ(FinishReasonName(FinishReason::kToolCalls), "tool_calls");
  EXPECT_EQ(FinishReasonName(FinishReason::kContentFilter), "content_filter");
  EXPECT_EQ(FinishReasonName(FinishReason::kPauseTurn), "pause_turn");
  EXPECT_EQ(FinishReasonName(FinishReason::kUnknown), "unknown");
}

TEST(ContentPart, FactoriesSetKindAndFields) {
  ContentPart call = ContentPart::ToolCall("call_1", "f", "{}");
  EXPECT_EQ(call.kind, PartKind::kToolCall);
  EXPECT_EQ(call.id, "call_1");
  EXPECT_EQ(call.arguments, "{}");
  ContentPart thinking = ContentPart::Reasoning("t", "s");
  EXPECT_EQ(thinking.kind, PartKind::kReasoning);
  EXPECT_EQ(thinking.signature, "s");
  EXPECT_NE(ContentPart::Text("a"), ContentPart::Text("b"));
}

TEST(ChatRequest, DefaultsMeanUnset) {
  ChatRequest r;
  EXPECT_EQ(r.n, 1u);
  EXPECT_FALSE(r.max_tokens.has_value());
  EXPECT_EQ(r.tool_choice.kind, ToolChoiceKind::kUnset);
  EXPECT_FALSE(r.parallel_tool_calls.has_value());
  EXPECT_EQ(r.response_format.kind, ResponseFormatKind::kUnset);
}

}  // namespace
}  // namespace sluice::ir
