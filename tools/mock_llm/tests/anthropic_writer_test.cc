// Exact Anthropic Messages wire shapes: message bodies, event sequences (text, tool use with
// input_json_delta fragments, thinking), usage placement, error bodies and events, models, count_tokens.
#include "mock_llm/anthropic_writer.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::mock_llm {
namespace json = boost::json;
namespace {

ChatCall Call(bool stream) {
  ChatCall c;
  c.model = "claude-sonnet-4-5";
  c.stream = stream;
  c.last_user_text = "Hi there";
  c.prompt_tokens_estimate = 9;
  c.max_tokens = 1024;
  return c;
}

constexpr std::string_view kStartUsage =
    R"({"input_tokens":9,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,)"
    R"("cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":1,)"
    R"("service_tier":"standard"})";

std::vector<std::string> Events(const StreamRenderer& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.EventCount(); ++i) out.push_back(s.Render(i).bytes);
  return out;
}

// Splits "event: NAME\ndata: JSON\n\n" and checks that data.type equals the event name (reference §3.5).
std::pair<std::string, json::value> Parse(const std::string& event) {
  EXPECT_EQ(event.rfind("event: ", 0), 0u) << event;
  size_t nl = event.find('\n');
  std::string name = event.substr(7, nl - 7);
  EXPECT_EQ(event.compare(nl + 1, 6, "data: "), 0) << event;
  EXPECT_EQ(event.substr(event.size() - 2), "\n\n");
  json::value data = json::parse(event.substr(nl + 7, event.size() - nl - 9));
  EXPECT_EQ(data.at("type"), json::value(name)) << event;
  return {name, data};
}

TEST(AnthropicWriter, MessageExactShape) {
  ChatCall call = Call(false);
  std::string body = RenderMessage(call, BuildScript(call, Behaviour{}), "msg_mock_1");
  EXPECT_EQ(body,
            R"({"id":"msg_mock_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",)"
            R"("content":[{"type":"text","text":"Hi there"}],"stop_reason":"end_turn","stop_sequence":null,)"
            R"("usage":{"input_tokens":9,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,)"
            R"("cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":2,)"
            R"("service_tier":"standard"}})");
}

TEST(AnthropicWriter, TextStreamExactSequence) {
  ChatCall call = Call(true);
  auto stream = MakeAnthropicStream(call, BuildScript(call, Behaviour{}), "msg_mock_1");
  auto ev = Events(*stream);
  const std::vector<std::string> expected = {
      "event: message_start\ndata: "
      R"({"type":"message_start","message":{"id":"msg_mock_1","type":"message","role":"assistant",)"
      R"("model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":)" +
          std::string(kStartUsage) + "}}\n\n",
      "event: ping\ndata: {\"type\":\"ping\"}\n\n",
      "event: content_block_start\ndata: "
      R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})" "\n\n",
      "event: content_block_delta\ndata: "
      R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}})" "\n\n",
      "event: content_block_delta\ndata: "
      R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there"}})" "\n\n",
      "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
      "event: message_delta\ndata: "
      R"({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}})"
      "\n\n",
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
  };
  EXPECT_EQ(ev, expected);
  for (const auto& e : ev) Parse(e);
  EXPECT_EQ(stream->EventsBeforeFirstToken(), 2u);  // message_start and ping precede the TTFT wait
  EXPECT_EQ(stream->Render(0).tokens, 0u);
  EXPECT_EQ(stream->Render(3).tokens, 1u);
  EXPECT_EQ(stream->Render(4).tokens, 1u);
}

TEST(AnthropicWriter, ToolUseStreamFragmentsConcatenateToInput) {
  ChatCall call = Call(true);
  call.tool_names = {"get_weather", "get_time"};
  Behaviour b;
  b.tool_calls = 2;
  b.cached_tokens = 4;
  b.cache_creation_tokens = 2;
  Script script = BuildScript(call, b);
  auto stream = MakeAnthropicStream(call, script, "msg_mock_7");
  auto ev = Events(*stream);
  auto [first, start] = Parse(ev[0]);
  EXPECT_EQ(start.at("message").at("usage").at("input_tokens"), 3);  // 9 − 4 cache reads − 2 cache writes
  EXPECT_EQ(start.at("message").at("usage").at("cache_read_input_tokens"), 4);
  EXPECT_EQ(start.at("message").at("usage").at("cache_creation_input_tokens"), 2);

  std::string partial[2];
  int starts = 0, stops = 0;
  int64_t open = -1;
  for (size_t i = 2; i + 2 < ev.size(); ++i) {
    auto [name, data] = Parse(ev[i]);
    if (name == "content_block_start") {
      EXPECT_EQ(open, -1);
      open = data.at("index").as_int64();
      EXPECT_EQ(open, starts);
      const json::value& block = data.at("content_block");
      EXPECT_EQ(block, json::parse(R"({"type":"tool_use","id":"toolu_mock_)" + std::to_string(starts) +
                                   R"(","name":")" + call.tool_names[starts] + R"(","input":{}})"));
      ++starts;
    } else if (name == "content_block_delta") {
      EXPECT_EQ(data.at("index").as_int64(), open);
      EXPECT_EQ(data.at("delta").at("type"), "input_json_delta");
      partial[open] += data.at("delta").at("partial_json").as_string();
    } else {
      ASSERT_EQ(name, "content_block_stop");
      EXPECT_EQ(data.at("index").as_int64(), open);
      open = -1;
      ++stops;
    }
  }
  EXPECT_EQ(starts, 2);
  EXPECT_EQ(stops, 2);
  for (int k = 0; k < 2; ++k) {
    EXPECT_EQ(json::parse(partial[k]), json::parse(R"({"index":)" + std::to_string(k) + R"(,"text":"Hi there"})"));
  }
  auto [delta_name, delta] = Parse(ev[ev.size() - 2]);
  EXPECT_EQ(delta_name, "message_delta");
  EXPECT_EQ(delta.at("delta").at("stop_reason"), "tool_use");
  EXPECT_EQ(delta.at("usage"), json::parse(R"({"output_tokens":)" + std::to_string(script.usage.completion_tokens) + "}"));
  EXPECT_EQ(Parse(ev.back()).first, "message_stop");

  json::value body = json::parse(RenderMessage(call, script, "msg_mock_7"));
  EXPECT_EQ(body.at("stop_reason"), "tool_use");
  EXPECT_EQ(body.at("content").at(1),
            json::parse(R"({"type":"tool_use","id":"toolu_mock_1","name":"get_time","input":{"index":1,"text":"Hi there"}})"));
}

TEST(AnthropicWriter, ThinkingBlockPrecedesTextWithSignatureLast) {
  ChatCall call = Call(true);
  Behaviour b;
  b.thinking_chunks = 2;
  Script script = BuildScript(call, b);
  auto ev = Events(*MakeAnthropicStream(call, script, "msg_mock_2"));
  std::vector<std::string> kinds;
  for (size_t i = 2; i + 2 < ev.size(); ++i) {
    auto [name, data] = Parse(ev[i]);
    if (name == "content_block_delta") kinds.push_back(std::string(data.at("delta").at("type").as_string()));
    else if (name == "content_block_start") kinds.push_back(std::string(data.at("content_block").at("type").as_string()));
    else kinds.push_back("stop" + std::to_string(data.at("index").as_int64()));
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"thinking", "thinking_delta", "thinking_delta", "signature_delta", "stop0",
                                             "text", "text_delta", "text_delta", "stop1"}));
  EXPECT_EQ(Parse(ev[2]).second.at("content_block"), json::parse(R"({"type":"thinking","thinking":""})"));
  json::value body = json::parse(RenderMessage(call, script, "msg_mock_2"));
  EXPECT_EQ(body.at("content").at(0).at("type"), "thinking");
  EXPECT_EQ(body.at("content").at(0).at("thinking"), "thought0 thought1");
  EXPECT_EQ(body.at("content").at(0).at("signature"), json::value(script.thinking_signature));
  EXPECT_FALSE(script.thinking_signature.empty());
  EXPECT_EQ(body.at("usage").at("output_tokens"), 4);  // 2 thinking + 2 text
}

TEST(AnthropicWriter, StopReasons) {
  ChatCall call = Call(false);
  call.last_user_text = "one two three four";
  call.max_tokens = 2;
  json::value cut = json::parse(RenderMessage(call, BuildScript(call, Behaviour{}), "m"));
  EXPECT_EQ(cut.at("stop_reason"), "max_tokens");
  EXPECT_EQ(cut.at("content").at(0).at("text"), "one two");
  EXPECT_EQ(cut.at("usage").at("output_tokens"), 2);

  call.max_tokens = 100;
  call.stop_sequences = {"four", "three"};
  json::value stopped = json::parse(RenderMessage(call, BuildScript(call, Behaviour{}), "m"));
  EXPECT_EQ(stopped.at("stop_reason"), "stop_sequence");
  EXPECT_EQ(stopped.at("stop_sequence"), "three");
  EXPECT_EQ(stopped.at("content").at(0).at("text"), "one two ");
  EXPECT_EQ(stopped.at("usage").at("output_tokens"), 2);
}

TEST(AnthropicWriter, ErrorEventAndBodies) {
  ChatCall call = Call(true);
  auto stream = MakeAnthropicStream(call, BuildScript(call, Behaviour{}), "m");
  EXPECT_EQ(stream->RenderError("ignored", 0),
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
  const std::pair<int, std::string_view> statuses[] = {
      {400, "invalid_request_error"}, {401, "authentication_error"}, {403, "permission_error"},
      {404, "not_found_error"}, {413, "request_too_large"}, {429, "rate_limit_error"},
      {500, "api_error"}, {529, "overloaded_error"}};
  for (const auto& [status, type] : statuses) {
    EXPECT_EQ(RenderAnthropicError(status, "boom", "req_1"),
              R"({"type":"error","error":{"type":")" + std::string(type) + R"(","message":"boom"},"request_id":"req_1"})");
  }
  EXPECT_EQ(RenderAnthropicError(400, "x", ""), R"({"type":"error","error":{"type":"invalid_request_error","message":"x"}})");
}

TEST(AnthropicWriter, SizedMessageIsExact) {
  ChatCall call = Call(false);
  Script script = BuildScript(call, Behaviour{});
  for (uint64_t size : {600u, 1024u, 4099u, 100000u}) {
    std::string body = RenderSizedMessage(call, script, "msg_mock_3", size);
    EXPECT_EQ(body.size(), size);
    json::value v = json::parse(body);
    uint64_t text = v.at("content").at(0).at("text").as_string().size();
    EXPECT_EQ(v.at("usage").at("output_tokens").to_number<uint64_t>(), (text + 3) / 4);
  }
}

TEST(AnthropicWriter, ModelsAndCountTokens) {
  EXPECT_EQ(RenderCountTokens(42), R"({"input_tokens":42})");
  json::value all = json::parse(RenderAnthropicModelList(20, "", ""));
  ASSERT_EQ(all.at("data").as_array().size(), 5u);
  EXPECT_EQ(all.at("has_more"), false);
  EXPECT_EQ(all.at("first_id"), all.at("data").at(0).at("id"));
  EXPECT_EQ(all.at("data").at(0).as_object().size(), 4u);  // type, id, display_name, created_at
  EXPECT_EQ(all.at("data").at(0).at("type"), "model");
  json::value page = json::parse(RenderAnthropicModelList(2, all.at("data").at(0).at("id").as_string(), ""));
  ASSERT_EQ(page.at("data").as_array().size(), 2u);
  EXPECT_EQ(page.at("data").at(0).at("id"), all.at("data").at(1).at("id"));
  EXPECT_EQ(page.at("has_more"), true);
  json::value before = json::parse(RenderAnthropicModelList(1, "", all.at("data").at(2).at("id").as_string()));
  EXPECT_EQ(before.at("data").at(0).at("id"), all.at("data").at(1).at("id"));
  EXPECT_EQ(before.at("has_more"), true);
  EXPECT_EQ(json::parse(RenderAnthropicModel("x")).at("id"), "x");
}

}  // namespace
}  // namespace sluice::mock_llm
