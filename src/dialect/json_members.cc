#include "dialect/json_members.h"

#include <algorithm>
#include <cstring>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::dialect {
namespace {

size_t SkipWs(std::string_view s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  return i;
}

// s[i] == '"'; returns the index one past the closing quote and whether an escape was seen.
// memchr finds the candidate quote; an odd run of backslashes before it means it is escaped.
size_t SkipString(std::string_view s, size_t i, bool* escaped) {
  const size_t start = ++i;
  while (i < s.size()) {
    const void* hit = std::memchr(s.data() + i, '"', s.size() - i);
    if (!hit) return s.size();
    size_t q = static_cast<const char*>(hit) - s.data();
    size_t backslashes = 0;
    while (q - backslashes > start && s[q - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) {
      if (escaped && std::memchr(s.data() + start, '\\', q - start)) *escaped = true;
      return q + 1;
    }
    i = q + 1;
  }
  return s.size();
}

size_t SkipValue(std::string_view s, size_t i) {
  if (i >= s.size()) return i;
  char c = s[i];
  if (c == '"') return SkipString(s, i, nullptr);
  if (c == '{' || c == '[') {
    int depth = 0;
    while (i < s.size()) {
      char d = s[i];
      if (d == '"') {
        i = SkipString(s, i, nullptr);
        continue;
      }
      if (d == '{' || d == '[') ++depth;
      if (d == '}' || d == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return i;
  }
  // number, true, false, null
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\n' &&
         s[i] != '\r' && s[i] != '\t')
    ++i;
  return i;
}

}  // namespace

bool ScanTopLevelMembers(std::string_view s, std::vector<JsonMember>& out) {
  out.clear();
  size_t i = SkipWs(s, 0);
  if (i >= s.size() || s[i] != '{') return false;
  i = SkipWs(s, i + 1);
  if (i < s.size() && s[i] == '}') return true;
  while (i < s.size()) {
    if (s[i] != '"') return false;
    JsonMember m;
    size_t key_end = SkipString(s, i, &m.key_escaped);
    m.key = s.substr(i + 1, key_end - i - 2);
    i = SkipWs(s, key_end);
    if (i >= s.size() || s[i] != ':') return false;
    i = SkipWs(s, i + 1);
    m.value_begin = i;
    i = SkipValue(s, i);
    m.value_end = i;
    out.push_back(m);
    i = SkipWs(s, i);
    if (i < s.size() && s[i] == ',') {
      i = SkipWs(s, i + 1);
      continue;
    }
    return i < s.size() && s[i] == '}';
  }
  return false;
}

bool ScanArrayElements(std::string_view s, std::vector<std::pair<size_t, size_t>>& out) {
  out.clear();
  size_t i = SkipWs(s, 0);
  if (i >= s.size() || s[i] != '[') return false;
  i = SkipWs(s, i + 1);
  if (i < s.size() && s[i] == ']') return true;
  while (i < s.size()) {
    size_t begin = i;
    i = SkipValue(s, i);
    out.emplace_back(begin, i);
    i = SkipWs(s, i);
    if (i < s.size() && s[i] == ',') {
      i = SkipWs(s, i + 1);
      continue;
    }
    return i < s.size() && s[i] == ']';
  }
  return false;
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

bool KeyEquals(const JsonMember& member, std::string_view name) {
  if (!member.key_escaped) return member.key == name;
  std::string quoted;
  quoted.reserve(member.key.size() + 2);
  quoted += '"';
  quoted += member.key;
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
  out += boost::json::serialize(boost::json::string_view(s.data(), s.size()));
}

}  // namespace sluice::dialect
