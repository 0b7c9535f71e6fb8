// OpenAI Responses request → ir::ChatRequest: the top-level members, tools, tool_choice, text
// format and reasoning (reference §2 "Request essentials"); `input` items are decoded in
// openai_responses_input.cc. Thread rule: pure functions.
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "dialect/openai_responses.h"
#include "dialect/openai_responses_detail.h"

namespace sluice::dialect {

namespace openai_responses_detail {

core::Error NotOnThisRoute(std::string what, std::string param) {
  return Invalid(std::move(what) +
                     " not supported on this route: the gateway serves the Responses API "
                     "statelessly over chat-style providers.",
                 std::move(param));
}

}  // namespace openai_responses_detail

using namespace openai_responses_detail;  // NOLINT: this file is that decoder

namespace {

core::Result<bool> DecodeTools(const json::value& tools, ir::ChatRequest& req) {
  if (!tools.is_array()) return BadType("tools", "an array of objects");
  size_t i = 0;
  for (const json::value& tv : tools.get_array()) {
    std::string p = "tools[" + std::to_string(i++) + "]";
    const json::object* t = tv.if_object();
    if (!t) return BadType(p, "an object");
    const json::value* type = t->if_contains("type");
    if (!type || !type->is_string())
      return Invalid("Missing required parameter: '" + p + ".type'.", p + ".type");
    if (type->get_string() != "function")
      return NotOnThisRoute("Tools of type '" + Str(type->get_string()) + "' are", p + ".type");
    auto tool = openai_fields::FunctionTool(*t, p);  // Responses tools are flat: no "function"
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
  if (!type || !type->is_string())
    return Invalid(
        "Invalid value for 'tool_choice': expected 'none', 'auto', 'required' or "
        "{\"type\":\"function\",\"name\":...}.",
        "tool_choice");
  if (type->get_string() != "function")
    return NotOnThisRoute("tool_choice of type '" + Str(type->get_string()) + "' is",
                          "tool_choice.type");
  const json::value* name = o->if_contains("name");
  if (!name || !name->is_string() || name->get_string().empty())
    return Invalid("Missing required parameter: 'tool_choice.name'.", "tool_choice.name");
  tc.kind = ir::ToolChoiceKind::kSpecific;
  tc.name = Str(name->get_string());
  return true;
}

// text: {"format": {"type": "text" | "json_object" | "json_schema", name, schema, strict}}.
core::Result<bool> DecodeText(const json::value& v, ir::ResponseFormat& rf) {
  if (!v.is_object()) return BadType("text", "an object");
  const json::value* format = v.get_object().if_contains("format");
  if (!format || format->is_null()) return true;
  const json::object* o = format->if_object();
  const json::value* type = o ? o->if_contains("type") : nullptr;
  if (!type || !type->is_string()) return BadType("text.format", "an object with a 'type'");
  auto kind = openai_fields::FormatKind(type->get_string(), "text.format.type");
  if (!kind) return kind.error();
  if (*kind == ir::ResponseFormatKind::kJsonSchema) {
    const json::value* name = o->if_contains("name");
    if (!name || !name->is_string() || name->get_string().empty())
      return Invalid("Missing required parameter: 'text.format.name'.", "text.format.name");
    const json::value* schema = o->if_contains("schema");
    if (!schema) return Invalid("Missing required parameter: 'text.format.schema'.",
                                "text.format.schema");
    if (!schema->is_object()) return BadType("text.format.schema", "an object");
    rf.name = Str(name->get_string());
    rf.schema = json::serialize(*schema);
    if (const json::value* d = o->if_contains("description"); d && d->is_string())
      rf.description = Str(d->get_string());
    if (const json::value* s = o->if_contains("strict"); s && s->is_bool())
      rf.strict = s->get_bool();
  }
  rf.kind = *kind;
  return true;
}

core::Result<bool> DecodeReasoning(const json::value& v, ir::ChatRequest& req) {
  if (!v.is_object()) return BadType("reasoning", "an object");
  const json::value* effort = v.get_object().if_contains("effort");
  if (!effort || effort->is_null()) return true;
  if (!effort->is_string()) return BadType("reasoning.effort", "a string");
  json::string_view e = effort->get_string();
  if (e != "none" && e != "minimal" && e != "low" && e != "medium" && e != "high" && e != "xhigh")
    return Invalid("Invalid value: '" + Str(e) +
                       "'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high', "
                       "and 'xhigh'.",
                   "reasoning.effort");
  req.reasoning_effort = Str(e);
  return true;
}

}  // namespace

core::Result<ir::ChatRequest> DecodeOpenAiResponsesRequest(std::string_view body) {
  json_read::ParsedBody parsed(body);
  if (!parsed.Valid()) return openai_fields::UnparsableBody();
  if (!parsed.Object()) return Invalid("The request body must be a JSON object.", "");
  const json::object& obj = *parsed.Object();
  ir::ChatRequest req;
  req.source = ir::Dialect::kOpenAiResponses;

  const json::value* model = obj.if_contains("model");
  if (!model || (model->is_string() && model->get_string().empty()))
    return Invalid("Missing required parameter: 'model'.", "model");
  if (!model->is_string()) return BadType("model", "a string");
  req.model = Str(model->get_string());

  // Stored state first: a client relying on it must learn at once that it is not there.
  for (std::string_view key : {"previous_response_id", "conversation", "prompt"}) {
    const json::value* v = obj.if_contains(key);
    if (v && !v->is_null())
      return NotOnThisRoute("'" + std::string(key) + "' (server-stored state) is",
                            std::string(key));
  }
  if (const json::value* bg = obj.if_contains("background"); bg && bg->is_bool() && bg->get_bool())
    return NotOnThisRoute("Background responses are", "background");

  if (const json::value* instructions = obj.if_contains("instructions");
      instructions && !instructions->is_null()) {
    if (!instructions->is_string()) return BadType("instructions", "a string");
    if (!instructions->get_string().empty())
      req.system.push_back(ir::ContentPart::Text(Str(instructions->get_string())));
  }
  const json::value* input = obj.if_contains("input");
  if (!input || input->is_null()) return Invalid("Missing required parameter: 'input'.", "input");
  if (auto ok = DecodeInput(*input, req); !ok) return ok.error();
  if (req.messages.empty())
    return Invalid("Invalid 'input': the conversation is empty. Expected at least one message.",
                   "input");

  for (const json::key_value_pair& kv : obj) {
    std::string_view key(kv.key().data(), kv.key().size());
    const json::value& v = kv.value();
    core::Result<bool> ok = true;
    if (key == "model" || key == "input" || key == "instructions" || key == "background" ||
        v.is_null())
      continue;  // null means "default" for every optional member
    if (auto shared = openai_fields::DecodeSharedMember(key, v, obj, req)) {
      ok = std::move(*shared);
    } else if (key == "tools") {
      ok = DecodeTools(v, req);
    } else if (key == "tool_choice") {
      ok = DecodeToolChoice(v, req);
    } else if (key == "max_output_tokens") {
      auto n = openai_fields::Count(v, key);
      if (!n) return n.error();
      req.max_tokens = *n;
    } else if (key == "text") {
      ok = DecodeText(v, req.response_format);
    } else if (key == "reasoning") {
      ok = DecodeReasoning(v, req);
    } else if (key == "user") {
      continue;  // safety_identifier wins; both name the end user
    } else if (key == "stream") {
      if (!v.is_bool()) return BadType("stream", "a boolean");
      req.stream = v.get_bool();
      req.include_usage = req.stream;  // response.completed always carries usage
    } else {
      // store, include, metadata, truncation, service_tier, stream_options, prompt_cache_key…:
      // kept for a same-dialect upstream; translated providers have no use for them.
      req.extra.push_back({std::string(key), json::serialize(v)});
    }
    if (!ok) return ok.error();
  }
  return req;
}

}  // namespace sluice::dialect
