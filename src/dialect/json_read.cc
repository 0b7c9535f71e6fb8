// Definitions for json_read.h. Thread rule: pure functions.
#include "dialect/json_read.h"

#include <boost/json/parse.hpp>
#include <charconv>
#include <cmath>

namespace sluice::dialect::json_read {
namespace {

json::parse_options DecoderParseOptions() {
  json::parse_options opts;
  opts.max_depth = ParsedBody::kMaxDepth;
  return opts;
}

}  // namespace

ParsedBody::ParsedBody(std::string_view body)
    : mr_(stack_buffer_.data(), stack_buffer_.size()),
      root_(json::parse(body, ec_, &mr_, DecoderParseOptions())) {}

std::optional<uint64_t> NonNegativeInteger(const json::value& v) {
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<uint64_t>(v.get_int64());
  if (v.is_double() && v.get_double() >= 0 && std::floor(v.get_double()) == v.get_double() &&
      v.get_double() < 1e18)
    return static_cast<uint64_t>(v.get_double());
  return std::nullopt;
}

std::string ShortestNumber(double d) {
  char buf[32];  // the longest shortest-form double is 24 characters
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  return std::string(buf, end);
}

}  // namespace sluice::dialect::json_read
