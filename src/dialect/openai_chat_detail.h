// Internal to the OpenAI Chat request decoder: error helpers shared by its two files, and the
// per-message decoder (openai_chat_messages.cc). Not for use outside dialect/openai_chat*.cc.
// Thread rule: pure functions.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "core/result.h"
#include "ir/chat_request.h"

namespace sluice::dialect::openai_chat_detail {

namespace json = boost::json;
using core::Error;
using core::ErrorCode;

inline Error Invalid(std::string message, std::string param) {
  return Error{ErrorCode::kInvalidRequest, std::move(message), 0, std::move(param)};
}

inline Error BadType(const std::string& param, std::string_view expected) {
  return Invalid("Invalid type for '" + param + "': expected " + std::string(expected) + ".",
                 param);
}

inline std::string Str(json::string_view s) { return std::string(s.data(), s.size()); }

// Decodes messages[i] into `req`: leading system/developer text into req.system, else one message.
core::Result<bool> DecodeMessage(const json::value& message, size_t i, ir::ChatRequest& req);

}  // namespace sluice::dialect::openai_chat_detail
