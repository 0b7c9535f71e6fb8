// Fixture tests of the OpenAI Responses stream encoder: IR events → the exact Responses SSE event
// sequence (reference §2 "Streaming"; event shapes from the openai SDK's ResponseStreamEvent
// types), checked event by event. openai_responses_sdk_check.mjs feeds the same streams to the
// SDK's own ResponseStream accumulator.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <fstream>

#include "dialect/openai_responses.h"

namespace sluice::dialect {
namespace {

namespace json = boost::json;

struct Sse {
  std::string event;
  json::object data;
};

// Splits the encoder's bytes into events and checks the framing every event must have:
// `event: <type>` equal to data.type, and sequence_number counting from 0 without gaps.
std::vector<Sse> Parse(const std::string& bytes) {
  std::vector<Sse> out;
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t end = bytes.find("\n\n", pos);
    EXPECT_NE(end, std::string::npos) << "unterminated event at " << pos;
    if (end == std::string::npos) break;
    std::string_view block(bytes.data() + pos, end - pos);
    pos = end + 2;
    EXPECT_TRUE(block.starts_with("event: ")) << block;
    size_t nl = block.find('\n');
    Sse e;
    e.event = std::string(block.substr(7, nl - 7));
    std::string_view data = block.substr(nl + 1);
    EXPECT_TRUE(data.starts_with("data: ")) << block;
    boost::system::error_code ec;
    json::value v = json::parse(data.substr(6), ec);
    EXPECT_FALSE(ec) << data;
    if (v.is_object()) e.data = v.get_object();
    EXPECT_EQ(e.data["type"], e.event.c_str());
    EXPECT_EQ(e.data["sequence_number"], json::value(static_cast<int64_t>(out.size())));
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<std::string> Types(const std::vector<Sse>& events) {
  std::vector<std::string> t;
  for (const Sse& e : events) t.push_back(e.event);
  return t;
}

ir::StreamEvent Start(std::string id = "chatcmpl-1", std::string model = "gpt-4o") {
  ir::StreamEvent e;
  e.kind = ir::EventKind::kMessageStart;
  e.id = std::move(id);
  e.name = std::move(model);
  return e;
}
ir::StreamEvent Block(uint32_t index, ir::BlockKind kind, std::string id = {},
                      std::string name = {}) {
  ir::StreamEvent e;
  e.kind = ir::EventKind::kBlockStart;
  e.index = index;
  e.block = kind;
  e.id = std::move(id);
  e.name = std::move(name);
  return e;
}
ir::StreamEvent Delta(uint32_t index, ir::DeltaKind kind, std::string text) {
  ir::StreamEvent e;
  e.kind = ir::EventKind::kBlockDelta;
  e.index = index;
  e.delta = kind;
  e.text = std::move(text);
  return e;
}
ir::StreamEvent Stop(uint32_t index) {
  ir::StreamEvent e;
  e.kind = ir::EventKind::kBlockStop;
  e.index = index;
  return e;
}
ir::StreamEvent Finish(ir::FinishReason f, ir::Usage u = {}) {
  ir::StreamEvent e;
  e.kind = ir::EventKind::kMessageDelta;
  e.finish = f;
  e.usage = u;
  return e;
}
ir::StreamEvent End() {
  ir::StreamEvent e;
  e.kind = ir::EventKind::kMessageStop;
  return e;
}

// Encodes `events`. With SLUICE_RESPONSES_SSE_DIR set, also writes the bytes to
// <dir>/<test name>.sse for openai_responses_sdk_check.mjs.
std::string Feed(const std::vector<ir::StreamEvent>& events, OpenAiResponsesStreamEncoder& enc) {
  std::string out;
  for (const ir::StreamEvent& e : events) enc.Encode(e, out);
  if (const char* dir = std::getenv("SLUICE_RESPONSES_SSE_DIR")) {
    std::string path = std::string(dir) + "/" +
                       ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".sse";
    std::ofstream(path, std::ios::binary) << out;
  }
  return out;
}

OpenAiResponsesEncodeOptions Opts() {
  OpenAiResponsesEncodeOptions o;
  o.created_at = 1700000000;
  return o;
}

TEST(OpenAiResponsesStream, TextTurn) {
  OpenAiResponsesStreamEncoder enc(Opts());
  ir::Usage usage{.input = 9, .output = 2, .cache_read = 4, .present = true};
  auto ev = Parse(Feed({Start(), Block(0, ir::BlockKind::kText),
                       Delta(0, ir::DeltaKind::kText, "Hel"), Delta(0, ir::DeltaKind::kText, "lo"),
                       Stop(0), Finish(ir::FinishReason::kStop, usage), End()},
                      enc));
  ASSERT_EQ(Types(ev), (std::vector<std::string>{
                           "response.created", "response.in_progress",
                           "response.output_item.added", "response.content_part.added",
                           "response.output_text.delta", "response.output_text.delta",
                           "response.output_text.done", "response.content_part.done",
                           "response.output_item.done", "response.completed"}));
  EXPECT_TRUE(enc.done());
  EXPECT_EQ(enc.usage(), usage);
  json::object& created = ev[0].data["response"].as_object();
  EXPECT_EQ(created["id"], "resp_1");
  EXPECT_EQ(created["status"], "in_progress");
  EXPECT_EQ(created["created_at"], 1700000000);
  EXPECT_EQ(created["model"], "gpt-4o");
  EXPECT_EQ(created["output"], json::array{});
  EXPECT_TRUE(created["usage"].is_null());
  EXPECT_EQ(created["tool_choice"], "auto");  // default echo
  EXPECT_EQ(ev[1].data["response"], ev[0].data["response"]);

  EXPECT_EQ(ev[2].data, json::parse(R"({"type":"response.output_item.added","sequence_number":2,
    "output_index":0,"item":{"id":"msg_1_0","type":"message","status":"in_progress","content":[],
    "role":"assistant"}})"));
  EXPECT_EQ(ev[3].data, json::parse(R"({"type":"response.content_part.added","sequence_number":3,
    "item_id":"msg_1_0","output_index":0,"content_index":0,
    "part":{"type":"output_text","annotations":[],"logprobs":[],"text":""}})"));
  EXPECT_EQ(ev[4].data, json::parse(R"({"type":"response.output_text.delta","sequence_number":4,
    "item_id":"msg_1_0","output_index":0,"content_index":0,"logprobs":[],"delta":"Hel"})"));
  EXPECT_EQ(ev[6].data, json::parse(R"({"type":"response.output_text.done","sequence_number":6,
    "item_id":"msg_1_0","output_index":0,"content_index":0,"logprobs":[],"text":"Hello"})"));
  EXPECT_EQ(ev[7].data["part"], json::parse(
      R"({"type":"output_text","annotations":[],"logprobs":[],"text":"Hello"})"));
  json::value done_item = json::parse(R"({"id":"msg_1_0","type":"message","status":"completed",
    "content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Hello"}],"role":"assistant"})");
  EXPECT_EQ(ev[8].data["item"], done_item);

  json::object& final = ev[9].data["response"].as_object();
  EXPECT_EQ(final["status"], "completed");
  EXPECT_EQ(final["output"], json::array{done_item});
  EXPECT_EQ(final["usage"], json::parse(R"({"input_tokens":9,"input_tokens_details":{"cached_tokens":4},
    "output_tokens":2,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":11})"));

  std::string more;
  enc.Encode(End(), more);
  EXPECT_TRUE(more.empty());  // nothing after the terminal event
}

TEST(OpenAiResponsesStream, ParallelFunctionCallsWithInterleavedArguments) {
  OpenAiResponsesEncodeOptions o = Opts();
  o.echo = EncodeOpenAiResponsesEcho([] {
    ir::ChatRequest r;
    r.tools.push_back({"weather", "", R"({"type":"object"})", std::nullopt});
    return r;
  }());
  OpenAiResponsesStreamEncoder enc(o);
  auto ev = Parse(Feed({Start("resp_X"), Block(1, ir::BlockKind::kToolCall, "call_A", "weather"),
                       Block(2, ir::BlockKind::kToolCall, "call_B", "weather"),
                       Delta(1, ir::DeltaKind::kArguments, "{\"city\":"),
                       Delta(2, ir::DeltaKind::kArguments, "{\"city\":\"Rome\"}"),
                       Delta(1, ir::DeltaKind::kArguments, "\"Paris\"}"), Stop(2), Stop(1),
                       Finish(ir::FinishReason::kToolCalls), End()},
                      enc));
  ASSERT_EQ(Types(ev), (std::vector<std::string>{
                           "response.created", "response.in_progress",
                           "response.output_item.added", "response.output_item.added",
                           "response.function_call_arguments.delta",
                           "response.function_call_arguments.delta",
                           "response.function_call_arguments.delta",
                           "response.function_call_arguments.done", "response.output_item.done",
                           "response.function_call_arguments.done", "response.output_item.done",
                           "response.completed"}));
  EXPECT_EQ(ev[2].data["item"], json::parse(R"({"id":"fc_X_0","type":"function_call",
    "status":"in_progress","arguments":"","call_id":"call_A","name":"weather"})"));
  EXPECT_EQ(ev[3].data["output_index"], 1);
  EXPECT_EQ(ev[3].data["item"].at("call_id"), "call_B");
  EXPECT_EQ(ev[4].data, json::parse(R"({"type":"response.function_call_arguments.delta",
    "sequence_number":4,"item_id":"fc_X_0","output_index":0,"delta":"{\"city\":"})"));
  EXPECT_EQ(ev[5].data["item_id"], "fc_X_1");
  EXPECT_EQ(ev[5].data["output_index"], 1);
  EXPECT_EQ(ev[6].data["item_id"], "fc_X_0");
  EXPECT_EQ(ev[7].data, json::parse(R"({"type":"response.function_call_arguments.done",
    "sequence_number":7,"item_id":"fc_X_1","output_index":1,"name":"weather",
    "arguments":"{\"city\":\"Rome\"}"})"));
  EXPECT_EQ(ev[9].data["arguments"], R"({"city":"Paris"})");
  json::value a = json::parse(R"({"id":"fc_X_0","type":"function_call","status":"completed",
    "arguments":"{\"city\":\"Paris\"}","call_id":"call_A","name":"weather"})");
  json::value b = json::parse(R"({"id":"fc_X_1","type":"function_call","status":"completed",
    "arguments":"{\"city\":\"Rome\"}","call_id":"call_B","name":"weather"})");
  EXPECT_EQ(ev[8].data["item"], b);
  EXPECT_EQ(ev[10].data["item"], a);
  json::object& final = ev[11].data["response"].as_object();
  EXPECT_EQ(final["id"], "resp_X");
  EXPECT_EQ(final["output"], (json::array{a, b}));  // in output_index order
  EXPECT_EQ(final["tools"].at(0).at("name"), "weather");
  EXPECT_TRUE(final["usage"].is_null());  // the upstream reported none
}

TEST(OpenAiResponsesStream, ReasoningThenText) {
  OpenAiResponsesStreamEncoder enc(Opts());
  ir::Usage usage{.input = 5, .output = 40, .reasoning = 30, .present = true};
  auto ev = Parse(Feed({Start("msg_01"), Block(0, ir::BlockKind::kReasoning),
                       Delta(0, ir::DeltaKind::kReasoning, "Think"),
                       Delta(0, ir::DeltaKind::kReasoning, "ing."),
                       Delta(0, ir::DeltaKind::kSignature, "SIG"), Stop(0),
                       Block(1, ir::BlockKind::kText), Delta(1, ir::DeltaKind::kText, "Yes."),
                       Stop(1), Finish(ir::FinishReason::kStop, usage), End()},
                      enc));
  ASSERT_EQ(Types(ev), (std::vector<std::string>{
                           "response.created", "response.in_progress",
                           "response.output_item.added", "response.reasoning_summary_part.added",
                           "response.reasoning_summary_text.delta",
                           "response.reasoning_summary_text.delta",
                           "response.reasoning_summary_text.done",
                           "response.reasoning_summary_part.done", "response.output_item.done",
                           "response.output_item.added", "response.content_part.added",
                           "response.output_text.delta", "response.output_text.done",
                           "response.content_part.done", "response.output_item.done",
                           "response.completed"}));
  EXPECT_EQ(ev[2].data["item"],
            json::parse(R"({"id":"rs_01_0","type":"reasoning","summary":[]})"));
  EXPECT_EQ(ev[3].data, json::parse(R"({"type":"response.reasoning_summary_part.added",
    "sequence_number":3,"item_id":"rs_01_0","output_index":0,"summary_index":0,
    "part":{"type":"summary_text","text":""}})"));
  EXPECT_EQ(ev[4].data, json::parse(R"({"type":"response.reasoning_summary_text.delta",
    "sequence_number":4,"item_id":"rs_01_0","output_index":0,"summary_index":0,"delta":"Think"})"));
  EXPECT_EQ(ev[6].data["text"], "Thinking.");
  EXPECT_EQ(ev[7].data["part"], json::parse(R"({"type":"summary_text","text":"Thinking."})"));
  json::value reasoning = json::parse(R"({"id":"rs_01_0","type":"reasoning",
    "summary":[{"type":"summary_text","text":"Thinking."}],"encrypted_content":"SIG"})");
  EXPECT_EQ(ev[8].data["item"], reasoning);
  EXPECT_EQ(ev[9].data["output_index"], 1);
  EXPECT_EQ(ev[11].data["item_id"], "msg_01_1");
  json::object& final = ev[15].data["response"].as_object();
  ASSERT_EQ(final["output"].as_array().size(), 2u);
  EXPECT_EQ(final["output"].at(0), reasoning);
  EXPECT_EQ(final["usage"].at("output_tokens_details").at("reasoning_tokens"), 30);
}

TEST(OpenAiResponsesStream, MidStreamErrorFailsTheResponseAndRaises) {
  OpenAiResponsesStreamEncoder enc(Opts());
  ir::StreamEvent err;
  err.kind = ir::EventKind::kError;
  err.status = 503;
  err.error_type = "overloaded_error";
  err.text = "Overloaded";
  auto ev = Parse(Feed({Start(), Block(0, ir::BlockKind::kText),
                       Delta(0, ir::DeltaKind::kText, "Par"), err, End()},
                      enc));
  ASSERT_EQ(Types(ev), (std::vector<std::string>{
                           "response.created", "response.in_progress",
                           "response.output_item.added", "response.content_part.added",
                           "response.output_text.delta", "response.failed", "error"}));
  json::object& failed = ev[5].data["response"].as_object();
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_EQ(failed["error"], json::parse(R"({"code":"server_error","message":"Overloaded"})"));
  EXPECT_EQ(failed["output"].at(0).at("status"), "incomplete");
  EXPECT_EQ(failed["output"].at(0).at("content").at(0).at("text"), "Par");
  EXPECT_EQ(ev[6].data, json::parse(R"({"type":"error","sequence_number":6,"code":"server_error",
    "message":"Overloaded","param":null,"error":{"type":"server_error","code":"server_error",
    "message":"Overloaded","param":null}})"));
  EXPECT_TRUE(enc.done());
}

TEST(OpenAiResponsesStream, ErrorBeforeAnyEventIsOnlyTheErrorEvent) {
  OpenAiResponsesStreamEncoder enc(Opts());
  ir::StreamEvent err;
  err.kind = ir::EventKind::kError;
  err.status = 429;
  err.text = "Slow down";
  auto ev = Parse(Feed({err}, enc));
  ASSERT_EQ(Types(ev), std::vector<std::string>{"error"});
  EXPECT_EQ(ev[0].data["code"], "rate_limit_exceeded");
  EXPECT_EQ(ev[0].data["error"].at("type"), "rate_limit_error");
}

TEST(OpenAiResponsesStream, LengthLimitEndsIncompleteAndClosesOpenItems) {
  OpenAiResponsesStreamEncoder enc(Opts());
  // No message start and no block start: the encoder synthesizes both.
  auto ev = Parse(Feed({Delta(3, ir::DeltaKind::kText, "cut"), Finish(ir::FinishReason::kLength),
                       End()},
                      enc));
  ASSERT_EQ(Types(ev), (std::vector<std::string>{
                           "response.created", "response.in_progress",
                           "response.output_item.added", "response.content_part.added",
                           "response.output_text.delta", "response.output_text.done",
                           "response.content_part.done", "response.output_item.done",
                           "response.incomplete"}));
  EXPECT_EQ(ev[0].data["response"].at("id"), "resp_sluice");
  EXPECT_EQ(ev[7].data["item"].at("status"), "incomplete");
  json::object& final = ev[8].data["response"].as_object();
  EXPECT_EQ(final["status"], "incomplete");
  EXPECT_EQ(final["incomplete_details"], json::parse(R"({"reason":"max_output_tokens"})"));
}

TEST(OpenAiResponsesStream, ToolCallWithoutArgumentsAndRedactedReasoning) {
  OpenAiResponsesStreamEncoder enc(Opts());
  ir::StreamEvent redacted = Block(0, ir::BlockKind::kRedactedReasoning);
  redacted.text = "ENC";
  auto ev = Parse(Feed({Start(), redacted, Stop(0), Block(1, ir::BlockKind::kToolCall, "c", "now"),
                       Stop(1), End()},
                      enc));
  ASSERT_EQ(ev.size(), 8u);
  EXPECT_EQ(ev[2].data["item"], json::parse(R"({"id":"rs_1_0","type":"reasoning","summary":[],
    "encrypted_content":"sluice-redacted:ENC"})"));
  EXPECT_EQ(ev[3].data["type"], "response.output_item.done");
  EXPECT_EQ(ev[5].data["type"], "response.function_call_arguments.done");
  EXPECT_EQ(ev[5].data["arguments"], "{}");  // parseable, as a call without arguments means
  EXPECT_EQ(ev[7].data["response"].at("status"), "completed");
}

}  // namespace
}  // namespace sluice::dialect
