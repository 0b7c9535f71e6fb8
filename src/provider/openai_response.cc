// OpenAI(-compatible) answers → IR: chat.completion bodies (reference §1.4, §7) and error bodies
// (§1.6, §7: OpenAI's nested shape, vLLM's and Mistral's flat one, TGI's string, OpenRouter's
// numeric code). Thread rule: pure functions.
#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "dialect/openai_response.h"
#include "provider/json_fields.h"
#include "provider/openai.h"
#include "provider/openai_usage.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;

std::string Str(const json::object& o, std::string_view key) { return StringCopy(o, key); }
core::Error Protocol(std::string message) { return ProtocolError(std::move(message)); }

// Message content: a string, or (Mistral, some compat servers) an array of text parts.
std::string ContentText(const json::value* content) {
  if (!content) return {};
  if (content->is_string()) return std::string(content->get_string());
  std::string text;
  if (const json::array* parts = content->if_array())
    for (const json::value& part : *parts)
      if (const json::object* po = part.if_object(); po && Str(*po, "type") == "text")
        text += Str(*po, "text");
  return text;
}

}  // namespace

std::optional<int> OpenAiFinishReasonError(std::string_view r) {
  if (r == "insufficient_system_resource") return 503;  // DeepSeek: capacity ran out mid-answer; retryable
  if (r == "error") return 502;                          // Mistral, OpenRouter: generation failed upstream
  return std::nullopt;
}

ir::FinishReason OpenAiFinishReasonToIr(std::string_view r) {
  if (r == "stop") return ir::FinishReason::kStop;
  if (r == "length" || r == "model_length") return ir::FinishReason::kLength;
  if (r == "tool_calls" || r == "function_call") return ir::FinishReason::kToolCalls;
  if (r == "content_filter") return ir::FinishReason::kContentFilter;
  return ir::FinishReason::kUnknown;
}

core::Result<ir::ChatResponse> OpenAiAdapter::DecodeResponse(std::string_view body) const {
  return DecodeResponse(body, dialect::ToolCallIdMap{});
}

core::Result<ir::ChatResponse> OpenAiAdapter::DecodeResponse(std::string_view body,
                                                             const dialect::ToolCallIdMap& ids) const {
  std::array<unsigned char, 8192> stack_buffer;
  json::monotonic_resource mr(stack_buffer.data(), stack_buffer.size());
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, &mr);
  const json::object* o = ec ? nullptr : root.if_object();
  if (!o) return Protocol("The OpenAI upstream returned a body that is not a JSON object.");
  if (const json::value* err = o->if_contains("error"); err && !err->is_null())
    return DecodeError(200, body);  // an error inside a 200 (OpenRouter does this): status from its code
  const json::value* choices = o->if_contains("choices");
  const json::array* ca = choices ? choices->if_array() : nullptr;
  const json::object* choice = ca && !ca->empty() ? (*ca)[0].if_object() : nullptr;
  const json::object* message = choice ? openai_detail::Member(*choice, "message") : nullptr;
  if (!message) return Protocol("The OpenAI upstream returned a completion without a message.");

  ir::ChatResponse r;
  r.id = Str(*o, "id");
  r.model = Str(*o, "model");
  std::string reasoning = Str(*message, "reasoning_content");
  if (reasoning.empty()) reasoning = Str(*message, "reasoning");
  if (!reasoning.empty()) r.content.push_back(ir::ContentPart::Reasoning(std::move(reasoning), {}));
  std::string text = ContentText(message->if_contains("content"));
  if (text.empty()) text = Str(*message, "refusal");
  if (!text.empty()) r.content.push_back(ir::ContentPart::Text(std::move(text)));
  if (const json::value* calls = message->if_contains("tool_calls"); calls && calls->is_array()) {
    for (const json::value& cv : calls->get_array()) {
      const json::object* c = cv.if_object();
      const json::object* fn = c ? openai_detail::Member(*c, "function") : nullptr;
      if (!fn) return Protocol("The OpenAI upstream returned a tool call without a function.");
      std::string id = Str(*c, "id");
      if (id.empty()) id = "call_" + std::to_string(r.content.size());
      if (const std::string* client = ids.ClientIdFor(id)) id = *client;
      r.content.push_back(
          ir::ContentPart::ToolCall(std::move(id), Str(*fn, "name"), Str(*fn, "arguments")));
    }
  }
  r.raw_finish = Str(*choice, "finish_reason");
  if (std::optional<int> status = OpenAiFinishReasonError(r.raw_finish))
    return core::Error{core::ErrorCode::kUpstreamError,
                       "The upstream stopped generating (finish_reason '" + r.raw_finish + "').", *status, {}};
  r.finish = OpenAiFinishReasonToIr(r.raw_finish);
  if (const json::object* u = openai_detail::Member(*o, "usage"))
    openai_detail::ReadUsage(*u, r.usage);
  return r;
}

core::Error OpenAiAdapter::DecodeError(int status, std::string_view body) const {
  // One reading of every server's error shape for both paths: dialect::NormalizeUpstreamErrorWithStatus
  // (OpenAI, Azure content_filter, vLLM/Mistral flat, TGI string, OpenRouter numeric codes).
  core::Error e;
  e.code = core::ErrorCode::kUpstreamError;
  dialect::NormalizedError n = dialect::NormalizeUpstreamErrorWithStatus(status, body);
  e.http_status = n.status;
  std::array<unsigned char, 2048> stack_buffer;
  json::monotonic_resource mr(stack_buffer.data(), stack_buffer.size());
  boost::system::error_code ec;
  json::value root = json::parse(n.body, ec, &mr);
  const json::object* o = ec ? nullptr : root.if_object();
  if (const json::object* eo = o ? openai_detail::Member(*o, "error") : nullptr) {
    e.param = Str(*eo, "param");
    // The normalizer's own placeholder for a body without a message reads better in our words.
    if (!std::string_view(Str(*eo, "message")).starts_with("upstream returned HTTP")) e.message = Str(*eo, "message");
  }
  if (e.message.empty())
    e.message = "The OpenAI upstream answered with HTTP status " + std::to_string(status) + ".";
  return e;
}

}  // namespace sluice::provider
