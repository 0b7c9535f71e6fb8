// Azure OpenAI flavour of the OpenAI writer (reference §6: prompt_filter_results, content_filter_results,
// the choices:[] opening chunk, the content_filter 400) and the vLLM /metrics text and /mock/load knobs
// (reference §7).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "mock_llm/openai_writer.h"
#include "mock_llm/vllm_metrics.h"

namespace sluice::mock_llm {
namespace json = boost::json;
namespace {

ChatCall Call() {
  ChatCall c;
  c.model = "my-deployment";
  c.stream = true;
  c.last_user_text = "Hi there";
  c.prompt_tokens_estimate = 8;
  return c;
}

constexpr std::string_view kSafe =
    R"({"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},)"
    R"("sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"})";

TEST(Azure, BodyCarriesFilterResults) {
  ResponseMeta meta{"chatcmpl-1", 1, true};
  json::value v = json::parse(RenderChatCompletion(Call(), BuildScript(Call(), Behaviour{}), meta));
  EXPECT_FALSE(v.as_object().contains("service_tier"));
  EXPECT_EQ(json::serialize(v.at("prompt_filter_results")),
            "[{\"prompt_index\":0,\"content_filter_results\":" + std::string(kSafe) +
                ",\"jailbreak\":{\"filtered\":false,\"detected\":false}}}]");
  EXPECT_EQ(json::serialize(v.at("choices").at(0).at("content_filter_results")),
            std::string(kSafe) + R"(,"protected_material_code":{"filtered":false,"detected":false},)"
                                 R"("protected_material_text":{"filtered":false,"detected":false}})");
  // Plain OpenAI answers carry none of it.
  json::value plain = json::parse(RenderChatCompletion(Call(), BuildScript(Call(), Behaviour{}), {"chatcmpl-1", 1}));
  EXPECT_FALSE(plain.as_object().contains("prompt_filter_results"));
  EXPECT_FALSE(plain.at("choices").at(0).as_object().contains("content_filter_results"));
}

TEST(Azure, StreamOpensWithPromptFilterChunk) {
  auto stream = MakeOpenAiStream(Call(), BuildScript(Call(), Behaviour{}), {"chatcmpl-1", 1, true});
  EXPECT_EQ(stream->EventsBeforeFirstToken(), 1u);  // sent with the headers
  ASSERT_EQ(stream->EventCount(), 6u);  // filter, role, Hi, there, finish, [DONE]
  std::string first = stream->Render(0).bytes;
  json::value f = json::parse(first.substr(6));
  EXPECT_EQ(json::serialize(f.at("choices")), "[]");
  EXPECT_EQ(f.at("id"), "");
  EXPECT_EQ(f.at("model"), "");
  EXPECT_TRUE(f.as_object().contains("prompt_filter_results"));
  json::value role = json::parse(stream->Render(1).bytes.substr(6));
  EXPECT_EQ(json::serialize(role.at("choices").at(0).at("content_filter_results")), "{}");
  json::value content = json::parse(stream->Render(2).bytes.substr(6));
  EXPECT_EQ(content.at("choices").at(0).at("content_filter_results").at("violence").at("severity"), "safe");
  EXPECT_EQ(stream->Render(5).bytes, "data: [DONE]\n\n");
}

TEST(Azure, FilteredCompletionAndPrompt) {
  Behaviour b;
  b.safety = Safety::kResponse;
  json::value v = json::parse(RenderChatCompletion(Call(), BuildScript(Call(), b), {"c", 1, true}));
  EXPECT_EQ(v.at("choices").at(0).at("finish_reason"), "content_filter");
  EXPECT_EQ(json::serialize(v.at("choices").at(0).at("content_filter_results").at("violence")),
            R"({"filtered":true,"severity":"high"})");
  json::value e = json::parse(AzurePromptFilteredError());
  EXPECT_EQ(e.at("error").at("code"), "content_filter");
  EXPECT_EQ(e.at("error").at("param"), "prompt");
  EXPECT_EQ(e.at("error").at("status"), 400);
  EXPECT_EQ(e.at("error").at("innererror").at("code"), "ResponsibleAIPolicyViolation");
  EXPECT_EQ(e.at("error").at("innererror").at("content_filter_result").at("violence").at("filtered"), true);
}

TEST(VllmMetrics, PrometheusText) {
  MetricsSnapshot m;
  m.model_name = "meta/llama\"3";
  m.running = 3;
  m.waiting = 7;
  m.kv_cache_usage = 0.9;
  m.prompt_tokens_total = 12;
  std::string text = RenderVllmMetrics(m);
  EXPECT_NE(text.find("# TYPE vllm:num_requests_running gauge\n"
                      "vllm:num_requests_running{engine=\"0\",model_name=\"meta/llama\\\"3\"} 3.0\n"),
            std::string::npos);
  EXPECT_NE(text.find("vllm:num_requests_waiting{engine=\"0\",model_name=\"meta/llama\\\"3\"} 7.0\n"), std::string::npos);
  EXPECT_NE(text.find("vllm:kv_cache_usage_perc{engine=\"0\",model_name=\"meta/llama\\\"3\"} 0.9\n"), std::string::npos);
  EXPECT_NE(text.find("vllm:gpu_cache_usage_perc{engine=\"0\",model_name=\"meta/llama\\\"3\"} 0.9\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE vllm:prompt_tokens_total counter\n"), std::string::npos);
  m.running = -1;  // never negative
  EXPECT_NE(RenderVllmMetrics(m).find("} 0.0\n"), std::string::npos);
}

TEST(VllmMetrics, LoadUpdates) {
  LoadState state;
  std::string error;
  auto u = ParseLoadUpdate(R"({"waiting":4,"kv_cache_usage":0.75})", &error);
  ASSERT_TRUE(u);
  ApplyLoadUpdate(*u, state);
  auto offset = ParseLoadUpdate(R"({"running_offset":2})", &error);
  ASSERT_TRUE(offset);
  ApplyLoadUpdate(*offset, state);  // absent keys keep their value
  EXPECT_EQ(LoadJson(state), R"({"waiting":4,"kv_cache_usage":0.75,"running_offset":2})");
  EXPECT_FALSE(ParseLoadUpdate(R"({"kv_cache_usage":1.5})", &error));
  EXPECT_EQ(error, "kv_cache_usage must be a number in 0..1");
  EXPECT_FALSE(ParseLoadUpdate(R"({"waiting":-1})", &error));
  EXPECT_FALSE(ParseLoadUpdate(R"({"waiting":1.5})", &error));
  EXPECT_FALSE(ParseLoadUpdate(R"({"queue":1})", &error));
  EXPECT_EQ(error, "unknown key 'queue' (expected waiting, kv_cache_usage, running_offset)");
  state.Reset();
  EXPECT_EQ(LoadJson(state), R"({"waiting":0,"kv_cache_usage":0.0,"running_offset":0})");
}

}  // namespace
}  // namespace sluice::mock_llm
