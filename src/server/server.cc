#include "server/server.h"

#include <chrono>
#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "config/config_error.h"
#include "config/loader.h"
#include "server/access_log.h"
#include "server/admin_server.h"
#include "server/http_session.h"
#include "server/load_scraper.h"
#include "server/worker.h"
#include "telemetry/metrics_lineage.h"
#include "tokenizer/registry.h"
#include "upstream/deadline_sweep.h"

namespace sluice::server {

WorkerContext::WorkerContext(unsigned i, SharedState& s)
    : index(i),
      shared(s),
      pool(ioc, deadlines, *s.upstream_tls,
           upstream::PoolSettings{s.runtime->config->upstream.max_idle_per_origin,
                                  s.runtime->config->upstream.pool_idle_timeout}),
      runtime_ptr(s.runtime),
      metrics(&s.runtime->metrics->Shard(i)),
      target_states(std::make_shared<router::TargetStates>(s.runtime->routing->table.target_slots())),
      retry_budget(s.runtime->routing->budget),
      rng(0x5eed0000u + i + static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count())),
      router_metrics(&s.runtime->router_metrics->Shard(i)),
      access_log(s.runtime->config->log.access_log) {}

void WorkerContext::AdoptRuntime(std::shared_ptr<const Runtime> next) {
  auto states = std::make_shared<router::TargetStates>(next->routing->table.target_slots());
  const auto& old_names = runtime_ptr->routing->slot_names();
  const auto& new_names = next->routing->slot_names();
  for (size_t n = 0; n < new_names.size(); ++n) {
    for (size_t o = 0; o < old_names.size() && o < target_states->size(); ++o) {
      if (old_names[o] == new_names[n]) {
        // Latency, throughput and Retry-After carry over; the breaker and in-flight counts start afresh, since
        // attempts still running on the old snapshot finish against the old states (a half-open probe slot
        // copied here would never be released).
        const router::TargetState& old = (*target_states)[o];
        router::TargetState& fresh = (*states)[n];
        fresh.ttft_ms = old.ttft_ms;
        fresh.tokens_per_s = old.tokens_per_s;
        fresh.throttled_until = old.throttled_until;
        fresh.attempts = old.attempts;
        fresh.failures = old.failures;
        break;
      }
    }
  }
  target_states = std::move(states);
  retry_budget = router::RetryBudget(next->routing->budget);
  metrics = &next->metrics->Shard(index);
  router_metrics = &next->router_metrics->Shard(index);
  access_log.set_enabled(next->config->log.access_log);
  runtime_ptr = std::move(next);
}

// mimalloc, when the binary links it (src/CMakeLists.txt): weak, so the library links without it.
extern "C" void mi_collect(bool force) __attribute__((weak));

namespace {

// Gives the calling thread's freed heap memory back to the system. mimalloc keeps a heap per thread, so
// each worker calls this on its own thread; glibc's arenas are trimmed from any thread.
void ReleaseFreeMemory() {
  if (mi_collect != nullptr) {
    mi_collect(/*force=*/true);
  } else {
    malloc_trim(0);
  }
}

using ReusePort = net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

upstream::Acceptor MakeAcceptor(net::io_context& ioc, const tcp::endpoint& ep, bool reuse_port) {
  upstream::Acceptor a(ioc.get_executor());
  a.open(ep.protocol());
  a.set_option(net::socket_base::reuse_address(true));
  if (reuse_port) a.set_option(ReusePort(true));
  a.bind(ep);
  a.listen(4096);
  return a;
}

tcp::endpoint Resolve(const config::Endpoint& e) {
  return tcp::endpoint(net::ip::make_address(e.host), e.port);
}

std::string Format(const tcp::endpoint& ep) {
  std::string host = ep.address().to_string();
  if (ep.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(ep.port());
}

// Keeps the per-worker access log flowing when traffic is light: writes what is buffered 250 ms after the first
// line since the last write, and sleeps while no line comes. Runs until the io_context stops (draining too:
// the lines of the requests that finish then arrive as promptly).
Awaitable<void> FlushLoop(WorkerContext& worker) {
  net::steady_timer timer(worker.ioc);
  worker.access_log.WakeOnFirstLine(&timer);
  for (;;) {
    if (worker.access_log.pending()) timer.expires_after(std::chrono::milliseconds(250));
    else timer.expires_at(net::steady_timer::time_point::max());
    auto [ec] = co_await timer.async_wait(kUseTuple);
    if (!ec) worker.access_log.Flush();  // else woken by a first line: the 250 ms start now
  }
}

std::unique_ptr<LoadScraper> StartScraper(WorkerContext& w0, const Runtime& rt) {
  std::vector<ScrapeTarget> targets;
  for (const RuntimeProvider& p : rt.providers) {
    if (!p.config->load_metrics || !p.config->load_metrics->enabled) continue;
    auto target = MakeScrapeTarget(p.id, *p.config);
    if (target.ok()) {
      targets.push_back(std::move(target).value());
    } else {
      LogEvent("warn", "load_metrics_disabled", p.config->name + ": " + target.error().message);
    }
  }
  if (targets.empty()) return nullptr;
  auto scraper = std::make_unique<LoadScraper>(w0.ioc, w0.pool, std::move(targets), *rt.load_board);
  net::post(w0.ioc, [s = scraper.get()] { s->Start(); });
  return scraper;
}

// SIGHUP: load and validate the file again; on success build a new snapshot and hand it to every worker on its
// own thread. Requests in flight finish on the snapshot they started with. Listeners, workers, TLS and pool
// settings are fixed at start-up: a change to them is reported and needs a restart.
void ReloadConfig(SharedState& shared, std::vector<std::unique_ptr<WorkerContext>>& workers, unsigned n_workers,
                  std::unique_ptr<LoadScraper>& scraper) {
  const std::shared_ptr<const Runtime> current = std::atomic_load(&shared.runtime);
  const std::string& path = current->config->source_path;
  auto loaded = config::LoadFile(path);
  if (!loaded.ok()) {
    std::string first = loaded.errors.empty() ? "no configuration" : config::FormatError(loaded.errors[0], path);
    LogEvent("error", "reload_failed", first, "errors", std::to_string(loaded.errors.size()));
    return;
  }
  auto next_config = std::make_shared<config::Config>(*loaded.config);
  const config::Config& old_config = *current->config;
  next_config->server.workers = old_config.server.workers;  // the --workers override stays
  if (next_config->server.listen.host != old_config.server.listen.host ||
      next_config->server.listen.port != old_config.server.listen.port ||
      next_config->admin.listen.port != old_config.admin.listen.port ||
      next_config->server.tls.has_value() != old_config.server.tls.has_value()) {
    LogEvent("warn", "reload_partial", "listeners and TLS settings change only with a restart");
  }
  std::shared_ptr<const Runtime> next;
  try {
    next = BuildRuntime(next_config, n_workers, shared.metrics_lineage);
  } catch (const std::exception& e) {
    LogEvent("error", "reload_failed", e.what());
    return;
  }
  std::atomic_store(&shared.runtime, next);
  for (auto& w : workers) {
    WorkerContext* wp = w.get();
    net::post(wp->ioc, [wp, next] { wp->AdoptRuntime(next); });
  }
  // The old scraper writes into the old snapshot's board: stop it on worker 0 (its thread) and start the new.
  // It keeps that snapshot alive until it is gone: the workers' adoption may drop the last other reference
  // while a scrape of the old scraper is still on its way to the board.
  if (scraper) {
    LoadScraper* old = scraper.release();
    net::co_spawn(workers[0]->ioc, old->Stop(), [old, snapshot = current](std::exception_ptr) { delete old; });
  }
  scraper = StartScraper(*workers[0], *next);
  LogEvent("info", "reloaded", path, "models", std::to_string(next->models.size()));
}

void RaiseFileLimit() {
  rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

}  // namespace

int Run(std::shared_ptr<const config::Config> config) {
  RaiseFileLimit();
  // Signals are taken synchronously by the main thread; workers never see them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);  // reload the config file
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  SharedState shared;
  std::vector<std::unique_ptr<WorkerContext>> workers;
  std::vector<upstream::Acceptor> acceptors;
  net::io_context admin_ioc{1};
  std::optional<upstream::Acceptor> admin_acceptor;
  std::string http_addr, admin_addr;
  unsigned n_workers = config->server.workers ? config->server.workers : std::max(1u, std::thread::hardware_concurrency());
  try {
    shared.metrics_lineage = std::make_shared<telemetry::MetricsLineage>(n_workers);
    shared.runtime = BuildRuntime(config, n_workers, shared.metrics_lineage);
    shared.upstream_tls = std::make_unique<upstream::TlsContexts>(config->upstream.ca_file);
    if (config->server.tls) {
      shared.server_tls = std::make_unique<ssl::context>(ssl::context::tls_server);
      shared.server_tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      shared.server_tls->use_certificate_chain_file(config->server.tls->cert_file);
      shared.server_tls->use_private_key_file(config->server.tls->key_file, ssl::context::pem);
    }
    for (unsigned i = 0; i < n_workers; ++i) workers.push_back(std::make_unique<WorkerContext>(i, shared));
    // The first bind picks the port (possibly ephemeral); the others join it through SO_REUSEPORT.
    tcp::endpoint ep = Resolve(config->server.listen);
    for (unsigned i = 0; i < n_workers; ++i) {
      acceptors.push_back(MakeAcceptor(workers[i]->ioc, ep, true));
      if (i == 0) ep = acceptors[0].local_endpoint();
    }
    http_addr = Format(ep);
    if (config->admin.enabled) {
      admin_acceptor.emplace(MakeAcceptor(admin_ioc, Resolve(config->admin.listen), false));
      admin_addr = Format(admin_acceptor->local_endpoint());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sluice: start-up failed: %s\n", e.what());
    return 1;
  }

  // The vocabularies cost ~21 MB: with tokenizer.preload they load before serving (no request pays the
  // ~0.1 s); by default they load on the first token count, so a gateway that never counts never pays.
  if (config->tokenizer.preload) {
    for (auto id : {tokenizer::EncodingId::kO200kBase, tokenizer::EncodingId::kCl100kBase}) {
      auto enc = tokenizer::GetEncoding(id);
      if (!enc.ok()) LogEvent("warn", "tokenizer_unavailable", enc.error().message);
    }
  }

  std::vector<std::thread> threads;
  for (unsigned i = 0; i < n_workers; ++i) {
    WorkerContext& w = *workers[i];
    net::co_spawn(w.ioc, AcceptLoop(w, acceptors[i]), net::detached);
    net::co_spawn(w.ioc, FlushLoop(w), net::detached);
    net::co_spawn(w.ioc, upstream::SweepDeadlines(w.ioc, w.deadlines), net::detached);
    threads.emplace_back([&w] {
      try {
        w.ioc.run();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "sluice: worker %u stopped: %s\n", w.index, e.what());
      }
      w.access_log.Flush();
    });
  }
  // One scraper for the whole process (on worker 0): servers are asked once per interval, not once per core.
  std::unique_ptr<LoadScraper> scraper = StartScraper(*workers[0], *shared.runtime);
  std::thread admin_thread;
  if (admin_acceptor) {
    net::co_spawn(admin_ioc, AdminAcceptLoop(shared, *admin_acceptor), net::detached);
    admin_thread = std::thread([&] { admin_ioc.run(); });
  }
  shared.ready = true;
  {
    std::string line = "{\"event\":\"listening\",\"http\":\"" + http_addr + "\",\"admin\":\"" + admin_addr +
                       "\",\"workers\":" + std::to_string(n_workers) + "}\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
  }

  // Wait for a signal. Meanwhile, once a burst of connections has gone, hand the freed heap back to the
  // system: the allocator keeps freed memory for reuse, so RSS would otherwise stay at the burst's peak.
  int sig = 0;
  uint32_t peak_connections = 0;
  for (;;) {
    timespec tick{0, 250 * 1000 * 1000};  // a quarter second: freed memory goes back soon after a burst
    sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGHUP) {
      ReloadConfig(shared, workers, n_workers, scraper);
      continue;
    }
    if (sig > 0) break;
    uint32_t open = shared.open_connections.load(std::memory_order_relaxed);
    peak_connections = std::max(peak_connections, open);
    if (peak_connections >= 256 && open < peak_connections / 4) {
      for (unsigned i = 0; i < n_workers; ++i) net::post(workers[i]->ioc, [] { ReleaseFreeMemory(); });
      ReleaseFreeMemory();
      peak_connections = open;
    }
  }
  LogEvent("info", "draining", sig == SIGTERM ? "SIGTERM received" : "SIGINT received");
  shared.ready = false;
  shared.draining = true;
  for (unsigned i = 0; i < n_workers; ++i) {
    WorkerContext& w = *workers[i];
    upstream::Acceptor& a = acceptors[i];
    net::post(w.ioc, [&w, &a] {
      boost::system::error_code ec;
      a.close(ec);
      for (SessionBase* s : w.sessions) s->OnDrain();
    });
  }
  auto drain_deadline = std::chrono::steady_clock::now() + config->server.timeouts.drain;
  while (shared.open_connections.load() > 0 && std::chrono::steady_clock::now() < drain_deadline) {
    // A second signal cuts the drain short.
    timespec ts{0, 20'000'000};
    if (sigtimedwait(&signals, nullptr, &ts) > 0) break;
  }
  unsigned left = shared.open_connections.load();
  if (left > 0) {
    // Cut what is left and let it unwind on its worker (upstreams cancelled, access-log lines written):
    // stopping the io_contexts with sessions alive would leave coroutine frames that reference worker state
    // to be destroyed after that state.
    for (auto& w : workers) {
      WorkerContext* wp = w.get();
      net::post(wp->ioc, [wp] {
        for (SessionBase* s : wp->sessions) s->Abort();
      });
    }
    auto abort_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (shared.open_connections.load() > 0 && std::chrono::steady_clock::now() < abort_deadline) {
      timespec ts{0, 10'000'000};
      nanosleep(&ts, nullptr);
    }
  }
  if (scraper) {
    std::atomic<bool> stopped{false};
    net::co_spawn(workers[0]->ioc, scraper->Stop(), [&stopped](std::exception_ptr) { stopped = true; });
    auto stop_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(6);
    while (!stopped && std::chrono::steady_clock::now() < stop_deadline) {
      timespec ts{0, 5'000'000};
      nanosleep(&ts, nullptr);
    }
    if (!stopped) scraper.release();  // its loops still reference the io_context: never destroy it early
  }
  unsigned stuck = shared.open_connections.load();
  for (auto& w : workers) w->ioc.stop();
  for (auto& t : threads) t.join();
  admin_ioc.stop();
  if (admin_thread.joinable()) admin_thread.join();
  LogEvent(left ? "warn" : "info", "stopped",
           left ? "drain deadline reached with connections still open" : "drained", "open_connections",
           std::to_string(left));
  if (stuck > 0) {
    // Sessions that did not unwind still own coroutine frames inside the io_contexts; destroying those
    // after the worker state they reference is undefined behaviour, so leave without destructors.
    std::fflush(stdout);
    std::_Exit(0);
  }
  return 0;
}

}  // namespace sluice::server
