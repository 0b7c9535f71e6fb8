// Fixture tests of Bedrock ConverseStream → IR events (reference §5.4, §5.5, §8.10), driven through
// the raw event-stream bytes (BedrockByteStream) at several chunk sizes, and straight through
// Feed().
#include <gtest/gtest.h>

#include "dialect/openai_chat_stream.h"
#include "provider/bedrock.h"
#include "stream/aws_eventstream.h"

namespace sluice::provider {
namespace {

using stream::EncodeEventStreamEvent;
using stream::EncodeEventStreamException;

struct Decoded {
  std::vector<ir::StreamEvent> events;
  bool ok = true;
};

BedrockAdapter Adapter() {
  return BedrockAdapter({.region = "us-east-1",
                         .access_key_id = "AKIAEXAMPLEKEYID0001",
                         .secret_access_key = "secretsecretsecret",
                         .session_token = "SESSIONTOKENEXAMPLE",
                         .host = {}});
}

Decoded DecodeBytes(std::string_view bytes, size_t chunk = 1 << 20) {
  BedrockAdapter adapter = Adapter();
  BedrockByteStream s(adapter.NewStreamDecoder());
  Decoded d;
  for (size_t pos = 0; pos < bytes.size() && d.ok; pos += chunk)
    d.ok = s.FeedBytes(bytes.substr(pos, chunk), d.events);
  if (d.ok) d.ok = s.Finish(d.events);
  return d;
}

std::string Ev(std::string_view type, std::string_view json) {
  return EncodeEventStreamEvent(type, json);
}

// A text answer as Bedrock sends it: no start event for the text block, metadata after messageStop,
// padding.
const std::string kTextStream =
    Ev("messageStart", R"({"p":"abcdefghijklmnopq","role":"assistant"})") +
    Ev("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"Hel"},"p":"abcd"})") +
    Ev("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"lo"}})") +
    Ev("contentBlockStop", R"({"contentBlockIndex":0})") +
    Ev("messageStop", R"({"stopReason":"end_turn"})") +
    Ev("metadata",
       R"({"usage":{"inputTokens":12,"outputTokens":2,"totalTokens":314,"cacheReadInputTokens":300},"metrics":{"latencyMs":95}})");

TEST(BedrockStream, TextWithMetadataAfterStop) {
  for (size_t chunk :
       {size_t{1} << 20, size_t{13}, size_t{1}}) {  // chunking must not change the result
    Decoded d = DecodeBytes(kTextStream, chunk);
    ASSERT_TRUE(d.ok) << chunk;
    const auto& ev = d.events;
    ASSERT_EQ(ev.size(), 7u) << chunk;
    EXPECT_EQ(ev[0].kind, ir::EventKind::kMessageStart);
    EXPECT_FALSE(ev[0].usage.present);
    EXPECT_EQ(ev[1].kind, ir::EventKind::kBlockStart);
    EXPECT_EQ(ev[1].block, ir::BlockKind::kText);
    EXPECT_EQ(ev[1].index, 0u);
    EXPECT_EQ(ev[2].text, "Hel");
    EXPECT_EQ(ev[3].text, "lo");
    EXPECT_EQ(ev[3].delta, ir::DeltaKind::kText);
    EXPECT_EQ(ev[4].kind, ir::EventKind::kBlockStop);
    // The stop reason waited for metadata: one MessageDelta carries both.
    EXPECT_EQ(ev[5].kind, ir::EventKind::kMessageDelta);
    EXPECT_EQ(ev[5].finish, ir::FinishReason::kStop);
    EXPECT_EQ(ev[5].usage,
              (ir::Usage{.input = 312, .output = 2, .cache_read = 300, .present = true}));
    EXPECT_EQ(ev[6].kind, ir::EventKind::kMessageStop);
  }
}

TEST(BedrockStream, ToOpenAiChunks) {
  Decoded d = DecodeBytes(kTextStream);
  dialect::OpenAiChatStreamEncoder encoder({.created = 1700000000}, /*include_usage=*/true);
  std::string sse;
  for (const ir::StreamEvent& e : d.events) encoder.Encode(e, sse);
  EXPECT_NE(sse.find(R"("delta":{"content":"Hel"})"), std::string::npos) << sse;
  EXPECT_NE(sse.find(R"("finish_reason":"stop")"), std::string::npos);
  EXPECT_NE(sse.find(R"("prompt_tokens":312)"), std::string::npos);
  EXPECT_TRUE(sse.ends_with("data: [DONE]\n\n"));
}

TEST(BedrockStream, ToolUseAndReasoning) {
  std::string bytes =
      Ev("messageStart", R"({"role":"assistant"})") +
      Ev("contentBlockDelta",
         R"({"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"Weather "}}})") +
      Ev("contentBlockDelta",
         R"({"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"needed."}}})") +
      Ev("contentBlockDelta",
         R"({"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"EqQBsig"}}})") +
      Ev("contentBlockStop", R"({"contentBlockIndex":0})") +
      Ev("contentBlockStart",
         R"({"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"tooluse_X1","name":"get_weather"}}})") +
      Ev("contentBlockDelta", R"({"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"ci"}}})") +
      Ev("contentBlockDelta",
         R"({"contentBlockIndex":1,"delta":{"toolUse":{"input":"ty\":\"Paris\"}"}}})") +
      Ev("contentBlockStop", R"({"contentBlockIndex":1})") +
      Ev("messageStop", R"({"stopReason":"tool_use"})") +
      Ev("metadata", R"({"usage":{"inputTokens":40,"outputTokens":30,"totalTokens":70}})");
  Decoded d = DecodeBytes(bytes, 7);
  ASSERT_TRUE(d.ok);
  const auto& ev = d.events;
  ASSERT_EQ(ev.size(), 12u);
  EXPECT_EQ(ev[1].kind, ir::EventKind::kBlockStart);
  EXPECT_EQ(ev[1].block, ir::BlockKind::kReasoning);
  EXPECT_EQ(ev[2].delta, ir::DeltaKind::kReasoning);
  EXPECT_EQ(ev[3].text, "needed.");
  EXPECT_EQ(ev[4].delta, ir::DeltaKind::kSignature);
  EXPECT_EQ(ev[4].text, "EqQBsig");
  EXPECT_EQ(ev[5].kind, ir::EventKind::kBlockStop);
  EXPECT_EQ(ev[6].kind, ir::EventKind::kBlockStart);
  EXPECT_EQ(ev[6].block, ir::BlockKind::kToolCall);
  EXPECT_EQ(ev[6].index, 1u);
  EXPECT_EQ(ev[6].id, "tooluse_X1");
  EXPECT_EQ(ev[6].name, "get_weather");
  EXPECT_EQ(ev[7].delta, ir::DeltaKind::kArguments);
  EXPECT_EQ(ev[7].text + ev[8].text, R"({"city":"Paris"})");
  EXPECT_EQ(ev[9].kind, ir::EventKind::kBlockStop);
  EXPECT_EQ(ev[10].finish, ir::FinishReason::kToolCalls);
  EXPECT_EQ(ev[10].usage, (ir::Usage{.input = 40, .output = 30, .present = true}));
  EXPECT_EQ(ev[11].kind, ir::EventKind::kMessageStop);
}

TEST(BedrockStream, RedactedReasoningAndStopSequence) {
  BedrockStreamDecoder dec;
  std::vector<ir::StreamEvent> ev;
  ASSERT_TRUE(dec.Feed("messageStart", R"({"role":"assistant"})", ev));
  ASSERT_TRUE(dec.Feed(
      "contentBlockDelta",
      R"({"contentBlockIndex":0,"delta":{"reasoningContent":{"redactedContent":"b3BhcXVl"}}})",
      ev));
  ASSERT_TRUE(
      dec.Feed("contentBlockDelta", R"({"contentBlockIndex":1,"delta":{"text":"Done"}})", ev));
  // Bedrock always stops its blocks; a stream that does not still gets well-formed IR.
  ASSERT_TRUE(dec.Feed(
      "messageStop",
      R"({"stopReason":"stop_sequence","additionalModelResponseFields":{"stop_sequence":"###"}})",
      ev));
  EXPECT_FALSE(dec.finished());  // waiting for metadata
  ASSERT_TRUE(dec.Finish(ev));   // the body ended without it: finish without usage
  ASSERT_EQ(ev.size(), 8u);
  EXPECT_EQ(ev[1].block, ir::BlockKind::kRedactedReasoning);
  EXPECT_EQ(ev[1].text, "b3BhcXVl");
  EXPECT_EQ(ev[2].block, ir::BlockKind::kText);
  EXPECT_EQ(ev[2].index, 1u);
  EXPECT_EQ(ev[4].kind, ir::EventKind::kBlockStop);
  EXPECT_EQ(ev[4].index, 0u);
  EXPECT_EQ(ev[5].kind, ir::EventKind::kBlockStop);
  EXPECT_EQ(ev[5].index, 1u);
  EXPECT_EQ(ev[6].finish, ir::FinishReason::kStopSequence);
  EXPECT_EQ(ev[6].stop_sequence, "###");
  EXPECT_FALSE(ev[6].usage.present);
  EXPECT_EQ(ev[7].kind, ir::EventKind::kMessageStop);
  EXPECT_TRUE(dec.finished());
}

struct ExceptionCase {
  std::string_view type;
  int status;
};

TEST(BedrockStream, ExceptionsBecomeErrors) {
  for (ExceptionCase c : {ExceptionCase{"throttlingException", 429},
                          {"modelStreamErrorException", 502},
                          {"validationException", 400},
                          {"serviceUnavailableException", 503},
                          {"internalServerException", 500}}) {
    std::string bytes =
        Ev("messageStart", R"({"role":"assistant"})") +
        Ev("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"Hi"}})") +
        EncodeEventStreamException(c.type,
                                   R"({"message":"Too many tokens for SESSIONTOKENEXAMPLE"})") +
        Ev("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"ignored"}})");
    Decoded d = DecodeBytes(bytes, 5);
    EXPECT_TRUE(d.ok) << c.type;  // a reported error is a well-formed end, not a protocol failure
    ASSERT_EQ(d.events.size(), 4u) << c.type;
    const ir::StreamEvent& e = d.events.back();
    EXPECT_EQ(e.kind, ir::EventKind::kError);
    EXPECT_EQ(e.status, c.status) << c.type;
    EXPECT_EQ(e.error_type, c.type);
    EXPECT_EQ(e.text, "Too many tokens for [redacted]");
  }
}

TEST(BedrockStream, UnmodeledErrorFrame) {
  stream::EventStreamMessage m;
  m.headers = {stream::EventStreamHeader::String(":message-type", "error"),
               stream::EventStreamHeader::String(":error-code", "InternalFailure"),
               stream::EventStreamHeader::String(":error-message", "Backend \"down\"")};
  Decoded d = DecodeBytes(Ev("messageStart", "{}") + stream::EncodeEventStreamMessage(m));
  ASSERT_EQ(d.events.size(), 2u);
  EXPECT_EQ(d.events[1].kind, ir::EventKind::kError);
  EXPECT_EQ(d.events[1].status, 502);
  EXPECT_EQ(d.events[1].error_type, "InternalFailure");
  EXPECT_EQ(d.events[1].text, "Backend \"down\"");
}

TEST(BedrockStream, CutStreamIsAnError) {
  std::string bytes = Ev("messageStart", R"({"role":"assistant"})") +
                      Ev("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"Hi"}})");
  Decoded d = DecodeBytes(bytes);
  EXPECT_FALSE(d.ok);
  ASSERT_EQ(d.events.size(), 4u);  // start, block start, delta, error
  EXPECT_EQ(d.events[3].kind, ir::EventKind::kError);
  EXPECT_EQ(d.events[3].status, 502);
  EXPECT_NE(d.events[3].text.find("ended before messageStop"), std::string::npos);

  // Cut inside a frame, before messageStop: also a 502.
  std::string stop = Ev("messageStop", R"({"stopReason":"end_turn"})");
  Decoded mid = DecodeBytes(bytes + stop.substr(0, stop.size() - 3));
  EXPECT_FALSE(mid.ok);
  EXPECT_EQ(mid.events.back().status, 502);

  // Cut inside the metadata frame after messageStop: the answer is whole, only usage is lost.
  std::string meta = Ev("metadata", R"({"usage":{"inputTokens":1,"outputTokens":1}})");
  Decoded late = DecodeBytes(bytes + stop + meta.substr(0, 20));
  EXPECT_TRUE(late.ok);
  EXPECT_EQ(late.events.back().kind, ir::EventKind::kMessageStop);
}

TEST(BedrockStream, FramingErrorsAndProtocolViolations) {
  std::string bad = kTextStream;
  bad[bad.size() / 2] ^= 0x40;  // corrupt a byte in the middle: a CRC fails
  Decoded d = DecodeBytes(bad, 9);
  EXPECT_FALSE(d.ok);
  EXPECT_EQ(d.events.back().kind, ir::EventKind::kError);
  EXPECT_EQ(d.events.back().status, 502);
  EXPECT_NE(d.events.back().text.find("CRC mismatch"), std::string::npos);

  auto violation = [](std::vector<std::pair<std::string_view, std::string_view>> feed,
                      std::string_view needle) {
    BedrockStreamDecoder dec;
    std::vector<ir::StreamEvent> ev;
    bool ok = true;
    for (auto [type, data] : feed) ok = dec.Feed(type, data, ev) && ok;
    EXPECT_FALSE(ok) << needle;
    ASSERT_FALSE(ev.empty());
    EXPECT_EQ(ev.back().kind, ir::EventKind::kError);
    EXPECT_EQ(ev.back().status, 502);
    EXPECT_NE(dec.error().message.find(needle), std::string::npos) << dec.error().message;
    EXPECT_FALSE(dec.Feed("metadata", "{}", ev));  // sticky
  };
  violation({{"contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"x"}})"}},
            "before messageStart");
  violation({{"messageStart", "{}"}, {"contentBlockDelta", "not json"}}, "not a JSON object");
  violation({{"messageStart", "{}"},
             {"contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"toolUse":{"input":"{"}}})"}},
            "never started");
  violation({{"messageStart", "{}"},
             {"contentBlockStart",
              R"({"contentBlockIndex":0,"start":{"toolUse":{"toolUseId":"t","name":"f"}}})"},
             {"contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"x"}})"}},
            "of another kind");
  violation({{"messageStart", "{}"},
             {"contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"x"}})"},
             {"contentBlockStop", R"({"contentBlockIndex":0})"},
             {"contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"y"}})"}},
            "already stopped");
  violation({{"messageStart", "{}"},
             {"contentBlockDelta", R"({"contentBlockIndex":70000,"delta":{"text":"x"}})"}},
            "invalid contentBlockDelta");
  violation({{"messageStart", "{}"}, {"messageStart", "{}"}}, "twice");
}

TEST(BedrockStream, UnknownEventsAndDeltasAreSkipped) {
  BedrockStreamDecoder dec;
  std::vector<ir::StreamEvent> ev;
  ASSERT_TRUE(dec.Feed("futureEvent", R"({"x":1})", ev));  // before messageStart too
  ASSERT_TRUE(dec.Feed("messageStart", "{}", ev));
  ASSERT_TRUE(dec.Feed("contentBlockDelta",
                       R"({"contentBlockIndex":0,"delta":{"citation":{"title":"t"}}})", ev));
  ASSERT_TRUE(dec.Feed("contentBlockStart", R"({"contentBlockIndex":1,"start":{"image":{}}})", ev));
  ASSERT_TRUE(
      dec.Feed("contentBlockDelta", R"({"contentBlockIndex":1,"delta":{"text":"ignored"}})", ev));
  ASSERT_TRUE(dec.Feed("contentBlockStop", R"({"contentBlockIndex":1})", ev));
  ASSERT_TRUE(dec.Feed("contentBlockStop", R"({"contentBlockIndex":0})", ev));
  ASSERT_TRUE(dec.Feed("metadata", R"({"usage":{"inputTokens":3,"outputTokens":0}})",
                       ev));  // before the stop
  ASSERT_TRUE(dec.Feed("messageStop", R"({"stopReason":"max_tokens"})", ev));
  EXPECT_TRUE(dec.finished());
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[1].finish, ir::FinishReason::kLength);
  EXPECT_EQ(ev[1].usage.input, 3u);
  EXPECT_TRUE(dec.Feed("contentBlockDelta", "garbage after the end", ev));  // ignored once finished
  EXPECT_EQ(ev.size(), 3u);
}

TEST(BedrockStream, AdapterFraming) {
  BedrockAdapter adapter = Adapter();
  EXPECT_EQ(adapter.Framing(), StreamFraming::kAwsEventStream);
  EXPECT_EQ(adapter.Name(), "bedrock");
}

}  // namespace
}  // namespace sluice::provider
