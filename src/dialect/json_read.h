// Reading a client's request JSON in the dialect decoders: the parsed body on a stack buffer with
// the decoders' shared limits, strings out of Boost.JSON, and the number readings every dialect
// accepts alike. Wording of validation errors stays with each dialect (openai_fields.h for OpenAI's).
// Internal to dialect/*.cc. Thread rule: pure functions; a ParsedBody belongs to one call.
#pragma once

#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::dialect::json_read {

namespace json = boost::json;

inline std::string Str(json::string_view s) { return std::string(s.data(), s.size()); }

// A request body parsed into a stack buffer: typical bodies are parsed without touching the heap
// (the IR copies what it keeps), so it must live on the decoding call's stack and not outlive it.
class ParsedBody {
 public:
  static constexpr size_t kMaxDepth = 64;

  explicit ParsedBody(std::string_view body);
  ParsedBody(const ParsedBody&) = delete;
  ParsedBody& operator=(const ParsedBody&) = delete;

  // False when the body is not one valid JSON text (or is nested deeper than kMaxDepth).
  bool Valid() const { return !ec_; }
  // The top-level object, or null when the body is invalid or not an object.
  const json::object* Object() const { return ec_ ? nullptr : root_.if_object(); }

 private:
  std::array<unsigned char, 8192> stack_buffer_;
  json::monotonic_resource mr_;
  boost::system::error_code ec_;
  json::value root_;
};

// A JSON number with a non-negative integral value below 1e18, as OpenAI and Anthropic both accept
// it (5, and 5.0 as written by some clients); nullopt for anything else.
std::optional<uint64_t> NonNegativeInteger(const json::value& v);

// The shortest text that reads back as `d` ("2", "0.5"): json::serialize writes "2E0", which reads
// oddly in an error message.
std::string ShortestNumber(double d);

}  // namespace sluice::dialect::json_read
