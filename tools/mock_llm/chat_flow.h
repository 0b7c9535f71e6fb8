// The dialect-neutral answer to a decoded chat call: delay, hangs, injected error statuses, then a body or
// a paced SSE stream (time to first token, tokens/s, error/abort after N events), counting client
// hang-ups. Each dialect (OpenAI chat completions, Anthropic messages) supplies a ChatDialect that renders
// its bodies, streams and error bodies; everything else is shared.
// Thread rule: one coroutine per connection on its io_context thread; ChatDialect objects are immutable.
#pragma once

#include <memory>
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
  virtual std::unique_ptr<StreamRenderer> Stream(const ChatCall& call, Script script, uint64_t id) const = 0;
  // Extra response header carrying the request id besides x-request-id (Anthropic: "request-id").
  virtual std::string_view RequestIdHeader() const { return {}; }
};

// The x-mock-* headers of a request (names and values view into `req`).
HeaderList MockHeaders(const Request& req);

// Answers `call` per `b`. Counts streams, injected errors and hang-ups; the caller counts the request.
// Returns whether the connection may serve another request.
asio::awaitable<bool> ServeChat(Connection& conn, const Request& req, const ChatCall& call, const Behaviour& b,
                                const ChatDialect& dialect);

// Anthropic routes (messages_handler.cc).
asio::awaitable<bool> HandleMessages(Connection& conn, const Request& req);
asio::awaitable<bool> HandleCountTokens(Connection& conn, const Request& req);
// GET /v1/models (id empty) or /v1/models/{id} in Anthropic's shape; chosen when WantsAnthropic(req).
bool WantsAnthropic(const Request& req);
asio::awaitable<bool> HandleAnthropicModels(Connection& conn, const Request& req, std::string_view id);

}  // namespace sluice::mock_llm
