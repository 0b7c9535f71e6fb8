// Fixture tests of the Anthropic SSE stream → IR events (reference §3.5).
#include <gtest/gtest.h>

#include "provider/anthropic.h"
#include "stream_fixture.h"

namespace sluice::provider {
namespace {

using testing::DecodeSse;

// Reference §3.5's example, verbatim, with its blank lines.
constexpr std::string_view kReferenceStream =
    "event: message_start\n"
    R"(data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}})"
    "\n\nevent: ping\n"
    R"(data: {"type":"ping"})"
    "\n\nevent: content_block_start\n"
    R"(data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"
    "\n\nevent: content_block_delta\n"
    R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}})"
    "\n\nevent: content_block_stop\n"
    R"(data: {"type":"content_block_stop","index":0})"
    "\n\nevent: content_block_start\n"
    R"(data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}})"
    "\n\nevent: content_block_delta\n"
    R"(data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Pa"}})"
    "\n\nevent: content_block_stop\n"
    R"(data: {"type":"content_block_stop","index":1})"
    "\n\nevent: message_delta\n"
    R"(data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":42}})"
    "\n\nevent: message_stop\n"
    R"(data: {"type":"message_stop"})"
    "\n\n";

TEST(AnthropicStream, ReferenceStreamToIr) {
  AnthropicAdapter adapter;
  for (size_t chunk :
       {size_t{1} << 20, size_t{7}, size_t{1}}) {  // chunking must not change the result
    auto d = DecodeSse(adapter, kReferenceStream, chunk);
    ASSERT_TRUE(d.ok);
    const auto& ev = d.events;
    ASSERT_EQ(ev.size(), 9u) << "chunk " << chunk;
    EXPECT_EQ(ev[0].kind, ir::EventKind::kMessageStart);
    EXPECT_EQ(ev[0].id, "msg_1");
    EXPECT_EQ(ev[0].name, "claude-sonnet-4-5");
    EXPECT_EQ(ev[0].usage, (ir::Usage{.input = 25, .present = true}));  // output 1 is a placeholder
    EXPECT_EQ(ev[1].kind, ir::EventKind::kBlockStart);
    EXPECT_EQ(ev[1].block, ir::BlockKind::kText);
    EXPECT_EQ(ev[2].kind, ir::EventKind::kBlockDelta);
    EXPECT_EQ(ev[2].delta, ir::DeltaKind::kText);
    EXPECT_EQ(ev[2].text, "Hello");
    EXPECT_EQ(ev[3].kind, ir::EventKind::kBlockStop);
    EXPECT_EQ(ev[4].kind, ir::EventKind::kBlockStart);
    EXPECT_EQ(ev[4].block, ir::BlockKind::kToolCall);
    EXPECT_EQ(ev[4].index, 1u);
    EXPECT_EQ(ev[4].id, "toolu_1");
    EXPECT_EQ(ev[4].name, "get_weather");
    EXPECT_EQ(ev[5].delta, ir::DeltaKind::kArguments);
    EXPECT_EQ(ev[5].text, R"({"city": "Pa)");
    EXPECT_EQ(ev[6].kind, ir::EventKind::kBlockStop);
    EXPECT_EQ(ev[7].kind, ir::EventKind::kMessageDelta);
    EXPECT_EQ(ev[7].finish, ir::FinishReason::kToolCalls);
    EXPECT_EQ(ev[7].usage, (ir::Usage{.input = 25, .output = 42, .present = true}));
    EXPECT_EQ(ev[8].kind, ir::EventKind::kMessageStop);
  }
}

std::string Sse(std::string_view event, std::string_view data) {
  return "event: " + std::string(event) + "\ndata: " + std::string(data) + "\n\n";
}

const std::string kStart = Sse(
    "message_start",
    R"({"type":"message_start","message":{"id":"msg_2","model":"claude-opus-4-1","usage":{"input_tokens":10,"cache_creation_input_tokens":20,"cache_read_input_tokens":300,"output_tokens":1}}})");

TEST(AnthropicStream, ThinkingSignatureAndCumulativeUsage) {
  AnthropicAdapter adapter;
  std::string sse =
      kStart +
      Sse("content_block_start",
          R"({"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}})") +
      Sse("content_block_delta",
          R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hmm."}})") +
      Sse("content_block_delta",
          R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQB"}})") +
      Sse("content_block_stop", R"({"type":"content_block_stop","index":0})") +
      Sse("content_block_start",
          R"({"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"EmwK"}})") +
      Sse("content_block_stop", R"({"type":"content_block_stop","index":1})") +
      Sse("message_delta",
          R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":7,"cache_read_input_tokens":300}})") +
      Sse("message_stop", R"({"type":"message_stop"})");
  auto d = DecodeSse(adapter, sse);
  ASSERT_TRUE(d.ok);
  ASSERT_EQ(d.events.size(), 9u);
  EXPECT_EQ(d.events[0].usage,
            (ir::Usage{.input = 330, .cache_read = 300, .cache_write = 20, .present = true}));
  EXPECT_EQ(d.events[1].block, ir::BlockKind::kReasoning);
  EXPECT_EQ(d.events[2].delta, ir::DeltaKind::kReasoning);
  EXPECT_EQ(d.events[2].text, "Hmm.");
  EXPECT_EQ(d.events[3].delta, ir::DeltaKind::kSignature);
  EXPECT_EQ(d.events[3].text, "EqQB");
  EXPECT_EQ(d.events[5].block, ir::BlockKind::kRedactedReasoning);
  EXPECT_EQ(d.events[5].text, "EmwK");
  EXPECT_EQ(d.events[7].finish, ir::FinishReason::kStop);
  EXPECT_EQ(d.events[7].usage,
            (ir::Usage{
                .input = 330, .output = 7, .cache_read = 300, .cache_write = 20, .present = true}));
}

TEST(AnthropicStream, ErrorEventEndsTheStream) {
  AnthropicAdapter adapter;
  std::string sse =
      kStart +
      Sse("error",
          R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  auto d = DecodeSse(adapter, sse);
  EXPECT_TRUE(d.ok);  // an upstream-reported error is a valid end, not a protocol failure
  ASSERT_EQ(d.events.size(), 2u);
  EXPECT_EQ(d.events[1].kind, ir::EventKind::kError);
  EXPECT_EQ(d.events[1].status, 503);
  EXPECT_EQ(d.events[1].error_type, "overloaded_error");
  EXPECT_EQ(d.events[1].text, "Overloaded");
}

TEST(AnthropicStream, ServerToolBlocksAndUnknownEventsAreSkipped) {
  AnthropicAdapter adapter;
  std::string sse =
      kStart +
      Sse("content_block_start",
          R"({"type":"content_block_start","index":0,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}})") +
      Sse("content_block_delta",
          R"({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"q\":1}"}})") +
      Sse("content_block_stop", R"({"type":"content_block_stop","index":0})") +
      Sse("future_event", R"({"type":"future_event","x":1})") +
      Sse("content_block_start",
          R"({"type":"content_block_start","index":1,"content_block":{"type":"text","text":"Hi"}})") +
      Sse("content_block_delta",
          R"({"type":"content_block_delta","index":1,"delta":{"type":"citations_delta","citation":{}}})") +
      Sse("content_block_stop", R"({"type":"content_block_stop","index":1})") +
      Sse("message_stop", R"({"type":"message_stop"})");
  auto d = DecodeSse(adapter, sse);
  ASSERT_TRUE(d.ok);
  ASSERT_EQ(d.events.size(), 5u);  // start, text block start + its initial text, stop, message stop
  EXPECT_EQ(d.events[1].index, 1u);
  EXPECT_EQ(d.events[2].text, "Hi");
  EXPECT_EQ(d.events[4].kind, ir::EventKind::kMessageStop);
}

TEST(AnthropicStream, ProtocolViolationsFailWithAnErrorEvent) {
  AnthropicAdapter adapter;
  const std::string cases[] = {
      Sse("message_start", "{oops"),
      Sse("content_block_delta",
          R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}})"),
      kStart +
          Sse("content_block_delta",
              R"({"type":"content_block_delta","index":3,"delta":{"type":"text_delta","text":"x"}})"),
      kStart +
          Sse("content_block_start",
              R"({"type":"content_block_start","index":4294967296,"content_block":{"type":"text"}})"),
      kStart +
          Sse("content_block_start",
              R"({"type":"content_block_start","index":0,"content_block":{"type":"text"}})") +
          Sse("content_block_start",
              R"({"type":"content_block_start","index":0,"content_block":{"type":"text"}})"),
      kStart,  // cut before message_stop
  };
  for (const std::string& sse : cases) {
    auto d = DecodeSse(adapter, sse);
    EXPECT_FALSE(d.ok) << sse;
    ASSERT_FALSE(d.events.empty());
    EXPECT_EQ(d.events.back().kind, ir::EventKind::kError) << sse;
    EXPECT_EQ(d.events.back().status, 502);
  }
  auto decoder = adapter.NewStreamDecoder();
  std::vector<ir::StreamEvent> out;
  EXPECT_FALSE(decoder->Feed("message_start", "[]", out));
  EXPECT_EQ(decoder->error().code, core::ErrorCode::kUpstreamProtocolError);
  EXPECT_FALSE(decoder->Feed("message_stop", R"({"type":"message_stop"})", out));  // sticky
  EXPECT_EQ(out.size(), 1u);
}

}  // namespace
}  // namespace sluice::provider
