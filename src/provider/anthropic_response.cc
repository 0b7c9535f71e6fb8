// Anthropic answers → IR: non-streamed message bodies (reference §3.4) and error bodies (§3.7,
// §8.7). Thread rule: pure functions.
#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "provider/json_fields.h"
#include "provider/anthropic.h"
#include "provider/anthropic_usage.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;

std::string Str(const json::object& o, std::string_view key) { return StringCopy(o, key); }
core::Error Protocol(std::string message) { return ProtocolError(std::move(message)); }

}  // namespace

ir::FinishReason AnthropicFinishReason(std::string_view r) {
  if (r == "end_turn") return ir::FinishReason::kStop;
  if (r == "stop_sequence") return ir::FinishReason::kStopSequence;
  if (r == "max_tokens") return ir::FinishReason::kLength;
  if (r == "tool_use") return ir::FinishReason::kToolCalls;
  if (r == "refusal") return ir::FinishReason::kContentFilter;
  if (r == "pause_turn") return ir::FinishReason::kPauseTurn;
  if (r == "model_context_window_exceeded") return ir::FinishReason::kContextWindow;
  return ir::FinishReason::kUnknown;
}

int AnthropicStatusForErrorType(std::string_view t) {
  if (t == "invalid_request_error") return 400;
  if (t == "authentication_error") return 401;
  if (t == "billing_error") return 402;
  if (t == "permission_error") return 403;
  if (t == "not_found_error") return 404;
  if (t == "request_too_large") return 413;
  if (t == "rate_limit_error") return 429;
  if (t == "timeout_error") return 504;
  if (t == "overloaded_error") return 503;  // Anthropic says 529; clients and SDKs know 503
  return 500;                               // api_error and anything new
}

core::Result<ir::ChatResponse> AnthropicAdapter::DecodeResponse(std::string_view body) const {
  std::array<unsigned char, 8192> stack_buffer;
  json::monotonic_resource mr(stack_buffer.data(), stack_buffer.size());
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, &mr);
  const json::object* o = ec ? nullptr : root.if_object();
  if (!o) return Protocol("The Anthropic upstream returned a body that is not a JSON object.");
  const json::value* content = o->if_contains("content");
  if (!content || !content->is_array())
    return Protocol("The Anthropic upstream returned a message without content.");

  ir::ChatResponse r;
  r.id = Str(*o, "id");
  r.model = Str(*o, "model");
  for (const json::value& bv : content->get_array()) {
    const json::object* b = bv.if_object();
    if (!b) continue;
    std::string type = Str(*b, "type");
    if (type == "text") {
      r.content.push_back(ir::ContentPart::Text(Str(*b, "text")));
    } else if (type == "tool_use") {
      const json::value* input = b->if_contains("input");
      r.content.push_back(ir::ContentPart::ToolCall(Str(*b, "id"), Str(*b, "name"),
                                                    input ? json::serialize(*input) : "{}"));
    } else if (type == "thinking") {
      r.content.push_back(ir::ContentPart::Reasoning(Str(*b, "thinking"), Str(*b, "signature")));
    } else if (type == "redacted_thinking") {
      ir::ContentPart p;
      p.kind = ir::PartKind::kRedactedReasoning;
      p.data = Str(*b, "data");
      r.content.push_back(std::move(p));
    }
    // Server-tool blocks (server_tool_use, web_search_tool_result, …) have no client-dialect form
    // yet.
  }
  r.raw_finish = Str(*o, "stop_reason");
  r.finish = AnthropicFinishReason(r.raw_finish);
  r.stop_sequence = Str(*o, "stop_sequence");
  if (const json::value* u = o->if_contains("usage"); u && u->is_object())
    anthropic_detail::MergeUsage(u->get_object(), r.usage);
  return r;
}

core::Error AnthropicAdapter::DecodeError(int status, std::string_view body) const {
  core::Error e;
  e.code = core::ErrorCode::kUpstreamError;
  e.http_status = status == 529 ? 503 : status;
  std::array<unsigned char, 2048> stack_buffer;
  json::monotonic_resource mr(stack_buffer.data(), stack_buffer.size());
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, &mr);
  const json::object* o = ec ? nullptr : root.if_object();
  const json::value* err = o ? o->if_contains("error") : nullptr;
  if (err && err->is_object()) e.message = Str(err->get_object(), "message");
  if (e.message.empty())
    e.message = "The Anthropic upstream answered with HTTP status " + std::to_string(status) + ".";
  return e;
}

}  // namespace sluice::provider
