// Prometheus text exposition parser. Thread rule: pure functions (see prometheus_parse.h).
#include "telemetry/prometheus_parse.h"

#include <charconv>
#include <cmath>
#include <utility>

namespace sluice::telemetry {
namespace {

using core::Error;
using core::ErrorCode;

Error Malformed(std::string message) {
  Error e;
  e.code = ErrorCode::kUpstreamProtocolError;
  e.message = std::move(message);
  return e;
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsMetricChar(char c) { return IsAlpha(c) || IsDigit(c) || c == ':'; }
bool IsLabelChar(char c) { return IsAlpha(c) || IsDigit(c); }

// One line being read left to right; every accessor checks bounds, so garbage cannot read past it.
struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool AtEnd() const { return i >= s.size(); }
  char Peek() const { return AtEnd() ? '\0' : s[i]; }
  void SkipBlanks() {
    while (!AtEnd() && IsBlank(s[i])) ++i;
  }
  std::string_view Token() {  // up to the next blank
    size_t b = i;
    while (!AtEnd() && !IsBlank(s[i])) ++i;
    return s.substr(b, i - b);
  }
  std::string_view MetricName() {
    size_t b = i;
    if (AtEnd() || !(IsAlpha(s[i]) || s[i] == ':')) return {};
    while (!AtEnd() && IsMetricChar(s[i])) ++i;
    return s.substr(b, i - b);
  }
  std::string_view LabelName() {
    size_t b = i;
    if (AtEnd() || !IsAlpha(s[i])) return {};
    while (!AtEnd() && IsLabelChar(s[i])) ++i;
    return s.substr(b, i - b);
  }
};

bool IsKnownType(std::string_view t) {
  // 0.0.4 types, plus the OpenMetrics ones a server may send when it mixes the formats.
  return t == "counter" || t == "gauge" || t == "histogram" || t == "summary" || t == "untyped" ||
         t == "unknown" || t == "info" || t == "stateset" || t == "gaugehistogram";
}

// Go's strconv.ParseFloat as Prometheus uses it, minus hex and underscores: decimal and exponent
// forms, NaN, Inf/+Inf/-Inf (any case).
bool ParseValue(std::string_view t, double& out) {
  if (t.empty()) return false;
  if (t[0] == '+') {
    t.remove_prefix(1);
    if (t.empty() || t[0] == '+' || t[0] == '-') return false;
  }
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out, std::chars_format::general);
  if (end != t.data() + t.size()) return false;
  // Out of range ("1e999") is +/-Inf for Go; from_chars leaves `out` untouched then.
  if (ec == std::errc::result_out_of_range) {
    out = t[0] == '-' ? -HUGE_VAL : HUGE_VAL;
    bool tiny = false;  // "1e-999" underflows to 0 in Go
    for (size_t k = 0; k < t.size(); ++k) {
      if ((t[k] == 'e' || t[k] == 'E') && k + 1 < t.size() && t[k + 1] == '-') tiny = true;
    }
    if (tiny) out = t[0] == '-' ? -0.0 : 0.0;
    return true;
  }
  return ec == std::errc();
}

bool ParseTimestamp(std::string_view t, int64_t& out) {
  if (t.empty()) return false;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
  return ec == std::errc() && end == t.data() + t.size();
}

// HELP text: \\ and \n are escapes; any other backslash is kept as written.
std::string UnescapeHelp(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t k = 0; k < text.size(); ++k) {
    if (text[k] == '\\' && k + 1 < text.size() && (text[k + 1] == '\\' || text[k + 1] == 'n')) {
      out.push_back(text[k + 1] == 'n' ? '\n' : '\\');
      ++k;
    } else {
      out.push_back(text[k]);
    }
  }
  return out;
}

class Parser {
 public:
  Parser(const PromParseOptions& options, PromMetrics& out) : options_(options), out_(out) {}

  // Returns an error message, or "" when the line is fine. Sets `eof_` on "# EOF".
  std::string Line(std::string_view line) {
    Cursor c{line};
    c.SkipBlanks();
    if (c.AtEnd()) return {};
    if (c.Peek() == '#') return Comment(c);
    return Sample(c);
  }
  bool eof() const { return eof_; }

 private:
  bool Keep(std::string_view name) const { return !options_.keep || options_.keep(name); }

  std::string Comment(Cursor& c) {
    ++c.i;
    c.SkipBlanks();
    std::string_view keyword = c.Token();
    if (keyword == "EOF") {
      eof_ = true;
      return {};
    }
    if (keyword != "HELP" && keyword != "TYPE") return {};  // an ordinary comment
    c.SkipBlanks();
    std::string_view name = c.MetricName();
    if (name.empty() || (!c.AtEnd() && !IsBlank(c.Peek()))) {
      return "invalid metric name in # " + std::string(keyword);
    }
    c.SkipBlanks();
    std::string_view rest = c.s.substr(c.i);
    while (!rest.empty() && IsBlank(rest.back())) rest.remove_suffix(1);
    if (keyword == "TYPE") {
      if (!IsKnownType(rest)) return "unknown metric type '" + std::string(rest.substr(0, 32)) + "'";
      if (Keep(name)) out_.types[std::string(name)] = std::string(rest);
    } else if (Keep(name)) {
      out_.help[std::string(name)] = UnescapeHelp(rest);
    }
    return {};
  }

  std::string Labels(Cursor& c, std::vector<PromLabel>& labels, bool keep) {
    ++c.i;  // '{'
    size_t count = 0;
    for (;;) {
      c.SkipBlanks();
      if (c.Peek() == '}') {
        ++c.i;
        return {};
      }
      std::string_view name = c.LabelName();
      if (name.empty()) return "invalid label name";
      c.SkipBlanks();
      if (c.Peek() != '=') return "expected '=' after label name";
      ++c.i;
      c.SkipBlanks();
      if (c.Peek() != '"') return "expected '\"' to open a label value";
      ++c.i;
      std::string value;
      bool closed = false;
      while (!c.AtEnd()) {
        char ch = c.s[c.i++];
        if (ch == '"') {
          closed = true;
          break;
        }
        if (ch != '\\') {
          if (keep) value.push_back(ch);
          continue;
        }
        if (c.AtEnd()) break;
        char esc = c.s[c.i++];
        if (esc == 'n') ch = '\n';
        else if (esc == '\\' || esc == '"') ch = esc;
        else return std::string("invalid escape sequence '\\") + esc + "' in a label value";
        if (keep) value.push_back(ch);
      }
      if (!closed) return "unterminated label value";
      if (++count > options_.max_labels) return "too many labels";
      if (keep) {
        for (const auto& l : labels) {
          if (l.name == name) return "duplicate label '" + std::string(name) + "'";
        }
        labels.push_back(PromLabel{std::string(name), std::move(value)});
      }
      c.SkipBlanks();
      if (c.Peek() == ',') {
        ++c.i;
        continue;
      }
      if (c.Peek() != '}') return "expected ',' or '}' after a label";
    }
  }

  std::string Sample(Cursor& c) {
    std::string_view name = c.MetricName();
    if (name.empty()) return "expected a metric name";
    const bool keep = Keep(name);
    PromSample sample;
    if (c.Peek() == '{') {
      if (std::string e = Labels(c, sample.labels, keep); !e.empty()) return e;
    } else if (!c.AtEnd() && !IsBlank(c.Peek())) {
      return "invalid character after the metric name";
    }
    c.SkipBlanks();
    std::string_view value = c.Token();
    if (value.empty()) return "missing value";
    if (!ParseValue(value, sample.value)) return "invalid value '" + std::string(value.substr(0, 32)) + "'";
    c.SkipBlanks();
    if (!c.AtEnd() && c.Peek() != '#') {
      int64_t ts = 0;
      std::string_view t = c.Token();
      if (!ParseTimestamp(t, ts)) return "invalid timestamp '" + std::string(t.substr(0, 32)) + "'";
      sample.timestamp_ms = ts;
      c.SkipBlanks();
    }
    // What may follow is an OpenMetrics exemplar (" # {trace_id=...} 1"): tolerated, not kept.
    if (!c.AtEnd() && c.Peek() != '#') return "unexpected text after the value";
    if (!keep) return {};
    if (out_.sample_count >= options_.max_samples) return "more than max_samples samples";
    ++out_.sample_count;
    // Samples of one family come together: remember where the last name went.
    if (last_ == out_.samples.end() || last_->first != name) {
      last_ = out_.samples.find(name);
      if (last_ == out_.samples.end()) last_ = out_.samples.emplace(std::string(name), std::vector<PromSample>{}).first;
    }
    last_->second.push_back(std::move(sample));
    return {};
  }

  const PromParseOptions& options_;
  PromMetrics& out_;
  decltype(PromMetrics::samples)::iterator last_ = out_.samples.end();
  bool eof_ = false;
};

}  // namespace

const std::string* PromSample::Label(std::string_view name) const {
  for (const auto& l : labels) {
    if (l.name == name) return &l.value;
  }
  return nullptr;
}

const std::vector<PromSample>* PromMetrics::Find(std::string_view name) const {
  auto it = samples.find(name);
  return it == samples.end() ? nullptr : &it->second;
}

bool IsValidMetricName(std::string_view name) {
  Cursor c{name};
  return !name.empty() && c.MetricName().size() == name.size();
}

bool IsValidLabelName(std::string_view name) {
  Cursor c{name};
  return !name.empty() && c.LabelName().size() == name.size();
}

core::Result<PromMetrics> ParsePrometheusText(std::string_view text, const PromParseOptions& options) {
  if (text.size() > options.max_bytes) {
    return Malformed("metrics body larger than " + std::to_string(options.max_bytes) + " bytes");
  }
  PromMetrics out;
  Parser parser(options, out);
  size_t pos = 0;
  size_t line_no = 0;
  while (pos < text.size() && !parser.eof()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find('\0') != std::string_view::npos) {
      return Malformed("metrics line " + std::to_string(line_no) + ": NUL byte");
    }
    if (std::string e = parser.Line(line); !e.empty()) {
      return Malformed("metrics line " + std::to_string(line_no) + ": " + e);
    }
  }
  return out;
}

}  // namespace sluice::telemetry
