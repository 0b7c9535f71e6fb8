#include "server/openai_proxy.h"

#include <array>
#include <optional>

#include "dialect/openai_chat.h"
#include "dialect/openai_response.h"
#include "server/completion.h"
#include "server/disconnect_watch.h"
#include "server/stream_transform.h"
#include "stream/sse_parser.h"

namespace sluice::server {
namespace {

using core::Error;
using core::ErrorCode;
using upstream::Clock;

constexpr std::string_view kChatPath = "/v1/chat/completions";
constexpr std::string_view kEmbeddingsPath = "/v1/embeddings";
constexpr uint64_t kMaxErrorBody = 1 << 20;
constexpr size_t kMaxSseEvent = 4 << 20;

// Upstream response headers a client of the OpenAI API expects to see.
bool ForwardableHeader(std::string_view name) {
  return beast::iequals(name, "x-request-id") || beast::iequals(name, "openai-processing-ms") ||
         beast::iequals(name, "retry-after") || beast::iequals(name, "retry-after-ms") ||
         (name.size() > 12 && beast::iequals(name.substr(0, 12), "x-ratelimit-"));
}

void AppendForwardedHeaders(std::string& out, const upstream::Exchange& ex, const RuntimeModel& model) {
  for (const auto& f : ex.Headers()) {
    if (ForwardableHeader(f.name_string())) {
      out += f.name_string();
      out += ": ";
      out += f.value();
      out += "\r\n";
    }
  }
  out += "x-sluice-provider: ";
  out += model.provider->config->name;
  out += "\r\n";
}

// A chunk of a chunked HTTP body: size line, payload, CRLF.
net::awaitable<bool> WriteChunk(ClientIo& io, std::string_view payload) {
  char size_line[20];
  int n = std::snprintf(size_line, sizeof size_line, "%zx\r\n", payload.size());
  std::array<net::const_buffer, 3> bufs{net::buffer(size_line, n), net::buffer(payload.data(), payload.size()),
                                        net::buffer("\r\n", 2)};
  co_return co_await io.Write(bufs);
}

net::awaitable<bool> WriteLastChunk(ClientIo& io) {
  std::array<net::const_buffer, 1> bufs{net::buffer("0\r\n\r\n", 5)};
  co_return co_await io.Write(bufs);
}

struct Timed {
  Clock::duration& acc;
  Clock::time_point t0 = Clock::now();
  ~Timed() { acc += Clock::now() - t0; }
};

// Streams SSE from the upstream to the client through `transform`. The first event is held until it is
// known not to be an error, so an upstream that fails at once still yields a proper error status (and,
// with the routing work, a fallback).
net::awaitable<bool> ForwardStream(WorkerContext& worker, ClientIo& io, upstream::Exchange& ex,
                                   DisconnectWatch& watch, const RuntimeModel& model, StreamTransform& transform,
                                   RequestRecord& rec, bool keep_alive) {
  const auto& cfg = *worker.runtime().config;
  Clock::time_point stream_end = rec.start + cfg.streaming.total_timeout;
  stream::SseParser parser(stream::SseParser::Options{kMaxSseEvent});
  // One upstream read at a time: with backpressure this bounds the stream's memory (see architecture.md).
  // It cannot be one buffer per worker: when bytes are already buffered, Beast parses them into this buffer
  // and then *posts* the completion, so another stream's read could overwrite them before this one resumes.
  std::array<char, 4096> buf;
  std::string pending;
  StreamProgress progress;
  bool committed = false;
  bool ended = false;
  std::optional<Error> failure;
  worker.metrics.StreamStarted();
  while (!ended) {
    auto idle_deadline = std::min(Clock::now() + cfg.streaming.idle_timeout, stream_end);
    core::Result<size_t> got = size_t{0};
    {
      Timed t{rec.upstream_wait};
      got = co_await ex.ReadSome(buf.data(), buf.size(), idle_deadline);
    }
    if (watch.client_gone()) break;
    if (!got.ok()) {
      failure = got.error();
      if (failure->code == ErrorCode::kUpstreamTimeout) {
        bool total = Clock::now() >= stream_end;
        failure = Error{total ? ErrorCode::kStreamTotalTimeout : ErrorCode::kStreamIdleTimeout,
                        total ? "The stream exceeded its total time limit."
                              : "The upstream sent no event within the stream idle timeout."};
      }
      break;
    }
    if (got.value() == 0) {
      ended = true;
      if (!transform.OnEnd(pending, progress))
        failure = Error{ErrorCode::kUpstreamProtocolError, "The upstream ended the stream before it completed."};
    } else {
      bool fed = parser.FeedAll(std::string_view(buf.data(), got.value()), [&](const stream::SseItem& item) {
        if (!rec.ttft) rec.ttft = Clock::now() - rec.start;
        transform.OnItem(item, pending, progress);
      });
      if (!fed) {
        failure = parser.error();
        break;
      }
    }
    if (pending.empty()) continue;
    if (!committed) {
      if (progress.error) {
        // The very first event is an error: answer with an error status instead of a 200 stream.
        rec.status = progress.error_status;
        std::string body(pending.substr(pending.find('{')));
        while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
        co_await watch.Stop();
        worker.metrics.StreamEnded();
        std::string normalized = dialect::NormalizeUpstreamError(progress.error_status, body);
        co_return co_await SendResponse(io, static_cast<unsigned>(progress.error_status), "application/json",
                                        normalized, keep_alive);
      }
      std::string head;
      AppendStatusLine(head, 200, keep_alive);
      head += "Content-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n";
      AppendForwardedHeaders(head, ex, model);
      head += "\r\n";
      std::array<net::const_buffer, 1> hb{net::buffer(head)};
      Timed t{rec.client_wait};
      if (!co_await io.Write(hb)) break;
      committed = true;
      rec.status = 200;
    }
    bool ok;
    {
      Timed t{rec.client_wait};
      ok = co_await WriteChunk(io, pending);
    }
    pending.clear();
    if (pending.capacity() > 64 * 1024) pending.shrink_to_fit();  // a rare huge event keeps no memory
    if (!ok) {
      rec.client_gone = true;
      break;
    }
    if (progress.error) break;
  }
  co_await watch.Stop();
  worker.metrics.StreamEnded();
  rec.usage = progress.usage;
  if (watch.client_gone() || rec.client_gone) {
    rec.client_gone = true;
    rec.status = 499;
    ex.Cancel();
    co_return false;
  }
  if (failure) {
    rec.error_code = failure->Code();
    ex.Cancel();
    if (!committed) {
      rec.status = failure->Status();
      co_return co_await SendLocalError(worker, io, *failure, keep_alive);
    }
    // After the 200, an error can only travel inside the stream (OpenAI SDKs raise on it).
    std::string event = dialect::OpenAiStreamErrorEvent(failure->message, "server_error", failure->Code());
    if (!co_await WriteChunk(io, event)) co_return false;
    bool ok = co_await WriteLastChunk(io);
    co_return ok && keep_alive;
  }
  if (progress.error) {
    rec.error_code = "upstream_stream_error";
    ex.Cancel();
  }
  if (!committed) {  // an empty but complete stream
    rec.status = 200;
    std::string head;
    AppendStatusLine(head, 200, keep_alive);
    head += "Content-Type: text/event-stream\r\nCache-Control: no-cache\r\nContent-Length: 0\r\n\r\n";
    std::array<net::const_buffer, 1> hb{net::buffer(head)};
    bool ok = co_await io.Write(hb);
    co_return ok && keep_alive;
  }
  bool ok = co_await WriteLastChunk(io);
  co_return ok && keep_alive;
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

net::awaitable<bool> ProxyOpenAi(WorkerContext& worker, const Runtime& rt, ClientIo& io, Request& request,
                                 dialect::OpenAiEndpoint endpoint, bool keep_alive) {
  RequestRecord rec;
  rec.start = Clock::now();
  rec.endpoint = endpoint == dialect::OpenAiEndpoint::kChatCompletions ? "chat" : "embeddings";
  CompletionScope scope(worker, io, rec);

  auto decoded = dialect::DecodeOpenAiRequest(request.body(), endpoint);
  if (!decoded.ok()) {
    rec.status = decoded.error().Status();
    rec.error_code = decoded.error().Code();
    co_return co_await SendLocalError(worker, io, decoded.error(), keep_alive);
  }
  const dialect::OpenAiRequest& req = decoded.value();
  rec.stream = req.stream;
  const RuntimeModel* model = rt.FindModel(req.model);
  if (!model) {
    Error e{ErrorCode::kModelNotFound,
            "The model '" + req.model + "' does not exist or you do not have access to it.", 0, "model"};
    rec.status = e.Status();
    rec.error_code = e.Code();
    co_return co_await SendLocalError(worker, io, e, keep_alive);
  }
  rec.model = model;
  if (model->max_body_bytes && request.body().size() > model->max_body_bytes) {
    Error e{ErrorCode::kBodyTooLarge, "Request body exceeds this model's limit of " +
                                          std::to_string(model->max_body_bytes) + " bytes."};
    rec.status = e.Status();
    rec.error_code = e.Code();
    co_return co_await SendLocalError(worker, io, e, keep_alive);
  }

  const RuntimeProvider& provider = *model->provider;
  upstream::OutgoingRequest out;
  std::string upstream_body;
  // Translation (another provider dialect): the request goes through the IR; the adapter builds the body,
  // path and auth headers. Same dialect: the client's bytes go out with only the model (and stream usage)
  // changed.
  std::optional<ir::ChatRequest> ir_request;
  provider::UpstreamRequest adapted;
  if (provider.adapter) {
    std::optional<Error> refused;
    if (endpoint != dialect::OpenAiEndpoint::kChatCompletions) {
      refused = Error{ErrorCode::kInvalidRequest,
                      "The model '" + req.model + "' does not support embeddings.", 0, "model"};
    } else if (auto decoded_ir = dialect::DecodeOpenAiChatRequest(request.body()); !decoded_ir.ok()) {
      refused = decoded_ir.error();
    } else {
      ir_request = std::move(decoded_ir).value();
      provider::Target target{model->upstream_model, provider.config->api_key.value, "", 0};
      auto built = provider.adapter->BuildRequest(*ir_request, target);
      if (built.ok()) {
        adapted = std::move(built).value();
      } else {
        refused = built.error();
      }
    }
    if (refused) {
      rec.status = refused->Status();
      rec.error_code = refused->Code();
      co_return co_await SendLocalError(worker, io, *refused, keep_alive);
    }
    out.target = adapted.path;
    out.body = adapted.body;
    for (const auto& h : adapted.headers) out.headers.emplace_back(h.name, h.value);
  } else {
    upstream_body = dialect::EncodeOpenAiUpstreamBody(request.body(), req, model->upstream_model);
    out.target = endpoint == dialect::OpenAiEndpoint::kChatCompletions ? kChatPath : kEmbeddingsPath;
    out.body = upstream_body;
  }
  out.headers.reserve(out.headers.size() + provider.headers.size() + 1);
  for (const auto& [k, v] : provider.headers) out.headers.emplace_back(k, v);
  if (req.stream) out.headers.emplace_back("Accept", "text/event-stream");

  upstream::Deadlines deadlines;
  deadlines.connect = provider.timeouts.connect;
  deadlines.first_byte = provider.timeouts.first_byte;
  deadlines.idle = provider.timeouts.idle;
  deadlines.total = rec.start + provider.timeouts.total;

  upstream::Exchange ex(worker.pool, provider.origin, provider.config->tls_verify);
  DisconnectWatch watch(worker.ioc, io, ex);
  core::Result<bool> sent = false;
  {
    Timed t{rec.upstream_wait};
    sent = co_await ex.Send(out, deadlines);
  }
  rec.upstream_reused = ex.reused_connection();
  if (sent.ok()) worker.metrics.RecordUpstreamConnection(provider.metric_id, rec.upstream_reused);
  if (!sent.ok()) {
    co_await watch.Stop();
    if (watch.client_gone()) {
      rec.status = 499;
      rec.client_gone = true;
      co_return false;
    }
    worker.metrics.RecordUpstreamError(provider.metric_id, sent.error().code);
    rec.status = sent.error().Status();
    rec.error_code = sent.error().Code();
    co_return co_await SendLocalError(worker, io, sent.error(), keep_alive);
  }
  unsigned status = ex.Status();
  std::string_view content_type = ex.Header("content-type");
  bool is_sse = content_type.starts_with("text/event-stream");
  if (status >= 200 && status < 300 && req.stream && is_sse) {
    if (provider.adapter) {
      dialect::OpenAiEncodeOptions options;
      options.created = UnixNow();
      TranslatedToOpenAiStream transform(provider.adapter->NewStreamDecoder(), options, ir_request->include_usage);
      co_return co_await ForwardStream(worker, io, ex, watch, *model, transform, rec, keep_alive);
    }
    PassthroughOpenAiStream transform(req.client_wants_usage);
    co_return co_await ForwardStream(worker, io, ex, watch, *model, transform, rec, keep_alive);
  }

  uint64_t limit = status >= 300 ? kMaxErrorBody : rt.config->upstream.max_response_bytes;
  core::Result<std::string> body = std::string();
  {
    Timed t{rec.upstream_wait};
    body = co_await ex.ReadAll(limit, std::min(Clock::now() + provider.timeouts.idle, deadlines.total));
  }
  co_await watch.Stop();
  if (watch.client_gone()) {
    rec.status = 499;
    rec.client_gone = true;
    co_return false;
  }
  if (!body.ok()) {
    worker.metrics.RecordUpstreamError(provider.metric_id, body.error().code);
    rec.status = body.error().Status();
    rec.error_code = body.error().Code();
    co_return co_await SendLocalError(worker, io, body.error(), keep_alive);
  }
  std::string extra;
  AppendForwardedHeaders(extra, ex, *model);
  rec.status = static_cast<int>(status);
  if (status >= 300) {
    rec.error_code = "upstream_error";
    worker.metrics.RecordUpstreamError(provider.metric_id, ErrorCode::kUpstreamError, static_cast<int>(status));
    if (provider.adapter) {
      // The provider's error in the client's dialect, with a status the client understands (529 → 503).
      Error translated = provider.adapter->DecodeError(static_cast<int>(status), body.value());
      rec.status = translated.Status();
      std::string rendered = core::OpenAiErrorBody(translated);
      co_return co_await SendResponse(io, static_cast<unsigned>(translated.Status()), "application/json", rendered,
                                      keep_alive, extra);
    }
    std::string normalized = dialect::NormalizeUpstreamError(static_cast<int>(status), body.value());
    co_return co_await SendResponse(io, status, "application/json", normalized, keep_alive, extra);
  }
  if (provider.adapter) {
    auto decoded_response = provider.adapter->DecodeResponse(body.value());
    if (!decoded_response.ok()) {
      rec.status = decoded_response.error().Status();
      rec.error_code = decoded_response.error().Code();
      co_return co_await SendLocalError(worker, io, decoded_response.error(), keep_alive);
    }
    const ir::Usage& u = decoded_response->usage;
    rec.usage = dialect::TokenUsage{u.input, u.output, u.cache_read, u.reasoning, u.present};
    dialect::OpenAiEncodeOptions options;
    options.created = UnixNow();
    std::string encoded = dialect::EncodeOpenAiChatResponse(*decoded_response, options);
    Timed t{rec.client_wait};
    co_return co_await SendResponse(io, status, "application/json", encoded, keep_alive, extra);
  }
  dialect::ExtractUsage(body.value(), rec.usage);
  Timed t{rec.client_wait};
  co_return co_await SendResponse(io, status, content_type.empty() ? "application/json" : content_type, body.value(),
                                  keep_alive, extra);
}

}  // namespace sluice::server
