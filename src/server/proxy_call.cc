// See proxy_call.h.
#include "server/proxy_call.h"

#include <chrono>

#include "dialect/anthropic_messages.h"
#include "dialect/openai_chat.h"

namespace sluice::server {
namespace {

using core::Error;
using core::ErrorCode;

constexpr std::string_view kChatPath = "/v1/chat/completions";
constexpr std::string_view kEmbeddingsPath = "/v1/embeddings";
constexpr std::string_view kMessagesPath = "/v1/messages";
constexpr std::string_view kDefaultAnthropicVersion = "2023-06-01";

void ViewHeaders(UpstreamCall& up, const RuntimeProvider& provider, bool same_dialect) {
  auto& h = up.out.headers;
  h.reserve(up.owned_headers.size() + provider.headers.size() + provider.extra_headers.size());
  for (const auto& [k, v] : up.owned_headers) h.emplace_back(k, v);
  if (same_dialect) {
    for (const auto& [k, v] : provider.headers) h.emplace_back(k, v);
  }
  for (const auto& [k, v] : provider.extra_headers) h.emplace_back(k, v);
}

}  // namespace

core::Result<ClientCall> DecodeClientCall(ClientApi api, std::string_view body) {
  ClientCall call;
  call.api = api;
  switch (api) {
    case ClientApi::kOpenAiChat:
    case ClientApi::kOpenAiEmbeddings: {
      auto endpoint = api == ClientApi::kOpenAiChat ? dialect::OpenAiEndpoint::kChatCompletions
                                                    : dialect::OpenAiEndpoint::kEmbeddings;
      auto head = dialect::DecodeOpenAiRequest(body, endpoint);
      if (!head.ok()) return head.error();
      call.openai = std::move(head).value();
      call.model = call.openai->model;
      call.stream = call.openai->stream;
      return call;
    }
    case ClientApi::kAnthropicMessages: {
      auto head = dialect::DecodeAnthropicRequestHead(body);
      if (!head.ok()) return head.error();
      call.anthropic = std::move(head).value();
      call.model = call.anthropic->model;
      call.stream = call.anthropic->stream;
      return call;
    }
    case ClientApi::kOpenAiResponses:
      break;
  }
  return Error{ErrorCode::kNotFound, "This endpoint is not served by this build."};
}

core::Result<bool> EnsureChatIr(ClientCall& call, std::string_view body) {
  if (call.chat) return true;
  core::Result<ir::ChatRequest> decoded = Error{ErrorCode::kInvalidRequest, "unsupported endpoint"};
  if (call.api == ClientApi::kOpenAiChat) decoded = dialect::DecodeOpenAiChatRequest(body);
  else if (call.api == ClientApi::kAnthropicMessages) decoded = dialect::DecodeAnthropicMessagesRequest(body);
  if (!decoded.ok()) return decoded.error();
  call.chat = std::move(decoded).value();
  return true;
}

core::Result<bool> PrepareUpstreamCall(const RuntimeTarget& target, ClientCall& call, std::string_view body,
                                       UpstreamCall& up) {
  const RuntimeProvider& provider = *target.provider;
  if (SameDialect(call.api, provider.wire)) {
    up.translated = false;
    if (call.api == ClientApi::kAnthropicMessages) {
      up.body = dialect::EncodeAnthropicUpstreamBody(body, *call.anthropic, target.upstream_model);
      up.out.target = kMessagesPath;
      up.owned_headers.emplace_back(
          "anthropic-version", call.anthropic_version.empty() ? kDefaultAnthropicVersion : call.anthropic_version);
      if (!call.anthropic_beta.empty()) up.owned_headers.emplace_back("anthropic-beta", call.anthropic_beta);
    } else {
      up.body = dialect::EncodeOpenAiUpstreamBody(body, *call.openai, target.upstream_model);
      up.out.target = call.api == ClientApi::kOpenAiChat ? kChatPath : kEmbeddingsPath;
    }
    if (call.stream) up.owned_headers.emplace_back("Accept", "text/event-stream");
    up.out.body = up.body;
    ViewHeaders(up, provider, true);
    return true;
  }
  if (call.api == ClientApi::kOpenAiEmbeddings) {
    return Error{ErrorCode::kInvalidRequest,
                 "The model '" + call.model + "' does not support embeddings.", 0, "model"};
  }
  auto ir_ok = EnsureChatIr(call, body);
  if (!ir_ok.ok()) return ir_ok.error();
  provider::Target t;
  t.model = target.upstream_model;
  t.api_key = provider.config->api_key.value;
  t.now = std::chrono::system_clock::now();
  auto built = provider.adapter->BuildRequest(*call.chat, t);
  if (!built.ok()) return built.error();
  provider::UpstreamRequest adapted = std::move(built).value();
  up.translated = true;
  up.body = std::move(adapted.body);
  up.path = std::move(adapted.path);
  up.out.target = up.path;
  up.out.body = up.body;
  up.owned_headers.reserve(adapted.headers.size());
  for (auto& h : adapted.headers) up.owned_headers.emplace_back(std::move(h.name), std::move(h.value));
  ViewHeaders(up, provider, false);
  return true;
}

bool IsStreamBody(const RuntimeProvider& provider, std::string_view content_type) {
  if (provider.adapter && provider.adapter->Framing() == provider::StreamFraming::kAwsEventStream)
    return content_type.starts_with("application/vnd.amazon.eventstream");
  return content_type.starts_with("text/event-stream");
}

core::Result<std::string> EncodeTranslatedResponse(const ClientCall& call, const RuntimeProvider& provider,
                                                   std::string_view body, int64_t created,
                                                   dialect::TokenUsage& usage) {
  auto response = provider.adapter->DecodeResponse(body);
  if (!response.ok()) return response.error();
  const ir::Usage& u = response->usage;
  usage = dialect::TokenUsage{u.input, u.output, u.cache_read, u.reasoning, u.present};
  return EncodeClientResponse(call.api, *call.chat, *response, created);
}

}  // namespace sluice::server
