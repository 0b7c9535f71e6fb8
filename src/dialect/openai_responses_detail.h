// Internal to the OpenAI Responses dialect: the output-item and response-object writers shared by
// the body encoder and the stream encoder (openai_responses_encode.cc), and the input-item decoder
// shared by the request decoder's two files. Not for use outside dialect/openai_responses*.cc.
// Thread rule: pure functions.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "core/result.h"
#include "dialect/json_read.h"
#include "dialect/openai_fields.h"
#include "ir/chat_request.h"
#include "ir/usage.h"

namespace sluice::dialect::openai_responses_detail {

namespace json = boost::json;

// ---- encoding ----

// prefix + base + "_" + n: unique per response as long as the response id is.
std::string ItemId(std::string_view prefix, std::string_view base, uint32_t n);

// Tool-call arguments for the wire: "" (a call without arguments) → "{}", so clients can parse it.
inline std::string_view WireArguments(std::string_view arguments) {
  return arguments.empty() ? std::string_view("{}") : arguments;
}

void AppendMessageItem(std::string& out, std::string_view id, std::string_view status,
                       std::string_view text, bool with_content);
void AppendFunctionCallItem(std::string& out, std::string_view id, std::string_view status,
                            std::string_view call_id, std::string_view name,
                            std::string_view arguments);
// summary: none when has_summary is false (a redacted block, or reasoning not yet begun).
void AppendReasoningItem(std::string& out, std::string_view id, bool has_summary,
                         std::string_view summary, std::string_view encrypted_content);

struct ResponseHead {
  std::string_view id;
  int64_t created_at = 0;
  std::string_view status;             // in_progress | completed | incomplete | failed
  std::string_view incomplete_reason;  // status incomplete
  std::string_view error_code;         // status failed
  std::string_view error_message;
  std::string_view model;
  std::string_view echo;  // EncodeOpenAiResponsesEcho, or empty for defaults
};

// {"id",…,"output":[<output_items>],"usage":…,<echo>}; usage null unless usage.present.
void AppendResponseObject(std::string& out, const ResponseHead& head, std::string_view output_items,
                          const ir::Usage& usage);

// "incomplete" reason for a finish reason, or "" when the response completed.
std::string_view IncompleteReason(ir::FinishReason finish);

// ResponseError.code for an HTTP status (the SDK's closed set: rate_limit_exceeded, server_error…).
std::string_view FailureCode(int status);

// ---- decoding ----

using json_read::Str;
using openai_fields::BadType;
using openai_fields::Invalid;
core::Error NotOnThisRoute(std::string what, std::string param);  // 400 "… not supported on this route"

// Decodes `input` (a string or an array of items) into req.system (leading instructions) and
// req.messages.
core::Result<bool> DecodeInput(const json::value& input, ir::ChatRequest& req);

}  // namespace sluice::dialect::openai_responses_detail
