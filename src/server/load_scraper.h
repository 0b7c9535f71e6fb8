// Scrapes each self-hosted provider's Prometheus endpoint (providers[].load_metrics) every `interval`
// and publishes the server's load to a LoadBoard, where every worker reads it for least-busy routing.
// One coroutine per target, all on one io_context, all I/O async through upstream::Exchange: a slow
// or dead server costs its own loop at most one scrape timeout and never blocks a request. A failed
// scrape (connect error, timeout, non-200, body over 4 MiB, malformed text, no known gauges) marks
// the slot failed at once; a slot not refreshed within its max age (2 intervals + timeout) reads as
// stale too, so a stopped or starved scraper cannot leave a stale "idle" behind.
// Thread rule: construct, Start() and Stop() on the io_context's thread (Start may also be called
// before that thread runs). The io_context must sweep the pool's DeadlineList (a worker does).
// The scraper must outlive its loops: co_await Stop() before destroying it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/schema.h"
#include "core/result.h"
#include "server/load_metrics.h"
#include "upstream/asio.h"
#include "upstream/connection_pool.h"
#include "upstream/exchange.h"
#include "upstream/origin.h"

namespace sluice::server {

inline constexpr uint64_t kMaxMetricsBodyBytes = 4u << 20;

struct ScrapeTarget {
  uint32_t slot = 0;      // LoadBoard slot: the provider's index in the runtime
  std::string provider;   // for log lines
  // The metrics URL's origin with an empty path prefix: Exchange prefixes every target with it, and
  // /metrics lives at the server root even when base_url ends in /v1.
  upstream::Origin origin;
  std::string path = "/metrics";  // path and query, sent as is
  std::chrono::milliseconds interval{1000};
  bool tls_verify = true;
  std::string model_name;  // non-empty: count only this model's samples (ReadServerLoad)
  // Extra request headers (e.g. a bearer token a metrics proxy wants). Empty by default: the
  // provider's API key is not sent to a metrics URL, which may be another host.
  std::vector<std::pair<std::string, std::string>> headers;
};

// The target for a provider whose load_metrics block is enabled (config has already resolved its
// url to an absolute http(s) URL). Errors: no or disabled block, a URL that does not parse.
core::Result<ScrapeTarget> MakeScrapeTarget(uint32_t slot, const config::ProviderConfig& provider);

// The per-scrape deadline: the interval clamped to 0.5..5 s (a loaded Python server may take a few
// hundred ms to render /metrics; a long interval must not let a dead server hold a loop for minutes).
std::chrono::milliseconds ScrapeTimeout(std::chrono::milliseconds interval);
// How long a successful reading stays usable: two missed scrapes.
std::chrono::nanoseconds ScrapeMaxAge(std::chrono::milliseconds interval);

class LoadScraper {
 public:
  using LogFn = std::function<void(std::string_view line)>;  // default: one line to stderr

  LoadScraper(net::io_context& ioc, upstream::ConnectionPool& pool, std::vector<ScrapeTarget> targets,
              LoadBoard& board, LogFn log = {});
  ~LoadScraper();
  LoadScraper(const LoadScraper&) = delete;
  LoadScraper& operator=(const LoadScraper&) = delete;

  // Spawns one loop per target; the first scrape starts at once. Call once.
  void Start();
  // Ends every loop: wakes sleeping ones, cancels scrapes in flight, and completes when all loops
  // have returned (a scrape still connecting or resolving ends at its deadline, <= 5 s). Marks the
  // slots failed so readers stop using them. Safe to call more than once, or without Start().
  Awaitable<void> Stop();

  size_t running_loops() const { return running_; }
  size_t target_count() const { return loops_.size(); }

 private:
  struct TargetLoop;
  Awaitable<void> Run(TargetLoop& loop);
  Awaitable<core::Result<ServerLoad>> ScrapeOnce(TargetLoop& loop);
  void LoopEnded();

  net::io_context& ioc_;
  upstream::ConnectionPool& pool_;
  LoadBoard& board_;
  LogFn log_;
  std::vector<std::unique_ptr<TargetLoop>> loops_;
  net::steady_timer done_;  // Stop() waits on it; the last loop to end cancels it
  size_t running_ = 0;
  bool started_ = false;
  bool stopping_ = false;
};

}  // namespace sluice::server
