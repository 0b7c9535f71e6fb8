// See stream_forward.h. Note: GCC 12 miscompiles temporaries with destructors inside co_await expressions, so
// every string and error is a named variable before it is awaited on.
#include "server/stream_forward.h"

#include <array>
#include <charconv>
#include <optional>

#include "server/response_headers.h"

namespace sluice::server {
namespace {

using core::Error;
using core::ErrorCode;
using upstream::Clock;

constexpr size_t kTlsStreamReadBuffer = 4096;

// A chunk of a chunked HTTP body: size line, payload, CRLF. `size_line` holds the line (20 bytes).
std::array<net::const_buffer, 3> ChunkBuffers(char* size_line, std::string_view payload) {
  char* end = std::to_chars(size_line, size_line + 16, payload.size(), 16).ptr;  // 16 hex digits fit a size_t
  *end++ = '\r';
  *end++ = '\n';
  return {net::buffer(size_line, static_cast<size_t>(end - size_line)), net::buffer(payload.data(), payload.size()),
          net::buffer("\r\n", 2)};
}

Awaitable<bool> WriteChunk(ClientIo& io, std::string_view payload) {
  char size_line[20];
  std::array<net::const_buffer, 3> bufs = ChunkBuffers(size_line, payload);
  co_return co_await io.Write(bufs);
}

Awaitable<bool> WriteLastChunk(ClientIo& io) {
  std::array<net::const_buffer, 1> bufs{net::buffer("0\r\n\r\n", 5)};
  co_return co_await io.Write(bufs);
}

// Once the client has the stream's first bytes no other target can be tried, so what only a retry or a
// fallback would read goes: the request's body and decoded head, and the client connection's read buffer.
void ReleaseRequestForStream(ClientIo& io, Request& request, ClientCall& call) {
  std::string().swap(request.body());
  call.openai.reset();
  call.anthropic.reset();
  io.ReleaseReadBuffer();
}

// The worker's batch string is emptied for the next stream; a rare huge batch does not stay allocated.
void ReuseStreamOut(std::string& out) {
  constexpr size_t kKeep = 64 * 1024;
  if (out.capacity() > kKeep) std::string().swap(out);
  out.clear();
}

// One stream's loop. A stream from a plain-TCP upstream to a plain-TCP client runs on the pump: plain
// callbacks from the upstream read to the client write, so an event costs no coroutine resumption; the
// coroutine takes over only for what may suspend otherwise (a slow client's rest) and for the end.
// Other streams (TLS on either side) run the same steps from the coroutine.
//
// One upstream read at a time: with backpressure this bounds the stream's memory (see architecture.md).
// Until the client has bytes, chunks are read one by one (an error as the first event becomes an error
// status); after that, every chunk already received is read at once, so a burst is one client write.
// Plain TCP: the bytes arrive in the connection's small read buffer (2 KiB) or the pool's scratch; the
// exchange takes the HTTP framing off and hands the payload here as views of those bytes (OnBody), which the
// transform turns into client bytes before anything suspends, so a waiting stream holds no more.
// TLS: a buffer of the stream's own (Beast parses already-buffered bytes and then *posts* the completion,
// so a shared buffer could be overwritten by another stream before this one resumes).
class StreamForwarder final : private upstream::ReadableListener, private upstream::BodySink {
 public:
  StreamForwarder(WorkerContext& worker, ClientIo& io, upstream::Exchange& ex, DisconnectWatch& watch,
                  ClientApi api, StreamTransform& transform, RequestRecord& rec, bool keep_alive,
                  EarlyFailure& early, Request& request, ClientCall& call)
      : worker_(worker),
        idle_timeout_(worker.runtime().config->streaming.idle_timeout),
        io_(io),
        ex_(ex),
        watch_(watch),
        api_(api),
        transform_(transform),
        rec_(rec),
        keep_alive_(keep_alive),
        early_(early),
        request_(request),
        call_(call),
        stream_end_(rec.start + worker.runtime().config->streaming.total_timeout),
        plain_(ex.plain()) {}

  Awaitable<bool> Run();

 private:
  // What became of one read.
  enum class Step {
    kNext,       // its bytes (if any) went out whole: read on
    kWriteRest,  // the client's socket took part of them: pending_ holds the rest, to be awaited
    kStop,       // the loop ends (the end, a failure, the client gone, an early error): see Finish
  };
  using PumpHandler = net::async_result<net::use_awaitable_t<Executor>, void(Step)>::handler_type;

  Clock::time_point WaitDeadline(Clock::time_point from) const {
    return std::min(from + idle_timeout_, stream_end_);
  }
  // Until the 200 is written the batch may wait for that write, so it is the stream's own string.
  std::string& Out() { return committed_ && io_.writes_now() ? worker_.stream_out : pending_; }
  // Hands what the upstream connection holds of the body to the transform (OnBody) and delivers the result;
  // nullopt when there is nothing yet (wait, or only framing came: come straight back).
  std::optional<Step> ReadAndDeliver(bool& must_wait);
  void OnBody(std::string_view piece) override;
  // Sends what the transform made of the `got` body bytes it was given (0: the body ended).
  Step Deliver(const core::Result<size_t>& got);
  Awaitable<Step> Pump();
  void PumpOn();
  void OnReadable(core::Result<bool> ready) override;
  void PumpStop(Step step);
  Awaitable<bool> Finish();

  WorkerContext& worker_;
  // Copied, not referenced: a stream may outlive the config snapshot it started under (reloads).
  const std::chrono::milliseconds idle_timeout_;
  ClientIo& io_;
  upstream::Exchange& ex_;
  DisconnectWatch& watch_;
  ClientApi api_;
  StreamTransform& transform_;
  RequestRecord& rec_;
  bool keep_alive_;
  EarlyFailure& early_;
  Request& request_;
  ClientCall& call_;
  const Clock::time_point stream_end_;
  const bool plain_;
  std::unique_ptr<char[]> own_buffer_;  // a TLS upstream's reads
  bool transform_failed_ = false;
  std::string pending_;  // the batch until the 200 is out; then what a slow client has yet to take
  StreamProgress progress_;
  bool committed_ = false;
  bool ended_ = false;
  std::optional<Error> failure_;
  Clock::time_point wait_from_;
  std::optional<PumpHandler> pump_done_;
};

Awaitable<bool> StreamForwarder::Run() {
  if (!plain_) own_buffer_ = std::make_unique<char[]>(kTlsStreamReadBuffer);
  // The pump needs a client socket that takes bytes without suspending.
  const bool pumped = plain_ && io_.writes_now();
  worker_.metrics->StreamStarted();
  for (;;) {
    Step step = Step::kNext;
    if (pumped) {
      step = co_await Pump();
    } else if (plain_) {  // a TLS client: each batch is awaited
      core::Result<bool> ready = true;
      if (ex_.MustWait()) {
        const Clock::time_point wait_from = Clock::now();
        ready = co_await ex_.WaitReadable(WaitDeadline(wait_from));
        rec_.upstream_wait += Clock::now() - wait_from;
      }
      if (!ready.ok()) {
        step = Deliver(ready.error());
      } else {
        bool must_wait = false;
        std::optional<Step> delivered = ReadAndDeliver(must_wait);
        if (!delivered) continue;
        step = *delivered;
      }
    } else {  // a TLS upstream
      const Clock::time_point wait_from = Clock::now();
      core::Result<size_t> got = co_await ex_.ReadSome(own_buffer_.get(), kTlsStreamReadBuffer,
                                                       WaitDeadline(wait_from), /*eager=*/committed_);
      rec_.upstream_wait += Clock::now() - wait_from;
      if (got.ok() && got.value() > 0) OnBody(std::string_view(own_buffer_.get(), got.value()));
      step = Deliver(got);
    }
    if (step == Step::kWriteRest) {
      std::array<net::const_buffer, 1> rest{net::buffer(pending_)};
      bool ok = false;
      {
        Timed t{rec_.client_wait};
        ok = co_await io_.Write(rest);
      }
      std::string().swap(pending_);  // a stream mostly waits: its last batch keeps no memory meanwhile
      if (!ok) {
        rec_.client_gone = true;
        break;
      }
      if (progress_.error || ended_) break;
      continue;
    }
    if (step == Step::kStop) break;
  }
  worker_.metrics->StreamEnded();
  co_return co_await Finish();
}

std::optional<StreamForwarder::Step> StreamForwarder::ReadAndDeliver(bool& must_wait) {
  bool would_block = false;
  core::Result<size_t> got = ex_.ReadAvailable(*this, would_block, /*eager=*/committed_);
  if (got.ok() && would_block) {
    must_wait = ex_.MustWait();
    return std::nullopt;
  }
  return Deliver(got);
}

void StreamForwarder::OnBody(std::string_view piece) {
  if (!transform_failed_ && !transform_.OnBytes(piece, Out(), progress_)) transform_failed_ = true;
}

StreamForwarder::Step StreamForwarder::Deliver(const core::Result<size_t>& got) {
  if (watch_.client_gone()) return Step::kStop;
  if (!got.ok()) {
    failure_ = got.error();
    if (failure_->code == ErrorCode::kUpstreamTimeout) {
      const bool total = Clock::now() >= stream_end_;
      failure_ = Error{total ? ErrorCode::kStreamTotalTimeout : ErrorCode::kStreamIdleTimeout,
                       total ? "The stream exceeded its total time limit."
                             : "The upstream sent no event within the stream idle timeout."};
    }
    return Step::kStop;
  }
  std::string& out = Out();
  if (transform_failed_) {
    out.clear();
    failure_ = transform_.error();
    return Step::kStop;
  }
  if (got.value() == 0) {
    ended_ = true;
    if (!transform_.OnEnd(out, progress_))
      failure_ = Error{ErrorCode::kUpstreamProtocolError, "The upstream ended the stream before it completed."};
  }
  if (out.empty()) return ended_ ? Step::kStop : Step::kNext;
  if (!rec_.ttft) rec_.ttft = Clock::now() - rec_.start;
  std::string head;
  if (!committed_) {
    if (progress_.error) {
      // The very first event is an error: no 200 stream; the caller answers or falls back.
      early_.set = true;
      early_.status = progress_.error_status;
      early_.body = std::move(progress_.error_body);
      early_.error = Error{ErrorCode::kUpstreamError, "upstream stream error", progress_.error_status, {}};
      return Step::kStop;
    }
    // The head goes out with the first event: one write and one segment for both.
    AppendStatusLine(head, 200, keep_alive_);
    head += "Content-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n";
    AppendForwardedHeaders(head, ex_, rec_);
    head += "\r\n";
    committed_ = true;
    rec_.status = 200;
    ReleaseRequestForStream(io_, request_, call_);
  }
  // What the client's socket takes at once goes out without suspending (the usual case); a slow client's
  // rest is kept in pending_ and awaited, and only that counts as waiting on the client.
  char size_line[20];
  std::array<net::const_buffer, 4> bufs;
  size_t nbufs = 0;
  if (!head.empty()) bufs[nbufs++] = net::buffer(head);
  for (net::const_buffer b : ChunkBuffers(size_line, out)) bufs[nbufs++] = b;
  const std::span<const net::const_buffer> batch(bufs.data(), nbufs);
  bool failed = false;
  beast::buffers_suffix<std::span<const net::const_buffer>> rest(batch);
  rest.consume(io_.WriteNow(batch, failed));
  const size_t unsent = failed ? 0 : net::buffer_size(rest);
  if (unsent > 0) {
    // The rest may point into the head, the size line and the worker's string, all gone before its write.
    std::string left(unsent, '\0');
    net::buffer_copy(net::buffer(left), rest);
    pending_ = std::move(left);
  } else {
    std::string().swap(pending_);  // a stream mostly waits: its last batch keeps no memory meanwhile
  }
  ReuseStreamOut(worker_.stream_out);
  if (failed) {
    rec_.client_gone = true;
    return Step::kStop;
  }
  if (unsent > 0) return Step::kWriteRest;
  return progress_.error || ended_ ? Step::kStop : Step::kNext;
}

// Runs the stream on callbacks until a step is not kNext.
Awaitable<StreamForwarder::Step> StreamForwarder::Pump() {
  net::use_awaitable_t<Executor> token;
  co_return co_await net::async_initiate<net::use_awaitable_t<Executor>, void(Step)>(
      [this](PumpHandler handler) {
        pump_done_.emplace(std::move(handler));
        PumpOn();
      },
      token);
}

void StreamForwarder::PumpOn() {
  // In a fast stream the next events are usually there already: read without a wait until a read finds
  // nothing.
  bool must_wait = ex_.MustWait();
  for (;;) {
    if (must_wait) {
      wait_from_ = Clock::now();
      std::optional<core::Result<bool>> ready = ex_.AsyncWaitReadable(WaitDeadline(wait_from_), *this);
      if (!ready) return;  // OnReadable goes on
      rec_.upstream_wait += Clock::now() - wait_from_;
      if (!ready->ok()) return PumpStop(Deliver(ready->error()));
    }
    std::optional<Step> step = ReadAndDeliver(must_wait);
    if (!step) continue;
    if (*step != Step::kNext) return PumpStop(*step);
    must_wait = ex_.MustWait();
  }
}

void StreamForwarder::OnReadable(core::Result<bool> ready) {
  rec_.upstream_wait += Clock::now() - wait_from_;
  if (!ready.ok()) return PumpStop(Deliver(ready.error()));
  bool must_wait = false;
  std::optional<Step> step = ReadAndDeliver(must_wait);
  if (step && *step != Step::kNext) return PumpStop(*step);
  PumpOn();
}

void StreamForwarder::PumpStop(Step step) {
  // Resumes the coroutine, which may end the stream and this object with it: nothing may follow.
  PumpHandler done = std::move(*pump_done_);
  pump_done_.reset();
  std::move(done)(step);
}

Awaitable<bool> StreamForwarder::Finish() {
  rec_.usage = progress_.usage;
  if (watch_.client_gone() || rec_.client_gone) {
    rec_.client_gone = true;
    rec_.status = 499;
    ex_.Cancel();
    co_return false;
  }
  if (early_.set) {
    ex_.Cancel();
    co_return false;
  }
  if (failure_) {
    rec_.error_code = failure_->Code();
    ex_.Cancel();
    if (!committed_) {
      early_.set = true;
      early_.error = *failure_;
      early_.status = failure_->Status();
      co_return false;
    }
    // After the 200, an error can only travel inside the stream (the SDKs raise on it).
    std::string event = ClientStreamErrorEvent(api_, *failure_);
    if (!co_await WriteChunk(io_, event)) co_return false;
    bool ok = co_await WriteLastChunk(io_);
    co_return ok && keep_alive_;
  }
  if (progress_.error) {
    rec_.error_code = "upstream_stream_error";
    ex_.Cancel();
  }
  if (!committed_) {  // an empty but complete stream
    rec_.status = 200;
    std::string head;
    AppendStatusLine(head, 200, keep_alive_);
    head += "Content-Type: text/event-stream\r\nCache-Control: no-cache\r\nContent-Length: 0\r\n\r\n";
    std::array<net::const_buffer, 1> hb{net::buffer(head)};
    bool ok = co_await io_.Write(hb);
    co_return ok && keep_alive_;
  }
  bool ok = co_await WriteLastChunk(io_);
  co_return ok && keep_alive_;
}

}  // namespace

Awaitable<bool> ForwardStream(WorkerContext& worker, ClientIo& io, upstream::Exchange& ex, DisconnectWatch& watch,
                              ClientApi api, StreamTransform& transform, RequestRecord& rec, bool keep_alive,
                              EarlyFailure& early, Request& request, ClientCall& call) {
  StreamForwarder forwarder(worker, io, ex, watch, api, transform, rec, keep_alive, early, request, call);
  co_return co_await forwarder.Run();
}

}  // namespace sluice::server
