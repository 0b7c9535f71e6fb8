// Waits that notice client hang-ups, and plain responses. Thread rule: see http_io.h.
#include "mock_llm/http_io.h"

#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/write.hpp>
#include <cerrno>

namespace sluice::mock_llm {
namespace {

constexpr auto kForever = std::chrono::hours(24 * 365);
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

// After the socket became readable: did the peer close (EOF/error), or is there data (pipelining)?
bool PeerClosed(tcp::socket& socket) {
  char byte;
  ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return true;
  if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  return false;
}

}  // namespace

asio::awaitable<WaitResult> WaitOrPeerClosed(Connection& conn, std::chrono::steady_clock::duration duration) {
  using namespace asio::experimental::awaitable_operators;
  if (duration <= std::chrono::steady_clock::duration::zero()) co_return WaitResult::kElapsed;
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  while (conn.can_watch) {
    auto result = co_await (timer.async_wait(kAwait) ||
                            conn.socket.async_wait(tcp::socket::wait_read, kAwait));
    if (result.index() == 0) co_return WaitResult::kElapsed;
    auto [ec] = std::get<1>(result);
    if (ec || PeerClosed(conn.socket)) co_return WaitResult::kPeerClosed;
    conn.can_watch = false;  // data is waiting; a later read will see a hang-up instead
  }
  co_await timer.async_wait(kAwait);
  co_return WaitResult::kElapsed;
}

asio::awaitable<void> WaitForPeerClose(Connection& conn) {
  for (;;) {
    WaitResult result = co_await WaitOrPeerClosed(conn, kForever);
    if (result == WaitResult::kPeerClosed) co_return;
  }
}

asio::awaitable<bool> WriteResponse(Connection& conn, http::response<http::string_body>& res) {
  res.prepare_payload();
  auto [ec, n] = co_await http::async_write(conn.socket, res, kAwait);
  co_return !ec;
}

asio::awaitable<bool> WriteJson(Connection& conn, const Request& req, http::status status, std::string body,
                                std::string_view request_id) {
  http::response<http::string_body> res{status, req.version()};
  res.set(http::field::content_type, "application/json");
  if (!request_id.empty()) res.set("x-request-id", request_id);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  bool ok = co_await WriteResponse(conn, res);
  co_return ok && req.keep_alive();
}

uint64_t NextId(ServerState& state) { return state.next_id.fetch_add(1, std::memory_order_relaxed); }

}  // namespace sluice::mock_llm
