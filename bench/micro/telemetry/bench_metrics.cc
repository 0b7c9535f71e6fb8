// Micro-benchmark of the metrics hot path: ns per completed-request record (counters, three
// histograms, tokens) and per gauge pair, on one worker shard, plus the cost of a scrape of a
// mid-sized config. Thread rule: single-threaded, except BM_RecordRequestWhileScraping which
// scrapes on a second thread.
#include <benchmark/benchmark.h>

#include <atomic>
#include <thread>

#include "telemetry/metrics_registry.h"

namespace {

using namespace sluice::telemetry;

MetricsSpec Spec(int models, int providers) {
  MetricsSpec spec;
  for (int p = 0; p < providers; ++p) spec.providers.push_back("provider-" + std::to_string(p));
  for (int m = 0; m < models; ++m) {
    spec.models.push_back("model-" + std::to_string(m));
    spec.routes.emplace_back(spec.models.back(), spec.providers[m % providers]);
  }
  return spec;
}

void BM_RecordRequest(benchmark::State& state) {
  MetricsRegistry reg(Spec(20, 4), 2);
  WorkerMetrics& m = reg.Shard(0);
  RequestRecord r{.model = reg.FindModel("model-3"),
                  .provider = reg.FindProvider("provider-3"),
                  .status = 200,
                  .total_ns = 0,
                  .upstream_wait_ns = 0,
                  .stream = true,
                  .ttft_ns = 0,
                  .tokens = {.input = 1200, .output = 300, .cached_input = 1024}};
  uint64_t i = 0;
  for (auto _ : state) {
    // Vary the durations so bucket search is not always the same branch.
    r.total_ns = (i * 7919) % 20'000'000'000;
    r.upstream_wait_ns = r.total_ns - r.total_ns / 50;
    r.ttft_ns = r.total_ns / 3 + 1;
    m.RequestStarted();
    m.RecordRequest(r);
    m.RequestEnded();
    ++i;
  }
  benchmark::DoNotOptimize(reg.TotalRequests(r.model, r.provider, StatusClass::k2xx));
}

void BM_RecordRequestWhileScraping(benchmark::State& state) {
  MetricsRegistry reg(Spec(20, 4), 2);
  std::atomic<bool> stop{false};
  std::thread scraper([&] {
    while (!stop.load(std::memory_order_relaxed))
      benchmark::DoNotOptimize(reg.RenderPrometheus().size());
  });
  WorkerMetrics& m = reg.Shard(0);
  RequestRecord r{.model = reg.FindModel("model-3"),
                  .provider = reg.FindProvider("provider-3"),
                  .status = 200,
                  .total_ns = 120'000'000,
                  .upstream_wait_ns = 119'000'000,
                  .tokens = {.input = 1200, .output = 300}};
  for (auto _ : state) m.RecordRequest(r);
  stop = true;
  scraper.join();
}

void BM_Scrape(benchmark::State& state) {
  MetricsRegistry reg(Spec(static_cast<int>(state.range(0)), 4), 8);
  size_t bytes = 0;
  for (auto _ : state) bytes = reg.RenderPrometheus().size();
  state.counters["bytes"] = static_cast<double>(bytes);
}

}  // namespace

BENCHMARK(BM_RecordRequest);
BENCHMARK(BM_RecordRequestWhileScraping)->UseRealTime();
BENCHMARK(BM_Scrape)->Arg(20)->Arg(200);
BENCHMARK_MAIN();
