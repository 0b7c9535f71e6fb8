// The Azure OpenAI routes (reference §6): classic /openai/deployments/{deployment}/chat/completions and
// /embeddings (?api-version= required; the deployment picks the behaviour, the body's model is ignored)
// and the v1 API /openai/v1/chat/completions, /embeddings, /models (model in the body = deployment).
// Auth: api-key header or Authorization: Bearer. Chat answers are OpenAI's with Azure's content-filter
// annotations (openai_writer's azure flavour); a blocked prompt is Azure's 400 content_filter error.
// Thread rule: one coroutine per connection on its io_context thread.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <ctime>

#include "mock_llm/chat_flow.h"
#include "mock_llm/openai_reader.h"
#include "mock_llm/openai_writer.h"

namespace sluice::mock_llm {
namespace {

// {"error":{"code":"<status>","message"}}: what Azure's front door answers for auth, routing and quota.
std::string AzureFrontDoorError(int status, std::string_view message) {
  namespace json = boost::json;
  return json::serialize(json::object{{"error", {{"code", std::to_string(status)}, {"message", message}}}});
}

class AzureDialect final : public ChatDialect {
 public:
  std::string StatusErrorBody(int status, std::string_view message, std::string_view) const override {
    // Azure's gateway answers 401/403/404/408/429 itself; model errors keep OpenAI's shape.
    if (status == 401 || status == 403 || status == 404 || status == 408 || status == 429) {
      return AzureFrontDoorError(status, message);
    }
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
  std::string_view RequestIdHeader() const override { return "apim-request-id"; }
  void AddErrorHeaders(int, const Behaviour& b, http::fields& headers) const override {
    if (b.retry_after_s) headers.set("retry-after-ms", std::to_string(uint64_t{*b.retry_after_s} * 1000));
  }
  std::optional<Refusal> Refuse(const ChatCall&, const Script& script) const override {
    if (!script.prompt_blocked) return std::nullopt;
    return Refusal{400, AzurePromptFilteredError()};
  }

 private:
  static ResponseMeta Meta(uint64_t id) {
    return {"chatcmpl-mock-" + std::to_string(id), static_cast<int64_t>(std::time(nullptr)), true};
  }
};

asio::awaitable<bool> Reply(Connection& conn, const Request& req, int status, std::string body) {
  Stats& stats = conn.state.stats;
  if (status == 400 || status == 404) stats.bad_requests.fetch_add(1, std::memory_order_relaxed);
  if (status == 401 || status == 403) stats.auth_failures.fetch_add(1, std::memory_order_relaxed);
  http::response<http::string_body> res{static_cast<http::status>(status), req.version()};
  res.set(http::field::content_type, "application/json");
  res.set("apim-request-id", "req_mock_" + std::to_string(NextId(conn.state)));
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  bool ok = co_await WriteResponse(conn, res);
  co_return ok && req.keep_alive();
}

// "2024-10-21" or "2025-04-01-preview".
bool DatedVersion(std::string_view v) {
  if (v.ends_with("-preview")) v.remove_suffix(8);
  if (v.size() != 10 || v[4] != '-' || v[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (v[i] < '0' || v[i] > '9') return false;
  }
  return true;
}

std::optional<std::string> ApiVersion(const Request& req) {
  auto url = boost::urls::parse_origin_form(req.target());
  if (!url) return std::nullopt;
  for (auto param : url->params()) {
    if (param.key == "api-version") return std::string(param.value);
  }
  return std::nullopt;
}

bool HasCredentials(const Request& req) {
  auto key = req.find("api-key");
  if (key != req.end() && !key->value().empty()) return true;
  auto auth = req.find(http::field::authorization);
  return auth != req.end() && auth->value().starts_with("Bearer ") && auth->value().size() > 7;
}

}  // namespace

asio::awaitable<bool> HandleAzure(Connection& conn, const Request& req, std::string_view path) {
  static const AzureDialect kDialect;
  Stats& stats = conn.state.stats;
  stats.azure_requests.fetch_add(1, std::memory_order_relaxed);
  if (!HasCredentials(req)) {
    co_return co_await Reply(
        conn, req, 401,
        AzureFrontDoorError(401, "Access denied due to invalid subscription key or wrong API endpoint. Make sure to "
                                 "provide a valid key for an active subscription and use a correct regional API "
                                 "endpoint for your resource."));
  }
  const bool v1 = path.starts_with("/openai/v1/");
  std::string deployment;  // classic routes: from the path
  std::string_view operation;
  std::optional<std::string> version = ApiVersion(req);
  if (v1) {
    operation = path.substr(11);
    if (version && *version != "preview" && *version != "latest" && !DatedVersion(*version)) {
      co_return co_await Reply(conn, req, 400, AzureFrontDoorError(400, "API version not supported"));
    }
  } else {
    // /openai/deployments/{deployment}/{operation}
    std::string_view rest = path.substr(20);
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0) {
      co_return co_await Reply(conn, req, 404, AzureFrontDoorError(404, "Resource not found"));
    }
    deployment = rest.substr(0, slash);
    operation = rest.substr(slash + 1);
    if (!version) co_return co_await Reply(conn, req, 404, AzureFrontDoorError(404, "Resource not found"));
    if (!DatedVersion(*version)) {
      co_return co_await Reply(conn, req, 400, AzureFrontDoorError(400, "API version not supported"));
    }
  }
  const http::verb verb = req.method();
  if (verb == http::verb::post && operation == "chat/completions") {
    stats.chat_requests.fetch_add(1, std::memory_order_relaxed);
    Decoded<ChatCall> decoded = DecodeChatRequest(req.body(), deployment);
    if (!decoded.value) {
      const RequestError& e = decoded.error;
      co_return co_await Reply(conn, req, 400, RenderError(e.message, "invalid_request_error", e.param, e.code));
    }
    core::Result<Behaviour> parsed = ParseBehaviour(decoded.value->model, MockHeaders(req));
    if (!parsed) {
      co_return co_await Reply(conn, req, 400,
                               RenderError(parsed.error().message, "invalid_request_error", {}, "mock_invalid_header"));
    }
    co_return co_await ServeChat(conn, req, *decoded.value, *parsed, kDialect);
  }
  if (verb == http::verb::post && operation == "embeddings") {
    stats.embeddings_requests.fetch_add(1, std::memory_order_relaxed);
    Decoded<EmbeddingsCall> call = DecodeEmbeddingsRequest(req.body(), deployment);
    if (!call.value) {
      const RequestError& e = call.error;
      co_return co_await Reply(conn, req, 400, RenderError(e.message, "invalid_request_error", e.param, e.code));
    }
    co_return co_await Reply(conn, req, 200, RenderEmbeddings(*call.value));
  }
  if (v1 && verb == http::verb::get && operation == "models") {
    co_return co_await Reply(conn, req, 200, RenderModelList());
  }
  co_return co_await Reply(conn, req, 404, AzureFrontDoorError(404, "Resource not found"));
}

}  // namespace sluice::mock_llm
