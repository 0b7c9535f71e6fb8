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

// Lists the [begin, end) spans of the elements of `json`, which must be a valid JSON array.
// Returns false if the text is not an array.
bool ScanArrayElements(std::string_view json, std::vector<std::pair<size_t, size_t>>& out);

// The decoded value of a JSON string literal `raw` (with its quotes); false if `raw` is not a string.
bool DecodeJsonString(std::string_view raw, std::string& out);

// True if the member's key equals `name` (decoding escapes when the raw key had any).
bool KeyEquals(const JsonMember& member, std::string_view name);

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
