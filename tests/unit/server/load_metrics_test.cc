// Server load from vLLM/SGLang/TGI metrics, the least-busy score, and the lock-free LoadBoard.
#include "server/load_metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <thread>

namespace sluice::server {
namespace {

using telemetry::ParsePrometheusText;

ServerLoad Read(std::string_view text, std::string_view model = {}) {
  auto parsed = ParsePrometheusText(text);
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  auto load = ReadServerLoad(parsed.value(), model);
  EXPECT_TRUE(load.ok()) << load.error().message;
  return load.ok() ? load.value() : ServerLoad{};
}

core::Result<ServerLoad> TryRead(std::string_view text, std::string_view model = {}) {
  return ReadServerLoad(ParsePrometheusText(text).value(), model);
}

TEST(ReadServerLoad, VllmPrefersKvOverLegacyGauge) {
  ServerLoad l = Read(
      "vllm:num_requests_running{engine=\"0\",model_name=\"m\"} 3.0\n"
      "vllm:num_requests_waiting{engine=\"0\",model_name=\"m\"} 5.0\n"
      "vllm:gpu_cache_usage_perc{engine=\"0\",model_name=\"m\"} 0.1\n"
      "vllm:kv_cache_usage_perc{engine=\"0\",model_name=\"m\"} 0.75\n");
  EXPECT_EQ(l.source, LoadSource::kVllm);
  EXPECT_EQ(l.running, 3.0);
  EXPECT_EQ(l.waiting, 5.0);
  ASSERT_TRUE(l.kv_cache_usage.has_value());
  EXPECT_DOUBLE_EQ(*l.kv_cache_usage, 0.75);
  // An older vLLM only has the legacy name.
  ServerLoad old = Read("vllm:num_requests_running{model_name=\"m\"} 1\nvllm:gpu_cache_usage_perc{model_name=\"m\"} 0.2\n");
  EXPECT_DOUBLE_EQ(old.kv_cache_usage.value(), 0.2);
  EXPECT_EQ(old.waiting, 0.0);
}

TEST(ReadServerLoad, DataParallelEnginesSumAndKvAverages) {
  ServerLoad l = Read(
      "vllm:num_requests_running{engine=\"0\",model_name=\"m\"} 4\n"
      "vllm:num_requests_running{engine=\"1\",model_name=\"m\"} 6\n"
      "vllm:num_requests_waiting{engine=\"0\",model_name=\"m\"} 1\n"
      "vllm:num_requests_waiting{engine=\"1\",model_name=\"m\"} 2\n"
      "vllm:kv_cache_usage_perc{engine=\"0\",model_name=\"m\"} 0.2\n"
      "vllm:kv_cache_usage_perc{engine=\"1\",model_name=\"m\"} 0.6\n");
  EXPECT_EQ(l.running, 10.0);
  EXPECT_EQ(l.waiting, 3.0);
  EXPECT_DOUBLE_EQ(*l.kv_cache_usage, 0.4);
}

TEST(ReadServerLoad, ModelFilter) {
  constexpr std::string_view kTwo =
      "vllm:num_requests_running{model_name=\"a\"} 1\n"
      "vllm:num_requests_running{model_name=\"b\"} 10\n"
      "vllm:num_requests_waiting{model_name=\"b\"} 4\n";
  EXPECT_EQ(Read(kTwo).running, 11.0);
  EXPECT_EQ(Read(kTwo, "b").running, 10.0);
  EXPECT_EQ(Read(kTwo, "b").waiting, 4.0);
  EXPECT_EQ(Read(kTwo, "a").waiting, 0.0);
  auto none = TryRead(kTwo, "c");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("'c'"), std::string::npos);
  // TGI has no model label: the filter cannot exclude it.
  EXPECT_EQ(Read("tgi_queue_size 2\ntgi_batch_current_size 3\n", "x").running, 3.0);
}

TEST(ReadServerLoad, SglangShardsAreNotDoubleCounted) {
  ServerLoad l = Read(
      "sglang:num_running_reqs{model_name=\"m\",tp_rank=\"0\",pp_rank=\"0\"} 12\n"
      "sglang:num_running_reqs{model_name=\"m\",tp_rank=\"1\",pp_rank=\"0\"} 12\n"
      "sglang:num_queue_reqs{model_name=\"m\",tp_rank=\"0\"} 2\n"
      "sglang:num_queue_reqs{model_name=\"m\",tp_rank=\"1\"} 2\n"
      "sglang:token_usage{model_name=\"m\",tp_rank=\"0\"} 0.28\n"
      "sglang:token_usage{model_name=\"m\",tp_rank=\"1\"} 0.30\n");
  EXPECT_EQ(l.source, LoadSource::kSglang);
  EXPECT_EQ(l.running, 12.0);
  EXPECT_EQ(l.waiting, 2.0);
  EXPECT_DOUBLE_EQ(*l.kv_cache_usage, 0.30);
  // Data-parallel ranks are separate queues; the newer underscore prefix reads the same.
  ServerLoad dp = Read(
      "sglang_num_running_reqs{dp_rank=\"0\",tp_rank=\"0\"} 3\n"
      "sglang_num_running_reqs{dp_rank=\"1\",tp_rank=\"0\"} 5\n"
      "sglang_num_queue_reqs{dp_rank=\"1\",tp_rank=\"0\"} 1\n");
  EXPECT_EQ(dp.source, LoadSource::kSglang);
  EXPECT_EQ(dp.running, 8.0);
  EXPECT_EQ(dp.waiting, 1.0);
  EXPECT_FALSE(dp.kv_cache_usage.has_value());
}

TEST(ReadServerLoad, TgiAndPreferenceOrder) {
  ServerLoad t = Read("# TYPE tgi_queue_size gauge\ntgi_queue_size 4\ntgi_batch_current_size 16\n");
  EXPECT_EQ(t.source, LoadSource::kTgi);
  EXPECT_EQ(t.running, 16.0);
  EXPECT_EQ(t.waiting, 4.0);
  EXPECT_FALSE(t.kv_cache_usage.has_value());
  // A body with several engines' names (a sidecar exporter) reads vLLM first.
  EXPECT_EQ(Read("tgi_queue_size 9\nvllm:num_requests_waiting 1\n").source, LoadSource::kVllm);
}

TEST(ReadServerLoad, RejectsMissingOrBadCounts) {
  EXPECT_FALSE(TryRead("").ok());
  EXPECT_FALSE(TryRead("process_cpu_seconds_total 12\n").ok());
  EXPECT_FALSE(TryRead("vllm:num_requests_running NaN\n").ok());
  EXPECT_FALSE(TryRead("vllm:num_requests_running -1\n").ok());
  EXPECT_FALSE(TryRead("vllm:num_requests_waiting +Inf\n").ok());
  // A KV ratio that is NaN is unknown; out of range is clamped.
  EXPECT_FALSE(Read("vllm:num_requests_running 1\nvllm:kv_cache_usage_perc NaN\n").kv_cache_usage.has_value());
  EXPECT_EQ(Read("vllm:num_requests_running 1\nvllm:kv_cache_usage_perc 7\n").kv_cache_usage, 1.0);
}

TEST(ReadServerLoad, LoadMetricNamesAreTheOnesRead) {
  EXPECT_TRUE(IsLoadMetricName("vllm:num_requests_running"));
  EXPECT_TRUE(IsLoadMetricName("vllm:gpu_cache_usage_perc"));
  EXPECT_TRUE(IsLoadMetricName("sglang_token_usage"));
  EXPECT_TRUE(IsLoadMetricName("tgi_queue_size"));
  EXPECT_FALSE(IsLoadMetricName("vllm:prompt_tokens_total"));
  EXPECT_FALSE(IsLoadMetricName(""));
}

TEST(LoadScore, QueueScaledByFreeKv) {
  ServerLoad l;
  l.running = 3;
  l.waiting = 1;
  EXPECT_DOUBLE_EQ(LoadScore(l), 4.0);  // unknown KV: the queue itself
  l.kv_cache_usage = 0.0;
  EXPECT_DOUBLE_EQ(LoadScore(l), 4.0);
  l.kv_cache_usage = 0.5;
  EXPECT_DOUBLE_EQ(LoadScore(l), 8.0);
  l.kv_cache_usage = 0.9;
  EXPECT_NEAR(LoadScore(l), 40.0, 1e-9);
  l.kv_cache_usage = 1.0;  // capped at 0.99: x100, finite
  EXPECT_NEAR(LoadScore(l), 400.0, 1e-6);
  // A nearly full small server scores worse than a busy roomy one.
  ServerLoad roomy;
  roomy.running = 40;
  roomy.kv_cache_usage = 0.3;
  ServerLoad full;
  full.running = 3;
  full.kv_cache_usage = 0.98;
  EXPECT_GT(LoadScore(full), LoadScore(roomy));
  ServerLoad idle_full;
  idle_full.kv_cache_usage = 1.0;
  EXPECT_EQ(LoadScore(idle_full), 0.0);
  ServerLoad huge;
  huge.running = 1e300;
  huge.waiting = 1e300;
  EXPECT_EQ(LoadScore(huge), 1e9);
}

TEST(LoadBoard, FreshnessFailureAndAge) {
  using namespace std::chrono_literals;
  LoadBoard board(3);
  const auto t0 = LoadBoard::Clock::now();
  EXPECT_FALSE(board.Score(0, t0).has_value());  // never scraped
  EXPECT_FALSE(board.Score(7, t0).has_value());  // out of range
  board.Publish(7, ServerLoad{}, t0);            // ignored, no crash
  board.SetMaxAge(1, 2s);
  ServerLoad l;
  l.running = 2;
  l.waiting = 2;
  l.kv_cache_usage = 0.5;
  l.source = LoadSource::kVllm;
  board.Publish(1, l, t0);
  ASSERT_TRUE(board.Score(1, t0 + 1s).has_value());
  EXPECT_DOUBLE_EQ(*board.Score(1, t0 + 1s), 8.0);
  EXPECT_TRUE(board.Score(1, t0 - 1s).has_value());  // a reader's clock read just before the publish
  EXPECT_FALSE(board.Score(1, t0 + 3s).has_value());  // too old
  auto reading = board.Read(1, t0);
  ASSERT_TRUE(reading.has_value());
  EXPECT_EQ(reading->load.source, LoadSource::kVllm);
  EXPECT_EQ(reading->load.kv_cache_usage, 0.5);
  EXPECT_EQ(reading->updated_at.time_since_epoch(), t0.time_since_epoch());
  board.MarkFailed(1);
  EXPECT_FALSE(board.Score(1, t0).has_value());
  board.Publish(1, ServerLoad{}, t0 + 1s);
  EXPECT_EQ(board.Score(1, t0 + 1s), 0.0);
  EXPECT_FALSE(board.Read(1, t0)->load.kv_cache_usage.has_value());
  EXPECT_EQ(board.scrapes_ok(1), 2u);
  EXPECT_EQ(board.scrapes_failed(1), 1u);
  EXPECT_FALSE(board.Score(2, t0).has_value());
}

// One writer, several readers at once: every value a reader sees is one that was published.
TEST(LoadBoard, ConcurrentReadersSeePublishedValues) {
  LoadBoard board(1);
  board.SetMaxAge(0, std::chrono::hours(1));
  std::atomic<bool> done{false};
  std::atomic<uint64_t> bad{0}, seen{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) {
        auto s = board.Score(0, LoadBoard::Clock::now());
        if (!s) continue;
        ++seen;
        if (*s < 0 || *s > 20000 || *s != std::floor(*s)) ++bad;
      }
    });
  }
  for (int i = 0; i < 20000; ++i) {
    ServerLoad l;
    l.running = i;
    board.Publish(0, l, LoadBoard::Clock::now());
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0u);
  EXPECT_EQ(board.scrapes_ok(0), 20000u);
}

}  // namespace
}  // namespace sluice::server
