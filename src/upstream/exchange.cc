#include "upstream/exchange.h"

#include <array>

#include "upstream/http_read.h"
#include "upstream/read_drained.h"
#include "upstream/write_now.h"

namespace sluice::upstream {

using core::Error;
using core::ErrorCode;

namespace {
constexpr size_t kReadReserve = 4096;  // what a connection reads at a time (ConnectionPool starts it so)
// A stream keeps this much read buffer between its events (a typical burst of events fits in one read).
constexpr size_t kStreamBuffer = 2048;
constexpr size_t kReadAllStep = 16384;  // ReadAll's growth step when the length is not known
}  // namespace

Exchange::Exchange(ConnectionPool& pool, const Origin& origin, bool tls_verify)
    : pool_(pool), origin_(origin), tls_verify_(tls_verify) {}

Exchange::~Exchange() { Finish(); }

void Exchange::Finish() {
  if (!conn_) return;
  bool keep = !cancelled_ && body_done_ && parser_ && BodyEnded() && parser_->keep_alive();
  if (keep) pool_.Release(std::move(conn_));
  conn_.reset();
}

void Exchange::Cancel() {
  cancelled_ = true;
  if (conn_) {
    boost::system::error_code ignored;
    conn_->Sock().shutdown(tcp::socket::shutdown_both, ignored);
    conn_->Sock().cancel(ignored);
  }
}

std::string_view Exchange::Header(std::string_view name) const {
  auto it = parser_->get().find(name);
  if (it == parser_->get().end()) return {};
  return it->value();
}

std::string_view Exchange::Header(http::field name) const {
  // A response has a handful of fields: comparing their stored enums beats the ordered lookup by name
  // (case-insensitive string compares down the tree).
  for (const auto& f : parser_->get()) {
    if (f.name() == name) return f.value();
  }
  return {};
}

Error Exchange::MapError(const boost::system::error_code& ec, std::string_view phase) const {
  if (conn_ && conn_->deadline.expired())
    return Error{ErrorCode::kUpstreamTimeout, "upstream " + origin_.host_header + " timed out " + std::string(phase)};
  if (cancelled_) return Error{ErrorCode::kUpstreamConnectFailed, "upstream request cancelled"};
  if (ec.category() == net::error::get_ssl_category() || ec == net::ssl::error::stream_truncated)
    return Error{ErrorCode::kUpstreamTlsFailed, "TLS error with upstream " + origin_.host_header + " " +
                                                    std::string(phase) + ": " + ec.message()};
  if (ec.category() == boost::system::error_code(http::error::bad_version).category())
    return Error{ErrorCode::kUpstreamProtocolError,
                 "upstream " + origin_.host_header + " sent invalid HTTP " + std::string(phase) + ": " + ec.message()};
  return Error{ErrorCode::kUpstreamConnectFailed,
               "connection to upstream " + origin_.host_header + " failed " + std::string(phase) + ": " + ec.message()};
}

Error Exchange::BodyReadError(const boost::system::error_code& ec) const {
  if (ec == http::error::partial_message || ec == http::error::end_of_stream)
    return Error{ErrorCode::kUpstreamProtocolError,
                 "upstream " + origin_.host_header + " closed the connection mid-response", 0, {}};
  return MapError(ec, "while reading the response body");
}

Awaitable<core::Result<bool>> Exchange::Send(const OutgoingRequest& request, const Deadlines& deadlines) {
  using namespace std::string_view_literals;  // literals without a strlen per append
  head_.clear();
  head_ += http::to_string(request.method);
  head_ += ' ';
  head_ += origin_.path_prefix;
  head_ += request.target;
  head_ += " HTTP/1.1\r\nHost: "sv;
  head_ += origin_.host_header;
  head_ += "\r\n"sv;
  for (const auto& [k, v] : request.headers) {
    head_ += k;
    head_ += ": "sv;
    head_ += v;
    head_ += "\r\n"sv;
  }
  head_ += "Content-Length: "sv;
  head_ += std::to_string(request.body.size());
  head_ += "\r\n\r\n"sv;

  bool retry = false;
  auto first = co_await SendOnce(request, deadlines, &retry);
  if (first.ok() || !retry || cancelled_) co_return first;
  co_return co_await SendOnce(request, deadlines, nullptr);
}

Awaitable<core::Result<bool>> Exchange::SendOnce(const OutgoingRequest& request, const Deadlines& deadlines,
                                                 bool* retry_on_fresh) {
  const Clock::time_point start = Clock::now();
  auto connect_deadline = std::min(start + deadlines.connect, deadlines.total);
  auto acquired = co_await pool_.Acquire(origin_, tls_verify_, connect_deadline);
  if (!acquired.ok()) co_return acquired.error();
  conn_ = std::move(acquired).value();
  reused_ = conn_->reused;
  if (cancelled_) {
    Cancel();
    co_return Error{ErrorCode::kUpstreamConnectFailed, "upstream request cancelled"};
  }
  if (conn_->buffer.capacity() < kReadReserve) conn_->buffer.reserve(kReadReserve);  // after a stream gave it back
  parser_.emplace();
  body_.reset();
  parser_->body_limit(boost::none);
  parser_->header_limit(64 * 1024);

  // A pooled connection came at once; a new one took its connect (and handshake) time.
  const Clock::time_point sending_at = reused_ ? start : Clock::now();
  conn_->deadline.Arm(conn_->Sock(), std::min(sending_at + deadlines.first_byte, deadlines.total));
  std::array<net::const_buffer, 2> bufs{net::buffer(head_), net::buffer(request.body)};
  boost::system::error_code ec;
  size_t n = 0;
  if (conn_->secure) {
    std::tie(ec, n) = co_await net::async_write(*conn_->secure, bufs, kUseTuple);
  } else {
    beast::buffers_suffix<std::array<net::const_buffer, 2>> rest(bufs);
    rest.consume(WriteNow(*conn_->plain, bufs, ec));
    if (!ec && net::buffer_size(rest) > 0) std::tie(ec, n) = co_await net::async_write(*conn_->plain, rest, kUseTuple);
  }
  bool stale = reused_ && retry_on_fresh;
  if (ec) {
    if (stale && !cancelled_ && !conn_->deadline.expired()) *retry_on_fresh = true;
    core::Error error = MapError(ec, "while sending the request");
    conn_.reset();
    co_return error;
  }
  if (conn_->secure) {
    ec = co_await ReadHttp(*conn_->secure, conn_->buffer, *parser_, ReadUntil::kHeader);
  } else {
    ec = co_await ReadHttp(*conn_->plain, conn_->buffer, *parser_, ReadUntil::kHeader);
  }
  if (ec) {
    bool nothing_received = conn_ && conn_->buffer.size() == 0;
    if (stale && nothing_received && !cancelled_ &&
        (ec == http::error::end_of_stream || ec == net::error::connection_reset || ec == net::error::eof))
      *retry_on_fresh = true;
    core::Error error = MapError(ec, "before the response headers");
    conn_.reset();
    co_return error;
  }
  conn_->deadline.Disarm();
  co_return true;
}

Awaitable<core::Result<size_t>> Exchange::ReadSome(char* buf, size_t cap, Clock::time_point deadline,
                                                   bool eager) {
  if (!conn_ || cancelled_) co_return Error{ErrorCode::kUpstreamConnectFailed, "upstream request cancelled"};
  if (deferred_error_) co_return *deferred_error_;
  if (parser_->is_done()) {
    body_done_ = true;
    co_return size_t{0};
  }
  parser_->eager(eager);  // read_header left it false
  conn_->deadline.Arm(conn_->Sock(), deadline);
  for (;;) {
    auto& body = parser_->get().body();
    body.data = buf;
    body.size = cap;
    boost::system::error_code ec;
    if (conn_->secure) {
      ec = co_await ReadHttp(*conn_->secure, conn_->buffer, *parser_, ReadUntil::kSome);
    } else {
      ec = co_await ReadHttp(*conn_->plain, conn_->buffer, *parser_, ReadUntil::kSome);
    }
    if (ec == http::error::need_buffer) ec = {};
    size_t got = cap - parser_->get().body().size;
    if (ec) {
      Error error = BodyReadError(ec);
      if (got == 0) co_return error;
      conn_->deadline.Disarm();
      deferred_error_ = std::move(error);
      co_return got;
    }
    if (parser_->is_done()) {
      body_done_ = true;
      conn_->deadline.Disarm();
      if (got == 0) co_return size_t{0};
      co_return got;
    }
    if (got > 0) {
      conn_->deadline.Disarm();
      co_return got;
    }
  }
}

Awaitable<core::Result<bool>> Exchange::WaitReadable(Clock::time_point deadline) {
  WaitPlan plan;
  if (std::optional<core::Result<bool>> now = BeginWait(plan)) co_return std::move(*now);
  conn_->deadline.Arm(conn_->Sock(), deadline);
  auto [ec, n] = co_await conn_->plain->async_read_some(conn_->buffer.prepare(plan.want), kUseTuple);
  co_return EndWait(plan, ec, n);
}

std::optional<core::Result<bool>> Exchange::AsyncWaitReadable(Clock::time_point deadline,
                                                              ReadableListener& listener) {
  WaitPlan plan;
  if (std::optional<core::Result<bool>> now = BeginWait(plan)) return now;
  conn_->deadline.Arm(conn_->Sock(), deadline);
  conn_->plain->async_read_some(conn_->buffer.prepare(plan.want),
                                [this, &listener, plan](const boost::system::error_code& ec, size_t n) {
                                  listener.OnReadable(EndWait(plan, ec, n));
                                });
  return std::nullopt;
}

std::optional<core::Result<bool>> Exchange::BeginWait(WaitPlan& plan) {
  if (!conn_ || cancelled_) return Error{ErrorCode::kUpstreamConnectFailed, "upstream request cancelled"};
  if (BodyEnded() || !must_wait_) return true;
  // The wait is a read into the connection's small stream buffer, not a readiness wait: Asio queues a read
  // on its edge-triggered registration as it is, where a readiness wait re-arms the descriptor with
  // epoll_ctl every time; and once the socket is marked drained, the read waits without a recv first.
  Socket& socket = *conn_->plain;
  KeepSmall(conn_->buffer);
  plan.want = conn_->buffer.capacity() - conn_->buffer.size();
  if (kReadDrainedHint) {
    if (!conn_->peer_close_watched) conn_->peer_close_watched = WatchPeerClose(socket);
    if (conn_->peer_close_watched && ReadTriesFirst(socket)) {
      // Asio would try a recv first and post what it finds. Tried here instead, the read that follows is one
      // only an edge completes, after which the socket can be marked drained (see read_drained.h).
      boost::system::error_code ec;
      switch (ReadIntoBuffer(plan.want, ec)) {
        case ReadOutcome::kEmpty:
          break;
        case ReadOutcome::kFailed:
          return MapError(ec, "while reading the response body");
        case ReadOutcome::kBytes:
        case ReadOutcome::kEof:
          must_wait_ = false;
          return true;
      }
    }
  }
  plan.edge_completes = conn_->peer_close_watched && !ReadTriesFirst(socket);
  return std::nullopt;
}

core::Result<bool> Exchange::EndWait(const WaitPlan& plan, const boost::system::error_code& ec, size_t n) {
  conn_->deadline.Disarm();
  if (cancelled_ || (ec && ec != net::error::eof)) {
    boost::system::error_code why = ec;
    if (!why) why = net::error::operation_aborted;
    return MapError(why, "while reading the response body");
  }
  must_wait_ = false;
  if (ec == net::error::eof) {
    SeenEof();
  } else {
    conn_->buffer.commit(n);
    drained_ = n < plan.want;
    // Completed from the reactor's edge handling: nothing else ran on this thread since the recv.
    MarkIfDrained(*conn_->plain, plan.edge_completes, n, plan.want);
  }
  return true;
}

void Exchange::KeepSmall(beast::flat_buffer& buffer) {
  // A stream mostly waits, with its read buffer: the 4 KiB a request started with becomes kStreamBuffer.
  if (buffer.capacity() > kStreamBuffer && buffer.size() <= kStreamBuffer / 2) {
    beast::flat_buffer smaller;
    smaller.reserve(kStreamBuffer);
    smaller.commit(net::buffer_copy(smaller.prepare(buffer.size()), buffer.data()));
    buffer = std::move(smaller);
  }
  if (buffer.capacity() - buffer.size() < kStreamBuffer / 2) buffer.reserve(buffer.size() + kStreamBuffer / 2);
}

Exchange::ReadOutcome Exchange::ReadNow(net::mutable_buffer into, size_t& n, boost::system::error_code& ec) {
  Socket& socket = *conn_->plain;
  // Sync reads must return would_block rather than wait (the async operations do not mind the flag).
  if (!socket.non_blocking()) socket.non_blocking(true, ec);
  n = socket.read_some(into, ec);
  if (ec == net::error::would_block || ec == net::error::try_again) {
    ec = {};
    drained_ = true;
    MarkReadDrained(socket);  // an empty queue and no FIN: safe to trust
    return ReadOutcome::kEmpty;
  }
  if (ec == net::error::eof) {
    ec = {};
    SeenEof();  // the body ends here, or deferred_error_ says why not
    return ReadOutcome::kEof;
  }
  if (ec) return ReadOutcome::kFailed;
  drained_ = n < into.size();
  if (drained_ && conn_->peer_close_watched) MarkAfterShortRecv(socket);
  return ReadOutcome::kBytes;
}

Exchange::ReadOutcome Exchange::ReadIntoBuffer(size_t want, boost::system::error_code& ec) {
  size_t n = 0;
  const ReadOutcome outcome = ReadNow(conn_->buffer.prepare(want), n, ec);
  if (outcome == ReadOutcome::kBytes) conn_->buffer.commit(n);
  return outcome;
}

void Exchange::SeenEof() {
  // The upstream closed: that ends a body delimited by the close, and is an error anywhere else.
  drained_ = true;
  if (body_) {
    body_->OnEof();
    if (body_->failed() && !deferred_error_) deferred_error_ = BodyReadError(http::error::partial_message);
    return;
  }
  if (parser_->is_done()) return;
  boost::system::error_code ec;
  parser_->put_eof(ec);
  if (ec && !deferred_error_) deferred_error_ = BodyReadError(ec);
}

BodyDecoder& Exchange::Body() {
  if (!body_) {
    // The head is parsed and the parser, not eager, has taken no byte of the body.
    if (parser_->is_done()) {
      body_.emplace(BodyDecoder::Framing::kLength, 0);
    } else if (parser_->chunked()) {
      body_.emplace(BodyDecoder::Framing::kChunked);
    } else if (const boost::optional<uint64_t> length = parser_->content_length()) {
      body_.emplace(BodyDecoder::Framing::kLength, *length);
    } else {
      body_.emplace(BodyDecoder::Framing::kUntilClose);
    }
  }
  return *body_;
}

size_t Exchange::Decode(char* bytes, size_t size, BodySink& sink, bool eager, size_t& handed) {
  size_t used = 0;
  const std::string_view payload = DecodeInPlace(*body_, bytes, size, /*one_piece=*/!eager, used);
  if (!payload.empty()) {
    handed += payload.size();
    sink.OnBody(payload);
  }
  return used;
}

core::Result<size_t> Exchange::ReadAvailable(BodySink& sink, bool& would_block, bool eager) {
  would_block = false;
  if (!conn_ || cancelled_) return Error{ErrorCode::kUpstreamConnectFailed, "upstream request cancelled"};
  if (deferred_error_) return *deferred_error_;
  BodyDecoder& body = Body();
  if (body.done()) {
    body_done_ = true;
    return size_t{0};
  }
  size_t handed = 0;
  boost::system::error_code ec;
  beast::flat_buffer& buffer = conn_->buffer;
  if (buffer.size() > 0) {
    const net::mutable_buffer held = buffer.data();
    buffer.consume(Decode(static_cast<char*>(held.data()), held.size(), sink, eager, handed));
  }
  // The buffer keeps bytes only when the body ended or failed before them, or a first event is judged alone.
  while (buffer.size() == 0 && !body.done() && !body.failed() && (eager || handed == 0)) {
    // A read that came back short found the socket empty: like nginx, trust it rather than pay a recv that
    // says so (bytes that came since raised an edge, or the wait tries a recv first: see read_drained.h).
    if (drained_) {
      must_wait_ = true;
      break;
    }
    // What a burst queued is taken in one recv through the scratch and decoded before anything else can
    // reuse the scratch; what the decoder leaves there stays with this connection.
    const std::span<char> scratch = pool_.read_scratch();
    size_t n = 0;
    const ReadOutcome outcome = ReadNow(net::buffer(scratch.data(), scratch.size()), n, ec);
    if (outcome == ReadOutcome::kEmpty) must_wait_ = true;
    if (outcome != ReadOutcome::kBytes) break;
    const size_t used = Decode(scratch.data(), n, sink, eager, handed);
    if (used < n) {
      buffer.commit(net::buffer_copy(buffer.prepare(n - used), net::buffer(scratch.data() + used, n - used)));
    }
  }
  if (body.failed() && !deferred_error_) {
    deferred_error_ = Error{ErrorCode::kUpstreamProtocolError,
                            "upstream " + origin_.host_header + " sent an invalid response body: " + body.error()};
  }
  if (ec) {
    Error error = BodyReadError(ec);
    if (handed == 0) return error;
    deferred_error_ = std::move(error);
    return handed;
  }
  if (handed == 0 && deferred_error_) return *deferred_error_;
  if (body.done()) {
    body_done_ = true;
    return handed;
  }
  if (handed == 0) would_block = true;  // wait (must_wait_), or only framing came: come straight back
  return handed;
}

Awaitable<core::Result<std::string>> Exchange::ReadAll(uint64_t limit, Clock::time_point deadline) {
  // The body is parsed straight into the string: sized by Content-Length when there is one, else grown
  // 16 KB at a time (chunked or close-delimited).
  std::string out;
  size_t got = 0;
  const boost::optional<uint64_t> content_length = parser_->content_length();
  if (content_length && *content_length > limit)
    co_return Error{ErrorCode::kUpstreamProtocolError, "upstream response exceeds max_response_bytes"};
  for (;;) {
    if (content_length) {
      out.resize(*content_length);
    } else if (out.size() - got < kReadAllStep) {
      out.resize(got + kReadAllStep);
    }
    if (got == out.size()) {  // all of Content-Length: the parser is done; this marks the body read
      auto end = co_await ReadSome(out.data(), 0, deadline);
      if (!end.ok()) co_return end.error();
      break;
    }
    auto r = co_await ReadSome(out.data() + got, out.size() - got, deadline);
    if (!r.ok()) co_return r.error();
    if (r.value() == 0) break;
    got += r.value();
    if (got > limit) co_return Error{ErrorCode::kUpstreamProtocolError, "upstream response exceeds max_response_bytes"};
  }
  out.resize(got);
  co_return out;
}

}  // namespace sluice::upstream
