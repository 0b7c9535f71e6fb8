// Structured logging: one JSON line per request at completion (the access log) plus lifecycle events.
// Each worker owns an AccessLog that buffers whole lines and writes them to stdout in batches (at 32 KiB,
// 250 ms after the first line since the last write, and at exit), so the request path never makes a write(2)
// of its own and never takes a lock. The flush timer sleeps while no line comes: an idle worker never wakes
// for it. Lines never carry prompts, completions or keys.
// Thread rule: an AccessLog belongs to one worker; LogEvent() is for start-up and shutdown only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "upstream/asio.h"

namespace sluice::server {

// Appends "key":value pairs to a JSON line under construction.
class JsonLine {
 public:
  explicit JsonLine(std::string& out) : out_(out) { out_ += '{'; }
  JsonLine& Str(std::string_view key, std::string_view value);
  JsonLine& Num(std::string_view key, int64_t value);
  JsonLine& Dbl(std::string_view key, double value);
  JsonLine& Bool(std::string_view key, bool value);
  void End() { out_ += "}\n"; }

 private:
  void Key(std::string_view key);
  std::string& out_;
  bool first_ = true;
};

class AccessLog {
 public:
  explicit AccessLog(bool enabled) : enabled_(enabled) { buffer_.reserve(kFlushBytes * 2); }
  ~AccessLog() { Flush(); }
  bool enabled() const { return enabled_; }
  void set_enabled(bool enabled) { enabled_ = enabled; }  // a reload's `log.access_log`
  // The caller appends one complete line (JsonLine ... End()) to Buffer(), then calls Committed().
  std::string& Buffer() { return buffer_; }
  void Committed() {
    if (buffer_.size() >= kFlushBytes) {
      Flush();
    } else if (!flush_timer_woken_ && flush_timer_) {
      flush_timer_woken_ = true;
      flush_timer_->cancel();
    }
  }
  void Flush();
  bool pending() const { return !buffer_.empty(); }
  // The flush loop's timer, asleep with no end while nothing is pending: the first line after a write wakes
  // it (a cancel, no syscall) to start the 250 ms.
  void WakeOnFirstLine(net::steady_timer* timer) { flush_timer_ = timer; }

 private:
  static constexpr size_t kFlushBytes = 32 * 1024;
  bool enabled_;
  std::string buffer_;
  net::steady_timer* flush_timer_ = nullptr;
  bool flush_timer_woken_ = false;  // since the last write
};

// A lifecycle line (start-up, listening, shutdown), written at once. level: info|warn|error.
void LogEvent(std::string_view level, std::string_view event, std::string_view message,
              std::string_view extra_key = {}, std::string_view extra_value = {});

// ISO-8601 UTC timestamp with milliseconds.
void AppendTimestamp(std::string& out);

}  // namespace sluice::server
