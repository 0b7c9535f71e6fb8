#include "server/access_log.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "dialect/json_members.h"

namespace sluice::server {

void JsonLine::Key(std::string_view key) {
  if (!first_) out_ += ',';
  first_ = false;
  out_ += '"';
  out_ += key;
  out_ += "\":";
}

JsonLine& JsonLine::Str(std::string_view key, std::string_view value) {
  Key(key);
  dialect::AppendJsonString(out_, value);
  return *this;
}

JsonLine& JsonLine::Num(std::string_view key, int64_t value) {
  Key(key);
  out_ += std::to_string(value);
  return *this;
}

JsonLine& JsonLine::Dbl(std::string_view key, double value) {
  Key(key);
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%.6f", value);
  out_.append(buf, n);
  return *this;
}

JsonLine& JsonLine::Bool(std::string_view key, bool value) {
  Key(key);
  out_ += value ? "true" : "false";
  return *this;
}

void AppendTimestamp(std::string& out) {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm;
  gmtime_r(&secs, &tm);
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  out.append(buf, n);
}

static void WriteAll(const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::write(STDOUT_FILENO, s.data() + off, s.size() - off);
    if (n <= 0) return;  // stdout closed: logging must never take the gateway down
    off += static_cast<size_t>(n);
  }
}

void AccessLog::Flush() {
  if (buffer_.empty()) return;
  WriteAll(buffer_);
  buffer_.clear();
  flush_timer_woken_ = false;
}

void LogEvent(std::string_view level, std::string_view event, std::string_view message,
              std::string_view extra_key, std::string_view extra_value) {
  std::string line;
  JsonLine j(line);
  std::string ts;
  AppendTimestamp(ts);
  j.Str("ts", ts).Str("level", level).Str("event", event);
  if (!message.empty()) j.Str("msg", message);
  if (!extra_key.empty()) j.Str(extra_key, extra_value);
  j.End();
  WriteAll(line);
}

}  // namespace sluice::server
