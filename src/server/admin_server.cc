#include "server/admin_server.h"

#include <array>

namespace sluice::server {
namespace {

Awaitable<void> AdminSession(SharedState& shared, upstream::Socket socket) {
  beast::basic_stream<tcp, net::io_context::executor_type> stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::empty_body> req;
    stream.expires_after(std::chrono::seconds(30));
    auto [ec, n] = co_await http::async_read(stream, buffer, req, kUseTuple);
    if (ec) break;
    http::response<http::string_body> res;
    res.version(11);
    res.set(http::field::server, "sluice");
    std::string_view target = req.target();
    target = target.substr(0, target.find('?'));
    if (req.method() != http::verb::get) {
      res.result(http::status::method_not_allowed);
      res.set(http::field::content_type, "application/json");
      res.body() = "{\"error\":\"method not allowed\"}";
    } else if (target == "/metrics") {
      res.result(http::status::ok);
      res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      const std::shared_ptr<const Runtime> rt = std::atomic_load(&shared.runtime);  // a reload may swap it
      res.body() = rt->metrics->RenderPrometheus();
      rt->router_metrics->Render(res.body());
    } else if (target == "/healthz") {
      res.result(http::status::ok);
      res.set(http::field::content_type, "application/json");
      res.body() = "{\"status\":\"ok\"}";
    } else if (target == "/readyz") {
      bool ready = shared.ready.load() && !shared.draining.load();
      res.result(ready ? http::status::ok : http::status::service_unavailable);
      res.set(http::field::content_type, "application/json");
      res.body() = ready ? "{\"status\":\"ready\"}" : "{\"status\":\"not ready\"}";
    } else {
      res.result(http::status::not_found);
      res.set(http::field::content_type, "application/json");
      res.body() = "{\"error\":\"not found\"}";
    }
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    auto [wec, wn] = co_await http::async_write(stream, res, kUseTuple);
    if (wec || !req.keep_alive()) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace

Awaitable<void> AdminAcceptLoop(SharedState& shared, upstream::Acceptor& acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kUseTuple);
    if (ec) {
      if (!acceptor.is_open()) co_return;
      continue;
    }
    net::co_spawn(acceptor.get_executor(), AdminSession(shared, std::move(socket)), net::detached);
  }
}

}  // namespace sluice::server
