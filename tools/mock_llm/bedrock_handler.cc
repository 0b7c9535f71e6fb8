// The Bedrock Runtime routes (reference §5): POST /model/{modelId}/converse, /converse-stream (binary
// event stream), /count-tokens, and /invoke for the Titan and Cohere embedding models. Every request is
// first checked for SigV4 (or a Bedrock API key, Authorization: Bearer); with --aws-secret the signature is
// verified in full. Errors are AWS's: status, x-amzn-ErrorType, {"message"}.
// Thread rule: one coroutine per connection on its io_context thread.
#include "mock_llm/bedrock_reader.h"
#include "mock_llm/bedrock_writer.h"
#include "mock_llm/chat_flow.h"

namespace sluice::mock_llm {
namespace {

// What the answer's metrics.latencyMs reports: the time the Behaviour makes the mock take.
uint64_t LatencyMs(const Behaviour& b, const Script& script) {
  uint64_t ms = uint64_t{b.delay_ms} + b.ttft_ms;
  if (b.tps > 0) ms += script.GeneratedTokens() * 1000 / b.tps;
  return ms;
}

class BedrockDialect final : public ChatDialect {
 public:
  std::string StatusErrorBody(int, std::string_view message, std::string_view) const override {
    return RenderBedrockError(message);
  }
  std::string Body(const ChatCall& call, const Script& script, const Behaviour& b, uint64_t) const override {
    return b.response_bytes && b.tool_calls == 0
               ? RenderSizedConverseResponse(call, script, LatencyMs(b, script), *b.response_bytes)
               : RenderConverseResponse(call, script, LatencyMs(b, script));
  }
  std::unique_ptr<StreamRenderer> Stream(const ChatCall& call, Script script, const Behaviour& b,
                                         uint64_t) const override {
    const uint64_t latency = LatencyMs(b, script);
    return MakeConverseStream(call, std::move(script), latency);
  }
  std::string_view RequestIdHeader() const override { return "x-amzn-RequestId"; }
  std::string_view StreamContentType() const override { return "application/vnd.amazon.eventstream"; }
  void AddErrorHeaders(int status, const Behaviour&, http::fields& headers) const override {
    headers.set("x-amzn-ErrorType", BedrockErrorTypeHeader(BedrockErrorType(status)));
  }
};

// An AWS error answer: status, x-amzn-ErrorType, x-amzn-RequestId, {"message"}.
asio::awaitable<bool> AwsError(Connection& conn, const Request& req, int status, std::string_view type,
                               std::string_view message) {
  Stats& stats = conn.state.stats;
  if (status == 400 || status == 404) stats.bad_requests.fetch_add(1, std::memory_order_relaxed);
  if (status == 401 || status == 403) stats.auth_failures.fetch_add(1, std::memory_order_relaxed);
  http::response<http::string_body> res{static_cast<http::status>(status), req.version()};
  SetReason(res);
  res.set(http::field::content_type, "application/json");
  res.set("x-amzn-RequestId", "req_mock_" + std::to_string(NextId(conn.state)));
  res.set("x-amzn-ErrorType", BedrockErrorTypeHeader(type));
  res.keep_alive(req.keep_alive());
  res.body() = RenderBedrockError(message);
  bool ok = co_await WriteResponse(conn, res);
  co_return ok && req.keep_alive();
}

asio::awaitable<bool> JsonOk(Connection& conn, const Request& req, std::string body, uint64_t input_tokens,
                             bool invoke) {
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.set(http::field::content_type, "application/json");
  res.set("x-amzn-RequestId", "req_mock_" + std::to_string(NextId(conn.state)));
  if (invoke) {  // InvokeModel reports its accounting in headers
    res.set("X-Amzn-Bedrock-Input-Token-Count", std::to_string(input_tokens));
    res.set("X-Amzn-Bedrock-Invocation-Latency", "0");
  }
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  bool ok = co_await WriteResponse(conn, res);
  co_return ok && req.keep_alive();
}

SigV4Headers HeadersOf(const Request& req) {
  SigV4Headers out;
  out.reserve(16);
  for (const auto& f : req) out.emplace_back(f.name_string(), f.value());
  return out;
}

}  // namespace

asio::awaitable<bool> HandleBedrock(Connection& conn, const Request& req, std::string_view path) {
  static const BedrockDialect kDialect;
  Stats& stats = conn.state.stats;
  stats.bedrock_requests.fetch_add(1, std::memory_order_relaxed);
  // /model/{modelId}/{operation}: the id is one (percent-encoded) segment.
  std::string_view rest = path.substr(7);
  size_t slash = rest.find('/');
  std::string_view operation = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  const std::string model_id = DecodeBedrockModelId(rest.substr(0, slash));
  if (req.method() != http::verb::post || model_id.empty() ||
      (operation != "converse" && operation != "converse-stream" && operation != "invoke" &&
       operation != "count-tokens")) {
    // API Gateway's answer for a route that does not exist.
    co_return co_await AwsError(conn, req, 404, "UnknownOperationException", "Unknown operation");
  }
  std::optional<SigV4Failure> denied =
      CheckSigV4(req.method_string(), req.target(), HeadersOf(req), req.body(), "bedrock", conn.state.aws);
  if (denied) co_return co_await AwsError(conn, req, denied->status, denied->type, denied->message);

  if (operation == "converse" || operation == "converse-stream") {
    stats.chat_requests.fetch_add(1, std::memory_order_relaxed);
    Decoded<ChatCall> decoded = DecodeConverse(req.body(), model_id, operation == "converse-stream");
    if (!decoded.value) co_return co_await AwsError(conn, req, 400, decoded.error.code, decoded.error.message);
    core::Result<Behaviour> parsed = ParseBehaviour(decoded.value->model, MockHeaders(req));
    if (!parsed) co_return co_await AwsError(conn, req, 400, "ValidationException", parsed.error().message);
    co_return co_await ServeChat(conn, req, *decoded.value, *parsed, kDialect);
  }
  core::Result<Behaviour> parsed = ParseBehaviour(model_id, MockHeaders(req));
  if (!parsed) co_return co_await AwsError(conn, req, 400, "ValidationException", parsed.error().message);
  if (parsed->error_status != 0) {  // injected statuses apply to these routes too; pacing does not
    stats.errors_injected.fetch_add(1, std::memory_order_relaxed);
    const int status = parsed->error_status;
    co_return co_await AwsError(conn, req, status, BedrockErrorType(status),
                                "mock: injected error status " + std::to_string(status));
  }
  if (operation == "count-tokens") {
    stats.count_tokens_requests.fetch_add(1, std::memory_order_relaxed);
    Decoded<ChatCall> decoded = DecodeBedrockCountTokens(req.body(), model_id);
    if (!decoded.value) co_return co_await AwsError(conn, req, 400, decoded.error.code, decoded.error.message);
    uint64_t tokens = parsed->prompt_tokens.value_or(decoded.value->prompt_tokens_estimate);
    co_return co_await JsonOk(conn, req, RenderBedrockCountTokens(tokens), tokens, false);
  }
  // invoke: the embedding models only.
  stats.embeddings_requests.fetch_add(1, std::memory_order_relaxed);
  std::optional<EmbedFamily> family = BedrockEmbedFamily(model_id);
  if (!family) {
    co_return co_await AwsError(conn, req, 400, "ValidationException",
                                "mock: invoke serves only amazon.titan-embed-text-* and cohere.embed-* models");
  }
  Decoded<BedrockEmbedCall> decoded = DecodeBedrockEmbed(req.body(), model_id, *family);
  if (!decoded.value) co_return co_await AwsError(conn, req, 400, decoded.error.code, decoded.error.message);
  std::string body = RenderBedrockEmbedding(*decoded.value, NextId(conn.state));
  co_return co_await JsonOk(conn, req, std::move(body), decoded.value->input_tokens, true);
}

}  // namespace sluice::mock_llm
