// The load scraper's loops. Thread rule: see load_scraper.h (everything on one io_context).
#include "server/load_scraper.h"

#include <algorithm>
#include <cstdio>
#include <exception>

namespace sluice::server {
namespace {

using core::Error;
using core::ErrorCode;
using Clock = upstream::Clock;

Error ScrapeError(std::string message) {
  Error e;
  e.code = ErrorCode::kUpstreamProtocolError;
  e.message = std::move(message);
  return e;
}

}  // namespace

struct LoadScraper::TargetLoop {
  TargetLoop(net::io_context& ioc, ScrapeTarget t) : target(std::move(t)), timer(ioc) {}
  ScrapeTarget target;
  net::steady_timer timer;
  upstream::Exchange* current = nullptr;  // the scrape in flight, for Stop()
  bool healthy = true;                    // last outcome, so only changes are logged
};

std::chrono::milliseconds ScrapeTimeout(std::chrono::milliseconds interval) {
  return std::clamp(interval, std::chrono::milliseconds(500), std::chrono::milliseconds(5000));
}

std::chrono::nanoseconds ScrapeMaxAge(std::chrono::milliseconds interval) {
  return 2 * interval + ScrapeTimeout(interval);
}

core::Result<ScrapeTarget> MakeScrapeTarget(uint32_t slot, const config::ProviderConfig& provider) {
  if (!provider.load_metrics || !provider.load_metrics->enabled) {
    return ScrapeError("provider '" + provider.name + "' has no enabled load_metrics");
  }
  const std::string& url = provider.load_metrics->url;
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return ScrapeError("load_metrics url is not absolute: " + url);
  size_t path_start = url.find_first_of("/?#", scheme_end + 3);
  std::string origin_part = url.substr(0, path_start);
  std::string path = path_start == std::string::npos ? std::string() : url.substr(path_start);
  if (size_t hash = path.find('#'); hash != std::string::npos) path.resize(hash);
  if (path.empty() || path[0] == '?') path.insert(0, "/metrics");
  auto origin = upstream::ParseOrigin(origin_part);
  if (!origin.ok()) return ScrapeError("load_metrics url: " + origin.error().message);
  ScrapeTarget t;
  t.slot = slot;
  t.provider = provider.name;
  t.origin = std::move(origin.value());
  t.origin.path_prefix.clear();
  t.path = std::move(path);
  t.interval = provider.load_metrics->interval;
  t.tls_verify = provider.tls_verify;
  return t;
}

LoadScraper::LoadScraper(net::io_context& ioc, upstream::ConnectionPool& pool, std::vector<ScrapeTarget> targets,
                         LoadBoard& board, LogFn log)
    : ioc_(ioc), pool_(pool), board_(board), log_(std::move(log)), done_(ioc) {
  if (!log_) log_ = [](std::string_view line) { std::fprintf(stderr, "%.*s\n", int(line.size()), line.data()); };
  loops_.reserve(targets.size());
  for (auto& t : targets) loops_.push_back(std::make_unique<TargetLoop>(ioc, std::move(t)));
}

LoadScraper::~LoadScraper() = default;

void LoadScraper::Start() {
  if (started_ || stopping_) return;
  started_ = true;
  for (auto& loop : loops_) {
    board_.SetMaxAge(loop->target.slot, ScrapeMaxAge(loop->target.interval));
    ++running_;
    // The handler runs however the loop ends (even by an exception), so Stop() never waits forever.
    net::co_spawn(ioc_, Run(*loop), [this](std::exception_ptr) { LoopEnded(); });
  }
}

void LoadScraper::LoopEnded() {
  if (--running_ == 0) done_.cancel();
}

Awaitable<void> LoadScraper::Stop() {
  stopping_ = true;
  for (auto& loop : loops_) {
    loop->timer.cancel();
    if (loop->current != nullptr) loop->current->Cancel();
    board_.MarkFailed(loop->target.slot);
  }
  while (running_ > 0) {
    done_.expires_at(net::steady_timer::time_point::max());
    co_await done_.async_wait(kUseTuple);
  }
}

Awaitable<void> LoadScraper::Run(TargetLoop& loop) {
  const ScrapeTarget& t = loop.target;
  while (!stopping_) {
    const auto started = Clock::now();
    core::Result<ServerLoad> load = co_await ScrapeOnce(loop);
    if (stopping_) break;
    if (load.ok()) {
      board_.Publish(t.slot, load.value(), Clock::now());
      if (!loop.healthy) log_("sluice: load_metrics " + t.provider + ": scraping again");
      loop.healthy = true;
    } else {
      board_.MarkFailed(t.slot);
      // Only changes are logged: a dead server scraped every second must not flood the log.
      if (loop.healthy) {
        log_("sluice: load_metrics " + t.provider + ": scrape failed, least-busy ignores its load until one "
             "succeeds: " + load.error().message);
      }
      loop.healthy = false;
    }
    loop.timer.expires_at(started + t.interval);
    co_await loop.timer.async_wait(kUseTuple);
  }
  board_.MarkFailed(t.slot);
}

Awaitable<core::Result<ServerLoad>> LoadScraper::ScrapeOnce(TargetLoop& loop) {
  const ScrapeTarget& t = loop.target;
  const auto timeout = ScrapeTimeout(t.interval);
  upstream::Deadlines deadlines;
  deadlines.connect = timeout;
  deadlines.first_byte = timeout;
  deadlines.idle = timeout;
  deadlines.total = Clock::now() + timeout;

  upstream::OutgoingRequest request;
  request.method = http::verb::get;
  request.target = t.path;
  // Plain text 0.0.4 (not OpenMetrics), uncompressed: what the parser reads.
  request.headers.emplace_back("Accept", "text/plain;version=0.0.4");
  for (const auto& [k, v] : t.headers) request.headers.emplace_back(k, v);

  upstream::Exchange ex(pool_, t.origin, t.tls_verify);
  loop.current = &ex;
  struct Clear {
    upstream::Exchange*& p;
    ~Clear() { p = nullptr; }
  } clear{loop.current};

  auto sent = co_await ex.Send(request, deadlines);
  if (!sent.ok()) co_return sent.error();
  if (ex.Status() != 200) {
    co_return ScrapeError("metrics endpoint " + t.origin.host_header + t.path + " answered HTTP " +
                          std::to_string(ex.Status()));
  }
  auto body = co_await ex.ReadAll(kMaxMetricsBodyBytes, deadlines.total);
  if (!body.ok()) co_return body.error();

  telemetry::PromParseOptions options;
  options.keep = IsLoadMetricName;
  options.max_bytes = kMaxMetricsBodyBytes;
  auto metrics = telemetry::ParsePrometheusText(body.value(), options);
  if (!metrics.ok()) co_return metrics.error();
  co_return ReadServerLoad(metrics.value(), t.model_name);
}

}  // namespace sluice::server
