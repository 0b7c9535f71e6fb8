// Internal to the OpenAI Chat request decoder: the error helpers its two files use, and the
// per-message decoder (openai_chat_messages.cc). Not for use outside dialect/openai_chat*.cc.
// Thread rule: pure functions.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "core/result.h"
#include "dialect/json_read.h"
#include "dialect/openai_fields.h"
#include "ir/chat_request.h"

namespace sluice::dialect::openai_chat_detail {

namespace json = boost::json;
using core::Error;
using core::ErrorCode;

using json_read::Str;
using openai_fields::BadType;
using openai_fields::Invalid;

// Decodes messages[i] into `req`: leading system/developer text into req.system, else one message.
core::Result<bool> DecodeMessage(const json::value& message, size_t i, ir::ChatRequest& req);

}  // namespace sluice::dialect::openai_chat_detail
