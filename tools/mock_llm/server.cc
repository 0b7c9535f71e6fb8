// Listener, connection loop and routing of the mock (see server.h). Non-chat endpoints are answered here;
// chat completions go to chat_handler.cc.
// Thread rule: the acceptor lives on worker 0 and hands each socket to a worker round-robin; a connection
// stays on its worker's thread for life.
#include "mock_llm/server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include "mock_llm/chat_flow.h"
#include "mock_llm/http_io.h"
#include "mock_llm/openai_reader.h"
#include "mock_llm/openai_writer.h"
#include "mock_llm/vllm_metrics.h"

namespace sluice::mock_llm {
namespace {

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr uint64_t kBodyLimit = 64ull << 20;
constexpr uint32_t kHeaderLimit = 64 << 10;

std::string_view PathOf(std::string_view target) {
  size_t q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

void Record(Stats& stats, const Request& req) {
  RecordedRequest r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  r.headers.reserve(16);
  for (const auto& f : req) r.headers.emplace_back(f.name_string(), f.value());
  r.body = req.body();
  stats.RecordRequest(std::move(r));
}

asio::awaitable<bool> NotFound(Connection& conn, const Request& req) {
  conn.state.stats.bad_requests.fetch_add(1, std::memory_order_relaxed);
  std::string message = "Invalid URL (";
  message.append(req.method_string()).append(" ").append(PathOf(req.target())).append(")");
  co_return co_await WriteJson(conn, req, http::status::not_found,
                               RenderError(message, "invalid_request_error", {}, {}));
}

asio::awaitable<bool> HandleEmbeddings(Connection& conn, const Request& req) {
  conn.state.stats.embeddings_requests.fetch_add(1, std::memory_order_relaxed);
  Decoded<EmbeddingsCall> call = DecodeEmbeddingsRequest(req.body());
  if (!call.value) {
    conn.state.stats.bad_requests.fetch_add(1, std::memory_order_relaxed);
    co_return co_await WriteJson(conn, req, http::status::bad_request,
                                 RenderError(call.error.message, "invalid_request_error", call.error.param,
                                             call.error.code));
  }
  co_return co_await WriteJson(conn, req, http::status::ok, RenderEmbeddings(*call.value));
}

asio::awaitable<bool> WriteMetrics(Connection& conn, const Request& req) {
  const ServerState& state = conn.state;
  MetricsSnapshot m;
  m.model_name = state.metrics_model;
  m.running = state.stats.chat_active.load(std::memory_order_relaxed) + state.load.running_offset.load();
  m.waiting = state.load.waiting.load();
  m.kv_cache_usage = state.load.kv_cache_usage.load();
  m.prompt_tokens_total = state.stats.prompt_tokens_total.load(std::memory_order_relaxed);
  m.generation_tokens_total = state.stats.generation_tokens_total.load(std::memory_order_relaxed);
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.keep_alive(req.keep_alive());
  res.body() = RenderVllmMetrics(m);
  bool ok = co_await WriteResponse(conn, res);
  co_return ok && req.keep_alive();
}

asio::awaitable<bool> Dispatch(Connection& conn, const Request& req) {
  std::string_view path = PathOf(req.target());
  const http::verb verb = req.method();
  Stats& stats = conn.state.stats;
  if (path.starts_with("/mock/")) {
    if (path == "/mock/stats" && verb == http::verb::get) {
      co_return co_await WriteJson(conn, req, http::status::ok, stats.CountersJson());
    }
    if (path == "/mock/last_request" && verb == http::verb::get) {
      co_return co_await WriteJson(conn, req, http::status::ok, stats.LastRequestJson());
    }
    if (path == "/mock/reset" && verb == http::verb::post) {
      stats.Reset();
      conn.state.load.Reset();
      co_return co_await WriteJson(conn, req, http::status::ok, R"({"reset":true})");
    }
    if (path == "/mock/load" && (verb == http::verb::post || verb == http::verb::get)) {
      if (verb == http::verb::post) {
        std::string error;
        std::optional<LoadUpdate> update = ParseLoadUpdate(req.body(), &error);
        if (!update) {
          co_return co_await WriteJson(conn, req, http::status::bad_request,
                                       RenderError("mock: " + error, "invalid_request_error", {}, {}));
        }
        ApplyLoadUpdate(*update, conn.state.load);
      }
      co_return co_await WriteJson(conn, req, http::status::ok, LoadJson(conn.state.load));
    }
    co_return co_await NotFound(conn, req);
  }
  // Scrapes are neither recorded nor counted: a gateway polling /metrics must not overwrite the request a
  // test wants to inspect.
  if (path == "/metrics" && verb == http::verb::get) {
    stats.metrics_scrapes.fetch_add(1, std::memory_order_relaxed);
    co_return co_await WriteMetrics(conn, req);
  }
  stats.requests_total.fetch_add(1, std::memory_order_relaxed);
  Record(stats, req);
  if (path.starts_with("/v1beta/") || path.starts_with("/v1beta1/") || path.starts_with("/v1/projects/") ||
      path.starts_with("/v1/publishers/") || (path.starts_with("/v1/models/") && path.find(':') != std::string_view::npos)) {
    co_return co_await HandleGemini(conn, req, path);
  }
  if (path.starts_with("/model/")) co_return co_await HandleBedrock(conn, req, path);
  if (path.starts_with("/openai/deployments/") || path.starts_with("/openai/v1/")) {
    co_return co_await HandleAzure(conn, req, path);
  }
  if (verb == http::verb::post && path == "/v1/chat/completions") co_return co_await HandleChatCompletions(conn, req);
  if (verb == http::verb::post && path == "/v1/embeddings") co_return co_await HandleEmbeddings(conn, req);
  if (verb == http::verb::post && path == "/v1/messages") co_return co_await HandleMessages(conn, req);
  if (verb == http::verb::post && path == "/v1/messages/count_tokens") co_return co_await HandleCountTokens(conn, req);
  if (verb == http::verb::get && path == "/v1/models") {
    if (WantsAnthropic(req)) co_return co_await HandleAnthropicModels(conn, req, {});
    co_return co_await WriteJson(conn, req, http::status::ok, RenderModelList());
  }
  if (verb == http::verb::get && path.starts_with("/v1/models/") && path.size() > 11) {
    if (WantsAnthropic(req)) co_return co_await HandleAnthropicModels(conn, req, path.substr(11));
    co_return co_await WriteJson(conn, req, http::status::ok, RenderModel(path.substr(11)));
  }
  co_return co_await NotFound(conn, req);
}

asio::awaitable<void> Session(tcp::socket socket, ServerState& state) {
  Connection conn{std::move(socket), state};
  ActiveGuard active(state.stats.connections_active);
  state.stats.connections_total.fetch_add(1, std::memory_order_relaxed);
  boost::system::error_code ec;
  conn.socket.set_option(tcp::no_delay(true), ec);
  boost::beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    parser.header_limit(kHeaderLimit);
    auto [rec, n] = co_await http::async_read_header(conn.socket, buffer, parser, kAwait);
    if (rec) {
      if (rec != http::error::end_of_stream && rec != asio::error::eof &&
          rec != asio::error::connection_reset && rec != asio::error::operation_aborted) {
        // Bad framing: answer 400 like any HTTP server, then close.
        std::string_view reply = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        co_await asio::async_write(conn.socket, asio::buffer(reply), kAwait);
      }
      break;
    }
    if (!parser.is_done()) {
      auto expect = parser.get()[http::field::expect];
      if (expect.size() == 12 && boost::beast::iequals(expect, "100-continue")) {
        std::string_view cont = "HTTP/1.1 100 Continue\r\n\r\n";
        auto [wec, wn] = co_await asio::async_write(conn.socket, asio::buffer(cont), kAwait);
        if (wec) break;
      }
      auto [bec, bn] = co_await http::async_read(conn.socket, buffer, parser, kAwait);
      if (bec) break;
    }
    conn.can_watch = true;
    Request req = parser.release();
    bool keep_alive = co_await Dispatch(conn, req);
    if (!keep_alive) break;
  }
  conn.socket.shutdown(tcp::socket::shutdown_send, ec);
  conn.socket.close(ec);
}

asio::awaitable<void> Accept(tcp::acceptor& acceptor, std::vector<std::unique_ptr<asio::io_context>>& workers,
                             ServerState& state) {
  size_t next = 0;
  for (;;) {
    asio::io_context& worker = *workers[next];
    next = (next + 1) % workers.size();
    auto [ec, socket] = co_await acceptor.async_accept(worker, kAwait);
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) {  // e.g. EMFILE: back off briefly instead of spinning
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(10));
      co_await pause.async_wait(kAwait);
      continue;
    }
    asio::co_spawn(worker, Session(std::move(socket), state), asio::detached);
  }
}

}  // namespace

int Run(const ServerOptions& options) {
  std::vector<std::unique_ptr<asio::io_context>> workers;
  for (unsigned i = 0; i < std::max(1u, options.threads); ++i) {
    workers.push_back(std::make_unique<asio::io_context>(1));
  }
  ServerState state;
  state.metrics_model = options.metrics_model;
  if (!options.aws_secret.empty()) state.aws = SigV4Credentials{options.aws_access_key_id, options.aws_secret};
  tcp::acceptor acceptor(*workers[0]);
  boost::system::error_code ec;
  tcp::endpoint endpoint(asio::ip::make_address(options.host, ec), options.port);
  if (ec) {
    std::cerr << "mock_llm: bad listen address " << options.host << "\n";
    return 1;
  }
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(65535, ec);  // the kernel caps this at net.core.somaxconn
  if (ec) {
    std::cerr << "mock_llm: cannot listen on " << options.host << ":" << options.port << ": " << ec.message()
              << "\n";
    return 1;
  }
  tcp::endpoint bound = acceptor.local_endpoint();
  std::string host = bound.address().to_string();
  if (bound.address().is_v6()) host = "[" + host + "]";
  std::printf("{\"event\":\"listening\",\"addr\":\"%s:%u\"}\n", host.c_str(), unsigned{bound.port()});
  std::fflush(stdout);

  asio::signal_set signals(*workers[0], SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    for (auto& w : workers) w->stop();
  });
  asio::co_spawn(*workers[0], Accept(acceptor, workers, state), asio::detached);

  std::vector<std::thread> threads;
  for (size_t i = 1; i < workers.size(); ++i) {
    threads.emplace_back([&w = *workers[i]] {
      auto guard = asio::make_work_guard(w);
      w.run();
    });
  }
  workers[0]->run();
  for (auto& w : workers) w->stop();
  for (auto& t : threads) t.join();
  return 0;
}

}  // namespace sluice::mock_llm
