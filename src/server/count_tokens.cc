// count_tokens: the local answer, or the provider's count when the route refuses estimates. Which one is
// decided per route (RoutePolicy::allow_token_estimate, resolved from the route's `allow_token_estimate`
// over tokenizer.allow_estimate); models with an exact public tokenizer are always counted locally. The
// tokenizer is the one of the route's first target's upstream model (the client's name for "*" targets
// and names no route serves).
// The provider that counts is the route's first target's:
//  - Anthropic: the body goes to its /v1/messages/count_tokens as is, with the model name replaced (a "*"
//    pass-through target keeps the client's name).
//  - Gemini / Vertex: the body is decoded as a Messages request (a count body has no max_tokens, so one is
//    added before decoding: it only feeds generationConfig, which a count does not send), encoded by the
//    GeminiAdapter, and sent to `…/models/{m}:countTokens`. The Developer API takes the documented
//    {"generateContentRequest":{"model":"models/{m}",contents,systemInstruction,tools,toolConfig}} (the
//    flat {"contents"} form cannot carry the system prompt or tools); Vertex takes the flat
//    {contents,systemInstruction,tools} its countTokens documents. totalTokens → {"input_tokens":N}.
//  - anything else: a 400 in Anthropic's shape naming the route.
// Thread rule: runs on the worker that owns the connection.
#include "server/count_tokens.h"

#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "dialect/anthropic_messages.h"
#include "dialect/json_members.h"
#include "provider/gemini.h"
#include "tokenizer/count_api.h"

namespace sluice::server {
namespace {

namespace json = boost::json;
using core::Error;
using core::ErrorCode;

constexpr uint64_t kMaxCountReply = 64 * 1024;
// The max_tokens given to a count body so the Messages decoder accepts it: above any thinking budget, and
// never sent (the count request carries no generationConfig).
constexpr std::string_view kCountMaxTokens = "4294967295";
constexpr std::string_view kProviderCountHeader = "x-sluice-token-count: provider\r\n";

Awaitable<bool> SendAnthropicError(WorkerContext& worker, ClientIo& io, const Error& error, bool keep_alive) {
  worker.metrics->RecordLocalReply(error.code);
  std::string body = core::AnthropicErrorBody(error);
  co_return co_await SendResponse(io, static_cast<unsigned>(error.Status()), "application/json", body, keep_alive);
}

// Who counts a model: its route's first target (provider and the model name that provider knows).
struct Counter {
  const RuntimeModel* model = nullptr;  // null: no configured route serves the name
  const RuntimeProvider* provider = nullptr;
  std::string upstream_model;
  bool allow_estimate = true;
};

// The route serving `requested` decides; a name no route serves follows tokenizer.allow_estimate.
Counter CounterFor(const Runtime& rt, std::string_view requested) {
  Counter c;
  c.allow_estimate = rt.config->tokenizer.allow_estimate;
  c.model = rt.FindModel(requested);
  if (!c.model) return c;
  if (c.model->policy) c.allow_estimate = c.model->policy->allow_token_estimate;
  if (c.model->route && !c.model->route->targets.empty() && !c.model->target_providers.empty()) {
    c.provider = c.model->target_providers[0];
    c.upstream_model = router::UpstreamModel(c.model->route->targets[0], requested);
  } else {
    c.provider = c.model->provider;
    c.upstream_model = c.model->upstream_model == config::kPassThroughModel ? std::string(requested)
                                                                            : c.model->upstream_model;
  }
  return c;
}

upstream::Deadlines DeadlinesOf(const RuntimeProvider& provider) {
  upstream::Deadlines deadlines;
  deadlines.connect = provider.timeouts.connect;
  deadlines.first_byte = provider.timeouts.first_byte;
  deadlines.idle = provider.timeouts.idle;
  deadlines.total = upstream::Clock::now() + provider.timeouts.total;
  return deadlines;
}

// Sends `out` to the provider and reads the whole answer. Transport failures are counted and become the
// error; an HTTP error status is returned as a reply for the caller to render.
struct CountReply {
  unsigned status = 0;
  std::string body;
};
Awaitable<core::Result<CountReply>> RoundTrip(WorkerContext& worker, const RuntimeProvider& provider,
                                                  const upstream::OutgoingRequest& out) {
  upstream::Deadlines deadlines = DeadlinesOf(provider);
  upstream::Exchange ex(worker.pool, provider.origin, provider.config->tls_verify);
  auto sent = co_await ex.Send(out, deadlines);
  if (!sent.ok()) {
    provider.Metrics(worker.index).RecordUpstreamError(provider.metric_id, sent.error().code);
    co_return sent.error();
  }
  auto reply = co_await ex.ReadAll(kMaxCountReply, deadlines.total);
  if (!reply.ok()) {
    provider.Metrics(worker.index).RecordUpstreamError(provider.metric_id, reply.error().code);
    co_return reply.error();
  }
  CountReply r{ex.Status(), std::move(reply.value())};
  if (r.status >= 300)
    provider.Metrics(worker.index).RecordUpstreamError(provider.metric_id, ErrorCode::kUpstreamError, r.status);
  co_return r;
}

// Anthropic's count, in Anthropic's dialect on both sides: only the model name changes.
Awaitable<bool> ForwardToAnthropic(WorkerContext& worker, ClientIo& io, const Request& request,
                                   const Counter& counter, const dialect::JsonMember& model_member,
                                   bool keep_alive) {
  const RuntimeProvider& provider = *counter.provider;
  std::string quoted;
  dialect::AppendJsonString(quoted, counter.upstream_model);
  std::string upstream_body = dialect::ApplyEdits(
      request.body(), {dialect::JsonEdit{model_member.value_begin, model_member.value_end, quoted}});
  upstream::OutgoingRequest out;
  out.target = "/v1/messages/count_tokens";
  out.body = upstream_body;
  out.headers.emplace_back("Content-Type", "application/json");
  out.headers.emplace_back("x-api-key", provider.config->api_key.value);
  out.headers.emplace_back("anthropic-version", "2023-06-01");
  // Counting tools or documents of a beta feature needs the same beta flag as the message itself.
  std::string_view beta = request["anthropic-beta"];
  if (!beta.empty()) out.headers.emplace_back("anthropic-beta", beta);
  for (const auto& [k, v] : provider.extra_headers) out.headers.emplace_back(k, v);
  auto reply = co_await RoundTrip(worker, provider, out);
  if (!reply.ok()) co_return co_await SendAnthropicError(worker, io, reply.error(), keep_alive);
  co_return co_await SendResponse(io, reply->status, "application/json", reply->body, keep_alive,
                                  kProviderCountHeader);
}

// The count body as a Messages request the decoder accepts (see the file comment about max_tokens).
std::string WithMaxTokens(std::string_view body, const std::vector<dialect::JsonMember>& members) {
  for (const auto& m : members)
    if (dialect::KeyEquals(m, "max_tokens")) return std::string(body);
  size_t open = body.find('{');  // the body is a validated object with at least its model member
  std::string text = "\"max_tokens\":" + std::string(kCountMaxTokens) + ",";
  return dialect::ApplyEdits(body, {dialect::JsonEdit{open + 1, open + 1, std::move(text)}});
}

// generateContent body → countTokens body. `path` is the countTokens path, whose model segment names the
// model as Google wants it in generateContentRequest.model.
core::Result<std::string> GeminiCountBody(std::string_view generate_body, std::string_view path, bool vertex) {
  boost::system::error_code ec;
  json::value parsed = json::parse(generate_body, ec);
  if (ec || !parsed.is_object())
    return Error{ErrorCode::kInternal, "The Gemini request could not be built.", 0, {}};
  const json::object& generate = parsed.get_object();
  json::object inner;
  // generationConfig and safetySettings do not change the prompt's count; the max_tokens added for the
  // decoder must not reach Google.
  std::vector<std::string_view> keys = {"contents", "systemInstruction", "tools", "toolConfig", "cachedContent"};
  if (vertex) keys = {"contents", "systemInstruction", "tools"};  // Vertex countTokens has no toolConfig
  for (std::string_view key : keys)
    if (const json::value* v = generate.if_contains(key)) inner[key] = *v;
  if (vertex) return json::serialize(inner);
  size_t models = path.rfind("/models/");
  size_t colon = path.rfind(':');
  if (models == std::string_view::npos || colon == std::string_view::npos || colon < models)
    return Error{ErrorCode::kInternal, "The Gemini count path could not be built.", 0, {}};
  inner["model"] = std::string(path.substr(models + 1, colon - models - 1));  // "models/{m}"
  json::object outer;
  outer["generateContentRequest"] = std::move(inner);
  return json::serialize(outer);
}

// Gemini's countTokens answer → Anthropic's {"input_tokens":N}.
core::Result<std::string> AnthropicCountFromGemini(std::string_view body) {
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  const json::object* o = ec ? nullptr : parsed.if_object();
  const json::value* total = o ? o->if_contains("totalTokens") : nullptr;
  // proto3 JSON omits zero values: an object without totalTokens counts 0 tokens.
  if (o && !total) return std::string("{\"input_tokens\":0}");
  if (total && total->is_int64() && total->get_int64() >= 0)
    return "{\"input_tokens\":" + std::to_string(total->get_int64()) + "}";
  if (total && total->is_uint64()) return "{\"input_tokens\":" + std::to_string(total->get_uint64()) + "}";
  // int64 values may also arrive as JSON strings in proto3 JSON.
  if (total && total->is_string()) {
    std::string_view s = total->get_string();
    if (!s.empty() && s.size() <= 19 && s.find_first_not_of("0123456789") == std::string_view::npos)
      return "{\"input_tokens\":" + std::string(s) + "}";
  }
  return Error{ErrorCode::kUpstreamError, "The Gemini upstream answered countTokens without a token count.", 502,
               {}};
}

Awaitable<bool> ForwardToGemini(WorkerContext& worker, ClientIo& io, std::string_view body,
                                const std::vector<dialect::JsonMember>& members, const Counter& counter,
                                bool keep_alive) {
  const RuntimeProvider& provider = *counter.provider;
  const auto* gemini = dynamic_cast<const provider::GeminiAdapter*>(provider.adapter);
  if (!gemini) {
    Error error{ErrorCode::kInternal, "The Gemini provider has no Gemini adapter.", 0, {}};
    co_return co_await SendAnthropicError(worker, io, error, keep_alive);
  }
  auto decoded = dialect::DecodeAnthropicMessagesRequest(WithMaxTokens(body, members));
  if (!decoded.ok()) co_return co_await SendAnthropicError(worker, io, decoded.error(), keep_alive);
  decoded->stream = false;
  decoded->include_usage = false;
  provider::Target target;
  target.model = counter.upstream_model;
  target.api_key = provider.config->api_key.value;
  target.path_prefix = provider.origin.path_prefix;
  target.now = std::chrono::system_clock::now();
  // BuildRequest gives the encoded body and the adapter's auth headers; only the method differs.
  auto built = gemini->BuildRequest(*decoded, target);
  if (!built.ok()) co_return co_await SendAnthropicError(worker, io, built.error(), keep_alive);
  auto path = gemini->MethodPath(counter.upstream_model, "countTokens", {});  // the transport adds the prefix
  if (!path.ok()) co_return co_await SendAnthropicError(worker, io, path.error(), keep_alive);
  auto count_body = GeminiCountBody(built->body, *path, gemini->options().vertex);
  if (!count_body.ok()) co_return co_await SendAnthropicError(worker, io, count_body.error(), keep_alive);

  upstream::OutgoingRequest out;
  out.target = *path;
  out.body = *count_body;
  for (const auto& h : built->headers) out.headers.emplace_back(h.name, h.value);
  for (const auto& [k, v] : provider.extra_headers) out.headers.emplace_back(k, v);
  auto reply = co_await RoundTrip(worker, provider, out);
  if (!reply.ok()) co_return co_await SendAnthropicError(worker, io, reply.error(), keep_alive);
  if (reply->status >= 300) {
    Error error = gemini->DecodeError(static_cast<int>(reply->status), reply->body);
    co_return co_await SendAnthropicError(worker, io, error, keep_alive);
  }
  auto answer = AnthropicCountFromGemini(reply->body);
  if (!answer.ok()) {
    provider.Metrics(worker.index).RecordUpstreamError(provider.metric_id, answer.error().code);
    co_return co_await SendAnthropicError(worker, io, answer.error(), keep_alive);
  }
  co_return co_await SendResponse(io, 200, "application/json", *answer, keep_alive, kProviderCountHeader);
}

// Why no provider count is possible, in words a client's operator can act on.
Error NoProviderCount(const Counter& counter, std::string_view requested) {
  std::string message;
  if (!counter.model || !counter.provider) {
    message = "Exact token counting is not available for model '" + std::string(requested) +
              "': it has no public tokenizer, no configured route serves it, and tokenizer.allow_estimate is false.";
  } else {
    message = "Exact token counting is not available for model '" + std::string(requested) + "': it has no public " +
              "tokenizer, route '" + counter.model->name + "' refuses estimates (allow_token_estimate), and its " +
              "first target's provider (type " + counter.provider->config->type_name +
              ") has no token count endpoint Sluice can call (anthropic, gemini and vertex do).";
  }
  return Error{ErrorCode::kInvalidRequest, std::move(message), 0, {}};
}

}  // namespace

Awaitable<bool> CountTokensEndpoint(WorkerContext& worker, const Runtime& rt, ClientIo& io, Request& request,
                                    bool keep_alive) {
  // The route serving the requested name decides who counts, and its first target's upstream model is the
  // one whose tokenizer counts: an alias of gpt-4o is exact, an alias of a Claude model is not.
  std::vector<dialect::JsonMember> members;
  const dialect::JsonMember* model_member = nullptr;
  std::string requested;
  if (dialect::ScanTopLevelMembers(request.body(), members)) {
    for (const auto& m : members) {
      if (!dialect::KeyEquals(m, "model")) continue;
      if (dialect::DecodeJsonString(request.body().substr(m.value_begin, m.value_end - m.value_begin), requested))
        model_member = &m;
      break;
    }
  }
  const Counter counter = model_member ? CounterFor(rt, requested) : Counter{};
  // Estimates are refused at first: an exact model is answered at once, any other comes back as kForward
  // (with the body validated), and its route then decides. A body without a string model is refused here.
  tokenizer::CountTokensOptions options;
  options.allow_estimate = false;
  if (counter.provider && !counter.upstream_model.empty()) options.tokenizer_model = counter.upstream_model;
  auto reply = tokenizer::AnswerAnthropicCountTokens(request.body(), rt.token_models, options);
  if (!reply.ok()) co_return co_await SendAnthropicError(worker, io, reply.error(), keep_alive);
  if (reply->kind == tokenizer::CountTokensReply::Kind::kForward) {
    if (!model_member) {  // cannot happen after kForward (it needs a string model); answer rather than assume
      Error error{ErrorCode::kInvalidRequest, "model: Input should be a valid string", 0, "model"};
      co_return co_await SendAnthropicError(worker, io, error, keep_alive);
    }
    if (counter.allow_estimate) {
      options.allow_estimate = true;
      reply = tokenizer::AnswerAnthropicCountTokens(request.body(), rt.token_models, options);
      if (!reply.ok()) co_return co_await SendAnthropicError(worker, io, reply.error(), keep_alive);
    } else {
      const config::ProviderType type =
          counter.provider ? counter.provider->config->type : config::ProviderType::kOpenAi;
      if (counter.provider && type == config::ProviderType::kAnthropic)
        co_return co_await ForwardToAnthropic(worker, io, request, counter, *model_member, keep_alive);
      if (counter.provider && (type == config::ProviderType::kGemini || type == config::ProviderType::kVertex))
        co_return co_await ForwardToGemini(worker, io, request.body(), members, counter, keep_alive);
      co_return co_await SendAnthropicError(worker, io, NoProviderCount(counter, requested), keep_alive);
    }
  }
  std::string_view kind = reply->count.exact ? "x-sluice-token-count: exact\r\n" : "x-sluice-token-count: estimate\r\n";
  co_return co_await SendResponse(io, 200, "application/json", reply->body, keep_alive, kind);
}

}  // namespace sluice::server
