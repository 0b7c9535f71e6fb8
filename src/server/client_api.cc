// See client_api.h.
#include "server/client_api.h"

#include "dialect/anthropic_messages.h"
#include "dialect/anthropic_messages_stream.h"
#include "dialect/openai_chat.h"
#include "dialect/openai_chat_stream.h"
#include "dialect/openai_response.h"

namespace sluice::server {
namespace {

template <class Encoder>
class EncoderOf final : public ClientStreamEncoder {
 public:
  template <class... Args>
  explicit EncoderOf(Args&&... args) : encoder_(std::forward<Args>(args)...) {}
  void Encode(const ir::StreamEvent& event, std::string& out) override { encoder_.Encode(event, out); }
  bool done() const override { return encoder_.done(); }
  const ir::Usage& usage() const override { return encoder_.usage(); }

 private:
  Encoder encoder_;
};

}  // namespace

std::string_view EndpointLabel(ClientApi api) {
  switch (api) {
    case ClientApi::kOpenAiChat:
      return "chat";
    case ClientApi::kOpenAiEmbeddings:
      return "embeddings";
    case ClientApi::kAnthropicMessages:
      return "messages";
    case ClientApi::kOpenAiResponses:
      return "responses";
  }
  return "unknown";
}

bool SameDialect(ClientApi api, Wire wire) {
  switch (api) {
    case ClientApi::kOpenAiChat:
    case ClientApi::kOpenAiEmbeddings:
      return wire == Wire::kOpenAi;
    case ClientApi::kAnthropicMessages:
      return wire == Wire::kAnthropic;
    case ClientApi::kOpenAiResponses:
      return false;  // always translated onto chat-style providers
  }
  return false;
}

std::string ClientErrorBody(ClientApi api, const core::Error& error) {
  if (api == ClientApi::kAnthropicMessages) return core::AnthropicErrorBody(error);
  return core::OpenAiErrorBody(error);
}

std::string ClientStreamErrorEvent(ClientApi api, const core::Error& error) {
  if (api == ClientApi::kAnthropicMessages) {
    std::string out = "event: error\ndata: ";
    out += core::AnthropicErrorBody(error);
    out += "\n\n";
    return out;
  }
  std::string_view type = error.code == core::ErrorCode::kUpstreamError ? core::OpenAiTypeForStatus(error.Status())
                                                                          : std::string_view("server_error");
  return dialect::OpenAiStreamErrorEvent(error.message, type, error.Code());
}

std::unique_ptr<ClientStreamEncoder> NewClientStreamEncoder(ClientApi api, const ir::ChatRequest& request,
                                                            int64_t created) {
  if (api == ClientApi::kAnthropicMessages) return std::make_unique<EncoderOf<dialect::AnthropicMessagesStreamEncoder>>();
  dialect::OpenAiEncodeOptions options;
  options.created = created;
  return std::make_unique<EncoderOf<dialect::OpenAiChatStreamEncoder>>(options, request.include_usage);
}

std::string EncodeClientResponse(ClientApi api, const ir::ChatRequest& request, const ir::ChatResponse& response,
                                 int64_t created) {
  (void)request;
  if (api == ClientApi::kAnthropicMessages) return dialect::EncodeAnthropicMessagesResponse(response);
  dialect::OpenAiEncodeOptions options;
  options.created = created;
  return dialect::EncodeOpenAiChatResponse(response, options);
}

}  // namespace sluice::server
