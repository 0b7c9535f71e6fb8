// A route's parameter policy (defaults, clamps, overrides of temperature, top_p, max_tokens, penalties) applied
// to one attempt's request: on the IR before a provider adapter encodes it (translation), or as byte edits of
// the top-level members of the spliced body (same dialect), so the rest of the client's bytes stay untouched.
// Thread rule: pure functions.
#pragma once

#include <optional>
#include <string>

#include "config/schema.h"
#include "ir/chat_request.h"
#include "server/client_api.h"

namespace sluice::server {

// The IR's policed values as the client sent them, so every attempt starts from the client's request.
struct ClientParams {
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<uint64_t> max_tokens;
  static ClientParams Of(const ir::ChatRequest& request) {
    return {request.temperature, request.top_p, request.max_tokens};
  }
};

// Sets temperature, top_p and max_tokens of `request` from `original` under `policy`. Penalties have no IR
// field: they travel in `extra` (OpenAI clients) and are policed there when present.
void ApplyParamPolicy(const config::ParamPolicy& policy, const ClientParams& original, ir::ChatRequest& request);

// Applies `policy` to a same-dialect upstream body (OpenAI chat or Anthropic messages JSON): members are
// replaced or inserted, nothing else changes. Returns false (body untouched) if it is not a JSON object.
bool ApplyParamPolicyToBody(const config::ParamPolicy& policy, ClientApi api, std::string& body);

// For routes with drop_unsupported_params: clears the top-level sampling parameter `param` (as named in an
// adapter's refusal: "n", "stop", "seed", "top_k", "response_format", …) from `request`. False when `param`
// is not one that may be dropped (content is never dropped) or was not set.
bool DropUnsupportedParam(std::string_view param, ir::ChatRequest& request);

}  // namespace sluice::server
