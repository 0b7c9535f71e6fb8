// LoadScraper against an in-process HTTP server (answers, errors, garbage, a hung server, refused
// connections) and, when it is built, the real tools/mock_llm with /mock/load.
#include "server/load_scraper.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>

extern char** environ;

namespace sluice::server {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A tiny keep-alive HTTP/1.1 server whose answer the test changes between scrapes.
struct FakeMetricsServer {
  explicit FakeMetricsServer(net::io_context& ioc)
      : ioc(ioc), acceptor(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
    net::co_spawn(ioc, Accept(), net::detached);
  }
  uint16_t port() const { return acceptor.local_endpoint().port(); }

  Awaitable<void> Accept() {
    for (;;) {
      auto [ec, sock] = co_await acceptor.async_accept(kUseTuple);
      if (ec) co_return;
      net::co_spawn(ioc, Serve(std::move(sock)), net::detached);
    }
  }
  Awaitable<void> Serve(tcp::socket sock) {
    std::string buf;
    for (;;) {
      size_t end;
      while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
        char chunk[4096];
        auto [ec, n] = co_await sock.async_read_some(net::buffer(chunk), kUseTuple);
        if (ec) co_return;
        buf.append(chunk, n);
      }
      last_request = buf.substr(0, end);
      buf.erase(0, end + 4);
      ++requests;
      if (hang) {
        char c;
        co_await sock.async_read_some(net::buffer(&c, 1), kUseTuple);  // until the client goes away
        ++hung_closed;
        co_return;
      }
      std::string reply = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: text/plain\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body;
      auto [ec, n] = co_await net::async_write(sock, net::buffer(reply), kUseTuple);
      if (ec) co_return;
    }
  }

  net::io_context& ioc;
  tcp::acceptor acceptor;
  std::string body;
  unsigned status = 200;
  bool hang = false;
  int requests = 0;
  int hung_closed = 0;
  std::string last_request;
};

std::string Vllm(int running, int waiting, double kv) {
  return "# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{engine=\"0\",model_name=\"m\"} " +
         std::to_string(running) + "\nvllm:num_requests_waiting{engine=\"0\",model_name=\"m\"} " +
         std::to_string(waiting) + "\nvllm:kv_cache_usage_perc{engine=\"0\",model_name=\"m\"} " + std::to_string(kv) +
         "\n";
}

// The pieces of a worker the scraper needs: io_context, a swept DeadlineList and a pool.
struct Harness {
  net::io_context ioc;
  upstream::DeadlineList deadlines;
  upstream::TlsContexts tls{""};
  upstream::ConnectionPool pool{ioc, deadlines, tls, upstream::PoolSettings{}};
  LoadBoard board{4};
  std::vector<std::string> log;
  bool sweeping = true;

  Awaitable<void> Sweep() {
    net::steady_timer timer(ioc);
    while (sweeping) {
      timer.expires_after(upstream::kSweepInterval);
      co_await timer.async_wait(kUseTuple);
      deadlines.Sweep(upstream::Clock::now());
    }
  }
  // Polls `done` every 5 ms for at most `limit`: waits for a condition, never asserts on time.
  Awaitable<bool> WaitFor(std::function<bool()> done, std::chrono::milliseconds limit = 10s) {
    net::steady_timer timer(ioc);
    auto end = Clock::now() + limit;
    while (!done()) {
      if (Clock::now() > end) co_return false;
      timer.expires_after(5ms);
      co_await timer.async_wait(kUseTuple);
    }
    co_return true;
  }
  ScrapeTarget Target(uint16_t port, std::chrono::milliseconds interval, uint32_t slot = 1) {
    ScrapeTarget t;
    t.slot = slot;
    t.provider = "gpu";
    t.origin = upstream::ParseOrigin("http://127.0.0.1:" + std::to_string(port)).value();
    t.interval = interval;
    return t;
  }
  LoadScraper::LogFn Logger() {
    return [this](std::string_view line) { log.emplace_back(line); };
  }
  // Runs `test` with a sweep loop beside it, to completion.
  void Run(std::function<Awaitable<void>()> test) {
    net::co_spawn(ioc, Sweep(), net::detached);
    bool finished = false;
    net::co_spawn(ioc, [&]() -> Awaitable<void> {
      co_await test();
      finished = true;
      sweeping = false;
      ioc.stop();  // the fake servers' accept loops would keep run_for() going
    }, net::detached);
    ioc.run_for(60s);
    EXPECT_TRUE(finished);
  }
};

TEST(LoadScraper, PublishesAndFollowsTheServersLoad) {
  Harness h;
  FakeMetricsServer server(h.ioc);
  server.body = Vllm(2, 3, 0.5);
  LoadScraper scraper(h.ioc, h.pool, {h.Target(server.port(), 100ms)}, h.board, h.Logger());
  h.Run([&]() -> Awaitable<void> {
    scraper.Start();
    EXPECT_TRUE(co_await h.WaitFor([&] { return h.board.Score(1, Clock::now()).has_value(); }));
    EXPECT_DOUBLE_EQ(h.board.Score(1, Clock::now()).value_or(-1), 10.0);
    EXPECT_NE(server.last_request.find("GET /metrics HTTP/1.1"), std::string::npos) << server.last_request;
    server.body = Vllm(1, 0, 0.0);
    EXPECT_TRUE(co_await h.WaitFor([&] { return h.board.Score(1, Clock::now()) == 1.0; }));
    EXPECT_EQ(h.board.Read(1, Clock::now())->load.source, LoadSource::kVllm);
    EXPECT_EQ(scraper.running_loops(), 1u);
    co_await scraper.Stop();
    EXPECT_EQ(scraper.running_loops(), 0u);
    EXPECT_FALSE(h.board.Score(1, Clock::now()).has_value());  // a stopped scraper publishes nothing
  });
  EXPECT_TRUE(h.log.empty());
  EXPECT_GE(server.requests, 2);
  EXPECT_LE(h.pool.stats().created, 2u);  // keep-alive: one connection serves the scrapes
}

TEST(LoadScraper, FailuresMarkTheSlotAndAreLoggedOnce) {
  Harness h;
  FakeMetricsServer server(h.ioc);
  server.body = Vllm(1, 1, 0.0);
  LoadScraper scraper(h.ioc, h.pool, {h.Target(server.port(), 100ms)}, h.board, h.Logger());
  h.Run([&]() -> Awaitable<void> {
    scraper.Start();
    EXPECT_TRUE(co_await h.WaitFor([&] { return h.board.Score(1, Clock::now()).has_value(); }));
    server.status = 503;
    EXPECT_TRUE(co_await h.WaitFor([&] { return h.board.scrapes_failed(1) >= 3; }));
    EXPECT_FALSE(h.board.Score(1, Clock::now()).has_value());
    server.status = 200;
    server.body = "<html>Bad Gateway</html>";  // a proxy's error page with a 200
    uint64_t failed = h.board.scrapes_failed(1);
    EXPECT_TRUE(co_await h.WaitFor([&] { return h.board.scrapes_failed(1) > failed; }));
    EXPECT_FALSE(h.board.Score(1, Clock::now()).has_value());
    server.body = Vllm(4, 0, 0.0);
    EXPECT_TRUE(co_await h.WaitFor([&] { return h.board.Score(1, Clock::now()) == 4.0; }));
    co_await scraper.Stop();
  });
  ASSERT_EQ(h.log.size(), 2u);
  EXPECT_NE(h.log[0].find("HTTP 503"), std::string::npos) << h.log[0];
  EXPECT_NE(h.log[1].find("scraping again"), std::string::npos) << h.log[1];
}

TEST(LoadScraper, RefusedAndHungServersFailAndStopIsPrompt) {
  Harness h;
  FakeMetricsServer hung(h.ioc);
  hung.hang = true;
  uint16_t closed_port;
  {
    tcp::acceptor a(h.ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    closed_port = a.local_endpoint().port();
  }
  // The hung target's 100 ms interval gives a 500 ms scrape timeout.
  LoadScraper scraper(h.ioc, h.pool, {h.Target(closed_port, 100ms, 0), h.Target(hung.port(), 100ms, 2)}, h.board,
                      h.Logger());
  h.Run([&]() -> Awaitable<void> {
    scraper.Start();
    EXPECT_TRUE(co_await h.WaitFor([&] { return h.board.scrapes_failed(0) >= 2 && h.board.scrapes_failed(2) >= 1; }));
    EXPECT_FALSE(h.board.Score(0, Clock::now()).has_value());
    EXPECT_FALSE(h.board.Score(2, Clock::now()).has_value());
    co_await scraper.Stop();
    EXPECT_EQ(scraper.running_loops(), 0u);
  });
  ASSERT_EQ(h.log.size(), 2u);
  EXPECT_GE(hung.hung_closed, 1);
}

TEST(LoadScraper, StopCancelsAScrapeInFlight) {
  Harness h;
  FakeMetricsServer hung(h.ioc);
  hung.hang = true;
  // A 5 s interval: the scrape would time out only after 5 s.
  LoadScraper scraper(h.ioc, h.pool, {h.Target(hung.port(), 5000ms)}, h.board, h.Logger());
  h.Run([&]() -> Awaitable<void> {
    scraper.Start();
    EXPECT_TRUE(co_await h.WaitFor([&] { return hung.requests == 1; }));
    auto before = Clock::now();
    co_await scraper.Stop();
    EXPECT_LT(Clock::now() - before, 4s);  // far below the 5 s deadline it would otherwise wait for
    co_await scraper.Stop();                // twice is fine
    EXPECT_TRUE(co_await h.WaitFor([&] { return hung.hung_closed == 1; }));
  });
  EXPECT_TRUE(h.log.empty());  // a stop is not a failure worth a log line
}

TEST(LoadScraper, StopWithoutStart) {
  Harness h;
  LoadScraper scraper(h.ioc, h.pool, {h.Target(1, 100ms)}, h.board, h.Logger());
  h.Run([&]() -> Awaitable<void> { co_await scraper.Stop(); });
  EXPECT_EQ(scraper.running_loops(), 0u);
}

TEST(MakeScrapeTarget, SplitsTheUrlIntoOriginAndPath) {
  config::ProviderConfig p;
  p.name = "gpu";
  EXPECT_FALSE(MakeScrapeTarget(0, p).ok());
  p.load_metrics = config::LoadMetricsConfig{};
  p.load_metrics->url = "http://10.0.0.5:8000/metrics";
  p.load_metrics->interval = std::chrono::milliseconds(250);
  auto t = MakeScrapeTarget(3, p);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->slot, 3u);
  EXPECT_EQ(t->origin.host, "10.0.0.5");
  EXPECT_EQ(t->origin.port, 8000);
  EXPECT_EQ(t->origin.path_prefix, "");
  EXPECT_EQ(t->path, "/metrics");
  EXPECT_EQ(t->interval, std::chrono::milliseconds(250));
  p.load_metrics->url = "https://gpu.internal/prom/metrics?name[]=vllm:num_requests_running";
  p.tls_verify = false;
  t = MakeScrapeTarget(0, p);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->origin.tls);
  EXPECT_EQ(t->origin.port, 443);
  EXPECT_EQ(t->path, "/prom/metrics?name[]=vllm:num_requests_running");
  EXPECT_FALSE(t->tls_verify);
  p.load_metrics->url = "http://h:9";
  EXPECT_EQ(MakeScrapeTarget(0, p)->path, "/metrics");
  p.load_metrics->enabled = false;
  EXPECT_FALSE(MakeScrapeTarget(0, p).ok());
  EXPECT_EQ(ScrapeTimeout(100ms), 500ms);
  EXPECT_EQ(ScrapeTimeout(60s), 5s);
  EXPECT_EQ(ScrapeMaxAge(1s), 3s);
}

// The real mock_llm (vLLM /metrics and /mock/load), when the build has it.
TEST(LoadScraper, AgainstMockLlm) {
  std::string bin = std::string(SLUICE_BINARY_DIR) + "/tools/mock_llm/mock_llm";
  if (!std::filesystem::exists(bin)) GTEST_SKIP() << "mock_llm not built: " << bin;
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::string a0 = bin, a1 = "--listen", a2 = "127.0.0.1:0", a3 = "--metrics-model", a4 = "gpu-model";
  char* argv[] = {a0.data(), a1.data(), a2.data(), a3.data(), a4.data(), nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv, environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') line.push_back(c);
  close(out[0]);
  size_t colon = line.rfind(':');
  ASSERT_NE(colon, std::string::npos) << line;
  uint16_t port = static_cast<uint16_t>(std::stoi(line.substr(colon + 1)));

  Harness h;
  ScrapeTarget target = h.Target(port, 100ms);
  target.model_name = "gpu-model";
  LoadScraper scraper(h.ioc, h.pool, {target}, h.board, h.Logger());
  upstream::Origin mock = target.origin;
  h.Run([&]() -> Awaitable<void> {
    scraper.Start();
    EXPECT_TRUE(co_await h.WaitFor([&] { return h.board.Score(1, Clock::now()).has_value(); }));
    EXPECT_EQ(h.board.Score(1, Clock::now()).value_or(-1), 0.0);  // idle
    // Load it: 6 waiting, KV cache 75% full → 6 / 0.25 = 24.
    upstream::OutgoingRequest post;
    post.target = "/mock/load";
    post.body = R"({"waiting":6,"kv_cache_usage":0.75})";
    post.headers.emplace_back("Content-Type", "application/json");
    upstream::Deadlines d;
    d.total = upstream::Clock::now() + 5s;
    upstream::Exchange ex(h.pool, mock, true);
    auto sent = co_await ex.Send(post, d);
    EXPECT_TRUE(sent.ok());
    if (sent.ok()) {
      EXPECT_EQ(ex.Status(), 200u);
      co_await ex.ReadAll(4096, d.total);
    }
    EXPECT_TRUE(co_await h.WaitFor([&] { return h.board.Score(1, Clock::now()) == 24.0; }));
    auto r = h.board.Read(1, Clock::now());
    EXPECT_TRUE(r && r->load.waiting == 6.0 && r->load.kv_cache_usage == 0.75);
    co_await scraper.Stop();
  });
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(h.log.empty()) << h.log.front();
}

}  // namespace
}  // namespace sluice::server
