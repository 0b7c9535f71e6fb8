// The Anthropic routes: POST /v1/messages (header checks, decode, Behaviour, then the shared ServeChat
// flow with the Anthropic dialect), POST /v1/messages/count_tokens, and GET /v1/models[/{id}] when the
// client sends anthropic-version.
// Thread rule: one coroutine per connection on its io_context thread.
#include <boost/url/parse.hpp>
#include <charconv>

#include "mock_llm/anthropic_reader.h"
#include "mock_llm/anthropic_writer.h"
#include "mock_llm/chat_flow.h"

namespace sluice::mock_llm {
namespace {

class AnthropicDialect final : public ChatDialect {
 public:
  std::string StatusErrorBody(int status, std::string_view message, std::string_view request_id) const override {
    return RenderAnthropicError(status, message, request_id);
  }
  std::string Body(const ChatCall& call, const Script& script, const Behaviour& b, uint64_t id) const override {
    return b.response_bytes && b.tool_calls == 0 ? RenderSizedMessage(call, script, MessageId(id), *b.response_bytes)
                                                 : RenderMessage(call, script, MessageId(id));
  }
  std::unique_ptr<StreamRenderer> Stream(const ChatCall& call, Script script, const Behaviour&,
                                         uint64_t id) const override {
    return MakeAnthropicStream(call, std::move(script), MessageId(id));
  }
  std::string_view RequestIdHeader() const override { return "request-id"; }

 private:
  static std::string MessageId(uint64_t id) { return "msg_mock_" + std::to_string(id); }
};

// An error answered by the mock itself (headers, body, x-mock-* values), in Anthropic's shape.
asio::awaitable<bool> Reject(Connection& conn, const Request& req, int status, std::string message) {
  conn.state.stats.bad_requests.fetch_add(1, std::memory_order_relaxed);
  const std::string request_id = "req_mock_" + std::to_string(NextId(conn.state));
  http::response<http::string_body> res{static_cast<http::status>(status), req.version()};
  res.set(http::field::content_type, "application/json");
  res.set("x-request-id", request_id);
  res.set("request-id", request_id);
  res.keep_alive(req.keep_alive());
  res.body() = RenderAnthropicError(status, message, request_id);
  bool ok = co_await WriteResponse(conn, res);
  co_return ok && req.keep_alive();
}

std::optional<HeaderRejection> CheckHeaders(const Request& req) {
  auto version = req.find("anthropic-version");
  std::optional<std::string_view> v;
  if (version != req.end()) v = version->value();
  return CheckAnthropicHeaders(req.find("x-api-key") != req.end(), req.find(http::field::authorization) != req.end(),
                               v);
}

}  // namespace

asio::awaitable<bool> HandleMessages(Connection& conn, const Request& req) {
  static const AnthropicDialect kDialect;
  conn.state.stats.messages_requests.fetch_add(1, std::memory_order_relaxed);
  // co_await only as a plain statement, with named arguments (GCC 12 coroutine bugs, see chat_handler.cc).
  std::optional<HeaderRejection> rejected = CheckHeaders(req);
  if (rejected) co_return co_await Reject(conn, req, rejected->status, rejected->message);
  Decoded<ChatCall> decoded = DecodeMessagesRequest(req.body());
  if (!decoded.value) co_return co_await Reject(conn, req, 400, decoded.error.message);
  core::Result<Behaviour> parsed = ParseBehaviour(decoded.value->model, MockHeaders(req));
  if (!parsed) co_return co_await Reject(conn, req, 400, parsed.error().message);
  co_return co_await ServeChat(conn, req, *decoded.value, *parsed, kDialect);
}

asio::awaitable<bool> HandleCountTokens(Connection& conn, const Request& req) {
  conn.state.stats.count_tokens_requests.fetch_add(1, std::memory_order_relaxed);
  std::optional<HeaderRejection> rejected = CheckHeaders(req);
  if (rejected) co_return co_await Reject(conn, req, rejected->status, rejected->message);
  Decoded<ChatCall> decoded = DecodeCountTokensRequest(req.body());
  if (!decoded.value) co_return co_await Reject(conn, req, 400, decoded.error.message);
  core::Result<Behaviour> parsed = ParseBehaviour(decoded.value->model, MockHeaders(req));
  if (!parsed) co_return co_await Reject(conn, req, 400, parsed.error().message);
  const Behaviour& b = *parsed;
  const std::string request_id = "req_mock_" + std::to_string(NextId(conn.state));
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.set(http::field::content_type, "application/json");
  res.set("x-request-id", request_id);
  res.set("request-id", request_id);
  res.keep_alive(req.keep_alive());
  if (b.error_status != 0) {  // injected statuses apply here too; the other behaviours do not
    conn.state.stats.errors_injected.fetch_add(1, std::memory_order_relaxed);
    res.result(static_cast<http::status>(b.error_status));
    if (http::obsolete_reason(res.result()) == "<unknown-status>") res.reason("Error");
    if (b.retry_after_s) res.set(http::field::retry_after, std::to_string(*b.retry_after_s));
    res.body() = RenderAnthropicError(b.error_status, "mock: injected error status " + std::to_string(b.error_status),
                                      request_id);
  } else {
    res.body() = RenderCountTokens(b.prompt_tokens.value_or(decoded.value->prompt_tokens_estimate));
  }
  bool ok = co_await WriteResponse(conn, res);
  co_return ok && req.keep_alive();
}

bool WantsAnthropic(const Request& req) { return req.find("anthropic-version") != req.end(); }

asio::awaitable<bool> HandleAnthropicModels(Connection& conn, const Request& req, std::string_view id) {
  if (!id.empty()) co_return co_await WriteJson(conn, req, http::status::ok, RenderAnthropicModel(id));
  uint32_t limit = 20;
  std::string after, before;
  auto url = boost::urls::parse_origin_form(req.target());
  if (url) {
    for (auto param : url->params()) {
      if (param.key == "limit") {
        uint32_t v = 0;
        auto [ptr, ec] = std::from_chars(param.value.data(), param.value.data() + param.value.size(), v);
        if (ec != std::errc() || ptr != param.value.data() + param.value.size() || v < 1 || v > 1000) {
          co_return co_await Reject(conn, req, 400, "limit: Input should be less than or equal to 1000");
        }
        limit = v;
      } else if (param.key == "after_id") {
        after = param.value;
      } else if (param.key == "before_id") {
        before = param.value;
      }
    }
  }
  co_return co_await WriteJson(conn, req, http::status::ok, RenderAnthropicModelList(limit, after, before));
}

}  // namespace sluice::mock_llm
