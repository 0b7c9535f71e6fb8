// Prometheus text format helpers (see prometheus_text.h). Thread rule: pure functions.
#include "telemetry/prometheus_text.h"

#include "telemetry/histogram.h"

#include <charconv>

namespace sluice::telemetry {

void AppendEscapedLabelValue(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out.push_back(c);
    }
  }
}

void AppendEscapedHelp(std::string& out, std::string_view help) {
  for (char c : help) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out.push_back(c);
    }
  }
}

void AppendUint(std::string& out, uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void AppendSeconds(std::string& out, uint64_t ns) {
  AppendUint(out, ns / 1'000'000'000);
  uint64_t frac = ns % 1'000'000'000;
  if (frac == 0) return;
  char digits[9];
  for (int i = 8; i >= 0; --i, frac /= 10) digits[i] = static_cast<char>('0' + frac % 10);
  int len = 9;
  while (digits[len - 1] == '0') --len;
  out.push_back('.');
  out.append(digits, len);
}

void AppendHeader(std::string& out, std::string_view name, std::string_view type,
                  std::string_view help) {
  out += "# HELP ";
  out += name;
  out.push_back(' ');
  AppendEscapedHelp(out, help);
  out += "\n# TYPE ";
  out += name;
  out.push_back(' ');
  out += type;
  out.push_back('\n');
}

// One series line: name{labels} value (labels may be empty).
void AppendSample(std::string& out, std::string_view name, std::string_view labels,
                  uint64_t value) {
  out += name;
  if (!labels.empty()) {
    out.push_back('{');
    out += labels;
    out.push_back('}');
  }
  out.push_back(' ');
  AppendUint(out, value);
  out.push_back('\n');
}

void AppendHistogram(std::string& out, std::string_view name, std::string_view labels,
                     const BucketLayout& layout, const HistogramSnapshot& h) {
  uint64_t cumulative = 0;
  auto bounds = layout.bounds();
  for (size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += h.buckets.empty() ? 0 : h.buckets[i];
    out += name;
    out += "_bucket{";
    if (!labels.empty()) {
      out += labels;
      out.push_back(',');
    }
    out += "le=\"";
    if (i < bounds.size()) {
      AppendSeconds(out, bounds[i]);
    } else {
      out += "+Inf";
    }
    out += "\"} ";
    AppendUint(out, cumulative);
    out.push_back('\n');
  }
  out += name;
  out += "_sum";
  if (!labels.empty()) {
    out.push_back('{');
    out += labels;
    out.push_back('}');
  }
  out.push_back(' ');
  AppendSeconds(out, h.sum_ns);
  out.push_back('\n');
  AppendSample(out, std::string(name) + "_count", labels, cumulative);
}

std::string Label(std::string_view key, std::string_view value) {
  std::string s(key);
  s += "=\"";
  AppendEscapedLabelValue(s, value);
  s.push_back('"');
  return s;
}


}  // namespace sluice::telemetry
