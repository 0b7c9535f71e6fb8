#include "dialect/openai_response.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstring>
#include <vector>

#include "core/error.h"
#include "dialect/json_members.h"

namespace sluice::dialect {
namespace {

namespace json = boost::json;

uint64_t U64(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_uint64()) return v->get_uint64();
  if (v->is_int64()) return v->get_int64() > 0 ? static_cast<uint64_t>(v->get_int64()) : 0;
  if (v->is_double()) return v->get_double() > 0 ? static_cast<uint64_t>(v->get_double()) : 0;
  return 0;
}

bool ReadUsageObject(const json::object& root, TokenUsage& usage) {
  const json::value* u = root.if_contains("usage");
  if (!u || !u->is_object()) return false;
  const json::object& uo = u->get_object();
  usage.input = U64(uo, "prompt_tokens");
  usage.output = U64(uo, "completion_tokens");
  if (const json::value* d = uo.if_contains("prompt_tokens_details"); d && d->is_object())
    usage.cached_input = U64(d->get_object(), "cached_tokens");
  if (const json::value* d = uo.if_contains("completion_tokens_details"); d && d->is_object())
    usage.reasoning = U64(d->get_object(), "reasoning_tokens");
  usage.present = true;
  return true;
}

// True when `"usage"` followed by `:` and a non-null value occurs anywhere (a cheap, exact-enough filter:
// inside JSON strings quotes are escaped, so a real match is almost always the key).
bool MayHaveUsage(std::string_view s) {
  size_t pos = 0;
  while ((pos = s.find("\"usage\"", pos)) != std::string_view::npos) {
    size_t i = pos + 7;
    while (i < s.size() && (s[i] == ' ' || s[i] == ':')) ++i;
    if (i < s.size() && s[i] == '{') return true;
    pos = i;
  }
  return false;
}

// The unsigned integer following `"key":` inside `span` (a usage object: only numbers and nested objects of
// numbers, so a key cannot hide inside a string value); 0 when absent or not a plain number.
uint64_t UnsignedAfterKey(std::string_view span, std::string_view quoted_key) {
  size_t pos = span.find(quoted_key);
  if (pos == std::string_view::npos) return 0;
  size_t i = pos + quoted_key.size();
  while (i < span.size() && (span[i] == ' ' || span[i] == '\t' || span[i] == '\n' || span[i] == '\r')) ++i;
  if (i >= span.size() || span[i] != ':') return 0;
  ++i;
  while (i < span.size() && (span[i] == ' ' || span[i] == '\t' || span[i] == '\n' || span[i] == '\r')) ++i;
  uint64_t value = 0;
  size_t digits = 0;
  while (i < span.size() && span[i] >= '0' && span[i] <= '9' && digits < 19) {
    value = value * 10 + static_cast<uint64_t>(span[i] - '0');
    ++i;
    ++digits;
  }
  return value;
}

}  // namespace

bool ExtractUsage(std::string_view body, TokenUsage& usage) {
  if (!MayHaveUsage(body)) return false;
  // Read only the top-level "usage" object, and its few integers by key, instead of building a DOM of the
  // whole completion: this runs on every non-streaming response.
  std::vector<JsonMember> members;
  members.reserve(16);
  if (!ScanTopLevelMembers(body, members)) return false;
  for (const auto& m : members) {
    if (!KeyEquals(m, "usage")) continue;
    std::string_view span = body.substr(m.value_begin, m.value_end - m.value_begin);
    if (span.empty() || span.front() != '{') return false;
    usage.input = UnsignedAfterKey(span, "\"prompt_tokens\"");
    usage.output = UnsignedAfterKey(span, "\"completion_tokens\"");
    usage.cached_input = UnsignedAfterKey(span, "\"cached_tokens\"");
    usage.reasoning = UnsignedAfterKey(span, "\"reasoning_tokens\"");
    usage.present = true;
    return true;
  }
  return false;
}

ChunkInfo InspectChunk(std::string_view data, TokenUsage& usage) {
  ChunkInfo info;
  bool may_usage = MayHaveUsage(data);
  bool may_error = data.find("\"error\"") != std::string_view::npos;
  if (!may_usage && !may_error) return info;
  boost::system::error_code ec;
  json::value v = json::parse(data, ec);
  if (ec || !v.is_object()) return info;
  const json::object& o = v.get_object();
  if (const json::value* e = o.if_contains("error"); e && !e->is_null()) info.is_error = true;
  if (ReadUsageObject(o, usage)) {
    const json::value* choices = o.if_contains("choices");
    info.usage_only = !choices || (choices->is_array() && choices->get_array().empty());
  }
  return info;
}

std::string NormalizeUpstreamError(int status, std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (!ec && v.is_object()) {
    json::object& o = v.get_object();
    if (json::value* e = o.if_contains("error"); e && e->is_object()) {
      json::object& eo = e->get_object();
      if (!eo.contains("message")) eo["message"] = "upstream returned HTTP " + std::to_string(status);
      if (!eo.contains("type")) eo["type"] = core::OpenAiTypeForStatus(status);
      if (!eo.contains("param")) eo["param"] = nullptr;
      if (!eo.contains("code")) eo["code"] = nullptr;
      json::object root;
      root["error"] = std::move(eo);
      return json::serialize(root);
    }
    // Some servers (vLLM, TGI) put the message at the top level.
    if (const json::value* m = o.if_contains("message"); m && m->is_string())
      return core::OpenAiErrorBody(m->get_string(), core::OpenAiTypeForStatus(status), "upstream_error");
    if (const json::value* m = o.if_contains("error"); m && m->is_string())
      return core::OpenAiErrorBody(m->get_string(), core::OpenAiTypeForStatus(status), "upstream_error");
  }
  std::string message = "upstream returned HTTP " + std::to_string(status);
  return core::OpenAiErrorBody(message, core::OpenAiTypeForStatus(status), "upstream_error");
}

std::string OpenAiStreamErrorEvent(std::string_view message, std::string_view type, std::string_view code) {
  std::string out = "data: ";
  out += core::OpenAiErrorBody(message, type, code);
  out += "\n\n";
  return out;
}

}  // namespace sluice::dialect
