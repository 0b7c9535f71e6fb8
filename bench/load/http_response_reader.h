// Incremental HTTP/1.1 response reader for the load client: status line, headers, then a
// Content-Length or chunked body, fed in arbitrary slices. Optionally counts SSE `data:` lines in the
// decoded body (across slice and chunk boundaries). Header-only so load_client.cc builds with one
// compiler call and no project dependencies.
// Thread rule: one reader per connection, used by one thread.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <strings.h>

namespace sluice::bench {

class HttpResponseReader {
 public:
  enum class State : uint8_t { kHead, kBodyLength, kChunkSize, kChunkData, kChunkDataEnd, kTrailer, kDone, kError };

  explicit HttpResponseReader(bool count_events = false) : count_events_(count_events) {}

  // Consumes bytes until the response is complete; returns how many were used. Bytes after the end of
  // the response are left to the caller (the load client never pipelines, so there are none).
  size_t Feed(const char* p, size_t n) {
    size_t i = 0;
    while (i < n && state_ != State::kDone && state_ != State::kError) {
      switch (state_) {
        case State::kHead: i += FeedHead(p + i, n - i); break;
        case State::kBodyLength: {
          size_t take = remaining_ < n - i ? static_cast<size_t>(remaining_) : n - i;
          Body(p + i, take);
          i += take;
          remaining_ -= take;
          if (remaining_ == 0) state_ = State::kDone;
          break;
        }
        case State::kChunkSize:
        case State::kChunkDataEnd:
        case State::kTrailer: i += FeedLine(p + i, n - i); break;
        case State::kChunkData: {
          size_t take = remaining_ < n - i ? static_cast<size_t>(remaining_) : n - i;
          Body(p + i, take);
          i += take;
          remaining_ -= take;
          if (remaining_ == 0) state_ = State::kChunkDataEnd;
          break;
        }
        default: break;
      }
    }
    return i;
  }

  State state() const { return state_; }
  bool done() const { return state_ == State::kDone; }
  bool failed() const { return state_ == State::kError; }
  bool head_complete() const { return state_ != State::kHead && state_ != State::kError; }
  int status() const { return status_; }
  uint64_t events() const { return events_; }
  uint64_t body_bytes() const { return body_bytes_; }

  void Reset() { *this = HttpResponseReader(count_events_); }

 private:
  static constexpr std::string_view kEvent = "data:";

  size_t FeedHead(const char* p, size_t n) {
    size_t start = line_.size();
    line_.append(p, n);
    size_t end = line_.find("\r\n\r\n", start >= 3 ? start - 3 : 0);
    if (end == std::string::npos) {
      if (line_.size() > 64 * 1024) state_ = State::kError;
      return n;
    }
    size_t used = end + 4 - start;
    ParseHead(std::string_view(line_).substr(0, end));
    line_.clear();
    return used;
  }

  void ParseHead(std::string_view head) {
    // "HTTP/1.1 200 OK"
    if (head.size() < 12 || head.substr(0, 5) != "HTTP/") { state_ = State::kError; return; }
    status_ = std::atoi(std::string(head.substr(9, 3)).c_str());
    bool chunked = false;
    bool have_length = false;
    uint64_t length = 0;
    size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos) {
      size_t next = head.find("\r\n", pos + 2);
      std::string_view field = head.substr(pos + 2, next == std::string_view::npos ? head.npos : next - pos - 2);
      size_t colon = field.find(':');
      if (colon != std::string_view::npos) {
        std::string name(field.substr(0, colon));
        std::string_view value = field.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (!strcasecmp(name.c_str(), "content-length")) {
          have_length = true;
          length = std::strtoull(std::string(value).c_str(), nullptr, 10);
        } else if (!strcasecmp(name.c_str(), "transfer-encoding")) {
          chunked = value.find("chunked") != std::string_view::npos;
        }
      }
      pos = next;
    }
    if (chunked) {
      state_ = State::kChunkSize;
    } else if (have_length) {
      remaining_ = length;
      state_ = length == 0 ? State::kDone : State::kBodyLength;
    } else {
      state_ = State::kError;  // read-until-close bodies are not used by anything under test
    }
  }

  // One CRLF-terminated line in the chunked framing: a size line, the CRLF after chunk data, or a trailer.
  size_t FeedLine(const char* p, size_t n) {
    size_t i = 0;
    while (i < n) {
      char c = p[i++];
      if (c != '\n') {
        line_.push_back(c);
        if (line_.size() > 4096) { state_ = State::kError; return i; }
        continue;
      }
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      std::string line;
      line.swap(line_);
      if (state_ == State::kChunkSize) {
        char* end = nullptr;
        unsigned long long size = std::strtoull(line.c_str(), &end, 16);
        if (end == line.c_str()) { state_ = State::kError; return i; }
        remaining_ = size;
        state_ = size == 0 ? State::kTrailer : State::kChunkData;
      } else if (state_ == State::kChunkDataEnd) {
        if (!line.empty()) { state_ = State::kError; return i; }
        state_ = State::kChunkSize;
      } else if (line.empty()) {  // kTrailer: the empty line ends the message
        state_ = State::kDone;
      }
      return i;
    }
    return i;
  }

  void Body(const char* p, size_t n) {
    body_bytes_ += n;
    if (!count_events_ || n == 0) return;
    // carry_ holds the last 4 body bytes, so a "data:" split across slices is counted exactly once.
    std::string joined = carry_;
    joined.append(p, n);
    for (size_t at = joined.find(kEvent); at != std::string::npos; at = joined.find(kEvent, at + 1)) ++events_;
    carry_ = joined.size() > 4 ? joined.substr(joined.size() - 4) : joined;
  }

  bool count_events_;
  State state_ = State::kHead;
  int status_ = 0;
  uint64_t remaining_ = 0;
  uint64_t events_ = 0;
  uint64_t body_bytes_ = 0;
  std::string line_;
  std::string carry_;
};

}  // namespace sluice::bench
