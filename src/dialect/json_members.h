// A scanner over the top-level members of an already-validated JSON object, giving the byte spans of each
// key and value. It lets the gateway change one field (the model name, stream_options) and send every
// other byte exactly as the client wrote it, without re-serialising a DOM.
// Thread rule: pure functions over caller-owned bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::dialect {

struct JsonMember {
  std::string_view key;    // decoded key when it had no escapes, else the raw text between the quotes
  bool key_escaped = false;
  size_t value_begin = 0;  // byte offsets into the scanned text
  size_t value_end = 0;
};

// Lists the top-level members of `json`, which must be a syntactically valid JSON object (validate first).
// Returns false if the text is not an object.
bool ScanTopLevelMembers(std::string_view json, std::vector<JsonMember>& out);

// The scanner's steps, for callers that visit members or elements without storing them (hot paths: no
// vector, no allocation). Offsets are into `json`; at the end of the text each returns json.size().
inline size_t SkipJsonWhitespace(std::string_view json, size_t i) {
  while (i < json.size() && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n' || json[i] == '\r')) ++i;
  return i;
}
// json[i] == '"': one past the closing quote (json.size() when unclosed); *escaped set when the string
// held a backslash.
size_t SkipJsonString(std::string_view json, size_t i, bool* escaped);
// One past the value starting at json[i] (string, object, array, or a scalar up to its delimiter).
size_t SkipJsonValue(std::string_view json, size_t i);

// Calls visit(const JsonMember&) for each member of the object starting at json[i] (after blanks), in
// order; returns one past its closing brace, or std::string_view::npos when the text is not an object (a
// member seen before the error is still visited). For a valid object the end equals SkipJsonValue's.
// `skip(const JsonMember& m, size_t value_begin)` returns one past the value (SkipJsonValue by default):
// a caller may walk a member's value itself while the members are scanned, instead of a second pass.
struct SkipEachValue {
  std::string_view json;
  size_t operator()(const JsonMember&, size_t i) const { return SkipJsonValue(json, i); }
};
template <typename Visit, typename Skip>
size_t ForEachMemberAt(std::string_view s, size_t i, Visit&& visit, Skip&& skip) {
  constexpr size_t kFail = std::string_view::npos;
  i = SkipJsonWhitespace(s, i);
  if (i >= s.size() || s[i] != '{') return kFail;
  i = SkipJsonWhitespace(s, i + 1);
  if (i < s.size() && s[i] == '}') return i + 1;
  while (i < s.size()) {
    if (s[i] != '"') return kFail;
    JsonMember m;
    size_t key_end = SkipJsonString(s, i, &m.key_escaped);
    m.key = s.substr(i + 1, key_end - i - 2);
    i = SkipJsonWhitespace(s, key_end);
    if (i >= s.size() || s[i] != ':') return kFail;
    i = SkipJsonWhitespace(s, i + 1);
    m.value_begin = i;
    i = skip(static_cast<const JsonMember&>(m), i);
    m.value_end = i;
    visit(static_cast<const JsonMember&>(m));
    i = SkipJsonWhitespace(s, i);
    if (i < s.size() && s[i] == ',') {
      i = SkipJsonWhitespace(s, i + 1);
      continue;
    }
    return i < s.size() && s[i] == '}' ? i + 1 : kFail;
  }
  return kFail;
}

template <typename Visit>
size_t ForEachMemberAt(std::string_view s, size_t i, Visit&& visit) {
  return ForEachMemberAt(s, i, visit, SkipEachValue{s});
}

// Calls visit(const JsonMember&) for each top-level member, in order. Same contract and result as
// ScanTopLevelMembers (which is this with push_back): a member seen before a syntax error is still visited.
template <typename Visit>
bool ForEachTopLevelMember(std::string_view s, Visit&& visit) {
  return ForEachMemberAt(s, 0, visit) != std::string_view::npos;
}

// Calls visit(size_t begin, size_t end) for each element of the array `json`, in order. Same contract and
// result as ScanArrayElements.
template <typename Visit>
bool ForEachArrayElement(std::string_view s, Visit&& visit) {
  size_t i = SkipJsonWhitespace(s, 0);
  if (i >= s.size() || s[i] != '[') return false;
  i = SkipJsonWhitespace(s, i + 1);
  if (i < s.size() && s[i] == ']') return true;
  while (i < s.size()) {
    size_t begin = i;
    i = SkipJsonValue(s, i);
    visit(begin, i);
    i = SkipJsonWhitespace(s, i);
    if (i < s.size() && s[i] == ',') {
      i = SkipJsonWhitespace(s, i + 1);
      continue;
    }
    return i < s.size() && s[i] == ']';
  }
  return false;
}

// Lists the [begin, end) spans of the elements of `json`, which must be a valid JSON array.
// Returns false if the text is not an array.
bool ScanArrayElements(std::string_view json, std::vector<std::pair<size_t, size_t>>& out);

// The decoded value of a JSON string literal `raw` (with its quotes); false if `raw` is not a string.
bool DecodeJsonString(std::string_view raw, std::string& out);

// True if the member's key equals `name` (decoding escapes when the raw key had any). Inline: it runs for
// every member of every request; only escaped keys take the slow path.
bool EscapedKeyEquals(std::string_view raw_key, std::string_view name);
inline bool KeyEquals(const JsonMember& member, std::string_view name) {
  return member.key_escaped ? EscapedKeyEquals(member.key, name) : member.key == name;
}

// One edit: replace [begin, end) with `text`. Edits must not overlap.
struct JsonEdit {
  size_t begin = 0;
  size_t end = 0;
  std::string text;
};

// Applies edits (any order) to `json` and returns the result.
std::string ApplyEdits(std::string_view json, std::vector<JsonEdit> edits);

// Appends `s` as a JSON string literal (quotes and escapes) to `out`.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace sluice::dialect
