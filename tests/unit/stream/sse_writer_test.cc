// Tests for the SSE writer helpers, including a round trip through SseParser.
#include "stream/sse_writer.h"

#include <gtest/gtest.h>

#include "stream/sse_parser.h"

namespace sluice::stream {
namespace {

TEST(SseWriter, FormatsEvents) {
  EXPECT_EQ(FormatSseEvent("{\"a\":1}"), "data: {\"a\":1}\n\n");
  EXPECT_EQ(FormatSseEvent("x", "message_start"), "event: message_start\ndata: x\n\n");
  EXPECT_EQ(FormatSseEvent("x", "e", "9"), "event: e\nid: 9\ndata: x\n\n");
  EXPECT_EQ(FormatSseEvent(""), "data: \n\n");
}

TEST(SseWriter, SplitsPayloadLines) {
  EXPECT_EQ(FormatSseEvent("a\nb\r\nc\rd"), "data: a\ndata: b\ndata: c\ndata: d\n\n");
  EXPECT_EQ(FormatSseEvent("a\n"), "data: a\ndata: \n\n");
  // Line breaks in names cannot break framing.
  EXPECT_EQ(FormatSseEvent("x", "evil\ndata: injected"), "event: evil\ndata: x\n\n");
}

TEST(SseWriter, CommentsAndDone) {
  std::string out;
  AppendSseComment(out, "keep-alive");
  AppendSseDone(out);
  EXPECT_EQ(out, ": keep-alive\n\ndata: [DONE]\n\n");
}

TEST(SseWriter, RoundTripsThroughTheParser) {
  const std::string payloads[] = {"{\"a\":1}", "multi\nline\n\npayload", " leading space", "",
                                  "a\r\nb"};
  const std::string expected[] = {"{\"a\":1}", "multi\nline\n\npayload", " leading space", "",
                                  "a\nb"};
  std::string out;
  for (const auto& p : payloads) AppendSseEvent(out, p, "t");
  AppendSseComment(out, "c");
  SseParser parser;
  std::vector<std::string> got;
  ASSERT_TRUE(parser.FeedAll(out, [&](const SseItem& item) {
    if (item.kind == SseKind::kEvent) {
      EXPECT_EQ(item.event.type, "t");
      got.emplace_back(item.event.data);
    }
  }));
  ASSERT_EQ(got.size(), 5u);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], expected[i]);
}

}  // namespace
}  // namespace sluice::stream
