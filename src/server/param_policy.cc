// See param_policy.h.
#include "server/param_policy.h"

#include <charconv>
#include <cmath>
#include <vector>

#include "dialect/json_members.h"

namespace sluice::server {
namespace {

std::optional<double> ParseNumber(std::string_view text) {
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string FormatNumber(config::Param param, double v) {
  if (param == config::Param::kMaxTokens) return std::to_string(static_cast<uint64_t>(std::max(0.0, std::floor(v))));
  char buf[32];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, p) : std::to_string(v);
}

void PoliceExtra(const config::ParamRule& rule, config::Param param, std::vector<ir::RawField>& extra) {
  std::string_view name = config::ParamName(param);
  for (auto& f : extra) {
    if (f.name != name) continue;
    if (auto v = rule.Apply(ParseNumber(f.json))) f.json = FormatNumber(param, *v);
    return;
  }
  if (auto v = rule.Apply(std::nullopt)) extra.push_back({std::string(name), FormatNumber(param, *v)});
}

}  // namespace

void ApplyParamPolicy(const config::ParamPolicy& policy, const ClientParams& original, ir::ChatRequest& request) {
  request.temperature = policy[config::Param::kTemperature].Apply(original.temperature);
  request.top_p = policy[config::Param::kTopP].Apply(original.top_p);
  std::optional<double> max_tokens;
  if (original.max_tokens) max_tokens = static_cast<double>(*original.max_tokens);
  if (auto v = policy[config::Param::kMaxTokens].Apply(max_tokens)) {
    request.max_tokens = static_cast<uint64_t>(std::max(0.0, std::floor(*v)));
  } else {
    request.max_tokens.reset();
  }
  if (request.source == ir::Dialect::kOpenAiChat) {
    for (auto p : {config::Param::kPresencePenalty, config::Param::kFrequencyPenalty}) {
      if (!policy[p].empty()) PoliceExtra(policy[p], p, request.extra);
    }
  }
}

bool ApplyParamPolicyToBody(const config::ParamPolicy& policy, ClientApi api, std::string& body) {
  std::vector<dialect::JsonMember> members;
  if (!dialect::ScanTopLevelMembers(body, members)) return false;
  const bool anthropic = api == ClientApi::kAnthropicMessages;
  std::vector<dialect::JsonEdit> edits;
  std::string inserted;
  for (size_t i = 0; i < config::kParamCount; ++i) {
    auto param = static_cast<config::Param>(i);
    const config::ParamRule& rule = policy[param];
    if (rule.empty()) continue;
    if (anthropic && (param == config::Param::kPresencePenalty || param == config::Param::kFrequencyPenalty))
      continue;  // Anthropic has no penalties: a default must not invent an unknown field
    std::string_view name = config::ParamName(param);
    const dialect::JsonMember* found = nullptr;
    for (const auto& m : members) {
      bool match = dialect::KeyEquals(m, name) ||
                   (!anthropic && param == config::Param::kMaxTokens && dialect::KeyEquals(m, "max_completion_tokens"));
      if (match) found = &m;
    }
    std::optional<double> requested;
    if (found) requested = ParseNumber(std::string_view(body).substr(found->value_begin, found->value_end - found->value_begin));
    std::optional<double> value = rule.Apply(requested);
    if (!value) continue;
    std::string text = FormatNumber(param, *value);
    if (found) {
      edits.push_back({found->value_begin, found->value_end, std::move(text)});
    } else {
      inserted += '"';
      // New OpenAI requests name the output budget max_completion_tokens; older servers take max_tokens, which
      // every OpenAI-compatible server still accepts.
      inserted += name;
      inserted += "\":";
      inserted += text;
      inserted += ',';
    }
  }
  if (!inserted.empty()) {
    size_t brace = body.find('{');
    if (members.empty()) inserted.pop_back();
    edits.push_back({brace + 1, brace + 1, std::move(inserted)});
  }
  if (edits.empty()) return true;
  body = dialect::ApplyEdits(body, std::move(edits));
  return true;
}

bool DropUnsupportedParam(std::string_view param, ir::ChatRequest& request) {
  if (param == "n" && request.n != 1) return request.n = 1, true;
  if (param == "stop" && !request.stop.empty()) return request.stop.clear(), true;
  if (param == "seed" && request.seed) return request.seed.reset(), true;
  if (param == "top_k" && request.top_k) return request.top_k.reset(), true;
  if (param == "temperature" && request.temperature) return request.temperature.reset(), true;
  if (param == "top_p" && request.top_p) return request.top_p.reset(), true;
  if (param == "parallel_tool_calls" && request.parallel_tool_calls) return request.parallel_tool_calls.reset(), true;
  if (param == "user" && !request.user.empty()) return request.user.clear(), true;
  if ((param == "reasoning_effort" || param == "thinking") &&
      (!request.reasoning_effort.empty() || request.reasoning_budget)) {
    request.reasoning_effort.clear();
    request.reasoning_budget.reset();
    return true;
  }
  if (param.starts_with("response_format") && request.response_format.kind != ir::ResponseFormatKind::kUnset) {
    request.response_format = {};
    return true;
  }
  return false;
}

}  // namespace sluice::server
