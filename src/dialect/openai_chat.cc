// OpenAI Chat Completions request → ir::ChatRequest. Validation follows the OpenAI API's own rules
// and messages closely enough that SDK users see familiar errors; `param` names the offending path.
// Thread rule: pure functions.
#include "dialect/openai_chat.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "dialect/openai_chat_detail.h"

namespace sluice::dialect {

using namespace openai_chat_detail;  // NOLINT: this file is that decoder

namespace {

core::Result<bool> DecodeTools(const json::value& tools, ir::ChatRequest& req) {
  if (!tools.is_array()) return BadType("tools", "an array of objects");
  size_t i = 0;
  for (const json::value& tv : tools.get_array()) {
    std::string p = "tools[" + std::to_string(i++) + "]";
    const json::object* t = tv.if_object();
    if (!t) return BadType(p, "an object");
    const json::value* type = t->if_contains("type");
    if (!type || !type->is_string() || type->get_string() != "function")
      return Invalid("Invalid value for '" + p +
                         ".type': only 'function' tools are supported by this gateway.",
                     p + ".type");
    const json::value* fn = t->if_contains("function");
    const json::object* fo = fn ? fn->if_object() : nullptr;
    if (!fo) return Invalid("Missing required parameter: '" + p + ".function'.", p + ".function");
    auto tool = openai_fields::FunctionTool(*fo, p + ".function");
    if (!tool) return tool.error();
    req.tools.push_back(std::move(*tool));
  }
  return true;
}

core::Result<bool> DecodeToolChoice(const json::value& v, ir::ChatRequest& req) {
  ir::ToolChoice& tc = req.tool_choice;
  if (v.is_string()) return openai_fields::ToolChoiceMode(v.get_string(), tc);
  const json::object* o = v.if_object();
  const json::value* type = o ? o->if_contains("type") : nullptr;
  if (!type || !type->is_string() || type->get_string() != "function")
    return Invalid(
        "Invalid value for 'tool_choice': expected 'none', 'auto', 'required' or "
        "{\"type\":\"function\",\"function\":{\"name\":...}}.",
        "tool_choice");
  const json::value* fn = o->if_contains("function");
  const json::value* name = fn && fn->is_object() ? fn->get_object().if_contains("name") : nullptr;
  if (!name || !name->is_string())
    return Invalid("Missing required parameter: 'tool_choice.function.name'.",
                   "tool_choice.function.name");
  tc.kind = ir::ToolChoiceKind::kSpecific;
  tc.name = Str(name->get_string());
  return true;
}

core::Result<bool> DecodeResponseFormat(const json::value& v, ir::ResponseFormat& rf) {
  const json::object* o = v.if_object();
  const json::value* type = o ? o->if_contains("type") : nullptr;
  if (!type || !type->is_string()) return BadType("response_format", "an object with a 'type'");
  auto kind = openai_fields::FormatKind(type->get_string(), "response_format.type");
  if (!kind) return kind.error();
  if (*kind == ir::ResponseFormatKind::kJsonSchema) {
    const json::value* js = o->if_contains("json_schema");
    const json::object* jo = js ? js->if_object() : nullptr;
    const json::value* name = jo ? jo->if_contains("name") : nullptr;
    if (!name || !name->is_string())
      return Invalid("Missing required parameter: 'response_format.json_schema.name'.",
                     "response_format.json_schema.name");
    rf.name = Str(name->get_string());
    if (const json::value* d = jo->if_contains("description"); d && d->is_string())
      rf.description = Str(d->get_string());
    if (const json::value* s = jo->if_contains("schema"); s && s->is_object())
      rf.schema = json::serialize(*s);
    if (const json::value* s = jo->if_contains("strict"); s && s->is_bool())
      rf.strict = s->get_bool();
  }
  rf.kind = *kind;
  return true;
}

}  // namespace

core::Result<ir::ChatRequest> DecodeOpenAiChatRequest(std::string_view body) {
  json_read::ParsedBody parsed(body);
  if (!parsed.Valid()) return openai_fields::UnparsableBody();
  if (!parsed.Object()) return Invalid("The request body must be a JSON object.", "");
  const json::object& obj = *parsed.Object();
  ir::ChatRequest req;
  req.source = ir::Dialect::kOpenAiChat;

  const json::value* model = obj.if_contains("model");
  if (!model || (model->is_string() && model->get_string().empty()))
    return Invalid("you must provide a model parameter", "model");
  if (!model->is_string()) return BadType("model", "a string");
  req.model = Str(model->get_string());

  const json::value* messages = obj.if_contains("messages");
  if (!messages) return Invalid("Missing required parameter: 'messages'.", "messages");
  if (!messages->is_array()) return BadType("messages", "an array of objects");
  if (messages->get_array().empty())
    return Invalid("Invalid 'messages': empty array. Expected an array with minimum length 1.",
                   "messages");
  for (size_t i = 0; i < messages->get_array().size(); ++i) {
    auto ok = DecodeMessage(messages->get_array()[i], i, req);
    if (!ok) return ok.error();
  }

  const json::value* max_completion = obj.if_contains("max_completion_tokens");
  const json::value* stream_options = nullptr;
  for (const json::key_value_pair& kv : obj) {
    std::string_view key(kv.key().data(), kv.key().size());
    const json::value& v = kv.value();
    core::Result<bool> ok = true;
    if (key == "model" || key == "messages") continue;
    if (v.is_null() && key != "stop") continue;  // null means "default" for every optional member
    if (auto shared = openai_fields::DecodeSharedMember(key, v, obj, req)) {
      ok = std::move(*shared);
    } else if (key == "tools") {
      ok = DecodeTools(v, req);
    } else if (key == "tool_choice") {
      ok = DecodeToolChoice(v, req);
    } else if (key == "max_completion_tokens" || (key == "max_tokens" && !max_completion)) {
      auto n = openai_fields::Count(v, key);
      if (!n) return n.error();
      req.max_tokens = *n;
    } else if (key == "max_tokens") {
      continue;  // max_completion_tokens wins; both limit the same thing
    } else if (key == "top_k") {  // not OpenAI's, but sent by clients that target vLLM and others
      auto n = openai_fields::Count(v, key);
      if (!n) return n.error();
      req.top_k = static_cast<uint32_t>(std::min<uint64_t>(*n, UINT32_MAX));
    } else if (key == "stop") {
      if (v.is_string()) {
        req.stop.push_back(Str(v.get_string()));
      } else if (v.is_array()) {
        for (const json::value& s : v.get_array()) {
          if (!s.is_string()) return BadType("stop", "a string or array of strings");
          req.stop.push_back(Str(s.get_string()));
        }
      } else if (!v.is_null()) {
        return BadType("stop", "a string or array of strings");
      }
    } else if (key == "seed") {
      if (!v.is_int64() && !v.is_uint64()) return BadType("seed", "an integer");
      req.seed = v.is_int64() ? v.get_int64() : static_cast<int64_t>(v.get_uint64());
    } else if (key == "n") {
      auto n = openai_fields::Count(v, key);
      if (!n) return n.error();
      if (*n < 1 || *n > 128) return Invalid("Invalid 'n': must be between 1 and 128.", "n");
      req.n = static_cast<uint32_t>(*n);
    } else if (key == "reasoning_effort") {
      if (!v.is_string()) return BadType("reasoning_effort", "a string");
      req.reasoning_effort = Str(v.get_string());
    } else if (key == "response_format") {
      ok = DecodeResponseFormat(v, req.response_format);
    } else if (key == "stream") {
      if (!v.is_bool()) return BadType("stream", "a boolean");
      req.stream = v.get_bool();
    } else if (key == "stream_options") {
      if (!v.is_object()) return BadType("stream_options", "an object");
      stream_options = &v;
    } else {
      req.extra.push_back({std::string(key), json::serialize(v)});
    }
    if (!ok) return ok.error();
  }
  if (stream_options) {
    if (!req.stream)
      return Invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                     "stream_options");
    if (const json::value* iu = stream_options->get_object().if_contains("include_usage");
        iu && !iu->is_null()) {
      if (!iu->is_bool()) return BadType("stream_options.include_usage", "a boolean");
      req.include_usage = iu->get_bool();
    }
  }
  return req;
}

}  // namespace sluice::dialect
