// Value-format parsers for config scalars. Thread rule: pure functions.
#include "config/units.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>

namespace sluice::config {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

// A decimal number "12" or "1.25" as mantissa / 10^scale. Consumes from `pos`; false when no
// digits.
struct Decimal {
  uint64_t mantissa = 0;
  uint64_t divisor = 1;
};
bool ReadDecimal(std::string_view s, size_t& pos, Decimal& out, bool& overflow) {
  const size_t start = pos;
  bool seen_dot = false;
  int digits = 0;
  while (pos < s.size() && (IsDigit(s[pos]) || (s[pos] == '.' && !seen_dot))) {
    if (s[pos] == '.') {
      seen_dot = true;
    } else {
      if (++digits > 18) overflow = true;
      out.mantissa = out.mantissa * 10 + static_cast<uint64_t>(s[pos] - '0');
      if (seen_dot) out.divisor *= 10;
    }
    ++pos;
  }
  if (digits == 0 || (pos > start && s[pos - 1] == '.')) {
    pos = start;
    return false;
  }
  return true;
}

// value * multiplier / divisor, exactly; nullopt on overflow or when the result is not whole.
std::optional<uint64_t> Scale(const Decimal& d, uint64_t multiplier) {
  const unsigned __int128 product = static_cast<unsigned __int128>(d.mantissa) * multiplier;
  if (product % d.divisor != 0) return std::nullopt;
  const unsigned __int128 result = product / d.divisor;
  if (result > std::numeric_limits<uint64_t>::max()) return std::nullopt;
  return static_cast<uint64_t>(result);
}

bool ParsePort(std::string_view text, uint16_t& port) {
  if (text.empty() || text.size() > 5) return false;
  unsigned value = 0;
  for (char c : text) {
    if (!IsDigit(c)) return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return false;
  port = static_cast<uint16_t>(value);
  return true;
}

bool IsHostnameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}
bool IsV6Char(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.' || c == '%';
}

// Validates a host written without brackets (name or IPv4) or the inside of [..] (IPv6).
std::string CheckHost(std::string_view host, bool bracketed) {
  if (host.empty()) return "the host is empty";
  if (bracketed) {
    if (host.find(':') == std::string_view::npos ||
        !std::all_of(host.begin(), host.end(), IsV6Char))
      return "the bracketed host is not an IPv6 address";
    return {};
  }
  if (!std::all_of(host.begin(), host.end(), IsHostnameChar))
    return host.find(':') != std::string_view::npos
               ? "IPv6 addresses need brackets, e.g. [::1]:8080"
               : "the host may hold only letters, digits, '-', '.' and '_'";
  if (host.size() > 253) return "the host name is longer than 253 characters";
  return {};
}

}  // namespace

Parsed<Duration> ParseDuration(std::string_view text) {
  static constexpr const char* kHint =
      "expected a duration with units, e.g. 250ms, 30s, 5m, 1h or 1m30s";
  if (text.empty()) return Parsed<Duration>::Fail("empty duration; " + std::string(kHint));
  struct Unit {
    std::string_view name;
    uint64_t ms;
  };
  static constexpr std::array<Unit, 4> kUnits{
      {{"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}}};
  uint64_t total = 0;
  size_t pos = 0;
  size_t last_unit = 0;  // index+1 into kUnits; units must appear largest first, each once
  while (pos < text.size()) {
    Decimal number;
    bool overflow = false;
    if (!ReadDecimal(text, pos, number, overflow)) {
      if (text[pos] == '-') return Parsed<Duration>::Fail("a duration cannot be negative");
      return Parsed<Duration>::Fail(kHint);
    }
    if (overflow) return Parsed<Duration>::Fail("the duration is too large");
    size_t unit_end = pos;
    while (unit_end < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_end])))
      ++unit_end;
    const std::string unit = ToLower(text.substr(pos, unit_end - pos));
    if (unit.empty()) {
      return Parsed<Duration>::Fail(total == 0 && unit_end == text.size()
                                        ? "a duration needs a unit (ms, s, m or h), e.g. 30s"
                                        : kHint);
    }
    size_t index = 0;
    while (index < kUnits.size() && kUnits[index].name != unit) ++index;
    if (index == kUnits.size())
      return Parsed<Duration>::Fail("unknown duration unit '" +
                                    std::string(text.substr(pos, unit_end - pos)) +
                                    "' (use ms, s, m or h)");
    if (index + 1 <= last_unit)
      return Parsed<Duration>::Fail(
          "duration units must go from largest to smallest, each once (e.g. 1h30m)");
    last_unit = index + 1;
    const std::optional<uint64_t> ms = Scale(number, kUnits[index].ms);
    if (!ms)
      return Parsed<Duration>::Fail(
          "the duration is not a whole number of milliseconds or too large");
    if (*ms > (uint64_t{1} << 52) - total)
      return Parsed<Duration>::Fail("the duration is too large");
    total += *ms;
    pos = unit_end;
  }
  return Parsed<Duration>::Ok(Duration(static_cast<Duration::rep>(total)));
}

std::string FormatDuration(Duration d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms % 1000 != 0 && ms < 1000) return std::to_string(ms) + "ms";
  if (ms >= 3'600'000 && ms % 1000 == 0) {
    out += std::to_string(ms / 3'600'000) + "h";
    ms %= 3'600'000;
  }
  if (ms >= 60'000 && ms % 1000 == 0) {
    out += std::to_string(ms / 60'000) + "m";
    ms %= 60'000;
  }
  if (ms >= 1000 && ms % 1000 == 0) {
    out += std::to_string(ms / 1000) + "s";
    ms = 0;
  }
  if (ms != 0) out += std::to_string(ms) + "ms";
  return out;
}

Parsed<uint64_t> ParseSize(std::string_view text) {
  static constexpr const char* kHint =
      "expected a size in bytes, e.g. 1048576, 512KiB, 8MiB, 1GiB (binary) or 10KB, 1MB, 1GB "
      "(decimal)";
  size_t pos = 0;
  Decimal number;
  bool overflow = false;
  if (!text.empty() && text[0] == '-') return Parsed<uint64_t>::Fail("a size cannot be negative");
  if (!ReadDecimal(text, pos, number, overflow)) return Parsed<uint64_t>::Fail(kHint);
  if (overflow) return Parsed<uint64_t>::Fail("the size is too large");
  while (pos < text.size() && text[pos] == ' ') ++pos;
  const std::string unit = ToLower(text.substr(pos));
  struct Unit {
    std::string_view name;
    uint64_t bytes;
  };
  static constexpr std::array<Unit, 10> kUnits{{{"", 1},
                                                {"b", 1},
                                                {"kb", 1000},
                                                {"kib", uint64_t{1} << 10},
                                                {"mb", 1000'000},
                                                {"mib", uint64_t{1} << 20},
                                                {"gb", 1000'000'000},
                                                {"gib", uint64_t{1} << 30},
                                                {"tb", 1000'000'000'000},
                                                {"tib", uint64_t{1} << 40}}};
  auto it =
      std::find_if(kUnits.begin(), kUnits.end(), [&](const Unit& u) { return u.name == unit; });
  if (it == kUnits.end())
    return Parsed<uint64_t>::Fail("unknown size unit '" + std::string(text.substr(pos)) +
                                  "' (use B, KiB, MiB, GiB, KB, MB or GB)");
  const std::optional<uint64_t> bytes = Scale(number, it->bytes);
  if (!bytes) return Parsed<uint64_t>::Fail("the size is not a whole number of bytes or too large");
  return Parsed<uint64_t>::Ok(*bytes);
}

std::string FormatSize(uint64_t bytes) {
  static constexpr std::array<std::string_view, 4> kUnits{"TiB", "GiB", "MiB", "KiB"};
  for (size_t i = 0; i < kUnits.size(); ++i) {
    const uint64_t unit = uint64_t{1} << (10 * (kUnits.size() - i));
    if (bytes != 0 && bytes % unit == 0)
      return std::to_string(bytes / unit) + std::string(kUnits[i]);
  }
  return std::to_string(bytes) + "B";
}

Parsed<Endpoint> ParseEndpoint(std::string_view text) {
  static constexpr const char* kHint =
      "expected host:port, [ipv6]:port or :port, e.g. 0.0.0.0:8080";
  Endpoint out;
  std::string_view host;
  std::string_view port;
  bool bracketed = false;
  if (!text.empty() && text[0] == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return Parsed<Endpoint>::Fail(kHint);
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    bracketed = true;
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return Parsed<Endpoint>::Fail(kHint);
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.empty()) host = "0.0.0.0";
  }
  if (std::string problem = CheckHost(host, bracketed); !problem.empty())
    return Parsed<Endpoint>::Fail(problem + "; " + kHint);
  if (!ParsePort(port, out.port))
    return Parsed<Endpoint>::Fail("the port must be a number from 0 to 65535");
  out.host = std::string(host);
  return Parsed<Endpoint>::Ok(std::move(out));
}

Parsed<BaseUrl> ParseBaseUrl(std::string_view text) {
  static constexpr const char* kHint = "must be an http:// or https:// URL";
  BaseUrl out;
  const size_t sep = text.find("://");
  if (sep == std::string_view::npos) return Parsed<BaseUrl>::Fail(kHint);
  out.scheme = ToLower(text.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https") return Parsed<BaseUrl>::Fail(kHint);
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return Parsed<BaseUrl>::Fail("the URL contains a space or control character");
  }
  std::string_view rest = text.substr(sep + 3);
  if (rest.find_first_of("?#") != std::string_view::npos)
    return Parsed<BaseUrl>::Fail(
        "the URL must not have a query or fragment; use an origin and path prefix");
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos)
    return Parsed<BaseUrl>::Fail("the URL must not contain credentials; use api_key or headers");
  std::string_view host = authority;
  std::string_view port;
  bool bracketed = false;
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return Parsed<BaseUrl>::Fail("unterminated '[' in the URL host");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':') return Parsed<BaseUrl>::Fail(kHint);
    if (!after.empty()) port = after.substr(1);
    bracketed = true;
  } else if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (std::string problem = CheckHost(host, bracketed); !problem.empty())
    return Parsed<BaseUrl>::Fail("invalid URL host: " + problem);
  out.port = out.scheme == "https" ? 443 : 80;
  if (authority.back() == ':' || (!port.empty() && (!ParsePort(port, out.port) || out.port == 0)))
    return Parsed<BaseUrl>::Fail("the URL port must be a number from 1 to 65535");
  out.host = ToLower(host);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  out.path = std::string(path);
  out.normalized = out.scheme + "://" + ToLower(authority) + out.path;
  return Parsed<BaseUrl>::Ok(std::move(out));
}

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "::1" || host.substr(0, 4) == "127.";
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min(
          {row[j] + 1, row[j - 1] + 1, diagonal + (Lower(a[i - 1]) == Lower(b[j - 1]) ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string Suggest(std::string_view word, const std::vector<std::string_view>& candidates) {
  // Allow about one edit per three characters, at least one and at most three.
  const size_t limit = std::clamp<size_t>(word.size() / 3, 1, 3);
  std::string_view best;
  size_t best_distance = limit + 1;
  for (std::string_view candidate : candidates) {
    const size_t d = EditDistance(word, candidate);
    if (d < best_distance && d < word.size()) {  // "z" is not a typo of "p"
      best = candidate;
      best_distance = d;
    }
  }
  return std::string(best);
}

}  // namespace sluice::config
