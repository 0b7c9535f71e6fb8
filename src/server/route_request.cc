// See route_request.h.
#include "server/route_request.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "dialect/json_members.h"

namespace sluice::server {
namespace {

namespace json = boost::json;

const std::vector<dialect::JsonMember>* MembersOf(const ClientCall& call) {
  if (call.openai) return &call.openai->members;
  if (call.anthropic) return &call.anthropic->members;
  return nullptr;
}

std::string_view MemberValue(const ClientCall& call, std::string_view body, std::string_view name) {
  const auto* members = MembersOf(call);
  if (!members) return {};
  std::string_view found;
  for (const auto& m : *members) {
    if (dialect::KeyEquals(m, name)) found = body.substr(m.value_begin, m.value_end - m.value_begin);
  }
  return found;
}

uint64_t ParseCount(std::string_view text) {
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

bool RouteNeedsContent(const router::Route& route) {
  for (const auto& t : route.targets) {
    if (!t.caps.tools || !t.caps.images) return true;
  }
  return false;
}

void ReadContent(const ir::ChatRequest& chat, router::RequestTraits& traits) {
  traits.needs_tools = !chat.tools.empty();
  for (const auto& m : chat.messages) {
    for (const auto& p : m.parts) {
      if (p.kind == ir::PartKind::kImage) traits.needs_images = true;
    }
  }
}

std::string UserText(const ir::ChatRequest& chat) {
  std::string text;
  for (const auto& m : chat.messages) {
    if (m.role != ir::Role::kUser) continue;
    for (const auto& p : m.parts) {
      if (p.kind == ir::PartKind::kText) {
        text += p.text;
        text += '\n';
      }
    }
  }
  return text;
}

void AddAttribute(RouteRequest& out, std::string name, std::string_view value) {
  out.owned.push_back(std::move(name));
  out.attributes.push_back({out.owned.back(), value});
}

}  // namespace

void DescribeRequest(const router::RoutingTables& routing, const router::Route& route,
                     const router::RoutePolicy& policy, const Request& request, ClientCall& call,
                     RouteRequest& out) {
  std::string_view body = request.body();
  router::RequestTraits& traits = out.traits;
  // Bytes/4 is the usual estimate for English and JSON; exact counting is the tokenizer's (issue 5) and
  // costs ~10 µs per KB, so it is kept off the routing path.
  traits.input_tokens = body.size() / 4;
  std::string_view max_tokens = MemberValue(call, body, "max_tokens");
  if (max_tokens.empty()) max_tokens = MemberValue(call, body, "max_completion_tokens");
  traits.output_tokens = ParseCount(max_tokens);
  out.consumer = request[routing.consumer_header];
  out.team = request[routing.team_header];

  const bool rules = route.strategy == router::Strategy::kRules;
  const bool need_ir = call.api != ClientApi::kOpenAiEmbeddings &&
                       (RouteNeedsContent(route) || !policy.prompt_matchers.empty() ||
                        policy.sticky.by == config::StickyBy::kUser || rules);
  if (need_ir && EnsureChatIr(call, body).ok()) ReadContent(*call.chat, traits);

  switch (policy.sticky.by) {
    case config::StickyBy::kNone:
      break;
    case config::StickyBy::kHeader:
      if (auto v = request[policy.sticky.header]; !v.empty()) {
        traits.has_sticky_key = true;
        traits.sticky_key = router::StickyKey(v);
      }
      break;
    case config::StickyBy::kConsumer:
    case config::StickyBy::kTeam: {
      std::string_view v = policy.sticky.by == config::StickyBy::kConsumer ? out.consumer : out.team;
      if (!v.empty()) {
        traits.has_sticky_key = true;
        traits.sticky_key = router::StickyKey(v);
      }
      break;
    }
    case config::StickyBy::kUser:
      if (call.chat && !call.chat->user.empty()) {
        traits.has_sticky_key = true;
        traits.sticky_key = router::StickyKey(call.chat->user);
      }
      break;
  }

  if (!rules) return;
  if (!out.consumer.empty()) out.attributes.push_back({router::kConsumerAttribute, out.consumer});
  if (!out.team.empty()) out.attributes.push_back({router::kTeamAttribute, out.team});
  for (const auto& field : request) {
    std::string name(router::kHeaderAttributePrefix);
    for (char c : field.name_string()) name += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    AddAttribute(out, std::move(name), field.value());
  }
  std::string_view metadata = MemberValue(call, body, "metadata");
  if (!metadata.empty()) {
    boost::system::error_code ec;
    json::value v = json::parse(metadata, ec);
    if (!ec && v.is_object()) {
      for (const auto& [key, value] : v.get_object()) {
        if (!value.is_string()) continue;
        AddAttribute(out, std::string(router::kMetadataAttributePrefix) + std::string(key), {});
        out.owned.emplace_back(value.get_string());
        out.attributes.back().value = out.owned.back();
      }
    }
  }
  if (!policy.prompt_matchers.empty() && call.chat) policy.MatchPrompt(UserText(*call.chat), out.attributes);
  traits.attributes = out.attributes;
}

}  // namespace sluice::server
