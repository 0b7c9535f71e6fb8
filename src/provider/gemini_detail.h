// Helpers shared by the Gemini adapter's request, response, stream and embeddings codecs: usage
// metadata, synthesized tool-call ids, thought-signature tagging, Google error objects (with any
// credential-looking text redacted) and the JSON Schema → Gemini Schema conversion. Internal to the
// Gemini adapter. Thread rule: pure functions.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"
#include "ir/usage.h"
#include "provider/json_fields.h"

namespace sluice::provider::gemini_detail {

// IR reasoning signatures that came from Gemini carry this prefix, so a signature from another
// provider (or a Gemini one sent elsewhere) is recognisable. ':' never occurs in base64.
inline constexpr std::string_view kSignaturePrefix = "gemini:";
// Google's documented placeholder for function calls whose history has no real signature (Gemini
// 3).
inline constexpr std::string_view kSkipSignature = "skip_thought_signature_validator";

// candidate.content.parts, or null when the candidate carries none (a blocked or empty answer).
inline const boost::json::array* CandidateParts(const boost::json::object& candidate) {
  const boost::json::value* content = candidate.if_contains("content");
  const boost::json::value* parts =
      content && content->is_object() ? content->get_object().if_contains("parts") : nullptr;
  return parts ? parts->if_array() : nullptr;
}

// A part with "thought": true carries reasoning (summary text, a signature or both).
inline bool IsThought(const boost::json::object& part) {
  const boost::json::value* thought = part.if_contains("thought");
  return thought && thought->is_bool() && thought->get_bool();
}

// "models/x" and "publishers/google/models/x" → "x".
inline std::string_view NormalizedModel(std::string_view model) {
  for (std::string_view prefix : {"publishers/google/models/", "models/"})
    if (model.starts_with(prefix)) return model.substr(prefix.size());
  return model;
}

// usageMetadata → IR (reference §8.6): input = promptTokenCount + toolUsePromptTokenCount (prompt
// includes cached content), cache_read = cachedContentTokenCount, output = candidates + thoughts,
// reasoning = thoughts. Replaces `usage` (Gemini's counts are cumulative); false when none present.
inline bool ReadUsage(const boost::json::object& m, ir::Usage& usage) {
  bool any = false;
  ir::Usage u;
  u.input = TokenCount(m, "promptTokenCount", any) + TokenCount(m, "toolUsePromptTokenCount", any);
  u.cache_read = TokenCount(m, "cachedContentTokenCount", any);
  uint64_t thoughts = TokenCount(m, "thoughtsTokenCount", any);
  u.output = TokenCount(m, "candidatesTokenCount", any) + thoughts;
  u.reasoning = thoughts;
  if (!any) return false;
  u.present = true;
  usage = u;
  return true;
}

// The id of the `ordinal`-th function call of an answer: the upstream's own id when it sent one,
// else "call_<ordinal>_<name>" with characters other providers refuse in ids replaced by '_'.
std::string ToolCallId(const boost::json::object& function_call, uint32_t ordinal);

// "gemini:<sig>" for a part's thoughtSignature; empty when the part has none.
std::string TaggedSignature(const boost::json::object& part);

// Replaces anything that looks like a Google API key ("AIza…") or OAuth2 access token ("ya29.…")
// with
// "[redacted]": upstream messages reach clients and logs, credentials never may.
std::string Redacted(std::string_view message);

// A Google error object {"code","message","status","details"} → kUpstreamError. `http_status` wins
// when it is an error status; otherwise the object's code, then its status name, decide.
core::Error ErrorFromGoogle(const boost::json::object& error, int http_status);

// JSON Schema → Gemini's OpenAPI-subset Schema. Returns false when the subset cannot express the
// schema faithfully; the caller then sends the JSON Schema as is (parametersJsonSchema).
bool ToGeminiSchema(const boost::json::value& in, boost::json::value& out,
                    const boost::json::storage_ptr& sp);

}  // namespace sluice::provider::gemini_detail
