// The API a client spoke to the gateway, and everything that depends only on it: the endpoint label in
// metrics and logs, which provider wire format it can be spliced to byte for byte, how an error is rendered
// (before the response started, and inside a stream after it did), and the encoder that turns IR stream
// events into the client's stream bytes.
// Thread rule: pure functions; an encoder belongs to one stream.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "ir/chat_request.h"
#include "ir/chat_response.h"
#include "ir/stream_event.h"

namespace sluice::server {

enum class ClientApi : uint8_t { kOpenAiChat, kOpenAiEmbeddings, kAnthropicMessages, kOpenAiResponses };

// The wire format a provider speaks. OpenAI covers Azure and every OpenAI-compatible server.
enum class Wire : uint8_t { kOpenAi, kAnthropic, kGemini, kBedrock };

std::string_view EndpointLabel(ClientApi api);  // "chat" | "embeddings" | "messages" | "responses"

// Whether a request of `api` can go to a provider speaking `wire` as the client's own bytes (model renamed).
bool SameDialect(ClientApi api, Wire wire);

// The JSON error body for `error` in the client's dialect.
std::string ClientErrorBody(ClientApi api, const core::Error& error);

// The bytes that carry `error` inside an already-started stream, so SDKs raise instead of ending quietly.
std::string ClientStreamErrorEvent(ClientApi api, const core::Error& error);

// IR stream events → the client's stream bytes.
class ClientStreamEncoder {
 public:
  virtual ~ClientStreamEncoder() = default;
  virtual void Encode(const ir::StreamEvent& event, std::string& out) = 0;
  virtual bool done() const = 0;               // the stream's terminal bytes were written
  virtual const ir::Usage& usage() const = 0;  // latest usage seen
};

// `request` is the decoded client request (for echoing parameters and stream options); `created` is the
// unix time the encoders stamp.
std::unique_ptr<ClientStreamEncoder> NewClientStreamEncoder(ClientApi api, const ir::ChatRequest& request,
                                                            int64_t created);

// A whole (non-streamed) answer in the client's dialect.
std::string EncodeClientResponse(ClientApi api, const ir::ChatRequest& request, const ir::ChatResponse& response,
                                 int64_t created);

}  // namespace sluice::server
