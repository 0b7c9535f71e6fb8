// Asio/Beast plumbing shared by the mock's handlers: the per-connection context, waits that notice a
// client hanging up, and plain (Content-Length) responses.
// Thread rule: a Connection and everything awaited on it belong to one io_context thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mock_llm/sigv4_check.h"
#include "mock_llm/stats.h"
#include "mock_llm/vllm_metrics.h"

namespace sluice::mock_llm {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using Request = http::request<http::string_body>;

// Shared by all workers: counters, the id sequence, run-time load knobs and start-up configuration.
struct ServerState {
  Stats stats;
  std::atomic<uint64_t> next_id{1};
  LoadState load;                          // POST /mock/load → GET /metrics
  std::string metrics_model = "mock-model";  // model_name label of GET /metrics
  std::optional<SigV4Credentials> aws;     // --aws-secret: Bedrock signatures are verified
};

struct Connection {
  tcp::socket socket;
  ServerState& state;
  // False once the peer sent bytes we have not read (a pipelined request): readability then says nothing
  // about a hang-up, so waits stop watching the socket.
  bool can_watch = true;
};

enum class WaitResult : uint8_t { kElapsed, kPeerClosed };

// Sleeps for `duration` unless the client closes its side first (detected without reading request bytes:
// readable + MSG_PEEK of zero bytes).
asio::awaitable<WaitResult> WaitOrPeerClosed(Connection& conn, std::chrono::steady_clock::duration duration);

// Waits until the client closes the connection (or the server stops): the hang behaviours.
asio::awaitable<void> WaitForPeerClose(Connection& conn);

// Writes a complete response with Content-Length. Returns false if the write failed.
asio::awaitable<bool> WriteResponse(Connection& conn, http::response<http::string_body>& res);
asio::awaitable<bool> WriteJson(Connection& conn, const Request& req, http::status status, std::string body,
                                std::string_view request_id = {});

// Per-request id used in ids and x-request-id.
uint64_t NextId(ServerState& state);

// Handlers. Each returns whether the connection may serve another request.
asio::awaitable<bool> HandleChatCompletions(Connection& conn, const Request& req);

}  // namespace sluice::mock_llm
