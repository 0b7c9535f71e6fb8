// The dialect-neutral answer to a decoded chat call: delay, hangs, injected error statuses, then a body or
// a paced SSE stream (time to first token, tokens/s, error/abort after N events), counting client
// hang-ups. Each dialect (OpenAI chat completions, Anthropic messages) supplies a ChatDialect that renders
// its bodies, streams and error bodies; everything else is shared.
// Thread rule: one coroutine per connection on its io_context thread; ChatDialect objects are immutable.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mock_llm/behaviour.h"
#include "mock_llm/http_io.h"
#include "mock_llm/script.h"

namespace sluice::mock_llm {

class ChatDialect {
 public:
  virtual ~ChatDialect() = default;
  // The error body for an injected status (x-mock-error-status / error-NNN).
  virtual std::string StatusErrorBody(int status, std::string_view message, std::string_view request_id) const = 0;
  // The non-stream body (exactly Behaviour::response_bytes long when that is set and there are no tool calls).
  virtual std::string Body(const ChatCall& call, const Script& script, const Behaviour& b, uint64_t id) const = 0;
  virtual std::unique_ptr<StreamRenderer> Stream(const ChatCall& call, Script script, const Behaviour& b,
                                                 uint64_t id) const = 0;
  // Extra response header carrying the request id besides x-request-id (Anthropic: "request-id").
  virtual std::string_view RequestIdHeader() const { return {}; }
  // Content-Type of the stream (Bedrock: application/vnd.amazon.eventstream).
  virtual std::string_view StreamContentType() const { return "text/event-stream; charset=utf-8"; }
  // Headers an error answer carries besides content-type, request id and retry-after (Bedrock:
  // x-amzn-ErrorType; Azure: retry-after-ms).
  virtual void AddErrorHeaders(int /*status*/, const Behaviour& /*b*/, http::fields& /*headers*/) const {}
  // An answer that replaces the generated one when the script says so (Azure answers a blocked prompt
  // with a 400). nullopt = answer normally.
  struct Refusal {
    int status = 0;
    std::string body;
  };
  virtual std::optional<Refusal> Refuse(const ChatCall& /*call*/, const Script& /*script*/) const {
    return std::nullopt;
  }
};

// Reason phrase for statuses Beast does not know (424, 499, 529 …).
void SetReason(http::response<http::string_body>& res);

// The x-mock-* headers of a request (names and values view into `req`).
HeaderList MockHeaders(const Request& req);

// Answers `call` per `b`. Counts streams, injected errors and hang-ups; the caller counts the request.
// Returns whether the connection may serve another request.
asio::awaitable<bool> ServeChat(Connection& conn, const Request& req, const ChatCall& call, const Behaviour& b,
                                const ChatDialect& dialect);

// Gemini routes (gemini_handler.cc): /v1beta/models/{model}:{method} and the Vertex AI forms.
asio::awaitable<bool> HandleGemini(Connection& conn, const Request& req, std::string_view path);
// Bedrock Runtime routes (bedrock_handler.cc): /model/{modelId}/{converse,converse-stream,invoke,count-tokens}.
asio::awaitable<bool> HandleBedrock(Connection& conn, const Request& req, std::string_view path);
// Azure OpenAI routes (azure_handler.cc): /openai/deployments/{d}/… and /openai/v1/….
asio::awaitable<bool> HandleAzure(Connection& conn, const Request& req, std::string_view path);

// Anthropic routes (messages_handler.cc).
asio::awaitable<bool> HandleMessages(Connection& conn, const Request& req);
asio::awaitable<bool> HandleCountTokens(Connection& conn, const Request& req);
// GET /v1/models (id empty) or /v1/models/{id} in Anthropic's shape; chosen when WantsAnthropic(req).
bool WantsAnthropic(const Request& req);
asio::awaitable<bool> HandleAnthropicModels(Connection& conn, const Request& req, std::string_view id);

}  // namespace sluice::mock_llm
