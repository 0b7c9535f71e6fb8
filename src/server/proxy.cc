// See proxy.h. Note: GCC 12 miscompiles temporaries with destructors inside co_await expressions, so every
// string and error is a named variable before it is awaited on.
#include "server/proxy.h"

#include <optional>

#include "dialect/anthropic_passthrough.h"
#include "dialect/openai_response.h"
#include "server/completion.h"
#include "server/disconnect_watch.h"
#include "router/retry_policy.h"
#include "server/param_policy.h"
#include "server/proxy_call.h"
#include "server/route_request.h"
#include "server/response_headers.h"
#include "server/stream_forward.h"
#include "server/stream_transform.h"

namespace sluice::server {
namespace {

using core::Error;
using core::ErrorCode;
using upstream::Clock;

constexpr uint64_t kMaxErrorBody = 1 << 20;

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void RecordSuccess(telemetry::RouterShard* router_metrics, const RuntimeModel& model, uint32_t slot,
                   Clock::duration first_byte, uint32_t attempts) {
  router_metrics->RecordAttempt(slot, telemetry::kOutcomeSuccess);
  router_metrics->RecordFirstByte(
      slot, static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(first_byte).count()));
  if (attempts > 1) router_metrics->RecordFallbackServed(model.id);
}

// Retry-After from an upstream error answer: OpenAI/Azure retry-after-ms first, then the standard header.
std::optional<router::Nanos> RetryAfterOf(const upstream::Exchange& ex) {
  if (auto ms = ex.Header("retry-after-ms"); !ms.empty()) {
    if (auto v = router::ParseRetryAfterMs(ms)) return v;
  }
  if (auto s = ex.Header("retry-after"); !s.empty()) return router::ParseRetryAfter(s, std::chrono::system_clock::now());
  return std::nullopt;
}

Awaitable<bool> SendClientError(WorkerContext& worker, ClientIo& io, ClientApi api, const Error& error,
                                RequestRecord& rec, bool keep_alive) {
  rec.status = error.Status();
  if (rec.error_code.empty()) rec.error_code = error.Code();
  worker.metrics->RecordLocalReply(error.code);
  std::string body = ClientErrorBody(api, error);
  co_return co_await SendResponse(io, static_cast<unsigned>(error.Status()), "application/json", body, keep_alive);
}

// The client-dialect body and status for an upstream error answer.
std::string UpstreamErrorBody(ClientApi api, const RuntimeProvider& provider, bool translated, int status,
                              std::string_view body, int& client_status) {
  client_status = status;
  if (!translated) {
    if (api == ClientApi::kAnthropicMessages) return dialect::NormalizeAnthropicUpstreamError(status, body);
    // OpenAI-compatible servers' own shapes (TGI 422/424, vLLM flat errors, OpenRouter codes) → OpenAI's,
    // with the status an OpenAI client expects.
    dialect::NormalizedError normalized = dialect::NormalizeUpstreamErrorWithStatus(status, body);
    client_status = normalized.status;
    return std::move(normalized.body);
  }
  // The provider's error in the client's dialect, with a status the client understands (529 → 503).
  Error translated_error = provider.adapter->DecodeError(status, body);
  client_status = translated_error.Status();
  return ClientErrorBody(api, translated_error);
}

// The upstream request for one target: the route's parameter policy for it applied (on the IR, or as edits
// of the spliced body) and, where the route allows it, parameters the target cannot honour dropped. The
// client's request stays intact for the other targets.
core::Result<bool> PrepareAttempt(const RuntimeTarget& target, ClientApi api, const router::RoutePolicy& policy,
                                  size_t index, const Request& request, ClientCall& call,
                                  std::optional<ClientParams>& client_params, UpstreamCall& up) {
  const config::ParamPolicy& params = policy.target_params[index];
  const bool policed = !params.empty();
  const bool same_dialect = SameDialect(api, target.provider->wire);
  if (policed && !same_dialect && EnsureChatIr(call, request.body()).ok()) {
    if (!client_params) client_params = ClientParams::Of(*call.chat);
    ApplyParamPolicy(params, *client_params, *call.chat);
  } else if (client_params && call.chat) {  // an earlier target's policy must not leak into this attempt
    call.chat->temperature = client_params->temperature;
    call.chat->top_p = client_params->top_p;
    call.chat->max_tokens = client_params->max_tokens;
  }
  auto prepared = PrepareUpstreamCall(target, call, request.body(), up);
  if (!prepared.ok() && policy.drop_unsupported_params && call.chat &&
      prepared.error().code == ErrorCode::kInvalidRequest) {
    // The route prefers an answer without the parameter this target cannot honour over a 400.
    ir::ChatRequest client_request = *call.chat;
    for (int dropped = 0; dropped < 8 && !prepared.ok(); ++dropped) {
      if (!DropUnsupportedParam(prepared.error().param, *call.chat)) break;
      up = UpstreamCall{};
      prepared = PrepareUpstreamCall(target, call, request.body(), up);
    }
    *call.chat = std::move(client_request);
  }
  if (prepared.ok() && policed && !up.translated) {
    ApplyParamPolicyToBody(params, api, up.body);
    up.out.body = up.body;
  }
  return prepared;
}

// A unary (non-streamed) 2xx answer in the client's dialect: translated, or spliced with its usage read.
Awaitable<bool> AnswerUnary(WorkerContext& worker, ClientIo& io, ClientApi api, const upstream::Exchange& ex,
                            const ClientCall& call, const RuntimeProvider& provider, bool translated,
                            unsigned status, std::string_view content_type, std::string& body,
                            RequestRecord& rec, bool keep_alive) {
  std::string extra;
  AppendForwardedHeaders(extra, ex, rec);
  rec.status = static_cast<int>(status);
  if (translated) {
    auto encoded_body = EncodeTranslatedResponse(call, provider, body, UnixNow(), rec.usage);
    if (!encoded_body.ok())
      co_return co_await SendClientError(worker, io, api, encoded_body.error(), rec, keep_alive);
    std::string encoded = std::move(encoded_body).value();
    Timed t{rec.client_wait};
    co_return co_await SendResponse(io, status, "application/json", encoded, keep_alive, extra);
  }
  if (api == ClientApi::kAnthropicMessages) {
    dialect::ExtractAnthropicUsage(body, rec.usage);
  } else {
    dialect::ExtractUsage(body, rec.usage);
    FinishSplicedBody(call, body);  // tool-call ids a preset rewrote (Mistral) back to the client's
  }
  Timed t{rec.client_wait};
  co_return co_await SendResponse(io, status, content_type.empty() ? "application/json" : content_type, body,
                                  keep_alive, extra);
}

// The answer when every attempt failed or none could be made: the last failure (its body in the client's
// dialect, the upstream's forwarded headers when it answered), or "no target available".
void GiveUpReply(ClientApi api, const ClientCall& call, const upstream::Exchange* answered, EarlyFailure& last,
                 RequestRecord& rec) {
  if (!last.set) {  // no attempt was made: every target ejected, throttled, or the budget is spent
    last.error = Error{ErrorCode::kNoTargetAvailable,
                       "No upstream for the model '" + call.model + "' is available right now (" +
                           std::string(rec.give_up) + "); retry later.",
                       0, {}};
    last.status = last.error.Status();
  }
  rec.status = last.status;
  if (rec.error_code.empty()) rec.error_code = last.error.Code();
  if (last.body.empty()) last.body = ClientErrorBody(api, last.error);
  if (answered) AppendForwardedHeaders(last.extra_headers, *answered, rec);
}

// The model serving the call, if the client may use it with this body (errors in the client's terms), and
// the request described for routing.
core::Result<const RuntimeModel*> AdmitCall(const Runtime& rt, const Request& request, ClientCall& call,
                                            RouteRequest& described) {
  const RuntimeModel* model = rt.FindModel(call.model);
  if (!model) {
    return Error{ErrorCode::kModelNotFound,
                 "The model '" + call.model + "' does not exist or you do not have access to it.", 0, "model"};
  }
  const uint64_t body_limit = model->max_body_bytes;
  if (body_limit && request.body().size() > body_limit) {
    return Error{ErrorCode::kBodyTooLarge,
                 "Request body exceeds this model's limit of " + std::to_string(body_limit) + " bytes.", 0, {}};
  }
  DescribeRequest(*rt.routing, *model->route, *model->policy, request, call, described);
  const router::RoutePolicy& policy = *model->policy;
  if (!policy.allow.empty() && !policy.allow.Allows(described.consumer, described.team))
    return Error{ErrorCode::kPermissionDenied, "You are not allowed to use the model '" + call.model + "'.", 0, "model"};
  return model;
}

}  // namespace

Awaitable<bool> ProxyCall(WorkerContext& worker, const Runtime& rt, ClientIo& io, Request& request,
                          ClientApi api, bool keep_alive) {
  RequestRecord rec;
  rec.start = Clock::now();
  rec.endpoint = EndpointLabel(api);
  CompletionScope scope(worker, rt.metrics->Shard(worker.index), io, rec);

  // The coroutine frame keeps every local of this body for the whole request (a stream's too), so work
  // with bulky temporaries lives in plain functions below and the call is decoded in place.
  auto decoded = DecodeClientCall(api, request.body());
  if (!decoded.ok()) co_return co_await SendClientError(worker, io, api, decoded.error(), rec, keep_alive);
  ClientCall& call = decoded.value();
  if (api == ClientApi::kAnthropicMessages) {
    call.anthropic_version = request["anthropic-version"];
    call.anthropic_beta = request["anthropic-beta"];
  }
  rec.stream = call.stream;
  RouteRequest described;
  auto admitted = AdmitCall(rt, request, call, described);
  if (!admitted.ok()) co_return co_await SendClientError(worker, io, api, admitted.error(), rec, keep_alive);
  const RuntimeModel* model = admitted.value();
  rec.model = model;
  const router::Route& route = *model->route;
  const router::RoutePolicy& policy = *model->policy;

  // This request's routing states, held for its whole life (a config reload swaps the worker's). They are
  // indexed by the request's snapshot's slots: if a reload came while the request was being read, the worker's
  // states belong to the next snapshot, and this request routes on fresh ones of its own rather than index
  // those.
  std::shared_ptr<router::TargetStates> states = worker.runtime_ptr.get() == &rt
                                                     ? worker.target_states
                                                     : std::make_shared<router::TargetStates>(
                                                           rt.routing->table.target_slots());
  telemetry::RouterShard* router_metrics = &rt.router_metrics->Shard(worker.index);  // this snapshot's slots
  if (route.strategy == router::Strategy::kLeastBusy) {
    // Self-hosted servers' own queues (scraped /metrics) join the gateway's in-flight counts; an unusable
    // reading (failed, stale) adds nothing.
    const Clock::time_point now = Clock::now();
    for (size_t i = 0; i < route.targets.size(); ++i) {
      std::optional<double> score = rt.load_board->Score(model->target_providers[i]->id, now);
      (*states)[route.targets[i].slot].SetExternalLoad(score.value_or(0));
    }
  }
  // Clock reads are a visible share of a request's CPU: one serves all of the routing decision, one each
  // attempt's start, and one each upstream phase's end.
  const Clock::time_point routed_at = Clock::now();
  router::Candidates order;
  router::Order(route, *states, described.traits, routed_at, worker.rng, order);
  worker.retry_budget.OnRequest(routed_at);
  router::AttemptPlanner plan(policy.retry, order.size, routed_at);

  DisconnectWatch watch(worker.ioc, io);
  std::optional<upstream::Exchange> ex;
  std::optional<net::steady_timer> backoff_timer;
  bool have_head = false;  // the current exchange got a response head (its headers can be forwarded)
  EarlyFailure last;       // the latest attempt's failure, answered when the planner gives up
  std::optional<ClientParams> client_params;  // the IR's policed values as sent, once a policy rewrote them
  router::AttemptPlanner::Step step = plan.First(routed_at);
  for (bool first_step = true; step.attempt; first_step = false) {
    const size_t index = order[step.candidate];
    const router::TargetSpec& spec = route.targets[index];
    router::TargetState& state = (*states)[spec.slot];
    Clock::time_point attempt_start = first_step ? routed_at : Clock::now();
    if (!state.breaker.TryAcquire(route.breaker, attempt_start)) {  // a half-open probe is already out
      step = plan.Skip(attempt_start);
      continue;
    }
    if (step.not_before > attempt_start) {  // backoff or Retry-After before repeating a target
      if (!backoff_timer) backoff_timer.emplace(worker.ioc);
      backoff_timer->expires_at(step.not_before);
      co_await backoff_timer->async_wait(kUseTuple);
      attempt_start = Clock::now();
      if (watch.client_gone()) {
        state.breaker.OnCancel(route.breaker, attempt_start);
        break;
      }
    }
    const RuntimeProvider& provider = *model->target_providers[index];
    const std::string_view upstream_model = router::UpstreamModel(spec, call.model);
    RuntimeTarget target{&provider, std::string(upstream_model)};
    router::OnAttemptStart(state, attempt_start);
    router_metrics->AttemptStarted(spec.slot);
    rec.provider = &provider;
    rec.upstream_model = upstream_model;
    if (upstream_model.data() == call.model.data()) {  // the client's own name (wildcard route): copied
      rec.passthrough_model.assign(upstream_model);
      rec.upstream_model = rec.passthrough_model;
    }
    rec.attempts = plan.attempts();
    rec.error_code = {};
    last = EarlyFailure{};

    // Every failure of this attempt ends here: the target's state learns from it and the planner says
    // what comes next.
    auto fail = [&](router::FailureKind kind, std::optional<router::Nanos> retry_after) {
      router::OnAttemptFailure(state, route.breaker, kind, retry_after, Clock::now());
      router_metrics->AttemptEnded(spec.slot);
      router_metrics->RecordAttempt(spec.slot, 1 + static_cast<size_t>(kind));
      router_metrics->RecordEjections(spec.slot, state.breaker.ejections());
      step = plan.AfterFailure(kind, retry_after, Clock::now(), worker.retry_budget, worker.rng);
    };

    UpstreamCall up;
    auto prepared = PrepareAttempt(target, api, policy, index, request, call, client_params, up);
    if (!prepared.ok()) {
      // This target cannot take the request as asked (a parameter its provider cannot honour); another may.
      last.Set(prepared.error());
      if (state.in_flight > 0) --state.in_flight;
      state.breaker.OnCancel(route.breaker, Clock::now());
      router_metrics->AttemptEnded(spec.slot);
      router_metrics->RecordAttempt(spec.slot, telemetry::kOutcomeSkipped);
      step = plan.Skip(Clock::now());
      continue;
    }
    upstream::Deadlines deadlines;
    deadlines.connect = provider.timeouts.connect;
    deadlines.first_byte = provider.timeouts.first_byte;
    deadlines.idle = provider.timeouts.idle;
    deadlines.total = attempt_start + provider.timeouts.total;
    if (step.timeout.count() > 0) {
      // The attempt's budget bounds a whole non-streamed answer, but only the wait for the head of a stream:
      // once events flow, the stream deadlines (streaming.idle_timeout / total_timeout) govern it.
      auto budget = std::chrono::duration_cast<std::chrono::milliseconds>(step.timeout);
      if (call.stream) {
        deadlines.first_byte = std::min(deadlines.first_byte, budget);
        deadlines.connect = std::min(deadlines.connect, budget);
      } else {
        deadlines.total = std::min(deadlines.total, attempt_start + std::chrono::duration_cast<Clock::duration>(step.timeout));
      }
    }

    watch.Bind(nullptr);
    have_head = false;
    ex.reset();
    ex.emplace(worker.pool, provider.origin, provider.config->tls_verify);
    watch.Bind(&*ex);
    const Clock::time_point send_at = Clock::now();
    core::Result<bool> sent = co_await ex->Send(up.out, deadlines);
    const Clock::time_point head_at = Clock::now();
    rec.upstream_wait += head_at - send_at;
    if (watch.client_gone()) {
      fail(router::FailureKind::kCancelled, std::nullopt);
      break;
    }
    rec.upstream_reused = ex->reused_connection();
    if (!sent.ok()) {
      provider.Metrics(worker.index).RecordUpstreamError(provider.metric_id, sent.error().code);
      last.Set(sent.error());
      fail(router::ClassifyError(sent.error(), false), std::nullopt);
      continue;
    }
    provider.Metrics(worker.index).RecordUpstreamConnection(provider.metric_id, rec.upstream_reused);
    have_head = true;
    unsigned status = ex->Status();
    std::string_view content_type = ex->Header(http::field::content_type);
    if (status >= 200 && status < 300 && call.stream && IsStreamBody(provider, content_type)) {
      std::unique_ptr<StreamTransform> transform = NewStreamTransform(call, provider, up.translated, UnixNow());
      // The request went out: its bytes and the routing scratch need not stay resident for the whole stream.
      // (Swapped with empty strings: assigning one keeps the old capacity.)
      up.out = {};
      std::string().swap(up.body);
      std::string().swap(up.path);
      up.owned_headers = {};
      described.attributes = {};
      described.owned.clear();
      bool reuse =
          co_await ForwardStream(worker, io, *ex, watch, api, *transform, rec, keep_alive, last, request, call);
      if (rec.client_gone) {
        fail(router::FailureKind::kCancelled, std::nullopt);
        break;
      }
      if (last.set) {  // failed before the client saw a byte: another target may still serve it
        fail(router::ClassifyError(last.error, false), std::nullopt);
        continue;
      }
      const Clock::time_point end = Clock::now();
      router_metrics->AttemptEnded(spec.slot);
      if (!rec.error_code.empty()) {
        Error broke{ErrorCode::kUpstreamProtocolError, "stream broke", 0, {}};
        router::FailureKind kind = router::ClassifyError(broke, true);
        router::OnAttemptFailure(state, route.breaker, kind, std::nullopt, end);
        router_metrics->RecordAttempt(spec.slot, 1 + static_cast<size_t>(kind));
        router_metrics->RecordEjections(spec.slot, state.breaker.ejections());
      } else {
        const Clock::time_point first = rec.ttft ? rec.start + *rec.ttft : head_at;
        double gen_s = std::chrono::duration<double>(end - first).count();
        double rate = gen_s > 0 && rec.usage.output > 0 ? static_cast<double>(rec.usage.output) / gen_s : 0;
        router::OnAttemptSuccess(state, route.breaker, route.params, end, first - attempt_start, rate);
        RecordSuccess(router_metrics, *model, spec.slot, first - attempt_start, plan.attempts());
      }
      if (!watch.Stop()) co_await watch.Ended();
      co_return reuse;
    }

    uint64_t limit = status >= 300 ? kMaxErrorBody : rt.config->upstream.max_response_bytes;
    core::Result<std::string> body = co_await ex->ReadAll(limit, std::min(head_at + provider.timeouts.idle, deadlines.total));
    const Clock::time_point body_at = Clock::now();
    rec.upstream_wait += body_at - head_at;
    if (watch.client_gone()) {
      fail(router::FailureKind::kCancelled, std::nullopt);
      break;
    }
    if (!body.ok()) {
      provider.Metrics(worker.index).RecordUpstreamError(provider.metric_id, body.error().code);
      last.Set(body.error());
      fail(router::ClassifyError(body.error(), false), std::nullopt);
      continue;
    }
    if (status >= 300) {
      provider.Metrics(worker.index)
          .RecordUpstreamError(provider.metric_id, ErrorCode::kUpstreamError, static_cast<int>(status));
      int client_status = 0;
      last.body =
          UpstreamErrorBody(api, provider, up.translated, static_cast<int>(status), body.value(), client_status);
      last.Set(Error{ErrorCode::kUpstreamError, "upstream error", client_status, {}});
      fail(router::ClassifyStatus(static_cast<int>(status)), RetryAfterOf(*ex));
      continue;
    }
    router::OnAttemptSuccess(state, route.breaker, route.params, body_at, head_at - attempt_start, 0);
    router_metrics->AttemptEnded(spec.slot);
    RecordSuccess(router_metrics, *model, spec.slot, head_at - attempt_start, plan.attempts());
    if (!watch.Stop()) co_await watch.Ended();
    co_return co_await AnswerUnary(worker, io, api, *ex, call, provider, up.translated, status, content_type,
                                   body.value(), rec, keep_alive);
  }

  if (!watch.Stop()) co_await watch.Ended();
  if (watch.client_gone() || rec.client_gone) {
    rec.client_gone = true;
    rec.status = 499;
    if (ex) ex->Cancel();
    co_return false;
  }
  rec.give_up = router::GiveUpReasonName(step.reason);
  router_metrics->RecordGiveUp(static_cast<size_t>(step.reason));
  GiveUpReply(api, call, have_head ? &*ex : nullptr, last, rec);
  co_return co_await SendResponse(io, static_cast<unsigned>(last.status), "application/json", last.body, keep_alive,
                                  last.extra_headers);
}

}  // namespace sluice::server
