// Helpers for the Prometheus text exposition format 0.0.4: escaping and exact number formatting.
// Durations are kept in integer nanoseconds and printed as exact decimal seconds ("0.00001", "2.5",
// "300"), so bucket bounds and sums never show binary floating-point noise. Thread rule: pure
// functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::telemetry {

// Label value: backslash, double quote and line feed are escaped as \\, \" and \n.
void AppendEscapedLabelValue(std::string& out, std::string_view value);
// HELP text: backslash and line feed are escaped.
void AppendEscapedHelp(std::string& out, std::string_view help);
void AppendUint(std::string& out, uint64_t v);
void AppendInt(std::string& out, int64_t v);
// Exact decimal seconds from nanoseconds, without trailing zeros.
void AppendSeconds(std::string& out, uint64_t ns);
// "# HELP name help\n# TYPE name type\n"
void AppendHeader(std::string& out, std::string_view name, std::string_view type,
                  std::string_view help);

class BucketLayout;
struct HistogramSnapshot;
// One series line: name{labels} value (labels may be empty).
void AppendSample(std::string& out, std::string_view name, std::string_view labels, uint64_t value);
// A histogram's _bucket (cumulative, le in seconds), _sum and _count lines.
void AppendHistogram(std::string& out, std::string_view name, std::string_view labels,
                     const BucketLayout& layout, const HistogramSnapshot& h);
// key="escaped value"
std::string Label(std::string_view key, std::string_view value);

}  // namespace sluice::telemetry
