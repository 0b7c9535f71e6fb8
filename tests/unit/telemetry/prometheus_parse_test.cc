// Prometheus text parser: real vLLM, SGLang and TGI exposition shapes, edge syntax, and garbage.
#include "telemetry/prometheus_parse.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

namespace sluice::telemetry {
namespace {

// The shape vLLM (prometheus_client) serves: HELP/TYPE, colon names, two label orders, histograms.
constexpr std::string_view kVllm = R"(# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 3.0
# HELP vllm:num_requests_waiting Number of requests waiting to be processed.
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 7.0
# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.
# TYPE vllm:kv_cache_usage_perc gauge
vllm:kv_cache_usage_perc{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.4523
# HELP vllm:prompt_tokens_total Number of prefill tokens processed.
# TYPE vllm:prompt_tokens_total counter
vllm:prompt_tokens_total{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 1.234567e+06
# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.
# TYPE vllm:time_to_first_token_seconds histogram
vllm:time_to_first_token_seconds_bucket{engine="0",le="0.001",model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.0
vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="meta-llama/Llama-3.1-8B-Instruct"} 42.0
vllm:time_to_first_token_seconds_count{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 42.0
vllm:time_to_first_token_seconds_sum{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 3.52
# HELP python_gc_objects_collected_total Objects collected during gc
# TYPE python_gc_objects_collected_total counter
python_gc_objects_collected_total{generation="0"} 18372.0
)";

// SGLang (docs "Production Metrics"): colon names, the rank labels of newer releases.
constexpr std::string_view kSglang = R"(# HELP sglang:num_running_reqs The number of running requests.
# TYPE sglang:num_running_reqs gauge
sglang:num_running_reqs{engine_type="unified",model_name="meta-llama/Llama-3.1-8B-Instruct",moe_ep_rank="0",pp_rank="0",tp_rank="0"} 12.0
# HELP sglang:num_queue_reqs The number of requests in the waiting queue.
# TYPE sglang:num_queue_reqs gauge
sglang:num_queue_reqs{engine_type="unified",model_name="meta-llama/Llama-3.1-8B-Instruct",moe_ep_rank="0",pp_rank="0",tp_rank="0"} 2.0
# HELP sglang:token_usage The token usage.
# TYPE sglang:token_usage gauge
sglang:token_usage{engine_type="unified",model_name="meta-llama/Llama-3.1-8B-Instruct",moe_ep_rank="0",pp_rank="0",tp_rank="0"} 0.28
)";

// TGI (Rust metrics-exporter-prometheus): no HELP, unlabelled gauges, integer values.
constexpr std::string_view kTgi = R"(# TYPE tgi_queue_size gauge
tgi_queue_size 4
# TYPE tgi_batch_current_size gauge
tgi_batch_current_size 16
# TYPE tgi_request_duration histogram
tgi_request_duration_bucket{le="0.005"} 0
tgi_request_duration_bucket{le="+Inf"} 120
tgi_request_duration_sum 30.5
tgi_request_duration_count 120
)";

TEST(PrometheusParse, VllmExposition) {
  auto r = ParsePrometheusText(kVllm);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto* running = r->Find("vllm:num_requests_running");
  ASSERT_NE(running, nullptr);
  ASSERT_EQ(running->size(), 1u);
  EXPECT_EQ((*running)[0].value, 3.0);
  ASSERT_NE((*running)[0].Label("model_name"), nullptr);
  EXPECT_EQ(*(*running)[0].Label("model_name"), "meta-llama/Llama-3.1-8B-Instruct");
  EXPECT_EQ(*(*running)[0].Label("engine"), "0");
  EXPECT_EQ((*running)[0].Label("nope"), nullptr);
  EXPECT_DOUBLE_EQ(r->Find("vllm:kv_cache_usage_perc")->at(0).value, 0.4523);
  EXPECT_DOUBLE_EQ(r->Find("vllm:prompt_tokens_total")->at(0).value, 1234567.0);
  const auto* buckets = r->Find("vllm:time_to_first_token_seconds_bucket");
  ASSERT_NE(buckets, nullptr);
  ASSERT_EQ(buckets->size(), 2u);
  EXPECT_EQ(*(*buckets)[1].Label("le"), "+Inf");
  EXPECT_EQ(r->types.at("vllm:time_to_first_token_seconds"), "histogram");
  EXPECT_EQ(r->types.at("vllm:num_requests_waiting"), "gauge");
  EXPECT_EQ(r->help.at("vllm:kv_cache_usage_perc"), "KV-cache usage. 1 means 100 percent usage.");
  EXPECT_EQ(r->sample_count, 9u);
}

TEST(PrometheusParse, SglangAndTgiExpositions) {
  auto s = ParsePrometheusText(kSglang);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->Find("sglang:num_running_reqs")->at(0).value, 12.0);
  EXPECT_EQ(*s->Find("sglang:num_queue_reqs")->at(0).Label("tp_rank"), "0");
  EXPECT_DOUBLE_EQ(s->Find("sglang:token_usage")->at(0).value, 0.28);
  auto t = ParsePrometheusText(kTgi);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->Find("tgi_queue_size")->at(0).value, 4.0);
  EXPECT_TRUE(t->Find("tgi_queue_size")->at(0).labels.empty());
  EXPECT_EQ(t->Find("tgi_batch_current_size")->at(0).value, 16.0);
  EXPECT_EQ(t->Find("tgi_request_duration_count")->at(0).value, 120.0);
}

TEST(PrometheusParse, SpecialValuesTimestampsAndSpacing) {
  auto r = ParsePrometheusText(
      "a NaN\n"
      "b +Inf\n"
      "c -Inf 1700000000000\n"
      "d 1e3 -5\n"
      "  e{ x = \"1\" , y=\"2\", }\t-0.5   \r\n"
      "f{} 7\n"
      "g inf\n"
      "h 1e999\n"
      "i{x=\"q\\\"uote\\\\back\\nline\"} 1\n"
      "j{x=\"{},= #\"} 2\n"
      "k 3 # {trace_id=\"abc\"} 1.0\n"
      "\n\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(std::isnan(r->Find("a")->at(0).value));
  EXPECT_EQ(r->Find("b")->at(0).value, HUGE_VAL);
  EXPECT_EQ(r->Find("c")->at(0).value, -HUGE_VAL);
  EXPECT_EQ(r->Find("c")->at(0).timestamp_ms, 1700000000000);
  EXPECT_EQ(r->Find("d")->at(0).value, 1000.0);
  EXPECT_EQ(r->Find("d")->at(0).timestamp_ms, -5);
  EXPECT_FALSE(r->Find("a")->at(0).timestamp_ms.has_value());
  const auto& e = r->Find("e")->at(0);
  EXPECT_EQ(e.value, -0.5);
  ASSERT_EQ(e.labels.size(), 2u);
  EXPECT_EQ(e.labels[0].name, "x");
  EXPECT_EQ(e.labels[1].value, "2");
  EXPECT_TRUE(r->Find("f")->at(0).labels.empty());
  EXPECT_EQ(r->Find("g")->at(0).value, HUGE_VAL);
  EXPECT_EQ(r->Find("h")->at(0).value, HUGE_VAL);
  EXPECT_EQ(*r->Find("i")->at(0).Label("x"), "q\"uote\\back\nline");
  EXPECT_EQ(*r->Find("j")->at(0).Label("x"), "{},= #");
  EXPECT_EQ(r->Find("k")->at(0).value, 3.0);
}

TEST(PrometheusParse, CommentsHelpEscapesAndEof) {
  auto r = ParsePrometheusText(
      "# just a comment with {braces} and \"quotes\"\n"
      "#HELPful is a comment too\n"
      "# HELP m line one\\nline two \\\\ and \\q\n"
      "# TYPE m gauge\n"
      "m 1\n"
      "# EOF\n"
      "this would be garbage {{{\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->help.at("m"), "line one\nline two \\ and \\q");
  EXPECT_EQ(r->Find("m")->at(0).value, 1.0);
  EXPECT_EQ(r->sample_count, 1u);
}

TEST(PrometheusParse, RepeatedNamesAccumulate) {
  auto r = ParsePrometheusText("x{a=\"1\"} 1\ny 2\nx{a=\"2\"} 3\n");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->Find("x")->size(), 2u);
  EXPECT_EQ(r->Find("x")->at(1).value, 3.0);
}

TEST(PrometheusParse, KeepFilterSkipsOtherSamplesButStillChecksThem) {
  PromParseOptions options;
  options.keep = [](std::string_view name) { return name.starts_with("vllm:num_requests"); };
  auto r = ParsePrometheusText(kVllm, options);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->samples.size(), 2u);
  EXPECT_EQ(r->sample_count, 2u);
  EXPECT_EQ(r->Find("vllm:prompt_tokens_total"), nullptr);
  EXPECT_EQ(r->types.size(), 2u);
  // A malformed line is an error even when its metric is not kept.
  EXPECT_FALSE(ParsePrometheusText("vllm:num_requests_running 1\nother{a=\"x} 2\n", options).ok());
}

TEST(PrometheusParse, RejectsMalformedLinesWithLineNumbers) {
  const char* bad[] = {
      "<html><body>502 Bad Gateway</body></html>",
      "{\"error\":\"not found\"}",
      "m",
      "m{} ",
      "m 1 2 3",
      "m 1x",
      "m ++1",
      "m +-1",
      "m 0x10",
      "m 1 1.5",
      "m{a=\"1\" 1",
      "m{a=\"1} 1",
      "m{a=1} 1",
      "m{a\"1\"} 1",
      "m{1a=\"1\"} 1",
      "m{a=\"1\",a=\"2\"} 1",
      "m{a=\"\\t\"} 1",
      "m{a=\"1\"}} 1",
      "m{a=\"x\"b=\"y\"} 1",
      "9m 1",
      "m-x 1",
      "m.x 1",
      "# TYPE m banana",
      "# TYPE 9m gauge",
      "# HELP",
      "m{a=\"1\"",
      "m{",
      "m\x01 1",
  };
  for (const char* line : bad) {
    std::string text = std::string("ok 1\n") + line + "\n";
    auto r = ParsePrometheusText(text);
    ASSERT_FALSE(r.ok()) << "accepted: " << line;
    EXPECT_NE(r.error().message.find("line 2"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().code, core::ErrorCode::kUpstreamProtocolError);
  }
  EXPECT_FALSE(ParsePrometheusText(std::string_view("m 1\0", 4)).ok());
}

TEST(PrometheusParse, BoundsAreEnforced) {
  PromParseOptions options;
  options.max_samples = 3;
  EXPECT_TRUE(ParsePrometheusText("a 1\nb 2\nc 3\n", options).ok());
  EXPECT_FALSE(ParsePrometheusText("a 1\nb 2\nc 3\nd 4\n", options).ok());
  options = {};
  options.max_labels = 2;
  EXPECT_TRUE(ParsePrometheusText("a{x=\"1\",y=\"2\"} 1\n", options).ok());
  EXPECT_FALSE(ParsePrometheusText("a{x=\"1\",y=\"2\",z=\"3\"} 1\n", options).ok());
  options = {};
  options.max_bytes = 8;
  EXPECT_FALSE(ParsePrometheusText("abcdefgh 1\n", options).ok());
  EXPECT_TRUE(ParsePrometheusText("", {}).ok());
  EXPECT_EQ(ParsePrometheusText("\n\n# c\n", {})->sample_count, 0u);
}

TEST(PrometheusParse, NameGrammar) {
  EXPECT_TRUE(IsValidMetricName("vllm:num_requests_running"));
  EXPECT_TRUE(IsValidMetricName(":a"));
  EXPECT_FALSE(IsValidMetricName("1a"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_FALSE(IsValidMetricName("a-b"));
  EXPECT_TRUE(IsValidLabelName("model_name"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
}

// Random bytes, and random cuts and mutations of a real body: never crashes, and always answers.
TEST(PrometheusParse, SurvivesGarbage) {
  std::mt19937 rng(1234);
  std::string alphabet = "{}=\",\\# \t\n\r:_aZ9.+-eEInfNa\x01\xff";
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    if (round % 2 == 0) {
      size_t n = rng() % 200;
      for (size_t k = 0; k < n; ++k) text.push_back(alphabet[rng() % alphabet.size()]);
    } else {
      text = std::string(kVllm);
      text.resize(rng() % text.size());
      for (int m = 0; m < 3; ++m) {
        if (!text.empty()) text[rng() % text.size()] = alphabet[rng() % alphabet.size()];
      }
    }
    auto r = ParsePrometheusText(text);
    if (r.ok()) {
      size_t total = 0;
      for (const auto& [name, samples] : r->samples) {
        EXPECT_TRUE(IsValidMetricName(name));
        total += samples.size();
      }
      EXPECT_EQ(total, r->sample_count);
    } else {
      EXPECT_FALSE(r.error().message.empty());
    }
  }
}

}  // namespace
}  // namespace sluice::telemetry
