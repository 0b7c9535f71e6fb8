#include "dialect/openai_response.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <algorithm>
#include <array>
#include <cstring>
#include <utility>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

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

bool ReadUsageMember(const json::object& holder, TokenUsage& usage) {
  const json::value* u = holder.if_contains("usage");
  if (!u || !u->is_object()) return false;
  const json::object& uo = u->get_object();
  usage.input = U64(uo, "prompt_tokens");
  usage.output = U64(uo, "completion_tokens");
  usage.cached_input = 0;
  if (const json::value* d = uo.if_contains("prompt_tokens_details"); d && d->is_object())
    usage.cached_input = U64(d->get_object(), "cached_tokens");
  if (usage.cached_input == 0) usage.cached_input = U64(uo, "prompt_cache_hit_tokens");  // DeepSeek
  usage.reasoning = 0;
  if (const json::value* d = uo.if_contains("completion_tokens_details"); d && d->is_object())
    usage.reasoning = U64(d->get_object(), "reasoning_tokens");
  usage.present = true;
  return true;
}

// `usage` at the top level, else Groq's `x_groq.usage` (its final chunk before include_usage existed).
bool ReadUsageObject(const json::object& root, TokenUsage& usage) {
  if (ReadUsageMember(root, usage)) return true;
  const json::value* groq = root.if_contains("x_groq");
  return groq && groq->is_object() && ReadUsageMember(groq->get_object(), usage);
}

// FindChunkKeys: one pass over a payload for the two keys the proxy cares about (a cheap, exact-enough
// filter: inside JSON strings quotes are escaped, so a real match is almost always the key). `usage` counts
// only when an object follows (`"usage":null` rides on every chunk of an include_usage stream); `error` is a
// key or a value ("object":"error"). This runs on every stream event: 32 bytes per step (AVX2) or 16 (SSE2,
// part of x86-64's baseline) pick the quotes followed by 'u' or 'e', and only those are compared; a plain
// byte loop cost ~12 % of a proxied event's CPU.
inline uint32_t Load4(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
// Two overlapping 4-byte compares instead of a memcmp call: no call in the vector loops, whose constants
// then stay in registers.
inline bool Is7(const char* p, const char (&key)[8]) {
  return Load4(p) == Load4(key) && Load4(p + 3) == Load4(key + 3);
}
bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
// `"usage"` at `key`, its null value ending at `end`: noted when the member is the last of the root object
// (only blanks and the closing brace follow, so it is at the top level) and a comma precedes it.
void NoteNullUsage(std::string_view s, size_t key, size_t end, ChunkKeyHits& hits) {
  size_t after = end;
  while (after < s.size() && IsBlank(s[after])) ++after;
  if (after >= s.size() || s[after] != '}') return;
  for (size_t k = after + 1; k < s.size(); ++k)
    if (!IsBlank(s[k])) return;
  size_t comma = key;
  while (comma > 0 && IsBlank(s[comma - 1])) --comma;
  if (comma == 0 || s[comma - 1] != ',') return;
  hits.null_usage_begin = comma - 1;
  hits.null_usage_end = end;
}
// {key position + 1, end of null} of the last `"usage":null` seen; {0, 0}: none.
using NullUsageAt = std::pair<size_t, size_t>;
inline void CheckKeyAt(std::string_view s, size_t i, ChunkKeyHits& hits, NullUsageAt& last_null_usage) {
  static constexpr char kUsage[8] = "\"usage\"";
  static constexpr char kError[8] = "\"error\"";
  const size_t n = s.size();
  if (i + 7 > n) return;
  const char* p = s.data() + i;
  if (p[1] == 'u' && Is7(p, kUsage)) {
    size_t j = i + 7;
    while (j < n && (s[j] == ' ' || s[j] == ':' || s[j] == '\n' || s[j] == '\r' || s[j] == '\t')) ++j;
    if (j < n && s[j] == '{') {
      hits.usage_object = true;
    } else if (j + 4 <= n && Load4(s.data() + j) == Load4("null") && i + 1 > last_null_usage.first) {
      // Judged after the scan: only the last one can be the root's last member (and the loops stay free
      // of calls, which would cost them their vector registers).
      last_null_usage = {i + 1, j + 4};
    }
  } else if (p[1] == 'e' && Is7(p, kError)) {
    hits.error = true;
  }
}

// A key can start no later than 7 bytes before the end, so after the whole steps one more step ending at the
// last byte covers the tail; it overlaps positions already looked at, which is harmless (a hit is a flag).
#if defined(__SSE2__)
inline void Step16(std::string_view s, size_t i, ChunkKeyHits& hits, NullUsageAt& null_usage) {
  const char* p = s.data();
  const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
  const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 1));
  const __m128i hit = _mm_and_si128(_mm_cmpeq_epi8(here, _mm_set1_epi8('"')),
                                    _mm_or_si128(_mm_cmpeq_epi8(next, _mm_set1_epi8('u')),
                                                 _mm_cmpeq_epi8(next, _mm_set1_epi8('e'))));
  for (unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hit)); mask != 0; mask &= mask - 1)
    CheckKeyAt(s, i + static_cast<size_t>(__builtin_ctz(mask)), hits, null_usage);
}
#endif

#if defined(__x86_64__) && defined(__GNUC__)
#define SLUICE_CHUNK_KEYS_AVX2 1
// 32 bytes per step where the CPU has AVX2 (checked once at start-up; the build targets baseline x86-64).
const bool kCpuHasAvx2 = (__builtin_cpu_init(), __builtin_cpu_supports("avx2"));

__attribute__((target("avx2"))) inline void Step32(std::string_view s, size_t i, ChunkKeyHits& hits,
                                                   NullUsageAt& null_usage) {
  const char* p = s.data();
  const __m256i here = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
  const __m256i next = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 1));
  const __m256i hit = _mm256_and_si256(_mm256_cmpeq_epi8(here, _mm256_set1_epi8('"')),
                                       _mm256_or_si256(_mm256_cmpeq_epi8(next, _mm256_set1_epi8('u')),
                                                       _mm256_cmpeq_epi8(next, _mm256_set1_epi8('e'))));
  for (unsigned mask = static_cast<unsigned>(_mm256_movemask_epi8(hit)); mask != 0; mask &= mask - 1)
    CheckKeyAt(s, i + static_cast<size_t>(__builtin_ctz(mask)), hits, null_usage);
}

// For payloads of at least 33 bytes.
__attribute__((target("avx2"))) void FindKeysAvx2(std::string_view s, ChunkKeyHits& hits, NullUsageAt& null_usage) {
  const size_t n = s.size();
  size_t i = 0;
  for (; i + 33 <= n; i += 32) Step32(s, i, hits, null_usage);
  if (i + 7 <= n) Step32(s, n - 33, hits, null_usage);
}
#endif

// The widest scan the CPU and the payload's length allow.
void ScanKeys(std::string_view s, bool wide, ChunkKeyHits& hits, NullUsageAt& null_usage) {
  const size_t n = s.size();
#ifdef SLUICE_CHUNK_KEYS_AVX2
  if (wide && kCpuHasAvx2 && n >= 33) return FindKeysAvx2(s, hits, null_usage);
#else
  (void)wide;
#endif
#if defined(__SSE2__)
  if (n >= 17) {
    size_t i = 0;
    for (; i + 17 <= n; i += 16) Step16(s, i, hits, null_usage);
    if (i + 7 <= n) Step16(s, n - 17, hits, null_usage);
    return;
  }
#endif
  for (size_t i = 0; i + 7 <= n; ++i) {
    if (s[i] == '"') CheckKeyAt(s, i, hits, null_usage);
  }
}

}  // namespace

ChunkKeyHits FindChunkKeys(std::string_view s, bool wide) {
  ChunkKeyHits hits;
  NullUsageAt null_usage{0, 0};
  ScanKeys(s, wide, hits, null_usage);
  if (null_usage.first > 0) NoteNullUsage(s, null_usage.first - 1, null_usage.second, hits);
  return hits;
}

namespace {

// The integers of a `usage` object, read in one pass over its text (it holds only numbers and nested
// objects of numbers, so every string is a key). Each field takes the first string equal to its name: its
// number when a colon and digits follow, else 0 (a string, a negative or a missing value); at most 19
// digits, the integer part of a decimal.
struct UsageNumbers {
  enum Field { kPrompt, kCompletion, kCached, kCacheHit, kReasoning, kFields };
  uint64_t value[kFields] = {};
  bool seen[kFields] = {};
};

int UsageField(std::string_view name) {
  switch (name.size()) {
    case 13:
      if (name == "prompt_tokens") return UsageNumbers::kPrompt;
      if (name == "cached_tokens") return UsageNumbers::kCached;
      return -1;
    case 16:
      return name == "reasoning_tokens" ? UsageNumbers::kReasoning : -1;
    case 17:
      return name == "completion_tokens" ? UsageNumbers::kCompletion : -1;
    case 23:
      return name == "prompt_cache_hit_tokens" ? UsageNumbers::kCacheHit : -1;
    default:
      return -1;
  }
}

void ReadUsageNumbers(std::string_view span, UsageNumbers& out) {
  const size_t n = span.size();
  size_t i = 0;
  while (true) {
    const void* hit = i < n ? std::memchr(span.data() + i, '"', n - i) : nullptr;
    if (!hit) return;
    const size_t open = static_cast<size_t>(static_cast<const char*>(hit) - span.data());
    bool escaped = false;
    const size_t end = SkipJsonString(span, open, &escaped);
    i = end;
    if (escaped || end > n || span[end - 1] != '"' || end - open < 2) continue;
    const int field = UsageField(span.substr(open + 1, end - open - 2));
    if (field < 0 || out.seen[field]) continue;
    out.seen[field] = true;
    size_t j = end;
    while (j < n && IsBlank(span[j])) ++j;
    if (j >= n || span[j] != ':') continue;
    ++j;
    while (j < n && IsBlank(span[j])) ++j;
    uint64_t value = 0;
    for (size_t digits = 0; j < n && span[j] >= '0' && span[j] <= '9' && digits < 19; ++j, ++digits)
      value = value * 10 + static_cast<uint64_t>(span[j] - '0');
    out.value[field] = value;
    i = j;
  }
}

std::string_view Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

// A message that may arrive as an object (Mistral's 422 validation detail): its JSON text then.
std::string MessageText(const json::value* v) {
  if (!v || v->is_null()) return {};
  if (v->is_string()) return std::string(v->get_string());
  return json::serialize(*v);
}

int64_t Integer(const json::value* v) {
  if (!v) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() < 1000) return static_cast<int64_t>(v->get_uint64());
  return 0;
}

bool IsErrorPayload(const json::object& o) {
  if (const json::value* e = o.if_contains("error"); e && (e->is_object() || e->is_string())) return true;
  return Str(o, "object") == "error";  // vLLM < 0.10.1, Mistral: flat
}

// What the OpenAI SDKs read: {"error":{"message":"…",…}}. Such payloads are forwarded byte for byte.
bool IsOpenAiShaped(const json::object& o) {
  const json::value* e = o.if_contains("error");
  return e && e->is_object() && e->get_object().contains("message") &&
         e->get_object().at("message").is_string();
}

// Status for an error known only by its kind (an error inside a 2xx body or a stream chunk).
int StatusForKind(std::string_view kind) {
  if (kind == "invalid_request_error" || kind == "validation" || kind == "BadRequestError" ||
      kind == "content_filter" || kind == "context_length_exceeded")
    return 400;
  if (kind == "authentication_error" || kind == "invalid_api_key") return 401;
  if (kind == "permission_error") return 403;
  if (kind == "not_found_error" || kind == "model_not_found" || kind == "NotFoundError") return 404;
  if (kind == "rate_limit_error" || kind == "rate_limit_exceeded" || kind == "requests" || kind == "tokens" ||
      kind == "overloaded")  // TGI's queue is full: it answers 429
    return 429;
  if (kind == "overloaded_error") return 503;
  if (kind == "server_error" || kind == "api_error") return 500;
  return 502;  // generation, incomplete_generation, anything new: the upstream failed
}

int ClientStatus(int http, int64_t code, std::string_view kind) {
  if (http >= 400) {
    if (http == 529) return 503;  // no OpenAI client knows 529
    if (http == 424) return 502;  // TGI generation error
    return http;
  }
  if (code >= 400 && code < 600) return code == 529 ? 503 : static_cast<int>(code);
  return StatusForKind(kind);
}

// Azure's content_filter error: name the categories that tripped (innererror.content_filter_result).
void AppendFilteredCategories(const json::object& eo, std::string& message) {
  const json::value* inner = eo.if_contains("innererror");
  const json::value* result = inner && inner->is_object() ? inner->get_object().if_contains("content_filter_result")
                                                          : nullptr;
  if (!result || !result->is_object()) return;
  std::string names;
  for (const auto& [name, verdict] : result->get_object()) {
    const json::object* vo = verdict.if_object();
    const json::value* filtered = vo ? vo->if_contains("filtered") : nullptr;
    if (!filtered || !filtered->is_bool() || !filtered->get_bool()) continue;
    if (!names.empty()) names += ", ";
    names.append(name.data(), name.size());
    if (std::string_view severity = Str(*vo, "severity"); !severity.empty() && severity != "safe")
      names.append(" (").append(severity).append(")");
  }
  if (!names.empty()) message += " [Azure OpenAI content filter: " + names + "]";
}

// Every known upstream error shape → OpenAI's {"error":{"message","type","param","code",…}}.
NormalizedError NormalizeErrorObject(int http, const json::object& o) {
  json::object out;
  std::string message, type, code;
  json::value param = nullptr;
  int64_t numeric = 0;
  std::string kind;
  json::object extras;
  const json::value* err = o.if_contains("error");
  if (err && err->is_object()) {  // OpenAI, Azure, OpenRouter, Groq, vLLM ≥ 0.10.1
    const json::object& eo = err->get_object();
    message = MessageText(eo.if_contains("message"));
    type = Str(eo, "type");
    if (const json::value* c = eo.if_contains("code"); c && c->is_string())
      code = c->get_string();
    else
      numeric = Integer(c);
    if (const json::value* p = eo.if_contains("param")) param = *p;
    for (const auto& [k, val] : eo)
      if (k != "message" && k != "type" && k != "code" && k != "param") extras[k] = val;
    if (code == "content_filter") AppendFilteredCategories(eo, message);
  } else if (err && err->is_string()) {  // TGI: {"error":"…","error_type":"validation"}
    message = err->get_string();
    code = Str(o, "error_type");
    if (http == 422) http = 400;
  } else if (Str(o, "object") == "error") {  // vLLM < 0.10.1, Mistral
    message = MessageText(o.if_contains("message"));
    type = Str(o, "type");
    if (const json::value* c = o.if_contains("code"); c && c->is_string())
      code = c->get_string();
    else
      numeric = Integer(c);
    if (const json::value* p = o.if_contains("param")) param = *p;
  } else if (const json::value* m = o.if_contains("message"); m && m->is_string()) {
    message = m->get_string();
  } else if (const json::value* d = o.if_contains("detail")) {  // FastAPI-style servers
    message = MessageText(d);
  }
  kind = !type.empty() ? type : code;
  NormalizedError n;
  n.status = ClientStatus(http, numeric, kind);
  if (message.empty())
    message = http >= 400 ? "upstream returned HTTP " + std::to_string(http) : "the upstream reported an error";
  json::object eo;
  eo["message"] = message;
  eo["type"] = type.empty() ? std::string(core::OpenAiTypeForStatus(n.status)) : type;
  eo["param"] = std::move(param);
  if (!code.empty())
    eo["code"] = code;
  else if (err && err->is_object())
    eo["code"] = nullptr;  // the upstream's own shape: a numeric code is carried by the status
  else
    eo["code"] = "upstream_error";
  for (auto& [k, val] : extras) eo[k] = std::move(val);
  out["error"] = std::move(eo);
  n.body = json::serialize(out);
  return n;
}

}  // namespace

namespace {

// The `usage` object's span when `"usage"` is the body's last top-level member, as every OpenAI-compatible
// server writes it; empty when it is not (or cannot be told without a full walk).
// Found from the end: a `"usage"` string whose quotes are not escaped is a string token of the (valid)
// text, a key when a colon follows; it is a top-level key when the members after its value close the
// body: `, "key": value`* then the body's last `}`. A key nested deeper leaves its enclosing containers'
// closing brackets before that, which the walk refuses.
constexpr std::string_view kUsageKey = "\"usage\"";

// Start of the last `"usage"` that starts before `from`, or npos. Backwards 16 bytes per step (SSE2): the
// quotes followed by 'u' are the only places compared.
size_t FindLastUsageKey(std::string_view s, size_t from) {
  if (s.size() < kUsageKey.size()) return std::string_view::npos;
  const char* p = s.data();
  size_t i = std::min(from, s.size() - kUsageKey.size() + 1);  // candidate starts are below i
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i u = _mm_set1_epi8('u');
  while (i >= 16) {
    const size_t base = i - 16;  // reads p[base, base + 17): p[i] exists since i + 6 <= size
    const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + base));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + base + 1));
    unsigned mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(here, quote), _mm_cmpeq_epi8(next, u))));
    while (mask != 0) {
      const unsigned bit = 31u - static_cast<unsigned>(__builtin_clz(mask));
      if (s.compare(base + bit, kUsageKey.size(), kUsageKey) == 0) return base + bit;
      mask &= ~(1u << bit);
    }
    i = base;
  }
#endif
  while (i > 0) {
    --i;
    if (p[i] == '"' && s.compare(i, kUsageKey.size(), kUsageKey) == 0) return i;
  }
  return std::string_view::npos;
}

std::string_view TrailingUsageSpan(std::string_view body) {
  const char* p = body.data();
  size_t end = body.size();
  while (end > 0 && IsBlank(p[end - 1])) --end;
  if (end == 0 || p[end - 1] != '}') return {};
  size_t from = end;
  for (int tries = 0; tries < 4; ++tries) {  // a few escaped or nested candidates, then the full walk
    const size_t at = FindLastUsageKey(body, from);
    if (at == std::string_view::npos || at == 0) return {};
    from = at;
    size_t backslashes = 0;
    while (at > backslashes && p[at - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 1) continue;  // an escaped quote inside a string
    size_t before = at;
    while (before > 0 && IsBlank(p[before - 1])) --before;
    if (before == 0 || (p[before - 1] != '{' && p[before - 1] != ',')) continue;
    size_t i = SkipJsonWhitespace(body, at + kUsageKey.size());
    if (i >= end || p[i] != ':') continue;
    i = SkipJsonWhitespace(body, i + 1);
    if (i >= end || p[i] != '{') return {};  // usage: null (or not an object) counts nothing either way
    const size_t value_begin = i;
    const size_t value_end = SkipJsonValue(body, i);
    i = SkipJsonWhitespace(body, value_end);
    while (i < end && p[i] == ',') {
      i = SkipJsonWhitespace(body, i + 1);
      if (i >= end || p[i] != '"') return {};
      i = SkipJsonWhitespace(body, SkipJsonString(body, i, nullptr));
      if (i >= end || p[i] != ':') return {};
      i = SkipJsonWhitespace(body, SkipJsonValue(body, SkipJsonWhitespace(body, i + 1)));
    }
    if (i + 1 != end || p[i] != '}') return {};
    return body.substr(value_begin, value_end - value_begin);
  }
  return {};
}

// The full walk: one pass over the top-level members (no DOM, no vector); the first top-level `usage`.
std::string_view ScannedUsageSpan(std::string_view body) {
  std::string_view span;
  bool found = false;
  const bool scanned = ForEachTopLevelMember(body, [&](const JsonMember& m) {
    if (!found && KeyEquals(m, "usage")) {
      found = true;
      span = body.substr(m.value_begin, m.value_end - m.value_begin);
    }
  });
  return scanned && found ? span : std::string_view();
}

bool ReadUsageSpan(std::string_view span, TokenUsage& usage) {
  if (span.empty() || span.front() != '{') return false;
  UsageNumbers numbers;
  ReadUsageNumbers(span, numbers);
  usage.input = numbers.value[UsageNumbers::kPrompt];
  usage.output = numbers.value[UsageNumbers::kCompletion];
  usage.cached_input = numbers.value[UsageNumbers::kCached];
  if (usage.cached_input == 0) usage.cached_input = numbers.value[UsageNumbers::kCacheHit];  // DeepSeek
  usage.reasoning = numbers.value[UsageNumbers::kReasoning];
  usage.present = true;
  return true;
}

}  // namespace

bool ExtractUsage(std::string_view body, TokenUsage& usage) {
  // This runs on every non-streaming response. The usage object is nearly always the last member, found
  // from the end without walking the choices; otherwise the full walk decides. A body the walk cannot
  // finish counts nothing.
  std::string_view span = TrailingUsageSpan(body);
  if (span.empty()) span = ScannedUsageSpan(body);
  return ReadUsageSpan(span, usage);
}

bool ExtractUsageByFullScan(std::string_view body, TokenUsage& usage) {
  return ReadUsageSpan(ScannedUsageSpan(body), usage);
}

ChunkInfo InspectChunk(std::string_view data, TokenUsage& usage) {
  ChunkInfo info;
  const ChunkKeyHits hits = FindChunkKeys(data);
  info.null_usage_begin = hits.null_usage_begin;
  info.null_usage_end = hits.null_usage_end;
  bool may_usage = hits.usage_object;
  bool may_error = hits.error;  // a key, or "object":"error"
  if (!may_usage && !may_error) return info;
  // A usage chunk is a few hundred bytes: its tree fits on the stack, with no heap allocation per node.
  std::array<unsigned char, 4096> stack_buffer;
  json::monotonic_resource mr(stack_buffer.data(), stack_buffer.size());
  boost::system::error_code ec;
  json::value v = json::parse(data, ec, &mr);
  if (ec || !v.is_object()) return info;
  const json::object& o = v.get_object();
  if (IsErrorPayload(o)) {
    info.is_error = true;
    NormalizedError n = NormalizeErrorObject(200, o);
    info.error_status = n.status;
    if (!IsOpenAiShaped(o)) info.openai_error = std::move(n.body);
  }
  if (ReadUsageObject(o, usage)) {
    const json::value* choices = o.if_contains("choices");
    info.usage_only = !choices || (choices->is_array() && choices->get_array().empty());
  }
  return info;
}

std::string NormalizeUpstreamError(int status, std::string_view body) {
  return NormalizeUpstreamErrorWithStatus(status, body).body;
}

NormalizedError NormalizeUpstreamErrorWithStatus(int status, std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (!ec && v.is_object()) return NormalizeErrorObject(status, v.get_object());
  NormalizedError n;
  n.status = ClientStatus(status, 0, {});
  std::string message = "upstream returned HTTP " + std::to_string(status);
  n.body = core::OpenAiErrorBody(message, core::OpenAiTypeForStatus(n.status), "upstream_error");
  return n;
}

bool RestoreToolCallIds(std::string_view data, const ToolCallIdMap& ids, std::string& out) {
  if (ids.empty()) return false;
  std::vector<JsonEdit> edits;
  for (const auto& [upstream, client] : ids.upstream_to_client) {
    if (upstream.empty()) continue;
    size_t pos = 0;
    while ((pos = data.find(upstream, pos)) != std::string_view::npos) {
      const size_t begin = pos - 1, end = pos + upstream.size() + 1;
      pos += upstream.size();
      if (pos == upstream.size() || end > data.size() || data[begin] != '"' || data[end - 1] != '"') continue;
      // The value of an "id" / "tool_call_id" member: `"key"` then optional blanks and a colon before it.
      size_t i = begin;
      while (i > 0 && IsBlank(data[i - 1])) --i;
      if (i == 0 || data[i - 1] != ':') continue;
      --i;
      while (i > 0 && IsBlank(data[i - 1])) --i;
      std::string_view before = data.substr(0, i);
      if (!before.ends_with("\"id\"") && !before.ends_with("\"tool_call_id\"")) continue;
      std::string quoted;
      AppendJsonString(quoted, client);
      edits.push_back({begin, end, std::move(quoted)});
    }
  }
  if (edits.empty()) return false;
  out = ApplyEdits(data, std::move(edits));
  return true;
}

std::string OpenAiStreamErrorEvent(std::string_view message, std::string_view type, std::string_view code) {
  std::string out = "data: ";
  out += core::OpenAiErrorBody(message, type, code);
  out += "\n\n";
  return out;
}

}  // namespace sluice::dialect
