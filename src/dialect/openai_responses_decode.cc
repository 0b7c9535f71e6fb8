// OpenAI Responses request → ir::ChatRequest: the top-level members, tools, tool_choice, text
// format and reasoning (reference §2 "Request essentials"); `input` items are decoded in
// openai_responses_input.cc. Thread rule: pure functions.
#include <array>
#include <charconv>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>

#include "dialect/openai_responses.h"
#include "dialect/openai_responses_detail.h"

namespace sluice::dialect {

namespace openai_responses_detail {

core::Error Invalid(std::string message, std::string param) {
  return core::Error{core::ErrorCode::kInvalidRequest, std::move(message), 0, std::move(param)};
}

core::Error BadType(const std::string& param, std::string_view expected) {
  return Invalid("Invalid type for '" + param + "': expected " + std::string(expected) + ".",
                 param);
}

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
    const json::value* name = t->if_contains("name");
    if (!name || !name->is_string() || name->get_string().empty())
      return Invalid("Missing required parameter: '" + p + ".name'.", p + ".name");
    ir::Tool tool;
    tool.name = Str(name->get_string());
    if (const json::value* d = t->if_contains("description"); d && d->is_string())
      tool.description = Str(d->get_string());
    if (const json::value* params = t->if_contains("parameters"); params && !params->is_null()) {
      if (!params->is_object()) return BadType(p + ".parameters", "an object");
      tool.parameters = json::serialize(*params);
    }
    if (const json::value* s = t->if_contains("strict"); s && s->is_bool())
      tool.strict = s->get_bool();
    req.tools.push_back(std::move(tool));
  }
  return true;
}

core::Result<bool> DecodeToolChoice(const json::value& v, ir::ChatRequest& req) {
  ir::ToolChoice& tc = req.tool_choice;
  if (v.is_string()) {
    json::string_view s = v.get_string();
    if (s == "auto")
      tc.kind = ir::ToolChoiceKind::kAuto;
    else if (s == "none")
      tc.kind = ir::ToolChoiceKind::kNone;
    else if (s == "required")
      tc.kind = ir::ToolChoiceKind::kRequired;
    else
      return Invalid(
          "Invalid value: '" + Str(s) + "'. Supported values are: 'none', 'auto', and 'required'.",
          "tool_choice");
    return true;
  }
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
  json::string_view t = type->get_string();
  if (t == "text") {
    rf.kind = ir::ResponseFormatKind::kText;
  } else if (t == "json_object") {
    rf.kind = ir::ResponseFormatKind::kJsonObject;
  } else if (t == "json_schema") {
    const json::value* name = o->if_contains("name");
    if (!name || !name->is_string() || name->get_string().empty())
      return Invalid("Missing required parameter: 'text.format.name'.", "text.format.name");
    const json::value* schema = o->if_contains("schema");
    if (!schema) return Invalid("Missing required parameter: 'text.format.schema'.",
                                "text.format.schema");
    if (!schema->is_object()) return BadType("text.format.schema", "an object");
    rf.kind = ir::ResponseFormatKind::kJsonSchema;
    rf.name = Str(name->get_string());
    rf.schema = json::serialize(*schema);
    if (const json::value* d = o->if_contains("description"); d && d->is_string())
      rf.description = Str(d->get_string());
    if (const json::value* s = o->if_contains("strict"); s && s->is_bool())
      rf.strict = s->get_bool();
  } else {
    return Invalid("Invalid value: '" + Str(t) +
                       "'. Supported values are: 'text', 'json_object', and 'json_schema'.",
                   "text.format.type");
  }
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

core::Result<uint64_t> Count(const json::value& v, std::string_view name) {
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<uint64_t>(v.get_int64());
  if (v.is_double() && v.get_double() >= 0 && std::floor(v.get_double()) == v.get_double() &&
      v.get_double() < 1e18)
    return static_cast<uint64_t>(v.get_double());
  return Invalid("Invalid '" + std::string(name) + "': expected a non-negative integer.",
                 std::string(name));
}

// "2", "0.5": json::serialize writes doubles as "2E0", which reads oddly in a message.
std::string Shortest(double d) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  return std::string(buf, end);
}

core::Result<double> Number(const json::value& v, std::string_view name, double lo, double hi) {
  if (!v.is_number()) return BadType(std::string(name), "a number");
  double d = v.to_number<double>();
  if (d < lo || d > hi)
    return Invalid("Invalid '" + std::string(name) + "': must be between " + Shortest(lo) +
                       " and " + Shortest(hi) + ".",
                   std::string(name));
  return d;
}

}  // namespace

core::Result<ir::ChatRequest> DecodeOpenAiResponsesRequest(std::string_view body) {
  std::array<unsigned char, 8192> stack_buffer;
  json::monotonic_resource mr(stack_buffer.data(), stack_buffer.size());
  json::parse_options opts;
  opts.max_depth = 64;
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, &mr, opts);
  if (ec)
    return Invalid(
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
        "using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
        "");
  if (!root.is_object()) return Invalid("The request body must be a JSON object.", "");
  const json::object& obj = root.get_object();
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
    if (key == "tools") {
      ok = DecodeTools(v, req);
    } else if (key == "tool_choice") {
      ok = DecodeToolChoice(v, req);
    } else if (key == "parallel_tool_calls") {
      if (!v.is_bool()) return BadType("parallel_tool_calls", "a boolean");
      req.parallel_tool_calls = v.get_bool();
    } else if (key == "max_output_tokens") {
      auto n = Count(v, key);
      if (!n) return n.error();
      req.max_tokens = *n;
    } else if (key == "temperature") {
      auto d = Number(v, key, 0, 2);
      if (!d) return d.error();
      req.temperature = *d;
    } else if (key == "top_p") {
      auto d = Number(v, key, 0, 1);
      if (!d) return d.error();
      req.top_p = *d;
    } else if (key == "text") {
      ok = DecodeText(v, req.response_format);
    } else if (key == "reasoning") {
      ok = DecodeReasoning(v, req);
    } else if (key == "safety_identifier" ||
               (key == "user" && !obj.contains("safety_identifier"))) {
      if (!v.is_string()) return BadType(std::string(key), "a string");
      req.user = Str(v.get_string());
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
