#include "server/count_tokens.h"

#include <vector>

#include "dialect/json_members.h"
#include "tokenizer/count_api.h"

namespace sluice::server {
namespace {

using core::Error;
using core::ErrorCode;

constexpr uint64_t kMaxCountReply = 64 * 1024;

net::awaitable<bool> SendAnthropicError(WorkerContext& worker, ClientIo& io, const Error& error, bool keep_alive) {
  worker.metrics.RecordLocalReply(error.code);
  std::string body = core::AnthropicErrorBody(error);
  co_return co_await SendResponse(io, static_cast<unsigned>(error.Status()), "application/json", body, keep_alive);
}

// The configured model a count_tokens body names, when an Anthropic provider serves it.
const RuntimeModel* AnthropicModelOf(const Runtime& rt, std::string_view body, const dialect::JsonMember** model_member,
                                     std::vector<dialect::JsonMember>& members) {
  if (!dialect::ScanTopLevelMembers(body, members)) return nullptr;
  for (const auto& m : members) {
    if (!dialect::KeyEquals(m, "model")) continue;
    std::string name;
    if (!dialect::DecodeJsonString(body.substr(m.value_begin, m.value_end - m.value_begin), name)) return nullptr;
    const RuntimeModel* model = rt.FindModel(name);
    if (!model || model->provider->config->type != config::ProviderType::kAnthropic) return nullptr;
    *model_member = &m;
    return model;
  }
  return nullptr;
}

// The provider's count, in Anthropic's dialect on both sides: only the model name changes.
net::awaitable<bool> ForwardToProvider(WorkerContext& worker, ClientIo& io, std::string_view body,
                                       const RuntimeModel& model, const dialect::JsonMember& model_member,
                                       bool keep_alive) {
  const RuntimeProvider& provider = *model.provider;
  std::string quoted;
  dialect::AppendJsonString(quoted, model.upstream_model);
  std::string upstream_body =
      dialect::ApplyEdits(body, {dialect::JsonEdit{model_member.value_begin, model_member.value_end, quoted}});
  upstream::OutgoingRequest out;
  out.target = "/v1/messages/count_tokens";
  out.body = upstream_body;
  out.headers.emplace_back("Content-Type", "application/json");
  out.headers.emplace_back("x-api-key", provider.config->api_key.value);
  out.headers.emplace_back("anthropic-version", "2023-06-01");
  for (const auto& [k, v] : provider.extra_headers) out.headers.emplace_back(k, v);
  upstream::Deadlines deadlines;
  deadlines.connect = provider.timeouts.connect;
  deadlines.first_byte = provider.timeouts.first_byte;
  deadlines.idle = provider.timeouts.idle;
  deadlines.total = upstream::Clock::now() + provider.timeouts.total;
  upstream::Exchange ex(worker.pool, provider.origin, provider.config->tls_verify);
  auto sent = co_await ex.Send(out, deadlines);
  if (!sent.ok()) {
    worker.metrics.RecordUpstreamError(provider.metric_id, sent.error().code);
    co_return co_await SendAnthropicError(worker, io, sent.error(), keep_alive);
  }
  auto reply = co_await ex.ReadAll(kMaxCountReply, deadlines.total);
  if (!reply.ok()) {
    worker.metrics.RecordUpstreamError(provider.metric_id, reply.error().code);
    co_return co_await SendAnthropicError(worker, io, reply.error(), keep_alive);
  }
  unsigned status = ex.Status();
  if (status >= 300) worker.metrics.RecordUpstreamError(provider.metric_id, ErrorCode::kUpstreamError, status);
  co_return co_await SendResponse(io, status, "application/json", reply.value(), keep_alive,
                                  "x-sluice-token-count: provider\r\n");
}

}  // namespace

net::awaitable<bool> CountTokensEndpoint(WorkerContext& worker, const Runtime& rt, ClientIo& io, Request& request,
                                         bool keep_alive) {
  tokenizer::CountTokensOptions options;
  options.allow_estimate = rt.config->tokenizer.allow_estimate;
  auto reply = tokenizer::AnswerAnthropicCountTokens(request.body(), rt.token_models, options);
  if (!reply.ok()) co_return co_await SendAnthropicError(worker, io, reply.error(), keep_alive);
  if (reply->kind == tokenizer::CountTokensReply::Kind::kForward) {
    std::vector<dialect::JsonMember> members;
    const dialect::JsonMember* model_member = nullptr;
    if (const RuntimeModel* model = AnthropicModelOf(rt, request.body(), &model_member, members)) {
      co_return co_await ForwardToProvider(worker, io, request.body(), *model, *model_member, keep_alive);
    }
    Error error{ErrorCode::kInvalidRequest,
                "Exact token counting is not available for this model here: it has no public tokenizer, no "
                "Anthropic provider serves it, and tokenizer.allow_estimate is false."};
    co_return co_await SendAnthropicError(worker, io, error, keep_alive);
  }
  std::string_view kind = reply->count.exact ? "x-sluice-token-count: exact\r\n" : "x-sluice-token-count: estimate\r\n";
  co_return co_await SendResponse(io, 200, "application/json", reply->body, keep_alive, kind);
}

}  // namespace sluice::server
