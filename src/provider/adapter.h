// The provider adapter interface: how the gateway speaks to one kind of upstream API. An adapter is
// a set of pure codecs between the IR and the provider's bytes (reference §3–§7); it never touches
// a socket, a clock or Asio, so it is tested with fixtures and benchmarked in isolation. The
// transport (upstream/) sends the UpstreamRequest and feeds the answer back: a whole body to
// DecodeResponse, an error status to DecodeError, or parsed SSE events to a StreamDecoder. Thread
// rule: adapters are immutable and shared by all workers; a StreamDecoder belongs to one stream.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "ir/chat_request.h"
#include "ir/chat_response.h"
#include "ir/embeddings.h"
#include "ir/stream_event.h"

namespace sluice::provider {

// The chosen target, as the router resolved it from configuration.
struct Target {
  std::string_view model{};        // the provider's model name
  std::string_view api_key{};      // secret: only ever placed in a header, never in errors or logs
  std::string_view path_prefix{};  // the path part of the provider's base_url ("" or "/proxy", no trailing /)
  uint64_t default_max_tokens = 0;  // for providers that require max_tokens; 0: the adapter's default
  // Wall-clock time of the request, for adapters that sign requests (Bedrock SigV4). Passed in so adapters stay
  // pure and fixtures reproducible; the proxy sets it to system_clock::now().
  std::chrono::system_clock::time_point now{};
};

// How the provider frames a streamed answer on the wire.
enum class StreamFraming : uint8_t {
  kSse,             // text/event-stream (OpenAI, Anthropic, Gemini alt=sse); Feed(type=event name, data)
  kAwsEventStream,  // application/vnd.amazon.eventstream (Bedrock); Feed(type=":event-type", data=payload), and
                    // exceptions arrive as Feed(type=":exception-type" value prefixed "exception:", data=payload)
};

struct Header {
  std::string name;
  std::string value;
  bool operator==(const Header&) const = default;
};

// One HTTP request to the provider. The transport adds Host, Content-Length and connection headers.
struct UpstreamRequest {
  std::string method = "POST";
  std::string path;             // origin-relative, path_prefix included ("/v1/messages")
  std::vector<Header> headers;  // content type, authentication, API version
  std::string body;
  bool stream = false;  // the answer is an event stream
};

// Turns the provider's stream, one parsed SSE event at a time, into IR events.
class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  // `type` is the SSE `event:` name (may be empty), `data` the joined data lines. Appends zero or
  // more events to `out`. On a protocol violation (bad JSON, delta for a block never started)
  // appends one ir kError event (status 502), returns false, and stays failed; error() says why.
  virtual bool Feed(std::string_view type, std::string_view data,
                    std::vector<ir::StreamEvent>& out) = 0;
  // The upstream body ended. A stream cut before its terminal event appends an ir kError event
  // (status 502) and returns false.
  virtual bool Finish(std::vector<ir::StreamEvent>& out) = 0;
  virtual const core::Error& error() const = 0;
  virtual bool finished() const = 0;  // a terminal event (message stop or error) was seen
};

class ProviderAdapter {
 public:
  virtual ~ProviderAdapter() = default;
  virtual std::string_view Name() const = 0;
  // Encodes `request` for `target`. Fails (kInvalidRequest, status 400) when the request asks for
  // something the provider cannot do and no faithful translation exists (e.g. n > 1, audio input).
  virtual core::Result<UpstreamRequest> BuildRequest(const ir::ChatRequest& request,
                                                     const Target& target) const = 0;
  // Decodes a successful (2xx) non-streamed body. Unparseable bodies are kUpstreamProtocolError.
  virtual core::Result<ir::ChatResponse> DecodeResponse(std::string_view body) const = 0;
  virtual std::unique_ptr<StreamDecoder> NewStreamDecoder() const = 0;
  // Maps an upstream error answer (status ≥ 400, its body) to the error the client should see:
  // kUpstreamError with a status clients understand (e.g. Anthropic's 529 → 503) and the provider's
  // message.
  virtual core::Error DecodeError(int status, std::string_view body) const = 0;
  virtual StreamFraming Framing() const { return StreamFraming::kSse; }

  // Embeddings (providers with an embeddings API of their own). The default refuses with a clear 400.
  virtual core::Result<UpstreamRequest> BuildEmbeddingsRequest(const ir::EmbeddingsRequest& request,
                                                               const Target& target) const {
    (void)request;
    (void)target;
    return core::Error{core::ErrorCode::kInvalidRequest,
                       "This provider does not offer embeddings through Sluice.", 0, "model"};
  }
  virtual core::Result<ir::EmbeddingsResponse> DecodeEmbeddingsResponse(std::string_view body) const {
    (void)body;
    return core::Error{core::ErrorCode::kUpstreamProtocolError, "Embeddings are not supported by this adapter.", 0, {}};
  }
};

// Whether a router may try another target after this upstream status (rate limits, overload, 5xx).
inline bool IsRetryableUpstreamStatus(int status) {
  return status == 408 || status == 409 || status == 429 || status >= 500;
}

}  // namespace sluice::provider
