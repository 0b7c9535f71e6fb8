// The Gemini routes (reference §4): Developer API /v1beta|v1/models/{model}:{method} (x-goog-api-key or
// ?key=), Vertex AI /v1|v1beta1/projects/{p}/locations/{l}/publishers/google/models/{model}:{method}
// (Authorization: Bearer) and Vertex express /v1/publishers/google/models/{model}:{method} (API key).
// Methods: generateContent, streamGenerateContent (alt=sse, or the JSON array without it), countTokens,
// embedContent, batchEmbedContents. Chat calls run through ServeChat with the Gemini dialect.
// Thread rule: one coroutine per connection on its io_context thread.
#include <boost/url/parse.hpp>

#include "mock_llm/chat_flow.h"
#include "mock_llm/gemini_reader.h"
#include "mock_llm/gemini_writer.h"

namespace sluice::mock_llm {
namespace {

class GeminiDialect final : public ChatDialect {
 public:
  explicit GeminiDialect(bool sse) : sse_(sse) {}
  std::string StatusErrorBody(int status, std::string_view message, std::string_view) const override {
    return RenderGoogleError(status, message);
  }
  std::string Body(const ChatCall& call, const Script& script, const Behaviour& b, uint64_t id) const override {
    return b.response_bytes && b.tool_calls == 0 ? RenderSizedGeminiResponse(call, script, ResponseId(id), *b.response_bytes)
                                                 : RenderGeminiResponse(call, script, ResponseId(id));
  }
  std::unique_ptr<StreamRenderer> Stream(const ChatCall& call, Script script, const Behaviour&,
                                         uint64_t id) const override {
    return sse_ ? MakeGeminiStream(call, std::move(script), ResponseId(id))
                : MakeGeminiArrayStream(call, std::move(script), ResponseId(id));
  }
  std::string_view StreamContentType() const override {
    return sse_ ? "text/event-stream" : "application/json; charset=UTF-8";
  }

 private:
  static std::string ResponseId(uint64_t id) { return "mockresp" + std::to_string(id); }
  bool sse_;
};

enum class Api : uint8_t { kDeveloper, kVertex, kVertexExpress };

struct Route {
  Api api = Api::kDeveloper;
  std::string_view model;
  std::string_view method;
};

// Splits "<prefix>{model}:{method}"; nullopt when the path is not a Gemini model method.
std::optional<Route> ParseRoute(std::string_view path) {
  Route r;
  std::string_view rest;
  auto strip = [&](std::string_view prefix) {
    if (!path.starts_with(prefix)) return false;
    rest = path.substr(prefix.size());
    return true;
  };
  if (strip("/v1beta/models/") || strip("/v1/models/")) {
    r.api = Api::kDeveloper;
  } else if (strip("/v1/publishers/google/models/") || strip("/v1beta1/publishers/google/models/")) {
    r.api = Api::kVertexExpress;
  } else if (path.starts_with("/v1/projects/") || path.starts_with("/v1beta1/projects/")) {
    // /{v}/projects/{p}/locations/{l}/publishers/google/models/{model}:{method}
    size_t at = path.find("/locations/");
    size_t pub = path.find("/publishers/google/models/");
    if (at == std::string_view::npos || pub == std::string_view::npos || pub < at) return std::nullopt;
    rest = path.substr(pub + 26);
    r.api = Api::kVertex;
  } else {
    return std::nullopt;
  }
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || rest.find('/') != std::string_view::npos) return std::nullopt;
  r.model = rest.substr(0, colon);
  r.method = rest.substr(colon + 1);
  return r;
}

asio::awaitable<bool> Reply(Connection& conn, const Request& req, int status, std::string body) {
  http::response<http::string_body> res{static_cast<http::status>(status), req.version()};
  SetReason(res);
  res.set(http::field::content_type, "application/json; charset=UTF-8");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  bool ok = co_await WriteResponse(conn, res);
  co_return ok && req.keep_alive();
}

asio::awaitable<bool> Fail(Connection& conn, const Request& req, int status, std::string message) {
  if (status == 400 || status == 404) conn.state.stats.bad_requests.fetch_add(1, std::memory_order_relaxed);
  if (status == 401 || status == 403) conn.state.stats.auth_failures.fetch_add(1, std::memory_order_relaxed);
  co_return co_await Reply(conn, req, status, RenderGoogleError(status, message));
}

struct Query {
  bool alt_sse = false;
  bool has_key = false;
};

Query ReadQuery(const Request& req) {
  Query q;
  auto url = boost::urls::parse_origin_form(req.target());
  if (!url) return q;
  for (auto param : url->params()) {
    if (param.key == "alt" && param.value == "sse") q.alt_sse = true;
    if (param.key == "key" && !param.value.empty()) q.has_key = true;
  }
  return q;
}

// Google's answers for missing credentials: the Developer API's 403, Vertex's 401.
std::optional<std::pair<int, std::string>> CheckAuth(const Request& req, Api api, const Query& q) {
  if (api == Api::kVertex) {
    auto auth = req.find(http::field::authorization);
    if (auth == req.end() || !auth->value().starts_with("Bearer ") || auth->value().size() <= 7) {
      return std::pair<int, std::string>{
          401, "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie "
               "or other valid authentication credential. See "
               "https://developers.google.com/identity/sign-in/web/devconsole-project."};
    }
    return std::nullopt;
  }
  auto key = req.find("x-goog-api-key");
  if ((key == req.end() || key->value().empty()) && !q.has_key) {
    return std::pair<int, std::string>{
        403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key "
             "or other form of API consumer identity to call this API."};
  }
  return std::nullopt;
}

}  // namespace

asio::awaitable<bool> HandleGemini(Connection& conn, const Request& req, std::string_view path) {
  static const GeminiDialect kSse(true);
  static const GeminiDialect kArray(false);
  Stats& stats = conn.state.stats;
  stats.gemini_requests.fetch_add(1, std::memory_order_relaxed);
  std::optional<Route> route = ParseRoute(path);
  if (!route || req.method() != http::verb::post) {
    co_return co_await Fail(conn, req, 404, "Requested entity was not found.");
  }
  const Query query = ReadQuery(req);
  std::optional<std::pair<int, std::string>> denied = CheckAuth(req, route->api, query);
  if (denied) co_return co_await Fail(conn, req, denied->first, denied->second);

  const std::string_view method = route->method;
  if (method == "generateContent" || method == "streamGenerateContent") {
    stats.chat_requests.fetch_add(1, std::memory_order_relaxed);
    const bool stream = method == "streamGenerateContent";
    Decoded<ChatCall> decoded = DecodeGeminiGenerate(req.body(), route->model, stream);
    if (!decoded.value) co_return co_await Fail(conn, req, 400, decoded.error.message);
    core::Result<Behaviour> parsed = ParseBehaviour(decoded.value->model, MockHeaders(req));
    if (!parsed) co_return co_await Fail(conn, req, 400, parsed.error().message);
    const GeminiDialect& dialect = (!stream || query.alt_sse) ? kSse : kArray;
    co_return co_await ServeChat(conn, req, *decoded.value, *parsed, dialect);
  }
  if (method == "countTokens") {
    stats.count_tokens_requests.fetch_add(1, std::memory_order_relaxed);
    Decoded<ChatCall> decoded = DecodeGeminiCountTokens(req.body(), route->model);
    if (!decoded.value) co_return co_await Fail(conn, req, 400, decoded.error.message);
    core::Result<Behaviour> parsed = ParseBehaviour(decoded.value->model, MockHeaders(req));
    if (!parsed) co_return co_await Fail(conn, req, 400, parsed.error().message);
    if (parsed->error_status != 0) {
      stats.errors_injected.fetch_add(1, std::memory_order_relaxed);
      std::string body = RenderGoogleError(parsed->error_status, "mock: injected error status " +
                                                                     std::to_string(parsed->error_status));
      co_return co_await Reply(conn, req, parsed->error_status, std::move(body));
    }
    co_return co_await Reply(conn, req, 200,
                             RenderGeminiCountTokens(parsed->prompt_tokens.value_or(decoded.value->prompt_tokens_estimate)));
  }
  if (method == "embedContent" || method == "batchEmbedContents") {
    stats.embeddings_requests.fetch_add(1, std::memory_order_relaxed);
    const bool batch = method == "batchEmbedContents";
    Decoded<GeminiEmbedCall> decoded = DecodeGeminiEmbed(req.body(), route->model, batch);
    if (!decoded.value) co_return co_await Fail(conn, req, 400, decoded.error.message);
    core::Result<Behaviour> parsed = ParseBehaviour(route->model, MockHeaders(req));
    if (!parsed) co_return co_await Fail(conn, req, 400, parsed.error().message);
    if (parsed->error_status != 0) {
      stats.errors_injected.fetch_add(1, std::memory_order_relaxed);
      std::string body = RenderGoogleError(parsed->error_status, "mock: injected error status " +
                                                                     std::to_string(parsed->error_status));
      co_return co_await Reply(conn, req, parsed->error_status, std::move(body));
    }
    co_return co_await Reply(conn, req, 200, RenderGeminiEmbeddings(*decoded.value, batch));
  }
  co_return co_await Fail(conn, req, 404, "Method not found.");
}

}  // namespace sluice::mock_llm
