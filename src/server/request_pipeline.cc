#include "server/request_pipeline.h"

#include <array>

#include "dialect/json_members.h"
#include "dialect/openai_request.h"
#include "server/count_tokens.h"
#include "server/proxy.h"

namespace sluice::server {
namespace {

std::string_view PathOf(std::string_view target) {
  size_t q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

// Note: GCC 12 miscompiles temporaries with destructors inside co_await expressions, so errors and strings
// are always named variables before they are awaited on.
Awaitable<bool> MethodNotAllowed(WorkerContext& worker, ClientIo& io, std::string_view path, bool keep_alive) {
  core::Error error{core::ErrorCode::kMethodNotAllowed, "Method not allowed for " + std::string(path) + "."};
  co_return co_await SendLocalError(worker, io, error, keep_alive);
}

Awaitable<bool> NotFound(WorkerContext& worker, ClientIo& io, http::verb method, std::string_view path,
                         bool keep_alive) {
  core::Error error{core::ErrorCode::kNotFound,
                    "Invalid URL (" + std::string(http::to_string(method)) + " " + std::string(path) + ")"};
  co_return co_await SendLocalError(worker, io, error, keep_alive);
}

// Anthropic's model object (reference §3.8). The gateway has no creation dates: the epoch says so honestly.
void AppendAnthropicModel(std::string& out, const RuntimeModel& m) {
  out += "{\"type\":\"model\",\"id\":";
  dialect::AppendJsonString(out, m.name);
  out += ",\"display_name\":";
  dialect::AppendJsonString(out, m.name);
  out += ",\"created_at\":\"1970-01-01T00:00:00Z\"}";
}

std::string AnthropicModelsList(const Runtime& rt) {
  std::string out = "{\"data\":[";
  const RuntimeModel* first = nullptr;
  const RuntimeModel* last = nullptr;
  for (const RuntimeModel& m : rt.models) {
    if (config::IsModelPattern(m.name)) continue;  // patterns are not model ids
    if (first) out += ',';
    else first = &m;
    last = &m;
    AppendAnthropicModel(out, m);
  }
  out += "],\"has_more\":false,\"first_id\":";
  if (first) dialect::AppendJsonString(out, first->name);
  else out += "null";
  out += ",\"last_id\":";
  if (last) dialect::AppendJsonString(out, last->name);
  else out += "null";
  out += '}';
  return out;
}

// The models list in the client's dialect: Anthropic SDKs send anthropic-version (and x-api-key), OpenAI
// SDKs send neither.
Awaitable<bool> ModelsEndpoint(WorkerContext& worker, const Runtime& rt, ClientIo& io, const Request& request,
                               std::string_view path, bool keep_alive) {
  const bool anthropic = request.find("anthropic-version") != request.end() || request.find("x-api-key") != request.end();
  if (path == "/v1/models") {
    if (!anthropic) co_return co_await SendResponse(io, 200, "application/json", rt.models_list_body, keep_alive);
    std::string body = AnthropicModelsList(rt);
    co_return co_await SendResponse(io, 200, "application/json", body, keep_alive);
  }
  std::string_view id = path.substr(std::string_view("/v1/models/").size());
  if (const RuntimeModel* m = rt.FindModel(id)) {
    std::string body;
    if (anthropic) {
      AppendAnthropicModel(body, *m);
    } else {
      body = "{\"id\":";
      dialect::AppendJsonString(body, m->name);
      body += ",\"object\":\"model\",\"created\":0,\"owned_by\":";
      dialect::AppendJsonString(body, m->provider->config->name);
      body += '}';
    }
    co_return co_await SendResponse(io, 200, "application/json", body, keep_alive);
  }
  core::Error error{core::ErrorCode::kModelNotFound,
                    "The model '" + std::string(id) + "' does not exist or you do not have access to it.", 0, "model"};
  if (anthropic) {
    worker.metrics->RecordLocalReply(error.code);
    std::string body = core::AnthropicErrorBody(error);
    co_return co_await SendResponse(io, static_cast<unsigned>(error.Status()), "application/json", body, keep_alive);
  }
  co_return co_await SendLocalError(worker, io, error, keep_alive);
}

}  // namespace

void AppendStatusLine(std::string& out, unsigned status, bool keep_alive) {
  using namespace std::string_view_literals;
  if (status == 200) {
    out += "HTTP/1.1 200 OK\r\nServer: sluice\r\n"sv;
  } else {
    out += "HTTP/1.1 "sv;
    out += std::to_string(status);
    out += ' ';
    out += http::obsolete_reason(static_cast<http::status>(status));
    out += "\r\nServer: sluice\r\n"sv;
  }
  if (!keep_alive) out += "Connection: close\r\n"sv;
}

Awaitable<bool> SendResponse(ClientIo& io, unsigned status, std::string_view content_type, std::string_view body,
                             bool keep_alive, std::string_view extra_headers) {
  using namespace std::string_view_literals;  // literals without a strlen per append
  std::string head;
  head.reserve(256);
  AppendStatusLine(head, status, keep_alive);
  head += "Content-Type: "sv;
  head += content_type;
  head += "\r\nContent-Length: "sv;
  head += std::to_string(body.size());
  head += "\r\n"sv;
  head += extra_headers;
  head += "\r\n"sv;
  std::array<net::const_buffer, 2> bufs{net::buffer(head), net::buffer(body.data(), body.size())};
  bool ok = co_await io.Write(bufs);
  co_return ok && keep_alive;
}

Awaitable<bool> SendLocalError(WorkerContext& worker, ClientIo& io, const core::Error& error, bool keep_alive) {
  worker.metrics->RecordLocalReply(error.code);
  std::string body = core::OpenAiErrorBody(error);
  co_return co_await SendResponse(io, static_cast<unsigned>(error.Status()), "application/json", body, keep_alive);
}

// Not a coroutine: it picks the handler and returns that handler's awaitable, so no frame of its own stays
// alive (and resident) for the whole life of a stream. Everything it passes is owned by the caller.
Awaitable<bool> HandleRequest(WorkerContext& worker, const Runtime& rt, ClientIo& io, Request& request,
                              bool keep_alive) {
  std::string_view path = PathOf(request.target());
  http::verb method = request.method();
  if (path == "/v1/chat/completions" || path == "/chat/completions") {
    if (method != http::verb::post) return MethodNotAllowed(worker, io, path, keep_alive);
    return ProxyCall(worker, rt, io, request, ClientApi::kOpenAiChat, keep_alive);
  }
  if (path == "/v1/embeddings" || path == "/embeddings") {
    if (method != http::verb::post) return MethodNotAllowed(worker, io, path, keep_alive);
    return ProxyCall(worker, rt, io, request, ClientApi::kOpenAiEmbeddings, keep_alive);
  }
  if (path == "/v1/responses" || path == "/responses") {
    if (method != http::verb::post) return MethodNotAllowed(worker, io, path, keep_alive);
    return ProxyCall(worker, rt, io, request, ClientApi::kOpenAiResponses, keep_alive);
  }
  if (path == "/v1/messages") {
    if (method != http::verb::post) return MethodNotAllowed(worker, io, path, keep_alive);
    return ProxyCall(worker, rt, io, request, ClientApi::kAnthropicMessages, keep_alive);
  }
  if (path == "/v1/messages/count_tokens") {
    if (method != http::verb::post) return MethodNotAllowed(worker, io, path, keep_alive);
    return CountTokensEndpoint(worker, rt, io, request, keep_alive);
  }
  if (path == "/v1/models" || path.starts_with("/v1/models/")) {
    if (method != http::verb::get) return MethodNotAllowed(worker, io, path, keep_alive);
    return ModelsEndpoint(worker, rt, io, request, path, keep_alive);
  }
  if (path == "/healthz") return SendResponse(io, 200, "application/json", "{\"status\":\"ok\"}", keep_alive);
  if (path == "/readyz") {
    bool ready = worker.shared.ready.load(std::memory_order_relaxed) &&
                 !worker.shared.draining.load(std::memory_order_relaxed);
    return SendResponse(io, ready ? 200 : 503, "application/json",
                        ready ? "{\"status\":\"ready\"}" : "{\"status\":\"not ready\"}", keep_alive);
  }
  return NotFound(worker, io, method, path, keep_alive);
}

}  // namespace sluice::server
