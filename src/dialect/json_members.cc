// See json_members.h. The skips run over every request and response body the proxy splices, so they look
// at 16 bytes per step (SSE2, part of x86-64's baseline; a plain byte loop elsewhere) instead of calling
// memchr per string: JSON strings are mostly shorter than memchr's set-up.
#include "dialect/json_members.h"

#include <algorithm>
#include <cstring>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sluice::dialect {
namespace {

// Index of the first '"' or '\\' in s[i, n), or n.
inline size_t FindQuoteOrBackslash(const char* s, size_t i, size_t n) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    const int mask = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < n; ++i) {
    if (s[i] == '"' || s[i] == '\\') return i;
  }
  return n;
}

// Index of the first '"', '{', '}', '[' or ']' in s[i, n), or n. (c | 0x20) folds '[' onto '{' and ']'
// onto '}', and no other byte lands on either.
inline size_t FindStructural(const char* s, size_t i, size_t n) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i fold = _mm_set1_epi8(0x20);
  const __m128i open = _mm_set1_epi8('{');
  const __m128i close = _mm_set1_epi8('}');
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    const __m128i f = _mm_or_si128(v, fold);
    const __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                     _mm_or_si128(_mm_cmpeq_epi8(f, open), _mm_cmpeq_epi8(f, close)));
    const int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < n; ++i) {
    const char c = s[i];
    if (c == '"' || c == '{' || c == '}' || c == '[' || c == ']') return i;
  }
  return n;
}

inline bool IsJsonBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

namespace {

// A backslash escapes the byte after it, so scanning forward and stepping over that byte finds the same
// closing quote as counting the backslashes before each candidate. Inline here: SkipJsonValue calls it
// once per string.
inline size_t SkipString(std::string_view s, size_t i, bool* escaped) {
  const char* p = s.data();
  const size_t n = s.size();
  bool saw_backslash = false;
  for (i = i + 1;;) {
    i = FindQuoteOrBackslash(p, i, n);
    if (i >= n) return n;
    if (p[i] == '"') break;
    saw_backslash = true;
    i += 2;
  }
  if (saw_backslash && escaped) *escaped = true;
  return i + 1;
}

}  // namespace

size_t SkipJsonString(std::string_view s, size_t i, bool* escaped) { return SkipString(s, i, escaped); }

size_t SkipJsonValue(std::string_view s, size_t i) {
  const size_t n = s.size();
  if (i >= n) return i;
  const char c = s[i];
  if (c == '"') return SkipString(s, i, nullptr);
  if (c == '{' || c == '[') {
    int depth = 0;
    while (i < n) {
      i = FindStructural(s.data(), i, n);
      if (i >= n) return n;
      const char d = s[i];
      if (d == '"') {
        i = SkipString(s, i, nullptr);
        continue;
      }
      if (d == '{' || d == '[') {
        ++depth;
      } else if (--depth == 0) {
        return i + 1;
      }
      ++i;
    }
    return i;
  }
  // number, true, false, null
  while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' && !IsJsonBlank(s[i])) ++i;
  return i;
}

bool ScanTopLevelMembers(std::string_view s, std::vector<JsonMember>& out) {
  out.clear();
  return ForEachTopLevelMember(s, [&out](const JsonMember& m) { out.push_back(m); });
}

bool ScanArrayElements(std::string_view s, std::vector<std::pair<size_t, size_t>>& out) {
  out.clear();
  return ForEachArrayElement(s, [&out](size_t begin, size_t end) { out.emplace_back(begin, end); });
}

bool DecodeJsonString(std::string_view raw, std::string& out) {
  if (raw.size() < 2 || raw.front() != '"' || raw.back() != '"') return false;
  std::string_view inner = raw.substr(1, raw.size() - 2);
  if (inner.find('\\') == std::string_view::npos) {
    out.assign(inner);
    return true;
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(raw, ec);
  if (ec || !v.is_string()) return false;
  out.assign(v.get_string().data(), v.get_string().size());
  return true;
}

bool EscapedKeyEquals(std::string_view raw_key, std::string_view name) {
  std::string quoted;
  quoted.reserve(raw_key.size() + 2);
  quoted += '"';
  quoted += raw_key;
  quoted += '"';
  boost::system::error_code ec;
  auto v = boost::json::parse(quoted, ec);
  return !ec && v.is_string() && v.get_string() == name;
}

std::string ApplyEdits(std::string_view json, std::vector<JsonEdit> edits) {
  std::sort(edits.begin(), edits.end(), [](const JsonEdit& a, const JsonEdit& b) { return a.begin < b.begin; });
  size_t extra = 0;
  for (const auto& e : edits) extra += e.text.size();
  std::string out;
  out.reserve(json.size() + extra);
  size_t pos = 0;
  for (const auto& e : edits) {
    out.append(json.substr(pos, e.begin - pos));
    out.append(e.text);
    pos = e.end;
  }
  out.append(json.substr(pos));
  return out;
}

void AppendJsonString(std::string& out, std::string_view s) {
  // Most strings (model names, ids, header values) need no escape: append them as they are. Otherwise
  // Boost's serializer writes the escapes (the only bytes it escapes are these).
  bool plain = true;
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') {
      plain = false;
      break;
    }
  }
  if (!plain) {
    out += boost::json::serialize(boost::json::string_view(s.data(), s.size()));
    return;
  }
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  out += s;
  out += '"';
}

}  // namespace sluice::dialect
