// See client_api.h.
#include "server/client_api.h"

#include "dialect/anthropic_messages.h"
#include "dialect/json_members.h"
#include "dialect/anthropic_messages_stream.h"
#include "dialect/openai_chat.h"
#include "dialect/openai_chat_stream.h"
#include "dialect/openai_response.h"
#include "dialect/openai_responses.h"

#include <random>

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

// An id for answers whose provider gave none (Bedrock), and the base of a Responses id: 24 hex digits.
std::string NewAnswerId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(24, '0');
  uint64_t a = rng(), b = rng();
  for (int i = 0; i < 16; ++i) id[i] = kHex[(a >> (i * 4)) & 15];
  for (int i = 0; i < 8; ++i) id[16 + i] = kHex[(b >> (i * 4)) & 15];
  return id;
}

// Fills what a provider left out of the stream's start (Bedrock reports neither an id nor the model), so
// every client dialect sees a real id and the model it asked for.
class StartFiller final : public ClientStreamEncoder {
 public:
  StartFiller(std::unique_ptr<ClientStreamEncoder> inner, std::string model, std::string id)
      : inner_(std::move(inner)), model_(std::move(model)), id_(std::move(id)) {}
  void Encode(const ir::StreamEvent& event, std::string& out) override {
    if (event.kind == ir::EventKind::kMessageStart && (event.id.empty() || event.name.empty())) {
      ir::StreamEvent filled = event;
      if (filled.id.empty()) filled.id = id_;
      if (filled.name.empty()) filled.name = model_;
      inner_->Encode(filled, out);
      return;
    }
    inner_->Encode(event, out);
  }
  bool done() const override { return inner_->done(); }
  const ir::Usage& usage() const override { return inner_->usage(); }

 private:
  std::unique_ptr<ClientStreamEncoder> inner_;
  std::string model_;
  std::string id_;
};

std::string ResponsesErrorCode(const core::Error& error) {
  int status = error.Status();
  if (status == 429) return "rate_limit_exceeded";
  if (status >= 500 || error.code != core::ErrorCode::kUpstreamError) return "server_error";
  return std::string(core::OpenAiTypeForStatus(status));
}

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
  if (api == ClientApi::kOpenAiResponses) {
    // The Responses stream's `error` event (what openai-node raises on), flat and nested as the
    // Responses encoder writes it.
    std::string code = ResponsesErrorCode(error);
    std::string out = "event: error\ndata: {\"type\":\"error\",\"code\":";
    dialect::AppendJsonString(out, code);
    out += ",\"message\":";
    dialect::AppendJsonString(out, error.message);
    out += ",\"param\":null,\"error\":{\"type\":";
    dialect::AppendJsonString(out, core::OpenAiTypeForStatus(error.Status()));
    out += ",\"code\":";
    dialect::AppendJsonString(out, code);
    out += ",\"message\":";
    dialect::AppendJsonString(out, error.message);
    out += ",\"param\":null}}\n\n";
    return out;
  }
  std::string_view type = error.code == core::ErrorCode::kUpstreamError ? core::OpenAiTypeForStatus(error.Status())
                                                                          : std::string_view("server_error");
  return dialect::OpenAiStreamErrorEvent(error.message, type, error.Code());
}

std::unique_ptr<ClientStreamEncoder> NewClientStreamEncoder(ClientApi api, const ir::ChatRequest& request,
                                                            int64_t created) {
  std::unique_ptr<ClientStreamEncoder> encoder;
  std::string id = NewAnswerId();
  if (api == ClientApi::kAnthropicMessages) {
    encoder = std::make_unique<EncoderOf<dialect::AnthropicMessagesStreamEncoder>>();
    id = "msg_" + id;
  } else if (api == ClientApi::kOpenAiResponses) {
    dialect::OpenAiResponsesEncodeOptions options;
    options.created_at = created;
    options.fallback_id = id;
    options.echo = dialect::EncodeOpenAiResponsesEcho(request);
    encoder = std::make_unique<EncoderOf<dialect::OpenAiResponsesStreamEncoder>>(std::move(options));
    id.clear();  // the encoder derives resp_<fallback> itself
  } else {
    dialect::OpenAiEncodeOptions options;
    options.created = created;
    encoder = std::make_unique<EncoderOf<dialect::OpenAiChatStreamEncoder>>(options, request.include_usage);
    id = "chatcmpl-" + id;
  }
  return std::make_unique<StartFiller>(std::move(encoder), request.model, std::move(id));
}

std::string EncodeClientResponse(ClientApi api, const ir::ChatRequest& request, const ir::ChatResponse& response,
                                 int64_t created) {
  if (api == ClientApi::kOpenAiResponses) {
    dialect::OpenAiResponsesEncodeOptions options;
    options.created_at = created;
    options.fallback_id = NewAnswerId();
    options.echo = dialect::EncodeOpenAiResponsesEcho(request);
    return dialect::EncodeOpenAiResponsesResponse(response, options);
  }
  if (response.id.empty() || response.model.empty()) {  // Bedrock: neither; fill rather than send ""
    ir::ChatResponse filled = response;
    if (filled.id.empty())
      filled.id = (api == ClientApi::kAnthropicMessages ? "msg_" : "chatcmpl-") + NewAnswerId();
    if (filled.model.empty()) filled.model = request.model;
    return EncodeClientResponse(api, request, filled, created);
  }
  if (api == ClientApi::kAnthropicMessages) return dialect::EncodeAnthropicMessagesResponse(response);
  dialect::OpenAiEncodeOptions options;
  options.created = created;
  return dialect::EncodeOpenAiChatResponse(response, options);
}

}  // namespace sluice::server
