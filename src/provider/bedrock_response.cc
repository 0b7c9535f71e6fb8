// Bedrock answers → IR: Converse response bodies (reference §5.2) and error answers (§5.3, §8.7).
// Thread rule: pure functions.
#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "provider/bedrock.h"
#include "provider/bedrock_usage.h"
#include "provider/json_fields.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;

const json::object* Member(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

}  // namespace

ir::FinishReason BedrockFinishReason(std::string_view r) {
  if (r == "end_turn") return ir::FinishReason::kStop;
  if (r == "stop_sequence") return ir::FinishReason::kStopSequence;
  if (r == "max_tokens") return ir::FinishReason::kLength;
  if (r == "tool_use") return ir::FinishReason::kToolCalls;
  if (r == "guardrail_intervened" || r == "content_filtered")
    return ir::FinishReason::kContentFilter;
  if (r == "model_context_window_exceeded") return ir::FinishReason::kContextWindow;
  return ir::FinishReason::kUnknown;  // malformed_model_output, malformed_tool_use, future values
}

int BedrockStatusForErrorType(std::string_view type) {
  type =
      type.substr(0, type.find(':'));  // x-amzn-ErrorType: "ValidationException:http://internal…"
  if (type.empty()) return 502;
  std::string t(type);
  if (t[0] >= 'A' && t[0] <= 'Z') t[0] = static_cast<char>(t[0] - 'A' + 'a');
  if (t == "validationException") return 400;
  if (t == "accessDeniedException" || t == "unrecognizedClientException" ||
      t == "expiredTokenException")
    return 403;
  if (t == "resourceNotFoundException") return 404;
  if (t == "throttlingException" || t == "modelNotReadyException" ||
      t == "serviceQuotaExceededException")
    return 429;
  if (t == "modelTimeoutException") return 504;
  if (t == "modelErrorException" || t == "modelStreamErrorException") return 502;
  if (t == "internalServerException") return 500;
  if (t == "serviceUnavailableException") return 503;
  return 502;  // an exception this table does not know: the upstream failed
}

core::Result<ir::ChatResponse> BedrockAdapter::DecodeResponse(std::string_view body) const {
  std::array<unsigned char, 8192> stack_buffer;
  json::monotonic_resource mr(stack_buffer.data(), stack_buffer.size());
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, &mr);
  const json::object* o = ec ? nullptr : root.if_object();
  if (!o) return ProtocolError("The Bedrock upstream returned a body that is not a JSON object.");
  const json::object* output = Member(*o, "output");
  const json::object* message = output ? Member(*output, "message") : nullptr;
  const json::value* content = message ? message->if_contains("content") : nullptr;
  if (!content || !content->is_array())
    return ProtocolError(
        "The Bedrock upstream returned a Converse answer without output.message.content.");

  ir::ChatResponse r;
  for (const json::value& bv : content->get_array()) {
    const json::object* b = bv.if_object();
    if (!b) continue;
    if (const json::value* text = b->if_contains("text"); text && text->is_string()) {
      r.content.push_back(ir::ContentPart::Text(std::string(text->get_string())));
    } else if (const json::object* use = Member(*b, "toolUse")) {
      const json::value* input = use->if_contains("input");
      r.content.push_back(ir::ContentPart::ToolCall(StringCopy(*use, "toolUseId"),
                                                    StringCopy(*use, "name"),
                                                    input ? json::serialize(*input) : "{}"));
    } else if (const json::object* reasoning = Member(*b, "reasoningContent")) {
      if (const json::object* rt = Member(*reasoning, "reasoningText")) {
        r.content.push_back(
            ir::ContentPart::Reasoning(StringCopy(*rt, "text"), StringCopy(*rt, "signature")));
      } else if (std::string_view data = StringView(*reasoning, "redactedContent"); !data.empty()) {
        ir::ContentPart p;
        p.kind = ir::PartKind::kRedactedReasoning;
        p.data = data;
        r.content.push_back(std::move(p));
      }
    }
    // citationsContent, guardContent, images and other blocks have no client-dialect form yet.
  }
  r.raw_finish = StringCopy(*o, "stopReason");
  r.finish = BedrockFinishReason(r.raw_finish);
  if (const json::object* extra = Member(*o, "additionalModelResponseFields"))
    r.stop_sequence =
        StringCopy(*extra, "stop_sequence");  // asked for when stop sequences were sent
  if (const json::object* u = Member(*o, "usage")) bedrock_detail::ReadUsage(*u, r.usage);
  return r;
}

core::Error BedrockAdapter::DecodeError(int status, std::string_view body) const {
  core::Error e;
  e.code = core::ErrorCode::kUpstreamError;
  // Status first (the type travels in the x-amzn-ErrorType header, which this interface does not
  // see).
  if (status == 424)
    e.http_status = 502;  // ModelErrorException: the model failed
  else if (status == 408)
    e.http_status = 504;  // ModelTimeoutException
  else
    e.http_status = status;
  std::array<unsigned char, 2048> stack_buffer;
  json::monotonic_resource mr(stack_buffer.data(), stack_buffer.size());
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, &mr);
  if (const json::object* o = ec ? nullptr : root.if_object()) {
    std::string_view message = StringView(*o, "message");
    if (message.empty()) message = StringView(*o, "Message");
    e.message = Scrub(std::string(message));
  }
  if (e.message.empty())
    e.message = "The Bedrock upstream answered with HTTP status " + std::to_string(status) + ".";
  return e;
}

}  // namespace sluice::provider
