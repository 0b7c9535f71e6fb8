// See proxy_call.h.
#include "server/proxy_call.h"

#include <chrono>

#include "dialect/anthropic_messages.h"
#include "dialect/openai_chat.h"
#include "dialect/openai_embeddings.h"
#include "dialect/openai_responses.h"
#include "provider/openai_endpoint.h"

namespace sluice::server {
namespace {

using core::Error;
using core::ErrorCode;

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


bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] + 32) : b[i];
    if (x != y) return false;
  }
  return true;
}

provider::Target TargetFor(const RuntimeTarget& target) {
  const RuntimeProvider& provider = *target.provider;
  provider::Target t;
  t.model = target.upstream_model;
  t.api_key = provider.config->api_key.value;
  // Adapters build the full wire path (a signing adapter must sign exactly what is sent); the transport
  // prepends the origin's prefix itself, so it is stripped again in TakeAdapted.
  t.path_prefix = provider.origin.path_prefix;
  t.now = std::chrono::system_clock::now();
  return t;
}

// Moves an adapter-built request into `up`. The transport writes Host from the origin, so the adapter's
// own `host` header (the value Bedrock signed) is not sent twice; it must equal the origin's.
core::Result<bool> TakeAdapted(const RuntimeProvider& provider, provider::UpstreamRequest adapted, UpstreamCall& up) {
  up.translated = true;
  up.body = std::move(adapted.body);
  up.path = std::move(adapted.path);
  const std::string& prefix = provider.origin.path_prefix;
  if (!prefix.empty() && up.path.starts_with(prefix)) up.path.erase(0, prefix.size());
  up.out.target = up.path;
  up.out.body = up.body;
  up.owned_headers.reserve(adapted.headers.size());
  for (auto& h : adapted.headers) {
    if (IEquals(h.name, "host")) {
      if (h.value != provider.origin.host_header)
        return Error{ErrorCode::kInternal, "The signed Host does not match the upstream's.", 0, {}};
      continue;
    }
    up.owned_headers.emplace_back(std::move(h.name), std::move(h.value));
  }
  ViewHeaders(up, provider, false);
  return true;
}

core::Result<bool> PrepareEmbeddings(const RuntimeTarget& target, ClientCall& call, std::string_view body,
                                     UpstreamCall& up) {
  if (!call.embeddings) {
    auto decoded = dialect::DecodeOpenAiEmbeddingsRequest(body);
    if (!decoded.ok()) return decoded.error();
    call.embeddings = std::move(decoded).value();
  }
  auto built = target.provider->adapter->BuildEmbeddingsRequest(*call.embeddings, TargetFor(target));
  if (!built.ok()) return built.error();
  return TakeAdapted(*target.provider, std::move(built).value(), up);
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
    case ClientApi::kOpenAiResponses: {
      // Always translated (the gateway keeps no response state), so the IR is the only form needed.
      auto decoded = dialect::DecodeOpenAiResponsesRequest(body);
      if (!decoded.ok()) return decoded.error();
      call.chat = std::move(decoded).value();
      call.model = call.chat->model;
      call.stream = call.chat->stream;
      return call;
    }
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
  call.tool_call_ids = {};
  if (SameDialect(call.api, provider.wire)) {
    up.translated = false;
    if (call.api == ClientApi::kAnthropicMessages) {
      up.body = dialect::EncodeAnthropicUpstreamBody(body, *call.anthropic, target.upstream_model);
      up.path = std::string(kMessagesPath);
      up.owned_headers.emplace_back(
          "anthropic-version", call.anthropic_version.empty() ? kDefaultAnthropicVersion : call.anthropic_version);
      if (!call.anthropic_beta.empty()) up.owned_headers.emplace_back("anthropic-beta", call.anthropic_beta);
    } else {
      up.body = dialect::EncodeOpenAiUpstreamBody(body, *call.openai, target.upstream_model, provider.splice_options,
                                                  &call.tool_call_ids);
      // OpenAI, compatible servers (base URLs ending in /v1 or /v4) and Azure (deployment paths) differ.
      up.path = provider::OpenAiUpstreamPath(provider.openai_endpoint,
                                             call.api == ClientApi::kOpenAiChat ? provider::OpenAiApi::kChatCompletions
                                                                                : provider::OpenAiApi::kEmbeddings,
                                             target.upstream_model);
    }
    up.out.target = up.path;
    if (call.stream) up.owned_headers.emplace_back("Accept", "text/event-stream");
    up.out.body = up.body;
    ViewHeaders(up, provider, true);
    return true;
  }
  if (call.api == ClientApi::kOpenAiEmbeddings) return PrepareEmbeddings(target, call, body, up);
  auto ir_ok = EnsureChatIr(call, body);
  if (!ir_ok.ok()) return ir_ok.error();
  auto built = provider.adapter->BuildRequest(*call.chat, TargetFor(target));
  if (!built.ok()) return built.error();
  if (provider.openai_adapter) call.tool_call_ids = provider.openai_adapter->ToolCallIdsFor(*call.chat);
  return TakeAdapted(provider, std::move(built).value(), up);
}

void FinishSplicedBody(const ClientCall& call, std::string& body) {
  if (call.tool_call_ids.empty()) return;
  std::string restored;
  if (dialect::RestoreToolCallIds(body, call.tool_call_ids, restored)) body = std::move(restored);
}

bool IsStreamBody(const RuntimeProvider& provider, std::string_view content_type) {
  if (provider.adapter && provider.adapter->Framing() == provider::StreamFraming::kAwsEventStream)
    return content_type.starts_with("application/vnd.amazon.eventstream");
  return content_type.starts_with("text/event-stream");
}

core::Result<std::string> EncodeTranslatedResponse(const ClientCall& call, const RuntimeProvider& provider,
                                                   std::string_view body, int64_t created,
                                                   dialect::TokenUsage& usage) {
  if (call.api == ClientApi::kOpenAiEmbeddings) {
    auto embeddings = provider.adapter->DecodeEmbeddingsResponse(body);
    if (!embeddings.ok()) return embeddings.error();
    const ir::Usage& u = embeddings->usage;
    usage = dialect::TokenUsage{u.input, 0, 0, 0, u.present};
    // The client asked for its own model name; a provider that names none gets it back.
    return dialect::EncodeOpenAiEmbeddingsResponse(*embeddings, call.embeddings->base64, call.model);
  }
  auto response = provider.openai_adapter && !call.tool_call_ids.empty()
                      ? provider.openai_adapter->DecodeResponse(body, call.tool_call_ids)
                      : provider.adapter->DecodeResponse(body);
  if (!response.ok()) return response.error();
  if (response->model.empty()) response->model = call.model;  // Bedrock names no model
  const ir::Usage& u = response->usage;
  usage = dialect::TokenUsage{u.input, u.output, u.cache_read, u.reasoning, u.present};
  return EncodeClientResponse(call.api, *call.chat, *response, created);
}

}  // namespace sluice::server
