// Gemini answers → IR: generateContent bodies (reference §4.2, §8.5, §8.6), error bodies (§4.4,
// §8.7), and the helpers the stream decoder shares (finish reasons, call ids, signatures, error
// objects). Thread rule: pure functions.
#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>

#include "provider/gemini.h"
#include "provider/gemini_detail.h"
#include "provider/json_fields.h"

namespace sluice::provider {

namespace json = boost::json;

namespace gemini_detail {

std::string ToolCallId(const json::object& fc, uint32_t ordinal) {
  std::string_view upstream = StringView(fc, "id");
  if (!upstream.empty()) return std::string(upstream);
  std::string id = "call_" + std::to_string(ordinal) + "_";
  for (char c : StringView(fc, "name")) {
    if (id.size() >= 64) break;  // the longest id Bedrock accepts
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    id += ok ? c : '_';
  }
  return id;
}

std::string TaggedSignature(const json::object& part) {
  std::string_view sig = StringView(part, "thoughtSignature");
  if (sig.empty()) return {};
  std::string out(kSignaturePrefix);
  out += sig;
  return out;
}

std::string Redacted(std::string_view message) {
  auto token_char = [](char c, bool dots) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
           (dots && c == '.');
  };
  std::string out;
  out.reserve(message.size());
  size_t i = 0;
  while (i < message.size()) {
    bool key = message.compare(i, 4, "AIza") == 0;
    bool token = message.compare(i, 5, "ya29.") == 0;
    if (key || token) {
      size_t end = i;
      while (end < message.size() && token_char(message[end], token)) ++end;
      if (end - i >= 20) {  // long enough to be a credential, not a word
        out += "[redacted]";
        i = end;
        continue;
      }
    }
    out += message[i++];
  }
  return out;
}

core::Error ErrorFromGoogle(const json::object& error, int http_status) {
  core::Error e;
  e.code = core::ErrorCode::kUpstreamError;
  std::string_view status_name = StringView(error, "status");
  int status = http_status;
  if (status < 400 || status > 599) {
    const json::value* code = error.if_contains("code");
    int64_t c = code && code->is_int64()    ? code->get_int64()
                : code && code->is_uint64() ? static_cast<int64_t>(code->get_uint64())
                                            : 0;
    status = c >= 400 && c <= 599   ? static_cast<int>(c)
             : !status_name.empty() ? GeminiStatusForName(status_name)
                                    : 502;
  }
  e.http_status = status;
  e.message = Redacted(StringView(error, "message"));
  if (e.message.empty())
    e.message = "The Gemini upstream answered with HTTP status " + std::to_string(status) +
                (status_name.empty() ? "" : " (" + std::string(status_name) + ")") + ".";
  return e;
}

}  // namespace gemini_detail

ir::FinishReason GeminiFinishReason(std::string_view r) {
  if (r == "STOP") return ir::FinishReason::kStop;
  if (r == "MAX_TOKENS") return ir::FinishReason::kLength;
  if (r == "SAFETY" || r == "RECITATION" || r == "BLOCKLIST" || r == "PROHIBITED_CONTENT" ||
      r == "SPII" || r == "IMAGE_SAFETY" || r == "IMAGE_PROHIBITED_CONTENT" ||
      r == "IMAGE_RECITATION")
    return ir::FinishReason::kContentFilter;
  if (r == "OTHER" || r == "LANGUAGE" || r == "FINISH_REASON_UNSPECIFIED" || r == "NO_IMAGE" ||
      r == "IMAGE_OTHER")
    return ir::FinishReason::kStop;  // reference §8.5: nothing better to tell an OpenAI client
  return ir::FinishReason::kUnknown;
}

bool GeminiFinishIsError(std::string_view r) {
  return r == "MALFORMED_FUNCTION_CALL" || r == "UNEXPECTED_TOOL_CALL" ||
         r == "TOO_MANY_TOOL_CALLS";
}

int GeminiStatusForName(std::string_view s) {
  if (s == "INVALID_ARGUMENT" || s == "FAILED_PRECONDITION" || s == "OUT_OF_RANGE") return 400;
  if (s == "UNAUTHENTICATED") return 401;
  if (s == "PERMISSION_DENIED") return 403;
  if (s == "NOT_FOUND") return 404;
  if (s == "ALREADY_EXISTS" || s == "ABORTED") return 409;
  if (s == "RESOURCE_EXHAUSTED") return 429;
  if (s == "CANCELLED") return 499;
  if (s == "UNIMPLEMENTED") return 501;
  if (s == "UNAVAILABLE") return 503;
  if (s == "DEADLINE_EXCEEDED") return 504;
  return 500;  // INTERNAL, UNKNOWN, DATA_LOSS and anything new
}

namespace {

core::Error FinishError(std::string_view reason) {
  return core::Error{
      core::ErrorCode::kUpstreamError,
      "The Gemini model failed to produce a valid answer (" + std::string(reason) + ").",
      502,
      {}};
}

}  // namespace

core::Result<ir::ChatResponse> GeminiAdapter::DecodeResponse(std::string_view body) const {
  std::array<unsigned char, 8192> stack_buffer;
  json::monotonic_resource mr(stack_buffer.data(), stack_buffer.size());
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, &mr);
  const json::object* o = ec ? nullptr : root.if_object();
  if (!o) return ProtocolError("The Gemini upstream returned a body that is not a JSON object.");
  if (const json::value* err = o->if_contains("error"); err && err->is_object())
    return gemini_detail::ErrorFromGoogle(err->get_object(), 0);

  ir::ChatResponse r;
  r.id = StringCopy(*o, "responseId");
  r.model = StringCopy(*o, "modelVersion");
  if (const json::value* u = o->if_contains("usageMetadata"); u && u->is_object())
    gemini_detail::ReadUsage(u->get_object(), r.usage);

  const json::value* cv = o->if_contains("candidates");
  const json::array* candidates = cv ? cv->if_array() : nullptr;
  const json::object* candidate =
      candidates && !candidates->empty() ? (*candidates)[0].if_object() : nullptr;
  if (!candidate) {
    // No answer at all: the prompt itself was blocked (promptFeedback.blockReason).
    const json::value* fb = o->if_contains("promptFeedback");
    std::string_view block =
        fb && fb->is_object() ? StringView(fb->get_object(), "blockReason") : "";
    if (block.empty())
      return ProtocolError("The Gemini upstream returned an answer without candidates.");
    r.finish = ir::FinishReason::kContentFilter;
    r.raw_finish = block;
    return r;
  }

  r.raw_finish = StringCopy(*candidate, "finishReason");
  if (GeminiFinishIsError(r.raw_finish)) return FinishError(r.raw_finish);
  bool has_calls = false;
  uint32_t calls = 0;
  if (const json::array* parts = gemini_detail::CandidateParts(*candidate)) {
    for (const json::value& partv : *parts) {
      const json::object* part = partv.if_object();
      if (!part) continue;
      std::string sig = gemini_detail::TaggedSignature(*part);
      const json::value* text = part->if_contains("text");
      const json::value* fc = part->if_contains("functionCall");
      if (gemini_detail::IsThought(*part)) {
        r.content.push_back(ir::ContentPart::Reasoning(StringCopy(*part, "text"), std::move(sig)));
        continue;
      }
      if (!sig.empty() && (text || fc)) {
        // The signature belongs to the part after it (gemini.h); an empty reasoning part carries
        // it.
        r.content.push_back(ir::ContentPart::Reasoning({}, std::move(sig)));
      }
      if (text && text->is_string()) {
        std::string_view t = text->get_string();
        if (t.empty()) continue;
        if (!r.content.empty() && r.content.back().kind == ir::PartKind::kText)
          r.content.back().text += t;
        else
          r.content.push_back(ir::ContentPart::Text(std::string(t)));
      } else if (fc && fc->is_object()) {
        const json::object& call = fc->get_object();
        const json::value* args = call.if_contains("args");
        r.content.push_back(ir::ContentPart::ToolCall(
            gemini_detail::ToolCallId(call, calls++), StringCopy(call, "name"),
            args && args->is_object() ? json::serialize(*args) : "{}"));
        has_calls = true;
      }
      // inlineData (generated images), executableCode and codeExecutionResult have no IR form.
    }
  }
  r.finish = GeminiFinishReason(r.raw_finish);
  if (has_calls && (r.finish == ir::FinishReason::kStop || r.finish == ir::FinishReason::kUnknown))
    r.finish = ir::FinishReason::kToolCalls;
  return r;
}

core::Error GeminiAdapter::DecodeError(int status, std::string_view body) const {
  std::array<unsigned char, 2048> stack_buffer;
  json::monotonic_resource mr(stack_buffer.data(), stack_buffer.size());
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, &mr);
  const json::value* top = &root;
  // The v1beta API sometimes wraps the error object in an array: [{"error":{…}}].
  if (!ec && root.is_array() && !root.get_array().empty()) top = &root.get_array()[0];
  const json::object* o = ec ? nullptr : top->if_object();
  const json::value* err = o ? o->if_contains("error") : nullptr;
  int shown = status >= 400 && status <= 599 ? status : 502;
  if (err && err->is_object()) return gemini_detail::ErrorFromGoogle(err->get_object(), shown);
  return core::Error{
      core::ErrorCode::kUpstreamError,
      "The Gemini upstream answered with HTTP status " + std::to_string(status) + ".",
      shown,
      {}};
}

}  // namespace sluice::provider
