// Parsers for the value formats config files use: durations with units, byte sizes with units,
// listen addresses, upstream base URLs; plus the "did you mean" suggestion used by unknown-key
// errors. Each parser returns the value or an error message that never quotes its input (the caller
// decides what may be shown, since an input can come from the environment). Thread rule: pure
// functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/schema.h"

namespace sluice::config {

// A parsed value or a message explaining why the text was rejected.
template <typename T>
struct Parsed {
  std::optional<T> value;
  std::string error;
  static Parsed Ok(T v) { return Parsed{std::move(v), {}}; }
  static Parsed Fail(std::string e) { return Parsed{std::nullopt, std::move(e)}; }
};

// "250ms", "30s", "5m", "1h", and sequences like "1m30s" or "1h30m". A unit is required ("0" is not
// a duration); resolution is one millisecond.
Parsed<Duration> ParseDuration(std::string_view text);
// The shortest exact spelling: 90000 ms → "1m30s", 250 ms → "250ms", 0 → "0s".
std::string FormatDuration(Duration d);

// A byte count: "1048576", "512B", "16KiB", "8MiB", "1GiB", "1.5MiB" (binary) or "10KB", "1MB",
// "1GB" (decimal). Units are case-insensitive; a space before the unit is allowed. The result must
// be whole bytes.
Parsed<uint64_t> ParseSize(std::string_view text);
// The shortest exact binary spelling: 16384 → "16KiB", 1000 → "1000B".
std::string FormatSize(uint64_t bytes);

// "host:port", "[v6]:port", or ":port" (all interfaces, 0.0.0.0). Port 0 asks for an ephemeral
// port. The host is kept without brackets.
Parsed<Endpoint> ParseEndpoint(std::string_view text);

// An upstream base URL: http(s)://host[:port][/path-prefix], no credentials, query or fragment.
struct BaseUrl {
  std::string scheme;      // "http" or "https" (lower-cased)
  std::string host;        // lower-cased, IPv6 without brackets
  uint16_t port = 0;       // explicit port or the scheme's default
  std::string path;        // "" or "/prefix" without a trailing slash
  std::string normalized;  // scheme://authority[path] without a trailing slash
};
Parsed<BaseUrl> ParseBaseUrl(std::string_view text);

// True for "localhost", 127.0.0.0/8 and ::1: hosts where plain http does not leave the machine.
bool IsLoopbackHost(std::string_view host);

// Levenshtein distance, for suggestions.
size_t EditDistance(std::string_view a, std::string_view b);
// The closest candidate within a small distance, or "" when nothing is close.
std::string Suggest(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace sluice::config
