// Request fields that the OpenAI Chat Completions and Responses decoders read alike, with the OpenAI
// API's validation wording ("Invalid type for 'x': expected a number.", "Invalid 'temperature': must
// be between 0 and 2."); `param` names the offending path. Internal to dialect/openai_chat*.cc and
// dialect/openai_responses*.cc. Thread rule: pure functions.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "ir/chat_request.h"

namespace sluice::dialect::openai_fields {

namespace json = boost::json;

core::Error Invalid(std::string message, std::string param);
core::Error BadType(const std::string& param, std::string_view expected);
// The body is not valid JSON: OpenAI's own message, hint included.
core::Error UnparsableBody();

// A non-negative integer member `name` (5 or 5.0).
core::Result<uint64_t> Count(const json::value& v, std::string_view name);

// A number in [lo, hi]; the range is quoted in shortest form ("between 0 and 2").
core::Result<double> Number(const json::value& v, std::string_view name, double lo, double hi);

// A function tool's own members from `fn`, the object at `path` (Chat: "tools[i].function",
// Responses: "tools[i]"): name (required, non-empty), description, parameters (an object), strict.
core::Result<ir::Tool> FunctionTool(const json::object& fn, const std::string& path);

// tool_choice given as a string: "none", "auto" or "required".
core::Result<bool> ToolChoiceMode(json::string_view mode, ir::ToolChoice& choice);

// A response format's type ("text", "json_object", "json_schema"); `param` is the type's path.
core::Result<ir::ResponseFormatKind> FormatKind(json::string_view type, const std::string& param);

// The members both APIs define the same way: parallel_tool_calls, temperature (0–2), top_p (0–1)
// and the end user (safety_identifier, or the older user when the body has no safety_identifier).
// nullopt when `key` is none of them, so the caller decodes it by its own API's rules.
std::optional<core::Result<bool>> DecodeSharedMember(std::string_view key, const json::value& v,
                                                     const json::object& body,
                                                     ir::ChatRequest& req);

}  // namespace sluice::dialect::openai_fields
