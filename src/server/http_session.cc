#include "server/http_session.h"

#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <memory>
#include <optional>

#include "server/request_pipeline.h"

namespace sluice::server {
namespace {

using Request = http::request<http::string_body>;

// The connection guard keeps the process-wide connection count and the worker's session registry exact.
struct ConnectionGuard {
  ConnectionGuard(WorkerContext& w, SessionBase* s) : worker(w), session(s) {
    worker.sessions.insert(session);
    worker.metrics.ConnectionOpened();
  }
  ~ConnectionGuard() {
    worker.sessions.erase(session);
    worker.shared.open_connections.fetch_sub(1, std::memory_order_relaxed);
    worker.metrics.ConnectionClosed();
  }
  WorkerContext& worker;
  SessionBase* session;
};

// The request-read deadline. Beast's tcp_stream closes the socket when its own deadline fires, which would
// leave no way to answer 408; this timer only cancels the pending read and leaves the socket open for the
// reply. The completion handler acts only if it belongs to the current arming (generation) and the deadline
// is still armed: Disarm and the destructor clear the flag, so a handler already queued when the read
// completes, or when the session ends, does nothing. The state is allocated once per connection.
class ReadDeadline {
 public:
  explicit ReadDeadline(net::io_context& ioc) : timer_(ioc) {}
  ~ReadDeadline() { state_->armed = false; }
  void Arm(tcp::socket& socket, std::chrono::steady_clock::time_point at) {
    state_->socket = &socket;
    state_->armed = true;
    state_->expired = false;
    uint64_t generation = ++state_->generation;
    timer_.expires_at(at);
    timer_.async_wait([state = state_, generation](boost::system::error_code ec) {
      if (ec || !state->armed || state->generation != generation) return;
      state->expired = true;
      boost::system::error_code ignored;
      state->socket->cancel(ignored);
    });
  }
  void Disarm() {
    state_->armed = false;
    timer_.cancel();
  }
  bool expired() const { return state_->expired; }

 private:
  struct State {
    tcp::socket* socket = nullptr;
    uint64_t generation = 0;
    bool armed = false;
    bool expired = false;
  };
  net::steady_timer timer_;
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

template <typename Stream>
class Session final : public SessionBase, public ClientIo {
 public:
  Session(WorkerContext& worker, Stream stream, std::string peer)
      : worker_(worker), stream_(std::move(stream)), peer_(std::move(peer)), read_deadline_(worker.ioc) {
    buffer_.reserve(16384);
  }

  net::awaitable<void> Run();

  // ClientIo
  net::awaitable<bool> Write(std::span<const net::const_buffer> buffers) override {
    auto& cfg = worker_.runtime().config->server.timeouts;
    Tcp().expires_after(cfg.client_write);
    auto [ec, n] = co_await net::async_write(stream_, buffers, kUseTuple);
    Tcp().expires_never();
    co_return !ec;
  }
  net::awaitable<bool> WaitForDisconnect() override {
    watching_ = true;
    bool gone = false;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      // Wait for readability without a speculative read (no syscall per request), then peek: EOF or an
      // error means the client left; bytes mean a pipelined request, left in the socket for the session.
      auto [ec] = co_await Tcp().socket().async_wait(tcp::socket::wait_read, kUseTuple);
      if (!ec && !stop_requested_) {
        char byte;
        ssize_t n = ::recv(Tcp().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        gone = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
      } else if (ec && ec != net::error::operation_aborted) {
        gone = true;
      }
    } else {
      // TLS: a close_notify alert is bytes on the wire, so the record layer must read to tell.
      auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(4096), kUseTuple);
      if (n > 0) buffer_.commit(n);
      gone = ec && ec != net::error::operation_aborted && !stop_requested_;
    }
    watching_ = false;
    stop_requested_ = false;
    co_return gone;
  }
  void StopWatching() override {
    if (watching_) {
      stop_requested_ = true;
      // Cancel only the pending read: a write may be in flight on the same socket.
      Tcp().socket().cancel();
    }
  }
  std::string_view PeerAddress() const override { return peer_; }

  // SessionBase
  void OnDrain() override {
    if (idle_) Tcp().cancel();
  }
  void Abort() override {
    // Shut down rather than close: the disconnect watch sees EOF and cancels the upstream, pending writes
    // fail, and the request unwinds through its normal completion path (access-log line included).
    boost::system::error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

 private:
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }
  net::awaitable<bool> Handshake();
  net::awaitable<void> Shutdown();
  // GCC 12 miscompiles temporaries with destructors inside co_await expressions: callers pass named values.
  net::awaitable<bool> ReplyAndClose(const core::Error& error);

  WorkerContext& worker_;
  Stream stream_;
  std::string peer_;
  beast::flat_buffer buffer_{64 * 1024};
  bool idle_ = false;
  bool watching_ = false;
  bool stop_requested_ = false;
  ReadDeadline read_deadline_;
};

template <typename Stream>
net::awaitable<bool> Session<Stream>::Handshake() {
  if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
    Tcp().expires_after(worker_.runtime().config->server.timeouts.request_read);
    auto [ec, n] = co_await stream_.async_handshake(ssl::stream_base::server, buffer_.data(), kUseTuple);
    if (ec) co_return false;
    buffer_.consume(n);
  }
  co_return true;
}

template <typename Stream>
net::awaitable<void> Session<Stream>::Shutdown() {
  Tcp().expires_after(std::chrono::seconds(2));
  if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
    co_await stream_.async_shutdown(kUseTuple);
  }
  boost::system::error_code ec;
  Tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
  Tcp().close();
}

template <typename Stream>
net::awaitable<bool> Session<Stream>::ReplyAndClose(const core::Error& error) {
  co_await SendLocalError(worker_, *this, error, /*keep_alive=*/false);
  co_return false;
}

template <typename Stream>
net::awaitable<void> Session<Stream>::Run() {
  ConnectionGuard guard(worker_, this);
  if (!co_await Handshake()) co_return;
  const auto& server_cfg = worker_.runtime().config->server;
  for (;;) {
    if (worker_.shared.draining.load(std::memory_order_relaxed)) break;
    // Wait for the first byte of the next request under the idle keep-alive deadline.
    if (buffer_.size() == 0) {
      idle_ = true;
      Tcp().expires_after(server_cfg.timeouts.idle_keepalive);
      auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(16384), kUseTuple);
      idle_ = false;
      if (ec || n == 0) break;
      buffer_.commit(n);
    }
    const auto& rt = worker_.runtime();
    http::request_parser<http::string_body> parser;
    parser.header_limit(server_cfg.limits.max_header_bytes);
    parser.body_limit(server_cfg.limits.max_body_bytes);
    // One deadline for head and body together (the 100-continue write in between does not extend it).
    auto read_deadline = std::chrono::steady_clock::now() + server_cfg.timeouts.request_read;
    Tcp().expires_never();
    read_deadline_.Arm(Tcp().socket(), read_deadline);
    auto [hec, hn] = co_await http::async_read_header(stream_, buffer_, parser, kUseTuple);
    read_deadline_.Disarm();
    if (hec) {
      std::optional<core::Error> reply;
      if (hec == http::error::header_limit) {
        reply = core::Error{core::ErrorCode::kHeadersTooLarge, "Request headers are too large."};
      } else if (hec == http::error::body_limit) {
        // Beast checks Content-Length against body_limit while parsing the head, so it fails here.
        reply = core::Error{core::ErrorCode::kBodyTooLarge, "Request body exceeds the limit of " +
                                                                std::to_string(server_cfg.limits.max_body_bytes) +
                                                                " bytes."};
      } else if (hec == beast::error::timeout || read_deadline_.expired()) {
        reply = core::Error{core::ErrorCode::kRequestTimeout, "The request was not received in time."};
      } else if (hec != http::error::end_of_stream && hec != net::error::eof &&
                 hec != net::error::connection_reset) {
        reply = core::Error{core::ErrorCode::kMalformedHttp, "Malformed HTTP request: " + hec.message() + "."};
      }
      if (reply) co_await ReplyAndClose(*reply);
      break;
    }
    // A model-specific body limit tighter than the server's applies once the model is known; the server
    // limit bounds what is read at all.
    auto content_length = parser.content_length();
    if (content_length && *content_length > server_cfg.limits.max_body_bytes) {
      core::Error reply{core::ErrorCode::kBodyTooLarge, "Request body of " + std::to_string(*content_length) +
                                                            " bytes exceeds the limit of " +
                                                            std::to_string(server_cfg.limits.max_body_bytes) + " bytes."};
      co_await ReplyAndClose(reply);
      break;
    }
    if (beast::iequals(parser.get()[http::field::expect], "100-continue") && !parser.is_done()) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      std::array<net::const_buffer, 1> b{net::buffer(kContinue)};
      if (!co_await Write(b)) break;
    }
    if (!parser.is_done()) {
      read_deadline_.Arm(Tcp().socket(), read_deadline);
      auto [bec, bn] = co_await http::async_read(stream_, buffer_, parser, kUseTuple);
      read_deadline_.Disarm();
      if (bec) {
        std::optional<core::Error> reply;
        if (bec == http::error::body_limit) {
          reply = core::Error{core::ErrorCode::kBodyTooLarge, "Request body exceeds the limit of " +
                                                                  std::to_string(server_cfg.limits.max_body_bytes) +
                                                                  " bytes."};
        } else if (bec == beast::error::timeout || read_deadline_.expired()) {
          reply = core::Error{core::ErrorCode::kRequestTimeout, "The request body was not received in time."};
        } else if (bec != http::error::end_of_stream && bec != net::error::eof &&
                   bec != net::error::connection_reset && bec != http::error::partial_message) {
          reply = core::Error{core::ErrorCode::kMalformedHttp, "Malformed HTTP request: " + bec.message() + "."};
        }
        if (reply) co_await ReplyAndClose(*reply);
        break;
      }
    }
    Tcp().expires_never();
    Request req = parser.release();
    bool keep_alive = req.keep_alive() && !worker_.shared.draining.load(std::memory_order_relaxed);
    bool keep = co_await HandleRequest(worker_, rt, *this, req, keep_alive);
    if (!keep || !keep_alive) break;
  }
  co_await Shutdown();
}

template <typename Stream>
net::awaitable<void> RunSession(WorkerContext& worker, Stream stream, std::string peer) {
  Session<Stream> session(worker, std::move(stream), std::move(peer));
  co_await session.Run();
}

std::string PeerString(const tcp::socket& s) {
  boost::system::error_code ec;
  auto ep = s.remote_endpoint(ec);
  if (ec) return "";
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

}  // namespace

net::awaitable<void> AcceptLoop(WorkerContext& worker, tcp::acceptor& acceptor) {
  const auto& limits = worker.runtime().config->server.limits;
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kUseTuple);
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
      continue;  // EMFILE and friends: keep serving the connections we have
    }
    uint32_t open = worker.shared.open_connections.fetch_add(1, std::memory_order_relaxed);
    if (open >= limits.max_connections || worker.shared.draining.load(std::memory_order_relaxed)) {
      worker.shared.open_connections.fetch_sub(1, std::memory_order_relaxed);
      worker.metrics.RecordLocalReply(core::ErrorCode::kOverloaded);
      static constexpr std::string_view kBusy =
          "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n"
          "Content-Length: 118\r\n\r\n"
          "{\"error\":{\"message\":\"The gateway is at its connection limit.\",\"type\":\"server_error\","
          "\"param\":null,\"code\":\"overloaded\"}}";
      boost::system::error_code wec;
      socket.non_blocking(true, wec);
      socket.write_some(net::buffer(kBusy), wec);
      socket.close(wec);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    std::string peer = PeerString(socket);
    if (worker.shared.server_tls) {
      beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *worker.shared.server_tls);
      net::co_spawn(worker.ioc, RunSession(worker, std::move(stream), std::move(peer)), net::detached);
    } else {
      net::co_spawn(worker.ioc, RunSession(worker, beast::tcp_stream(std::move(socket)), std::move(peer)),
                    net::detached);
    }
  }
}

}  // namespace sluice::server
