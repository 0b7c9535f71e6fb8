// Internal to the Anthropic Messages request decoder: error helpers shared by its two files, and
// the per-message decoder (anthropic_messages_content.cc). Not for use outside
// dialect/anthropic_messages*.cc. Thread rule: pure functions.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "core/result.h"
#include "dialect/json_read.h"
#include "ir/chat_request.h"

namespace sluice::dialect::anthropic_messages_detail {

namespace json = boost::json;
using core::Error;
using core::ErrorCode;

// "<dotted path>: <problem>", Anthropic's validation wording; `param` keeps the path.
inline Error Invalid(const std::string& path, std::string_view problem) {
  std::string message = path.empty() ? std::string(problem) : path + ": " + std::string(problem);
  return Error{ErrorCode::kInvalidRequest, std::move(message), 0, path};
}

using json_read::Str;

inline const json::string* StringMember(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v ? v->if_string() : nullptr;
}

// Decodes messages[i] into `req`: a user turn's tool_result blocks become one Role::kTool message,
// its other blocks a Role::kUser message; an assistant turn one Role::kAssistant message.
core::Result<bool> DecodeMessage(const json::value& message, size_t i, ir::ChatRequest& req);

}  // namespace sluice::dialect::anthropic_messages_detail
