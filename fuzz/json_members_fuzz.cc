// Fuzz target: the byte-splice helpers of dialect/json_members.h over valid JSON (their precondition;
// invalid input is filtered by Boost.JSON first). Invariants: member and element spans are in bounds,
// ordered and disjoint and each holds one JSON value; replacing every value with an edit keeps the
// document valid; DecodeJsonString agrees with Boost.JSON; AppendJsonString round-trips any bytes;
// ExtractUsage's from-the-end path agrees with the full member walk.
// Thread rule: single-threaded (libFuzzer / fuzz/driver.cc).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "dialect/json_members.h"
#include "dialect/openai_response.h"
#include "fuzz/fuzz_check.h"

using namespace sluice;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::AsView(data, size);

  // Any bytes survive AppendJsonString → parse (the escaper must handle control bytes and bad UTF-8
  // the same way Boost.JSON's parser reads them back, or splices break bodies).
  std::string literal;
  dialect::AppendJsonString(literal, text);
  // Bytes that are not UTF-8 are passed through (Boost.JSON then rejects the literal): only a literal
  // that is valid JSON must round-trip.
  if (fuzz::IsJson(literal)) {
    std::string decoded;
    FUZZ_CHECK(dialect::DecodeJsonString(literal, decoded), "DecodeJsonString rejected AppendJsonString output");
    FUZZ_CHECK(decoded == text, "AppendJsonString/DecodeJsonString round trip");
  }

  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(text, ec);
  if (ec) return 0;

  std::vector<dialect::JsonMember> members;
  if (dialect::ScanTopLevelMembers(text, members)) {
    FUZZ_CHECK(doc.is_object(), "ScanTopLevelMembers accepted a non-object");
    size_t last_end = 0;
    std::vector<dialect::JsonEdit> edits;
    for (const auto& m : members) {
      FUZZ_CHECK(m.value_begin < m.value_end && m.value_end <= text.size(), "member span out of bounds");
      FUZZ_CHECK(m.value_begin >= last_end, "member spans overlap or are out of order");
      last_end = m.value_end;
      std::string_view value = text.substr(m.value_begin, m.value_end - m.value_begin);
      FUZZ_CHECK(fuzz::IsJson(value), "member value is not one JSON value: " + std::string(value.substr(0, 100)));
      if (!m.key_escaped) FUZZ_CHECK(doc.as_object().contains(m.key), "scanned key not in the object");
      if (value.front() == '"') {
        std::string s;
        FUZZ_CHECK(dialect::DecodeJsonString(value, s), "DecodeJsonString rejected a string value");
        auto parsed = boost::json::parse(value);
        FUZZ_CHECK(s == std::string_view(parsed.as_string()), "DecodeJsonString disagrees with Boost.JSON");
      }
      edits.push_back({m.value_begin, m.value_end, "[\"e\\u00e9\"]"});
    }
    FUZZ_CHECK(members.size() >= doc.as_object().size(), "fewer members scanned than the object has");
    std::string edited = dialect::ApplyEdits(text, edits);
    FUZZ_CHECK(fuzz::IsJson(edited), "ApplyEdits broke the document");
    std::vector<dialect::JsonMember> again;
    FUZZ_CHECK(dialect::ScanTopLevelMembers(edited, again) && again.size() == members.size(),
               "edited object scans differently");

    // Usage read from the end of the body agrees with the full walk (duplicate top-level names excepted:
    // which one counts is unspecified).
    if (members.size() == doc.as_object().size()) {
      dialect::TokenUsage fast, full;
      const bool got_fast = dialect::ExtractUsage(text, fast);
      const bool got_full = dialect::ExtractUsageByFullScan(text, full);
      FUZZ_CHECK(got_fast == got_full && fast.input == full.input && fast.output == full.output &&
                     fast.cached_input == full.cached_input && fast.reasoning == full.reasoning,
                 "ExtractUsage disagrees with the full walk");
    }
  } else {
    FUZZ_CHECK(!doc.is_object(), "ScanTopLevelMembers rejected an object");
  }

  std::vector<std::pair<size_t, size_t>> elements;
  if (dialect::ScanArrayElements(text, elements)) {
    FUZZ_CHECK(doc.is_array() && elements.size() == doc.as_array().size(), "ScanArrayElements count");
    size_t last_end = 0;
    for (auto [b, e] : elements) {
      FUZZ_CHECK(b >= last_end && b < e && e <= text.size(), "element span");
      last_end = e;
      FUZZ_CHECK(fuzz::IsJson(text.substr(b, e - b)), "element is not one JSON value");
    }
  } else {
    FUZZ_CHECK(!doc.is_array(), "ScanArrayElements rejected an array");
  }
  return 0;
}
