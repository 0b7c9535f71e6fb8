// SseParser implementation: one scan per line (memchr for LF, a cached position for CR), field
// handling per WHATWG, and the carry buffer for events split across chunks. See sse_parser.h for
// the contract. Thread rule: one parser per stream, one thread.
#include "stream/sse_parser.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace sluice::stream {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr size_t kNpos = std::string_view::npos;

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

bool IsDone(std::string_view data) {
  while (!data.empty() && IsAsciiSpace(data.front())) data.remove_prefix(1);
  while (!data.empty() && IsAsciiSpace(data.back())) data.remove_suffix(1);
  return data == "[DONE]";
}

void SseParser::Reset() {
  Options options = options_;
  *this = SseParser(options);
}

void SseParser::Feed(std::string_view chunk) {
  pos_ = 0;
  seg_start_ = 0;
  if (!carry_) block_start_ = 0;
  chunk_ = chunk;
  if (!bom_checked_) SkipBom();
  next_cr_ = chunk_.find('\r');
}

// A BOM may itself be split across the first chunks; bytes that turn out not to be one are parsed
// normally.
void SseParser::SkipBom() {
  std::string_view s = chunk_;
  if (!bom_prefix_.empty()) {
    bom_joined_ = bom_prefix_;
    bom_joined_.append(chunk_);
    bom_prefix_.clear();
    s = bom_joined_;
  }
  size_t n = std::min(s.size(), kBom.size());
  if (s.substr(0, n) == kBom.substr(0, n)) {
    if (n < kBom.size()) {  // still ambiguous: wait for more bytes
      bom_prefix_.assign(s);
      chunk_ = {};
      return;
    }
    s.remove_prefix(kBom.size());
  }
  chunk_ = s;
  bom_checked_ = true;
}

void SseParser::StartBlock(size_t chunk_pos) {
  carry_ = false;
  buf_.clear();
  block_start_ = chunk_pos;
  seg_start_ = chunk_pos;
  line_start_ = 0;
  has_fields_ = false;
  data_lines_ = 0;
  data_len_ = 0;
  type_len_ = 0;
  id_len_ = 0;
  has_id_ = false;
  block_retry_ = -1;
}

SseKind SseParser::Fail(size_t size) {
  failed_ = true;
  error_ = core::Error{};
  error_.code = core::ErrorCode::kUpstreamProtocolError;
  error_.message = "upstream sent an SSE event larger than the " +
                   std::to_string(options_.max_event_bytes) + "-byte limit";
  buf_.clear();
  buf_.shrink_to_fit();
  return SseKind::kError;
}

SseKind SseParser::Next(SseItem& item) {
  if (failed_) return SseKind::kError;
  if (reset_block_) {  // the previous item's views pointed into the block: only now may it go
    reset_block_ = false;
    StartBlock(pos_);
  }
  const size_t size = chunk_.size();
  for (;;) {
    if (pos_ >= size) {
      if (carry_) {
        buf_.append(chunk_.data() + seg_start_, size - seg_start_);
      } else if (block_start_ < size) {
        buf_.assign(chunk_.data() + block_start_, size - block_start_);
        carry_ = true;
      }
      seg_start_ = size;
      // Not counting a trailing CR: it may be the start of a CR LF, as in the per-line check below.
      size_t counted = buf_.size() - (pending_cr_ && !buf_.empty() ? 1 : 0);
      if (counted > options_.max_event_bytes) return Fail(counted);
      return SseKind::kNeedMore;
    }
    if (pending_cr_) {  // the previous chunk ended with CR: an LF here belongs to that line ending
      pending_cr_ = false;
      if (chunk_[pos_] == '\n') {
        ++pos_;
        if (carry_) {
          ++line_start_;  // the LF stays in the block's raw bytes (appended with the segment)
        } else {
          block_start_ = seg_start_ = pos_;
        }
        continue;
      }
    }
    const void* lf_ptr = std::memchr(chunk_.data() + pos_, '\n', size - pos_);
    size_t lf =
        lf_ptr ? static_cast<size_t>(static_cast<const char*>(lf_ptr) - chunk_.data()) : kNpos;
    if (next_cr_ != kNpos && next_cr_ < pos_) next_cr_ = chunk_.find('\r', pos_);
    size_t eol = std::min(lf, next_cr_);
    if (eol == kNpos) {  // the line continues in the next chunk
      pos_ = size;
      continue;
    }
    size_t next = eol + 1;
    if (chunk_[eol] == '\r') {
      if (next < size) {
        if (chunk_[next] == '\n') ++next;
      } else {
        pending_cr_ = true;
      }
    }
    size_t line_end_rel = Rel(eol);
    pos_ = next;
    SseKind kind = OnLine(line_end_rel, next, item);
    if (kind != SseKind::kNeedMore) return kind;
  }
}

// Returns kNeedMore to mean "nothing to yield for this line, keep scanning".
SseKind SseParser::OnLine(size_t line_end_rel, size_t next, SseItem& item) {
  if (carry_) {  // keep the block contiguous in buf_ so the line can be read in place
    buf_.append(chunk_.data() + seg_start_, next - seg_start_);
    seg_start_ = next;
  }
  const size_t block_size = Rel(next);
  // The limit ignores the last line's terminator: whether a CR LF was split by a chunk boundary
  // (the LF then skipped) must not change the outcome.
  if (line_end_rel > options_.max_event_bytes) return Fail(line_end_rel);
  const char* base = Base();
  const size_t ls = line_start_;
  const size_t len = line_end_rel - ls;
  line_start_ = block_size;

  if (len == 0) {  // blank line: dispatch
    if (!has_fields_) {
      StartBlock(next);
      return SseKind::kNeedMore;
    }
    if (has_id_) last_event_id_.assign(base + id_off_, id_len_);
    if (data_lines_ == 0) {  // WHATWG: an empty data buffer dispatches nothing
      StartBlock(next);
      return SseKind::kNeedMore;
    }
    SseEvent& ev = item.event;
    ev.type = std::string_view(base + type_off_, type_len_);
    ev.data = data_lines_ == 1 ? std::string_view(base + data_off_, data_len_)
                               : std::string_view(data_join_);
    ev.has_id = has_id_;
    ev.id = has_id_ ? std::string_view(base + id_off_, id_len_) : std::string_view();
    ev.retry_ms = block_retry_;
    ev.raw = std::string_view(base, block_size);
    item.kind = SseKind::kEvent;
    reset_block_ = true;
    return SseKind::kEvent;
  }

  if (base[ls] == ':') {  // comment
    std::string_view text(base + ls + 1, len - 1);
    if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    item.comment = SseComment{text, std::string_view(base + ls, block_size - ls), has_fields_};
    item.kind = SseKind::kComment;
    if (!has_fields_) reset_block_ = true;  // standalone: the next block starts after this line
    return SseKind::kComment;
  }

  std::string_view line(base + ls, len);
  size_t colon = line.find(':');
  std::string_view name = line.substr(0, colon);
  size_t value_rel = ls + len;
  size_t value_len = 0;
  if (colon != kNpos) {
    value_rel = ls + colon + 1;
    if (value_rel < ls + len && base[value_rel] == ' ') ++value_rel;
    value_len = ls + len - value_rel;
  }
  has_fields_ = true;
  OnField(name, value_rel, value_len);
  return SseKind::kNeedMore;
}

void SseParser::OnField(std::string_view name, size_t value_rel, size_t value_len) {
  const char* base = Base();
  if (name == "data") {
    ++data_lines_;
    if (data_lines_ == 1) {
      data_off_ = value_rel;
      data_len_ = value_len;
      return;
    }
    if (data_lines_ == 2) data_join_.assign(base + data_off_, data_len_);
    data_join_.push_back('\n');
    data_join_.append(base + value_rel, value_len);
  } else if (name == "event") {
    type_off_ = value_rel;
    type_len_ = value_len;
  } else if (name == "id") {
    if (std::memchr(base + value_rel, '\0', value_len) != nullptr) return;  // WHATWG: ignore
    id_off_ = value_rel;
    id_len_ = value_len;
    has_id_ = true;
  } else if (name == "retry") {
    if (value_len == 0) return;
    int64_t v = 0;
    for (size_t i = 0; i < value_len; ++i) {
      char c = base[value_rel + i];
      if (c < '0' || c > '9') return;
      if (v < std::numeric_limits<int64_t>::max() / 10 - 10) v = v * 10 + (c - '0');
    }
    block_retry_ = v;
    retry_ms_ = v;
  }
  // Unknown fields are ignored (WHATWG).
}

}  // namespace sluice::stream
