// Definitions for openai_fields.h. Thread rule: pure functions.
#include "dialect/openai_fields.h"

#include <boost/json/serialize.hpp>

#include "dialect/json_read.h"

namespace sluice::dialect::openai_fields {

using json_read::Str;

core::Error Invalid(std::string message, std::string param) {
  return core::Error{core::ErrorCode::kInvalidRequest, std::move(message), 0, std::move(param)};
}

core::Error BadType(const std::string& param, std::string_view expected) {
  return Invalid("Invalid type for '" + param + "': expected " + std::string(expected) + ".",
                 param);
}

core::Error UnparsableBody() {
  return Invalid(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
      "using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
      "");
}

core::Result<uint64_t> Count(const json::value& v, std::string_view name) {
  if (std::optional<uint64_t> n = json_read::NonNegativeInteger(v)) return *n;
  return Invalid("Invalid '" + std::string(name) + "': expected a non-negative integer.",
                 std::string(name));
}

core::Result<double> Number(const json::value& v, std::string_view name, double lo, double hi) {
  if (!v.is_number()) return BadType(std::string(name), "a number");
  double d = v.to_number<double>();
  if (d < lo || d > hi)
    return Invalid("Invalid '" + std::string(name) + "': must be between " +
                       json_read::ShortestNumber(lo) + " and " + json_read::ShortestNumber(hi) +
                       ".",
                   std::string(name));
  return d;
}

core::Result<ir::Tool> FunctionTool(const json::object& fn, const std::string& path) {
  const json::value* name = fn.if_contains("name");
  if (!name || !name->is_string() || name->get_string().empty())
    return Invalid("Missing required parameter: '" + path + ".name'.", path + ".name");
  ir::Tool tool;
  tool.name = Str(name->get_string());
  if (const json::value* d = fn.if_contains("description"); d && d->is_string())
    tool.description = Str(d->get_string());
  if (const json::value* params = fn.if_contains("parameters"); params && !params->is_null()) {
    if (!params->is_object()) return BadType(path + ".parameters", "an object");
    tool.parameters = json::serialize(*params);
  }
  if (const json::value* s = fn.if_contains("strict"); s && s->is_bool()) tool.strict = s->get_bool();
  return tool;
}

core::Result<bool> ToolChoiceMode(json::string_view mode, ir::ToolChoice& choice) {
  if (mode == "auto")
    choice.kind = ir::ToolChoiceKind::kAuto;
  else if (mode == "none")
    choice.kind = ir::ToolChoiceKind::kNone;
  else if (mode == "required")
    choice.kind = ir::ToolChoiceKind::kRequired;
  else
    return Invalid(
        "Invalid value: '" + Str(mode) + "'. Supported values are: 'none', 'auto', and 'required'.",
        "tool_choice");
  return true;
}

core::Result<ir::ResponseFormatKind> FormatKind(json::string_view type, const std::string& param) {
  if (type == "text") return ir::ResponseFormatKind::kText;
  if (type == "json_object") return ir::ResponseFormatKind::kJsonObject;
  if (type == "json_schema") return ir::ResponseFormatKind::kJsonSchema;
  return Invalid("Invalid value: '" + Str(type) +
                     "'. Supported values are: 'text', 'json_object', and 'json_schema'.",
                 param);
}

std::optional<core::Result<bool>> DecodeSharedMember(std::string_view key, const json::value& v,
                                                     const json::object& body,
                                                     ir::ChatRequest& req) {
  using Done = core::Result<bool>;
  if (key == "parallel_tool_calls") {
    if (!v.is_bool()) return Done(BadType("parallel_tool_calls", "a boolean"));
    req.parallel_tool_calls = v.get_bool();
  } else if (key == "temperature" || key == "top_p") {
    bool temperature = key == "temperature";
    auto d = Number(v, key, 0, temperature ? 2 : 1);
    if (!d) return Done(d.error());
    (temperature ? req.temperature : req.top_p) = *d;
  } else if (key == "safety_identifier" || (key == "user" && !body.contains("safety_identifier"))) {
    if (!v.is_string()) return Done(BadType(std::string(key), "a string"));
    req.user = Str(v.get_string());
  } else {
    return std::nullopt;
  }
  return Done(true);
}

}  // namespace sluice::dialect::openai_fields
