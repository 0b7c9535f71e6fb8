#include "server/http_session.h"

#include <array>
#include <memory>
#include <optional>
#include <utility>

#include "server/request_pipeline.h"
#include "upstream/http_read.h"
#include "upstream/write_now.h"

namespace sluice::server {
namespace {

constexpr size_t kIdleRead = 4096;  // what the wait for a request's first bytes reads

using Request = http::request<http::string_body>;

// The connection guard keeps the process-wide connection count and the worker's session registry exact.
struct ConnectionGuard {
  ConnectionGuard(WorkerContext& w, SessionBase* s) : worker(w), session(s) {
    worker.sessions.insert(session);
    worker.metrics->ConnectionOpened();
  }
  ~ConnectionGuard() {
    worker.sessions.erase(session);
    worker.shared.open_connections.fetch_sub(1, std::memory_order_relaxed);
    worker.metrics->ConnectionClosed();
  }
  WorkerContext& worker;
  SessionBase* session;
};

template <typename Stream>
class Session final : public SessionBase, public ClientIo {
 public:
  Session(WorkerContext& worker, Stream stream, std::string peer)
      : worker_(worker), stream_(std::move(stream)), peer_(std::move(peer)), deadline_(worker.deadlines) {
    buffer_.reserve(4096);  // a typical chat request fits; Beast grows it for larger ones
  }
  ~Session() {
    if (watch_slot_) {
      watch_slot_->session = nullptr;
      PeekHandler::Release(watch_slot_);
    }
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  Awaitable<void> Run();

  // ClientIo
  Awaitable<bool> Write(std::span<const net::const_buffer> buffers) override {
    beast::buffers_suffix<std::span<const net::const_buffer>> rest(buffers);
    if constexpr (std::is_same_v<Stream, upstream::Socket>) {
      boost::system::error_code ec;
      const size_t n = upstream::WriteNow(stream_, buffers, ec);
      if (ec) co_return false;
      if (n == net::buffer_size(buffers)) co_return true;
      rest.consume(n);
    }
    auto& cfg = worker_.runtime().config->server.timeouts;
    deadline_.Arm(Sock(), upstream::Clock::now() + cfg.client_write);
    auto [ec, n] = co_await net::async_write(stream_, rest, kUseTuple);
    deadline_.Disarm();
    co_return !ec;
  }
  size_t WriteNow(std::span<const net::const_buffer> buffers, bool& failed) override {
    failed = false;
    if constexpr (std::is_same_v<Stream, upstream::Socket>) {
      boost::system::error_code ec;
      const size_t n = upstream::WriteNow(stream_, buffers, ec);
      failed = static_cast<bool>(ec);
      return n;
    } else {
      return 0;
    }
  }
  bool writes_now() const override { return std::is_same_v<Stream, upstream::Socket>; }
  void StartWatch(DisconnectListener& listener) override {
    watch_listener_ = &listener;
    ++watch_generation_;
    if constexpr (std::is_same_v<Stream, upstream::Socket>) {
      // A one-byte MSG_PEEK read with a plain callback: no coroutine, and a pipelined request stays in the
      // socket for the session. On a socket marked drained it waits for the next edge with no syscall (a
      // readiness wait would cost an epoll_ctl each time, read_drained.h).
      if (!watch_slot_) watch_slot_ = new WatchSlot{this};
      upstream::PeekBeforeWatch(Sock());
      Sock().async_receive(net::buffer(&watch_slot_->peeked, 1), tcp::socket::message_peek,
                           PeekHandler(watch_slot_, watch_generation_));
    } else {
      // TLS: a close_notify alert is bytes on the wire, so the record layer must read to tell.
      net::co_spawn(worker_.ioc, TlsWatch(watch_generation_), net::detached);
    }
  }
  void StopWatching() override {
    if (!watch_listener_) return;
    if constexpr (std::is_same_v<Stream, upstream::Socket>) {
      // The peek is cancelled (a stale one would keep the next request's read from being tried at once);
      // its handler finds a newer generation and does nothing. No write is in flight here: the proxy never
      // stops the watch while it writes.
      DisconnectListener* listener = std::exchange(watch_listener_, nullptr);
      ++watch_generation_;
      boost::system::error_code ignored;
      Sock().cancel(ignored);
      listener->OnWatchEnded();
    } else if (!watch_stop_requested_) {
      watch_stop_requested_ = true;
      boost::system::error_code ignored;
      Sock().cancel(ignored);
    }
  }
  void AbandonWatch() override {
    StopWatching();
    watch_listener_ = nullptr;
  }
  std::string_view PeerAddress() const override { return peer_; }
  void ReleaseReadBuffer() override {
    // Plain TCP watches by peeking into its slot; a TLS watch has a read pending into buffer_.
    if constexpr (std::is_same_v<Stream, upstream::Socket>) {
      if (buffer_.size() == 0) buffer_.shrink_to_fit();
    }
  }

  // SessionBase
  void OnDrain() override {
    if (idle_) {
      boost::system::error_code ignored;
      Sock().cancel(ignored);
    }
  }
  void Abort() override {
    // Shut down rather than close: the disconnect watch sees EOF and cancels the upstream, pending writes
    // fail, and the request unwinds through its normal completion path (access-log line included).
    boost::system::error_code ignored;
    Sock().shutdown(tcp::socket::shutdown_both, ignored);
  }

 private:
  upstream::Socket& Sock() {
    if constexpr (std::is_same_v<Stream, upstream::Socket>) {
      return stream_;
    } else {
      return stream_.next_layer();
    }
  }
  // Client-side deadlines (idle keep-alive, request read, slow-client write) on the worker's sweep list.
  void ArmDeadline(std::chrono::milliseconds d) { deadline_.Arm(Sock(), upstream::Clock::now() + d); }
  Awaitable<bool> Handshake();
  Awaitable<void> Shutdown();
  // GCC 12 miscompiles temporaries with destructors inside co_await expressions: callers pass named values.
  Awaitable<bool> ReplyAndClose(const core::Error& error);

  // The plain-TCP watch's peek may complete after its session ended (a cancelled read's handler runs
  // later), so the handler reaches the session, and the peek its byte, through this slot; the last of its
  // holders frees it.
  struct WatchSlot {
    Session* session;  // null once the session has ended
    unsigned holders = 1;
    char peeked = 0;
  };
  class PeekHandler {
   public:
    PeekHandler(WatchSlot* slot, uint32_t generation) : slot_(slot), generation_(generation) { ++slot_->holders; }
    PeekHandler(PeekHandler&& other) noexcept
        : slot_(std::exchange(other.slot_, nullptr)), generation_(other.generation_) {}
    PeekHandler(const PeekHandler&) = delete;
    PeekHandler& operator=(const PeekHandler&) = delete;
    ~PeekHandler() { Release(slot_); }
    void operator()(boost::system::error_code ec, size_t /*peeked*/) {
      if (slot_->session) slot_->session->OnWatchPeek(ec, generation_);
    }
    static void Release(WatchSlot* slot) {
      if (slot && --slot->holders == 0) delete slot;
    }

   private:
    WatchSlot* slot_;
    uint32_t generation_;
  };
  void OnWatchPeek(boost::system::error_code ec, uint32_t generation) {
    if (generation != watch_generation_ || !watch_listener_) return;  // stopped, or an older watch's peek
    DisconnectListener* listener = std::exchange(watch_listener_, nullptr);
    // A peeked byte is a pipelined request, left in the socket for the session. End of file or an error
    // means the client left. Asio then marks the socket drained (it takes a read of nothing for an
    // exhausted stream), so the session must not wait on it for another request: no edge would come.
    const bool gone = ec && ec != net::error::operation_aborted;
    if (gone) {
      peer_left_ = true;
      listener->OnClientGone();
    }
    listener->OnWatchEnded();
  }
  Awaitable<void> TlsWatch(uint32_t generation) {
    auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(4096), kUseTuple);
    if (n > 0) buffer_.commit(n);
    const bool gone = ec && ec != net::error::operation_aborted && !watch_stop_requested_;
    watch_stop_requested_ = false;
    if (generation != watch_generation_ || !watch_listener_) co_return;  // abandoned
    DisconnectListener* listener = std::exchange(watch_listener_, nullptr);
    if (gone) listener->OnClientGone();
    listener->OnWatchEnded();
  }

  WorkerContext& worker_;
  Stream stream_;
  std::string peer_;
  beast::flat_buffer buffer_{64 * 1024};
  bool idle_ = false;
  bool peer_left_ = false;  // a watch saw the client close or fail
  DisconnectListener* watch_listener_ = nullptr;  // the watch under way, if any
  uint32_t watch_generation_ = 0;
  bool watch_stop_requested_ = false;  // TLS: the watch's read was cancelled by StopWatching
  WatchSlot* watch_slot_ = nullptr;    // plain TCP, created by the first watch
  upstream::Deadline deadline_;
};

template <typename Stream>
Awaitable<bool> Session<Stream>::Handshake() {
  if constexpr (std::is_same_v<Stream, upstream::TlsSocket>) {
    ArmDeadline(worker_.runtime().config->server.timeouts.request_read);
    auto [ec, n] = co_await stream_.async_handshake(ssl::stream_base::server, buffer_.data(), kUseTuple);
    deadline_.Disarm();
    if (ec) co_return false;
    buffer_.consume(n);
  }
  co_return true;
}

template <typename Stream>
Awaitable<void> Session<Stream>::Shutdown() {
  if constexpr (std::is_same_v<Stream, upstream::TlsSocket>) {
    ArmDeadline(std::chrono::seconds(2));
    co_await stream_.async_shutdown(kUseTuple);
  }
  deadline_.Disarm();
  boost::system::error_code ec;
  Sock().shutdown(tcp::socket::shutdown_send, ec);
  Sock().close(ec);
}

template <typename Stream>
Awaitable<bool> Session<Stream>::ReplyAndClose(const core::Error& error) {
  co_await SendLocalError(worker_, *this, error, /*keep_alive=*/false);
  co_return false;
}

template <typename Stream>
Awaitable<void> Session<Stream>::Run() {
  ConnectionGuard guard(worker_, this);
  if (!co_await Handshake()) co_return;
  for (;;) {
    if (worker_.shared.draining.load(std::memory_order_relaxed) || peer_left_) break;
    // Wait for the first byte of the next request under the idle keep-alive deadline.
    if (buffer_.size() == 0) {
      idle_ = true;
      ArmDeadline(worker_.runtime().config->server.timeouts.idle_keepalive);
      // A plain socket waits for the next request without the recv that finds nothing (read_drained.h).
      boost::system::error_code ec;
      size_t n = 0;
      bool edge_completes = false;
      bool read_now = false;
      if constexpr (std::is_same_v<Stream, upstream::Socket>)
        read_now = upstream::ReadBeforeWait(stream_, buffer_.prepare(kIdleRead), ec, n, edge_completes);
      if (!read_now) {
        auto [aec, an] = co_await stream_.async_read_some(buffer_.prepare(kIdleRead), kUseTuple);
        ec = aec;
        n = an;
      }
      idle_ = false;
      if (ec || n == 0) break;
      buffer_.commit(n);
      if constexpr (std::is_same_v<Stream, upstream::Socket>)
        upstream::MarkIfDrained(stream_, edge_completes, n, kIdleRead);
    }
    // The request keeps the snapshot it started with, whatever a reload does meanwhile. Nothing of a snapshot
    // is kept across the wait for the next request: a reload may free it then (a connection outlives configs).
    std::shared_ptr<const Runtime> rt_hold = worker_.runtime_ptr;
    const Runtime& rt = *rt_hold;
    const config::ServerConfig& server_cfg = rt.config->server;
    http::request_parser<http::string_body> parser;
    parser.header_limit(server_cfg.limits.max_header_bytes);
    parser.body_limit(server_cfg.limits.max_body_bytes);
    // One deadline for head and body together (the 100-continue write in between does not extend it).
    auto read_deadline = upstream::Clock::now() + server_cfg.timeouts.request_read;
    deadline_.Arm(Sock(), read_deadline);
    boost::system::error_code hec = co_await upstream::ReadHttp(stream_, buffer_, parser, upstream::ReadUntil::kHeader);
    deadline_.Disarm();
    if (hec) {
      std::optional<core::Error> reply;
      if (hec == http::error::header_limit) {
        reply = core::Error{core::ErrorCode::kHeadersTooLarge, "Request headers are too large."};
      } else if (hec == http::error::body_limit) {
        // Beast checks Content-Length against body_limit while parsing the head, so it fails here.
        reply = core::Error{core::ErrorCode::kBodyTooLarge, "Request body exceeds the limit of " +
                                                                std::to_string(server_cfg.limits.max_body_bytes) +
                                                                " bytes."};
      } else if (deadline_.expired()) {
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
      deadline_.Arm(Sock(), read_deadline);
      parser.eager(true);
      boost::system::error_code bec = co_await upstream::ReadHttp(stream_, buffer_, parser, upstream::ReadUntil::kMessage);
      deadline_.Disarm();
      if (bec) {
        std::optional<core::Error> reply;
        if (bec == http::error::body_limit) {
          reply = core::Error{core::ErrorCode::kBodyTooLarge, "Request body exceeds the limit of " +
                                                                  std::to_string(server_cfg.limits.max_body_bytes) +
                                                                  " bytes."};
        } else if (deadline_.expired()) {
          reply = core::Error{core::ErrorCode::kRequestTimeout, "The request body was not received in time."};
        } else if (bec != http::error::end_of_stream && bec != net::error::eof &&
                   bec != net::error::connection_reset && bec != http::error::partial_message) {
          reply = core::Error{core::ErrorCode::kMalformedHttp, "Malformed HTTP request: " + bec.message() + "."};
        }
        if (reply) co_await ReplyAndClose(*reply);
        break;
      }
    }
    Request req = parser.release();
    bool keep_alive = req.keep_alive() && !worker_.shared.draining.load(std::memory_order_relaxed);
    bool keep = co_await HandleRequest(worker_, rt, *this, req, keep_alive);
    if (!keep || !keep_alive) break;
  }
  co_await Shutdown();
}

template <typename Stream>
Awaitable<void> RunSession(WorkerContext& worker, Stream stream, std::string peer) {
  Session<Stream> session(worker, std::move(stream), std::move(peer));
  co_await session.Run();
}

std::string PeerString(const upstream::Socket& s) {
  boost::system::error_code ec;
  auto ep = s.remote_endpoint(ec);
  if (ec) return "";
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

}  // namespace

Awaitable<void> AcceptLoop(WorkerContext& worker, upstream::Acceptor& acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kUseTuple);
    // Read after the wait: a reload may have freed the config this loop started with.
    const config::ServerLimits& limits = worker.runtime().config->server.limits;
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
      continue;  // EMFILE and friends: keep serving the connections we have
    }
    uint32_t open = worker.shared.open_connections.fetch_add(1, std::memory_order_relaxed);
    if (open >= limits.max_connections || worker.shared.draining.load(std::memory_order_relaxed)) {
      worker.shared.open_connections.fetch_sub(1, std::memory_order_relaxed);
      worker.metrics->RecordLocalReply(core::ErrorCode::kOverloaded);
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
      upstream::TlsSocket stream(std::move(socket), *worker.shared.server_tls);
      net::co_spawn(worker.ioc, RunSession(worker, std::move(stream), std::move(peer)), net::detached);
    } else {
      net::co_spawn(worker.ioc, RunSession(worker, std::move(socket), std::move(peer)), net::detached);
    }
  }
}

}  // namespace sluice::server
