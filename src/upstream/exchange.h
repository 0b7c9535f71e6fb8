// One HTTP request/response with an upstream over a pooled connection: send, read the head, then read the
// body incrementally (streams) or whole (bounded). Each phase has its named deadline; failures become
// stable error codes (upstream_connect_failed, upstream_dns_failed, upstream_tls_failed, upstream_timeout,
// upstream_protocol_error).
// Thread rule: owned by one request coroutine on one worker. Cancel() may be called by a sibling
// coroutine on the same worker (the client-disconnect watcher).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "upstream/asio.h"
#include "upstream/body_decoder.h"
#include "upstream/connection_pool.h"

namespace sluice::upstream {

// Told how an AsyncWaitReadable ended (the stream pump's callback form of WaitReadable).
class ReadableListener {
 public:
  virtual void OnReadable(core::Result<bool> ready) = 0;

 protected:
  ~ReadableListener() = default;
};

// Takes the pieces of a response body ReadAvailable hands out: views of the read buffers, valid during the
// call only.
class BodySink {
 public:
  virtual void OnBody(std::string_view piece) = 0;

 protected:
  ~BodySink() = default;
};

struct Deadlines {
  std::chrono::milliseconds connect{5000};
  std::chrono::milliseconds first_byte{60000};
  std::chrono::milliseconds idle{30000};
  Clock::time_point total;  // absolute end of the whole exchange
};

struct OutgoingRequest {
  http::verb method = http::verb::post;
  std::string target;                                         // path + query
  std::vector<std::pair<std::string_view, std::string_view>> headers;  // besides Host and Content-Length
  std::string_view body;
};

class Exchange {
 public:
  Exchange(ConnectionPool& pool, const Origin& origin, bool tls_verify);
  ~Exchange();
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  // Connects (or reuses), writes the request and reads the response head. A reused connection that the
  // peer closed before answering is replaced once by a fresh one.
  Awaitable<core::Result<bool>> Send(const OutgoingRequest& request, const Deadlines& deadlines);

  unsigned Status() const { return parser_->get().result_int(); }
  std::string_view Header(std::string_view name) const;
  std::string_view Header(http::field name) const;  // a known field: cheaper than by name
  const http::fields& Headers() const { return parser_->get().base(); }
  bool reused_connection() const { return reused_; }

  // Reads the next piece of body into [buf, buf+cap). Returns 0 at the end of the body. `eager`: every chunk
  // already buffered in one go (a burst of events becomes one client write); false: one chunk (a stream's
  // first event is judged alone: an error there becomes an error status, not an in-stream error).
  Awaitable<core::Result<size_t>> ReadSome(char* buf, size_t cap, Clock::time_point deadline,
                                           bool eager = true);
  // Streams over plain TCP: WaitReadable waits for bytes and reads them into the connection's small stream
  // buffer (returning at once when bytes are buffered already), then ReadAvailable takes the framing off them
  // (BodyDecoder) and hands the payload to a sink as views, without suspending; what more the socket holds it
  // reads through the pool's scratch, in one recv, parsed before anything else can use the scratch.
  // TLS connections use ReadSome: OpenSSL may hold decrypted bytes the socket no longer shows.
  bool plain() const { return conn_ && conn_->plain.has_value(); }
  Awaitable<core::Result<bool>> WaitReadable(Clock::time_point deadline);
  // WaitReadable for a caller driven by callbacks: the result when no wait is needed; otherwise the wait is
  // started, nullopt returned, and `listener` told once, when it ends.
  std::optional<core::Result<bool>> AsyncWaitReadable(Clock::time_point deadline, ReadableListener& listener);
  // False when WaitReadable would return at once (bytes may be there): the caller can read without it.
  bool MustWait() const { return conn_ && !cancelled_ && must_wait_ && !BodyEnded(); }
  // Hands the body bytes available now to `sink` and returns how many it handed: 0 at the end of the body
  // (would_block false). `would_block`: nothing more can be had now; call WaitReadable (it returns at once
  // unless MustWait()). `eager` false: stops after the first piece (a stream's first event is judged alone).
  core::Result<size_t> ReadAvailable(BodySink& sink, bool& would_block, bool eager = true);
  // Reads the rest of the body, at most `limit` bytes.
  Awaitable<core::Result<std::string>> ReadAll(uint64_t limit, Clock::time_point deadline);

  // Closes the upstream connection at once (client went away, deadline hit); pending reads fail.
  void Cancel();
  bool cancelled() const { return cancelled_; }

 private:
  Awaitable<core::Result<bool>> SendOnce(const OutgoingRequest& request, const Deadlines& deadlines,
                                         bool* retry_on_fresh);
  core::Error MapError(const boost::system::error_code& ec, std::string_view phase) const;
  core::Error BodyReadError(const boost::system::error_code& ec) const;
  void Finish();
  // WaitReadable in the parts around its one read: what to read (or the result, when there is no need to
  // wait), and what the read's completion means.
  struct WaitPlan {
    size_t want = 0;
    bool edge_completes = false;
  };
  std::optional<core::Result<bool>> BeginWait(WaitPlan& plan);
  core::Result<bool> EndWait(const WaitPlan& plan, const boost::system::error_code& ec, size_t n);
  static void KeepSmall(beast::flat_buffer& buffer);
  // One non-blocking recv into `into` (plain TCP), `n` bytes on kBytes. Sets drained_ (and marks the socket
  // drained on EAGAIN); kEof has been given to the parser; kFailed leaves `ec` set.
  enum class ReadOutcome { kBytes, kEmpty, kEof, kFailed };
  ReadOutcome ReadNow(net::mutable_buffer into, size_t& n, boost::system::error_code& ec);
  // ReadNow of up to `want` bytes appended to the connection's buffer.
  ReadOutcome ReadIntoBuffer(size_t want, boost::system::error_code& ec);
  void SeenEof();
  // The body's framing, from the parsed head, when ReadAvailable first needs it.
  BodyDecoder& Body();
  bool BodyEnded() const { return body_ ? body_->done() : parser_ && parser_->is_done(); }
  // Decodes `size` bytes at `bytes` in place and hands the payload to `sink`; returns how many bytes it took.
  size_t Decode(char* bytes, size_t size, BodySink& sink, bool eager, size_t& handed);

  ConnectionPool& pool_;
  const Origin& origin_;
  bool tls_verify_;
  ConnectionPtr conn_;
  std::optional<http::response_parser<http::buffer_body>> parser_;
  // ReadAvailable's framing (plain-TCP streams); ReadSome and ReadAll leave the body to the parser.
  std::optional<BodyDecoder> body_;
  std::string head_;
  bool reused_ = false;
  bool cancelled_ = false;
  bool body_done_ = false;
  bool must_wait_ = false;  // nothing left to parse and the socket drained: the next WaitReadable waits
  bool drained_ = false;    // the last read came back short (or found nothing): the socket was empty
  // An error met after body bytes were read in the same call: those bytes go out first, the error next call.
  std::optional<core::Error> deferred_error_;
};

}  // namespace sluice::upstream
