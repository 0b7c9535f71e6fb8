// Anthropic Messages request → ir::ChatRequest (reference §3.1–§3.3, §8). Validation follows the
// Messages API's own rules and wording ("<dotted path>: <problem>", e.g. "max_tokens: Field
// required") so Anthropic SDK users see familiar 400s; `param` holds the dotted path.
// Thread rule: pure functions.
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <optional>

#include "dialect/anthropic_messages.h"
#include "dialect/anthropic_messages_detail.h"

namespace sluice::dialect {

using namespace anthropic_messages_detail;  // NOLINT: this file is that decoder

namespace {

core::Result<uint64_t> Count(const json::value& v, const std::string& path) {
  if (std::optional<uint64_t> n = json_read::NonNegativeInteger(v)) return *n;
  if (v.is_int64() || v.is_double())
    return Invalid(path, "Input should be greater than or equal to 0");
  return Invalid(path, "Input should be a valid integer");
}

core::Result<double> Number(const json::value& v, const std::string& path, int hi) {
  if (!v.is_number()) return Invalid(path, "Input should be a valid number");
  double d = v.to_number<double>();
  if (d < 0) return Invalid(path, "Input should be greater than or equal to 0");
  if (d > hi)
    return Invalid(path,
                   "Input should be less than or equal to " + std::to_string(static_cast<int>(hi)));
  return d;
}

core::Result<bool> System(const json::value& v, ir::ChatRequest& req) {
  if (v.is_string()) {
    if (!v.get_string().empty()) req.system.push_back(ir::ContentPart::Text(Str(v.get_string())));
    return true;
  }
  if (!v.is_array()) return Invalid("system", "Input should be a valid string or list");
  size_t i = 0;
  for (const json::value& bv : v.get_array()) {
    std::string p = "system." + std::to_string(i++);
    const json::object* b = bv.if_object();
    const json::string* t = b ? StringMember(*b, "type") : nullptr;
    if (!t || *t != "text") return Invalid(p + ".type", "Input should be 'text'");
    const json::string* text = StringMember(*b, "text");
    if (!text) return Invalid(p + ".text", "Field required");
    req.system.push_back(ir::ContentPart::Text(Str(*text)));
  }
  return true;
}

core::Result<bool> Tools(const json::value& v, ir::ChatRequest& req) {
  if (!v.is_array()) return Invalid("tools", "Input should be a valid list");
  size_t i = 0;
  for (const json::value& tv : v.get_array()) {
    std::string p = "tools." + std::to_string(i++);
    const json::object* t = tv.if_object();
    if (!t) return Invalid(p, "Input should be a valid dictionary");
    if (const json::string* type = StringMember(*t, "type"); type && *type != "custom")
      return Invalid(p + ".type", "Server tools ('" + Str(*type) +
                                      "') are not supported by this gateway; only client tools "
                                      "with an input_schema are");
    const json::string* name = StringMember(*t, "name");
    if (!name || name->empty()) return Invalid(p + ".name", "Field required");
    const json::value* schema = t->if_contains("input_schema");
    if (!schema) return Invalid(p + ".input_schema", "Field required");
    if (!schema->is_object())
      return Invalid(p + ".input_schema", "Input should be a valid dictionary");
    ir::Tool tool;
    tool.name = Str(*name);
    if (const json::string* d = StringMember(*t, "description")) tool.description = Str(*d);
    tool.parameters = json::serialize(*schema);
    if (const json::value* s = t->if_contains("strict"); s && s->is_bool())
      tool.strict = s->get_bool();
    req.tools.push_back(std::move(tool));
  }
  return true;
}

core::Result<bool> ToolChoice(const json::value& v, ir::ChatRequest& req) {
  const json::object* o = v.if_object();
  if (!o) return Invalid("tool_choice", "Input should be a valid dictionary");
  const json::string* type = StringMember(*o, "type");
  std::string_view t = type ? std::string_view(*type) : std::string_view();
  ir::ToolChoice& tc = req.tool_choice;
  if (t == "auto") {
    tc.kind = ir::ToolChoiceKind::kAuto;
  } else if (t == "any") {
    tc.kind = ir::ToolChoiceKind::kRequired;
  } else if (t == "none") {
    tc.kind = ir::ToolChoiceKind::kNone;
  } else if (t == "tool") {
    const json::string* name = StringMember(*o, "name");
    if (!name) return Invalid("tool_choice.name", "Field required");
    tc.kind = ir::ToolChoiceKind::kSpecific;
    tc.name = Str(*name);
  } else {
    return Invalid("tool_choice.type", "Input should be 'auto', 'any', 'tool' or 'none'");
  }
  if (const json::value* d = o->if_contains("disable_parallel_tool_use"); d && !d->is_null()) {
    if (!d->is_bool())
      return Invalid("tool_choice.disable_parallel_tool_use", "Input should be a valid boolean");
    if (d->get_bool()) req.parallel_tool_calls = false;
  }
  return true;
}

core::Result<bool> Thinking(const json::value& v, ir::ChatRequest& req, const json::object& root) {
  const json::object* o = v.if_object();
  const json::string* type = o ? StringMember(*o, "type") : nullptr;
  std::string_view t = type ? std::string_view(*type) : std::string_view();
  if (t == "enabled") {
    const json::value* b = o->if_contains("budget_tokens");
    if (!b) return Invalid("thinking.enabled.budget_tokens", "Field required");
    auto budget = Count(*b, "thinking.enabled.budget_tokens");
    if (!budget) return budget.error();
    if (*budget < 1024)
      return Invalid("thinking.enabled.budget_tokens",
                     "Input should be greater than or equal to 1024");
    req.reasoning_budget = *budget;
  } else if (t == "adaptive") {
    const json::value* oc = root.if_contains("output_config");
    const json::string* effort =
        oc && oc->is_object() ? StringMember(oc->get_object(), "effort") : nullptr;
    req.reasoning_effort = effort ? Str(*effort) : "high";
  } else if (t != "disabled") {
    return Invalid("thinking.type", "Input should be 'enabled', 'adaptive' or 'disabled'");
  }
  return true;
}

core::Result<bool> OutputConfig(const json::value& v, ir::ChatRequest& req) {
  const json::object* o = v.if_object();
  if (!o) return Invalid("output_config", "Input should be a valid dictionary");
  if (const json::value* f = o->if_contains("format"); f && !f->is_null()) {
    const json::object* fo = f->if_object();
    const json::string* type = fo ? StringMember(*fo, "type") : nullptr;
    if (!type || *type != "json_schema")
      return Invalid("output_config.format.type", "Input should be 'json_schema'");
    const json::value* schema = fo->if_contains("schema");
    if (!schema || !schema->is_object())
      return Invalid("output_config.format.schema", "Input should be a valid dictionary");
    req.response_format.kind = ir::ResponseFormatKind::kJsonSchema;
    req.response_format.name = "response";
    req.response_format.schema = json::serialize(*schema);
  }
  // output_config.effort is read with thinking (adaptive); alone it does not turn reasoning on.
  return true;
}

}  // namespace

core::Result<ir::ChatRequest> DecodeAnthropicMessagesRequest(std::string_view body) {
  json_read::ParsedBody parsed(body);
  if (!parsed.Valid())
    return Invalid("", "There was an error parsing the body of your request: invalid JSON");
  if (!parsed.Object()) return Invalid("", "The request body must be a JSON object");
  const json::object& obj = *parsed.Object();
  ir::ChatRequest req;
  req.source = ir::Dialect::kAnthropicMessages;

  const json::value* model = obj.if_contains("model");
  if (!model) return Invalid("model", "Field required");
  if (!model->is_string() || model->get_string().empty())
    return Invalid("model", "Input should be a valid, non-empty string");
  req.model = Str(model->get_string());

  const json::value* max_tokens = obj.if_contains("max_tokens");
  if (!max_tokens || max_tokens->is_null()) return Invalid("max_tokens", "Field required");
  auto mt = Count(*max_tokens, "max_tokens");
  if (!mt) return mt.error();
  req.max_tokens = *mt;

  const json::value* messages = obj.if_contains("messages");
  if (!messages) return Invalid("messages", "Field required");
  if (!messages->is_array()) return Invalid("messages", "Input should be a valid list");
  if (messages->get_array().empty()) return Invalid("messages", "at least one message is required");
  for (size_t i = 0; i < messages->get_array().size(); ++i) {
    auto ok = DecodeMessage(messages->get_array()[i], i, req);
    if (!ok) return ok.error();
  }

  for (const json::key_value_pair& kv : obj) {
    std::string_view key(kv.key().data(), kv.key().size());
    const json::value& v = kv.value();
    core::Result<bool> ok = true;
    if (key == "model" || key == "messages" || key == "max_tokens" || v.is_null()) continue;
    if (key == "system") {
      ok = System(v, req);
    } else if (key == "tools") {
      ok = Tools(v, req);
    } else if (key == "tool_choice") {
      ok = ToolChoice(v, req);
    } else if (key == "stop_sequences") {
      if (!v.is_array()) return Invalid("stop_sequences", "Input should be a valid list");
      size_t i = 0;
      for (const json::value& s : v.get_array()) {
        if (!s.is_string())
          return Invalid("stop_sequences." + std::to_string(i), "Input should be a valid string");
        req.stop.push_back(Str(s.get_string()));
        ++i;
      }
    } else if (key == "temperature") {
      auto d = Number(v, "temperature", 1);
      if (!d) return d.error();
      req.temperature = *d;
    } else if (key == "top_p") {
      auto d = Number(v, "top_p", 1);
      if (!d) return d.error();
      req.top_p = *d;
    } else if (key == "top_k") {
      auto n = Count(v, "top_k");
      if (!n) return n.error();
      req.top_k = static_cast<uint32_t>(std::min<uint64_t>(*n, UINT32_MAX));
    } else if (key == "thinking") {
      ok = Thinking(v, req, obj);
    } else if (key == "output_config") {
      ok = OutputConfig(v, req);
    } else if (key == "stream") {
      if (!v.is_bool()) return Invalid("stream", "Input should be a valid boolean");
      req.stream = v.get_bool();
      req.include_usage = req.stream;  // Anthropic streams always carry usage
    } else if (key == "metadata") {
      if (!v.is_object()) return Invalid("metadata", "Input should be a valid dictionary");
      if (const json::value* u = v.get_object().if_contains("user_id"); u && !u->is_null()) {
        if (!u->is_string()) return Invalid("metadata.user_id", "Input should be a valid string");
        req.user = Str(u->get_string());
      }
    } else {
      req.extra.push_back({std::string(key), json::serialize(v)});
    }
    if (!ok) return ok.error();
  }
  if (req.reasoning_budget && *req.reasoning_budget >= *req.max_tokens)
    return Invalid("max_tokens", "`max_tokens` must be greater than `thinking.budget_tokens`");
  return req;
}

}  // namespace sluice::dialect
