// ServeChat (chat_flow.h): the shared answer flow — delay, hangs, injected statuses, bodies and paced SSE
// streams with injected errors and aborts — and POST /v1/chat/completions, the OpenAI dialect on top of it.
// Thread rule: one coroutine per connection on its io_context thread.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <ctime>

#include "mock_llm/behaviour.h"
#include "mock_llm/chat_flow.h"
#include "mock_llm/http_io.h"
#include "mock_llm/openai_reader.h"
#include "mock_llm/openai_writer.h"

namespace sluice::mock_llm {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

Clock::duration GenerationTime(uint64_t tokens, uint32_t tps) {
  if (tps == 0) return Clock::duration::zero();
  return std::chrono::microseconds(tokens * 1000000 / tps);
}


// Writes one HTTP chunk; false when the client is gone.
asio::awaitable<bool> WriteChunk(Connection& conn, std::string_view data) {
  auto [ec, n] = co_await asio::async_write(conn.socket, http::make_chunk(asio::buffer(data)), kAwait);
  co_return !ec;
}

asio::awaitable<bool> WriteLastChunk(Connection& conn) {
  auto [ec, n] = co_await asio::async_write(conn.socket, http::make_chunk_last(), kAwait);
  co_return !ec;
}

asio::awaitable<bool> WriteStreamHeaders(Connection& conn, const Request& req, std::string_view request_id,
                                         const ChatDialect& dialect) {
  std::string_view id_header = dialect.RequestIdHeader();
  http::response<http::empty_body> res{http::status::ok, req.version()};
  res.set(http::field::content_type, dialect.StreamContentType());
  res.set(http::field::cache_control, "no-cache");
  res.set("x-request-id", request_id);
  if (!id_header.empty()) res.set(id_header, request_id);
  res.keep_alive(req.keep_alive());
  res.chunked(true);
  http::response_serializer<http::empty_body> sr{res};
  auto [ec, n] = co_await http::async_write_header(conn.socket, sr, kAwait);
  co_return !ec;
}

// Streams the events with the Behaviour's pacing and failures. Returns whether to keep the connection.
asio::awaitable<bool> RunStream(Connection& conn, const Request& req, const Behaviour& b,
                                const StreamRenderer& stream, std::string_view request_id,
                                const ChatDialect& dialect) {
  Stats& stats = conn.state.stats;
  auto cancelled = [&]() {
    stats.streams_cancelled.fetch_add(1, std::memory_order_relaxed);
    stats.client_disconnects.fetch_add(1, std::memory_order_relaxed);
    return false;
  };
  // Every co_await here is a plain statement: GCC 12 miscompiles co_await inside && / || conditions.
  bool written = co_await WriteStreamHeaders(conn, req, request_id, dialect);
  if (!written) co_return cancelled();
  if (b.hang == Hang::kBody) {
    co_await WaitForPeerClose(conn);
    co_return cancelled();
  }
  WaitResult waited = WaitResult::kElapsed;
  Clock::time_point next_generated{};  // when the next generated event is due (tps pacing)
  bool generated_before = false;
  const size_t ttft_before = std::min(stream.EventsBeforeFirstToken(), stream.EventCount());
  for (size_t i = 0; i < stream.EventCount(); ++i) {
    if (i == ttft_before) {
      waited = co_await WaitOrPeerClosed(conn, std::chrono::milliseconds(b.ttft_ms));
      if (waited == WaitResult::kPeerClosed) co_return cancelled();
    }
    if (b.error_after_chunks && i == *b.error_after_chunks) {
      stats.streams_error_injected.fetch_add(1, std::memory_order_relaxed);
      std::string err = stream.RenderError("mock: injected error after " + std::to_string(i) + " chunks",
                                           b.stream_error_status);
      written = co_await WriteChunk(conn, err);
      if (written) written = co_await WriteLastChunk(conn);
      if (!written) co_return cancelled();
      co_return req.keep_alive();
    }
    if (b.abort_after_chunks && i == *b.abort_after_chunks) {
      stats.streams_aborted.fetch_add(1, std::memory_order_relaxed);
      boost::system::error_code ignored;
      conn.socket.shutdown(tcp::socket::shutdown_both, ignored);
      co_return false;
    }
    StreamEvent event = stream.Render(i);
    if (event.tokens > 0) {
      if (generated_before && b.tps > 0) {
        waited = co_await WaitOrPeerClosed(conn, next_generated - Clock::now());
        if (waited == WaitResult::kPeerClosed) co_return cancelled();
      } else {
        next_generated = Clock::now();
      }
      generated_before = true;
      next_generated += GenerationTime(event.tokens, b.tps);
    }
    written = co_await WriteChunk(conn, event.bytes);
    if (!written) co_return cancelled();
  }
  written = co_await WriteLastChunk(conn);
  if (!written) co_return cancelled();
  stats.streams_completed.fetch_add(1, std::memory_order_relaxed);
  co_return req.keep_alive();
}

asio::awaitable<bool> BadRequest(Connection& conn, const Request& req, const RequestError& e) {
  conn.state.stats.bad_requests.fetch_add(1, std::memory_order_relaxed);
  co_return co_await WriteJson(conn, req, http::status::bad_request,
                               RenderError(e.message, "invalid_request_error", e.param, e.code));
}

class OpenAiDialect final : public ChatDialect {
 public:
  std::string StatusErrorBody(int status, std::string_view message, std::string_view) const override {
    return RenderStatusError(status, message);
  }
  std::string Body(const ChatCall& call, const Script& script, const Behaviour& b, uint64_t id) const override {
    ResponseMeta meta = Meta(id);
    return b.response_bytes && b.tool_calls == 0 ? RenderSizedChatCompletion(call, script, meta, *b.response_bytes)
                                                 : RenderChatCompletion(call, script, meta);
  }
  std::unique_ptr<StreamRenderer> Stream(const ChatCall& call, Script script, const Behaviour&,
                                         uint64_t id) const override {
    return MakeOpenAiStream(call, std::move(script), Meta(id));
  }

 private:
  static ResponseMeta Meta(uint64_t id) {
    return {"chatcmpl-mock-" + std::to_string(id), static_cast<int64_t>(std::time(nullptr))};
  }
};

}  // namespace

// Beast has no reason phrase for 529 and other non-standard statuses ("<unknown-status>").
void SetReason(http::response<http::string_body>& res) {
  if (http::obsolete_reason(res.result()) == "<unknown-status>") {
    res.reason(res.result_int() == 529 ? "Overloaded" : "Error");
  }
}

HeaderList MockHeaders(const Request& req) {
  HeaderList out;
  for (const auto& f : req) {
    std::string_view name = f.name_string();
    if (name.size() > 7 && (name[0] == 'x' || name[0] == 'X') && (name[1] == '-') &&
        (name[2] == 'm' || name[2] == 'M')) {
      out.emplace_back(name, f.value());
    }
  }
  return out;
}

asio::awaitable<bool> ServeChat(Connection& conn, const Request& req, const ChatCall& call, const Behaviour& b,
                                const ChatDialect& dialect) {
  Stats& stats = conn.state.stats;
  const uint64_t id = NextId(conn.state);
  const std::string request_id = "req_mock_" + std::to_string(id);
  ActiveGuard in_flight(stats.chat_active);  // vLLM's num_requests_running (GET /metrics)
  std::optional<ActiveGuard> active;
  if (call.stream) {
    active.emplace(stats.active_streams);
    stats.streams_started.fetch_add(1, std::memory_order_relaxed);
  }
  auto gone = [&]() {
    stats.client_disconnects.fetch_add(1, std::memory_order_relaxed);
    if (call.stream) stats.streams_cancelled.fetch_add(1, std::memory_order_relaxed);
    return false;
  };

  // co_await only as a plain statement: GCC 12 miscompiles co_await inside && / || conditions.
  WaitResult waited = co_await WaitOrPeerClosed(conn, std::chrono::milliseconds(b.delay_ms));
  if (waited == WaitResult::kPeerClosed) co_return gone();
  if (b.hang == Hang::kHeaders) {
    co_await WaitForPeerClose(conn);
    co_return gone();
  }
  if (b.error_status != 0) {
    stats.errors_injected.fetch_add(1, std::memory_order_relaxed);
    http::response<http::string_body> res{static_cast<http::status>(b.error_status), req.version()};
    SetReason(res);
    res.set(http::field::content_type, "application/json");
    res.set("x-request-id", request_id);
    if (!dialect.RequestIdHeader().empty()) res.set(dialect.RequestIdHeader(), request_id);
    if (b.retry_after_s) res.set(http::field::retry_after, std::to_string(*b.retry_after_s));
    dialect.AddErrorHeaders(b.error_status, b, res.base());
    res.keep_alive(req.keep_alive());
    res.body() = dialect.StatusErrorBody(b.error_status, "mock: injected error status " + std::to_string(b.error_status),
                                         request_id);
    if (call.stream) active.reset();
    bool ok = co_await WriteResponse(conn, res);
    co_return ok && req.keep_alive();
  }

  Script script = BuildScript(call, b);
  stats.prompt_tokens_total.fetch_add(script.usage.prompt_tokens, std::memory_order_relaxed);
  stats.generation_tokens_total.fetch_add(script.usage.completion_tokens, std::memory_order_relaxed);
  if (std::optional<ChatDialect::Refusal> refusal = dialect.Refuse(call, script)) {
    http::response<http::string_body> res{static_cast<http::status>(refusal->status), req.version()};
    SetReason(res);
    res.set(http::field::content_type, "application/json");
    res.set("x-request-id", request_id);
    if (!dialect.RequestIdHeader().empty()) res.set(dialect.RequestIdHeader(), request_id);
    dialect.AddErrorHeaders(refusal->status, b, res.base());
    res.keep_alive(req.keep_alive());
    res.body() = std::move(refusal->body);
    if (call.stream) active.reset();
    bool ok = co_await WriteResponse(conn, res);
    co_return ok && req.keep_alive();
  }
  if (call.stream) {
    auto stream = dialect.Stream(call, std::move(script), b, id);
    co_return co_await RunStream(conn, req, b, *stream, request_id, dialect);
  }

  if (b.hang == Hang::kBody) {  // headers promise a chunked body that never comes
    http::response<http::empty_body> res{http::status::ok, req.version()};
    res.set(http::field::content_type, "application/json");
    res.chunked(true);
    http::response_serializer<http::empty_body> sr{res};
    auto [ec, n] = co_await http::async_write_header(conn.socket, sr, kAwait);
    if (!ec) co_await WaitForPeerClose(conn);
    co_return gone();
  }
  auto latency = std::chrono::milliseconds(b.ttft_ms) + GenerationTime(script.GeneratedTokens(), b.tps);
  waited = co_await WaitOrPeerClosed(conn, latency);
  if (waited == WaitResult::kPeerClosed) co_return gone();
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.set(http::field::content_type, "application/json");
  res.set("x-request-id", request_id);
  if (!dialect.RequestIdHeader().empty()) res.set(dialect.RequestIdHeader(), request_id);
  res.keep_alive(req.keep_alive());
  res.body() = dialect.Body(call, script, b, id);
  bool ok = co_await WriteResponse(conn, res);
  co_return ok && req.keep_alive();
}

asio::awaitable<bool> HandleChatCompletions(Connection& conn, const Request& req) {
  static const OpenAiDialect kDialect;
  conn.state.stats.chat_requests.fetch_add(1, std::memory_order_relaxed);
  Decoded<ChatCall> decoded = DecodeChatRequest(req.body());
  if (!decoded.value) co_return co_await BadRequest(conn, req, decoded.error);
  core::Result<Behaviour> parsed = ParseBehaviour(decoded.value->model, MockHeaders(req));
  if (!parsed) {
    // A named value, not a braced temporary: GCC 12 mis-destroys aggregate temporaries inside co_await.
    RequestError error{parsed.error().message, "", "mock_invalid_header"};
    co_return co_await BadRequest(conn, req, error);
  }
  co_return co_await ServeChat(conn, req, *decoded.value, *parsed, kDialect);
}

}  // namespace sluice::mock_llm
