// Exact OpenAI wire shapes: chat.completion, chunk streams, usage semantics, embeddings, models, errors.
#include "mock_llm/openai_writer.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstring>

namespace sluice::mock_llm {
namespace json = boost::json;
namespace {

ChatCall Call(bool stream, bool include_usage) {
  ChatCall c;
  c.model = "gpt-4o";
  c.stream = stream;
  c.include_usage = include_usage;
  c.last_user_text = "Hi there";
  c.prompt_tokens_estimate = 9;
  return c;
}

const ResponseMeta kMeta{"chatcmpl-mock-1", 1700000000};

constexpr std::string_view kUsage =
    R"("usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,)"
    R"("prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},)"
    R"("completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,)"
    R"("rejected_prediction_tokens":0}})";

TEST(OpenAiWriter, ChatCompletionExactShape) {
  ChatCall call = Call(false, false);
  std::string body = RenderChatCompletion(call, BuildScript(call, Behaviour{}), kMeta);
  std::string expected =
      R"({"id":"chatcmpl-mock-1","object":"chat.completion","created":1700000000,"model":"gpt-4o",)"
      R"("service_tier":"default","system_fingerprint":"fp_mock","choices":[{"index":0,"message":)"
      R"({"role":"assistant","content":"Hi there","refusal":null,"annotations":[]},"logprobs":null,)"
      R"("finish_reason":"stop"}],)" + std::string(kUsage) + "}";
  EXPECT_EQ(body, expected);
}

std::vector<std::string> Events(const StreamRenderer& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.EventCount(); ++i) out.push_back(s.Render(i).bytes);
  return out;
}

json::value Payload(const std::string& event) {
  EXPECT_EQ(event.rfind("data: ", 0), 0u);
  EXPECT_EQ(event.substr(event.size() - 2), "\n\n");
  return json::parse(event.substr(6, event.size() - 8));
}

TEST(OpenAiWriter, StreamWithoutIncludeUsageHasNoUsageKey) {
  ChatCall call = Call(true, false);
  auto stream = MakeOpenAiStream(call, BuildScript(call, Behaviour{}), kMeta);
  auto ev = Events(*stream);
  ASSERT_EQ(ev.size(), 5u);  // role, "Hi", " there", finish, [DONE]
  EXPECT_EQ(ev[0],
            R"(data: {"id":"chatcmpl-mock-1","object":"chat.completion.chunk","created":1700000000,)"
            R"("model":"gpt-4o","service_tier":"default","system_fingerprint":"fp_mock","choices":[{"index":0,)"
            R"("delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]})" "\n\n");
  EXPECT_EQ(Payload(ev[1]).at("choices").at(0).at("delta"), json::parse(R"({"content":"Hi"})"));
  EXPECT_EQ(Payload(ev[2]).at("choices").at(0).at("delta"), json::parse(R"({"content":" there"})"));
  EXPECT_EQ(Payload(ev[3]).at("choices").at(0).at("finish_reason"), "stop");
  EXPECT_EQ(Payload(ev[3]).at("choices").at(0).at("delta"), json::object{});
  EXPECT_EQ(ev[4], "data: [DONE]\n\n");
  for (size_t i = 0; i + 1 < ev.size(); ++i) {
    EXPECT_FALSE(Payload(ev[i]).as_object().contains("usage")) << ev[i];
  }
  EXPECT_EQ(stream->Render(0).tokens, 0u);
  EXPECT_EQ(stream->Render(1).tokens, 1u);
}

TEST(OpenAiWriter, StreamWithIncludeUsageAddsUsageChunkAndNulls) {
  ChatCall call = Call(true, true);
  auto stream = MakeOpenAiStream(call, BuildScript(call, Behaviour{}), kMeta);
  auto ev = Events(*stream);
  ASSERT_EQ(ev.size(), 6u);
  for (size_t i = 0; i < 4; ++i) EXPECT_TRUE(Payload(ev[i]).at("usage").is_null()) << ev[i];
  EXPECT_EQ(ev[4],
            R"(data: {"id":"chatcmpl-mock-1","object":"chat.completion.chunk","created":1700000000,)"
            R"("model":"gpt-4o","service_tier":"default","system_fingerprint":"fp_mock","choices":[],)" +
                std::string(kUsage) + "}\n\n");
  EXPECT_EQ(ev[5], "data: [DONE]\n\n");
}

TEST(OpenAiWriter, ToolCallStreamFollowsIndexFragmentRules) {
  ChatCall call = Call(true, false);
  call.tool_names = {"get_weather"};
  Behaviour b;
  b.tool_calls = 2;
  Script script = BuildScript(call, b);
  auto stream = MakeOpenAiStream(call, script, kMeta);
  auto ev = Events(*stream);
  json::value first = Payload(ev[0]).at("choices").at(0).at("delta");
  EXPECT_EQ(first, json::parse(R"({"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_mock_0",
      "type":"function","function":{"name":"get_weather","arguments":""}}]})"));
  std::string args[2];
  int starts = 0;
  for (size_t i = 0; i + 2 < ev.size(); ++i) {
    json::value payload = Payload(ev[i]);
    const json::object& delta = payload.at("choices").at(0).at("delta").as_object();
    const json::object& tc = delta.at("tool_calls").at(0).as_object();
    int64_t index = tc.at("index").as_int64();
    if (tc.contains("id")) {
      ++starts;
      EXPECT_EQ(tc.at("function").at("arguments"), "");
      if (index == 1) {
        EXPECT_FALSE(delta.contains("role"));
      }
    } else {
      EXPECT_EQ(tc.size(), 2u);  // only index and function.arguments
      EXPECT_EQ(tc.at("function").as_object().size(), 1u);
      args[index] += tc.at("function").at("arguments").as_string();
    }
  }
  EXPECT_EQ(starts, 2);
  EXPECT_EQ(args[0], script.tool_calls[0].arguments);
  EXPECT_EQ(args[1], script.tool_calls[1].arguments);
  EXPECT_EQ(Payload(ev[ev.size() - 2]).at("choices").at(0).at("finish_reason"), "tool_calls");
}

TEST(OpenAiWriter, NonStreamToolCalls) {
  ChatCall call = Call(false, false);
  Behaviour b;
  b.tool_calls = 1;
  json::value v = json::parse(RenderChatCompletion(call, BuildScript(call, b), kMeta));
  const json::value& choice = v.at("choices").at(0);
  EXPECT_EQ(choice.at("finish_reason"), "tool_calls");
  EXPECT_TRUE(choice.at("message").at("content").is_null());
  EXPECT_EQ(choice.at("message").at("tool_calls"),
            json::parse(R"([{"id":"call_mock_0","type":"function","function":{"name":"mock_tool_0",
                "arguments":"{\"index\":0,\"text\":\"Hi there\"}"}}])"));
}

TEST(OpenAiWriter, InStreamErrorEvent) {
  ChatCall call = Call(true, false);
  auto stream = MakeOpenAiStream(call, BuildScript(call, Behaviour{}), kMeta);
  EXPECT_EQ(stream->RenderError("boom", 0),
            "data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"param\":null,"
            "\"code\":\"server_error\"}}\n\n");
}

TEST(OpenAiWriter, SizedCompletionIsExact) {
  ChatCall call = Call(false, false);
  Script script = BuildScript(call, Behaviour{});
  for (uint64_t size : {700u, 1024u, 4099u, 100000u}) {
    std::string body = RenderSizedChatCompletion(call, script, kMeta, size);
    EXPECT_EQ(body.size(), size);
    json::value v = json::parse(body);
    uint64_t content = v.at("choices").at(0).at("message").at("content").as_string().size();
    EXPECT_EQ(v.at("usage").at("completion_tokens").to_number<uint64_t>(), (content + 3) / 4);
  }
  // Smaller than the envelope: the smallest valid body.
  EXPECT_GT(RenderSizedChatCompletion(call, script, kMeta, 10).size(), 10u);
}

TEST(OpenAiWriter, EmbeddingsFloatAndBase64Agree) {
  EmbeddingsCall call;
  call.model = "text-embedding-3-small";
  call.texts = {"hello", "world"};
  call.input_tokens = {2, 2};
  call.dimensions = 4;
  json::value floats = json::parse(RenderEmbeddings(call));
  EXPECT_EQ(floats.at("object"), "list");
  EXPECT_EQ(floats.at("usage"), json::parse(R"({"prompt_tokens":4,"total_tokens":4})"));
  ASSERT_EQ(floats.at("data").as_array().size(), 2u);
  const json::array& v0 = floats.at("data").at(0).at("embedding").as_array();
  ASSERT_EQ(v0.size(), 4u);
  double norm = 0;
  for (const auto& x : v0) norm += x.to_number<double>() * x.to_number<double>();
  EXPECT_NEAR(norm, 1.0, 1e-5);
  EXPECT_NE(floats.at("data").at(0).at("embedding"), floats.at("data").at(1).at("embedding"));

  call.base64 = true;
  json::value b64 = json::parse(RenderEmbeddings(call));
  std::string text(b64.at("data").at(0).at("embedding").as_string());
  // Decode base64 → little-endian float32 and compare with the float rendering.
  auto val = [](char c) -> int {
    return c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26 : c >= '0' && c <= '9' ? c - '0' + 52 : c == '+' ? 62 : 63;
  };
  std::vector<unsigned char> bytes;
  for (size_t i = 0; i + 3 < text.size(); i += 4) {
    uint32_t n = (val(text[i]) << 18) | (val(text[i + 1]) << 12);
    bytes.push_back(static_cast<unsigned char>(n >> 16));
    if (text[i + 2] != '=') { n |= val(text[i + 2]) << 6; bytes.push_back(static_cast<unsigned char>(n >> 8)); }
    if (text[i + 3] != '=') { n |= val(text[i + 3]); bytes.push_back(static_cast<unsigned char>(n)); }
  }
  ASSERT_EQ(bytes.size(), 16u);
  for (size_t d = 0; d < 4; ++d) {
    uint32_t bits = bytes[d * 4] | (bytes[d * 4 + 1] << 8) | (bytes[d * 4 + 2] << 16) | (uint32_t{bytes[d * 4 + 3]} << 24);
    float f;
    std::memcpy(&f, &bits, 4);
    EXPECT_EQ(f, static_cast<float>(v0[d].to_number<double>()));
  }
}

TEST(OpenAiWriter, EmbeddingDimensionsDefault) {
  EXPECT_EQ(DefaultEmbeddingDimensions("text-embedding-3-large"), 3072u);
  EXPECT_EQ(DefaultEmbeddingDimensions("text-embedding-3-small"), 1536u);
}

TEST(OpenAiWriter, ModelsAndErrors) {
  json::value list = json::parse(RenderModelList());
  EXPECT_EQ(list.at("object"), "list");
  EXPECT_EQ(list.at("data").at(0), json::parse(R"({"id":"gpt-4o","object":"model","created":1700000000,"owned_by":"mock"})"));
  EXPECT_EQ(json::parse(RenderModel("x")).at("id"), "x");
  EXPECT_EQ(RenderStatusError(429, "slow down"),
            R"({"error":{"message":"slow down","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}})");
  EXPECT_EQ(RenderStatusError(503, "down"),
            R"({"error":{"message":"down","type":"server_error","param":null,"code":null}})");
  EXPECT_EQ(RenderError("m", "invalid_request_error", "messages", "missing_required_parameter"),
            R"({"error":{"message":"m","type":"invalid_request_error","param":"messages","code":"missing_required_parameter"}})");
}

}  // namespace
}  // namespace sluice::mock_llm
