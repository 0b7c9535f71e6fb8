// Incremental parser of text/event-stream (WHATWG HTML "server-sent events", and §0 of
// shared/reference/llm-apis.md). Fed arbitrary byte chunks; yields complete events and comment
// lines.
//
// Pull style, chosen because it allocates least and needs no std::function or template callback:
//
//   parser.Feed(chunk);  // chunk must stay alive until Next() returns kNeedMore
//   for (SseItem item; parser.Next(item) != SseKind::kNeedMore;) {
//     if (item.kind == SseKind::kEvent) Use(item.event);
//     else if (item.kind == SseKind::kComment) MaybeForward(item.comment);
//     else return parser.error();           // kError is sticky: abort the stream
//   }
//
// Zero-copy: an event whose bytes lie inside the fed chunk is exposed as string_views into that
// chunk. Bytes of an event that is incomplete when a chunk ends are copied to an internal carry
// buffer (the only copy), and the event, once complete, is exposed as views into that buffer. Views
// in an item stay valid until the next call to Next() or Feed(). Single-line `data:` is always a
// view; several data lines are joined with "\n" into a reused scratch string (WHATWG requires the
// join).
//
// Semantics (WHATWG): lines end with "\r\n", "\n" or "\r" (a CR ending a chunk ends the line at
// once and a following LF is skipped, so a split between CR and LF adds no latency); a UTF-8 BOM at
// stream start is dropped; "name: value" strips exactly one space after the colon; a line without a
// colon is a field with an empty value; unknown fields are ignored; a blank line dispatches the
// event only if at least one `data` line was seen (a block of only event/id/retry updates
// LastEventId()/RetryMs() and yields nothing); an `id` containing NUL is ignored; `retry` is
// honoured only when all ASCII digits. An incomplete event at end of stream is discarded by WHATWG;
// HasPartialEvent() tells a gateway that the stream was cut.
//
// Limit: an event (from its first field line up to its blank line's terminator, which is not
// counted so that a CR LF split by a chunk boundary cannot change the outcome), or a comment line,
// larger than Options::max_event_bytes yields SseKind::kError (code upstream_protocol_error) as
// soon as the size is exceeded; the carry buffer never holds more than the limit plus one chunk.
// Errors are sticky.
//
// Thread rule: one parser per stream, used by one thread; no shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace sluice::stream {

enum class SseKind : uint8_t {
  kNeedMore,  // the fed chunk is consumed: Feed() the next one
  kEvent,     // item.event is set
  kComment,   // item.comment is set
  kError,     // parser.error() says why; every later Next() returns kError too
};

struct SseEvent {
  std::string_view type;  // value of the last `event:` line; empty means "message" (see Type())
  std::string_view data;  // `data:` lines joined with "\n" (no trailing newline)
  std::string_view id;    // value of this event's `id:` line when has_id
  bool has_id = false;
  int64_t retry_ms = -1;  // this event's valid `retry:` value, -1 when none
  // The event's bytes exactly as received: from its first field line through the terminating blank
  // line, including comment lines inside it. A proxy forwards these unchanged in the same-dialect
  // case. (When a CR ending a chunk closes the event, a following LF is not part of it; the framing
  // stays valid SSE.)
  std::string_view raw;

  std::string_view Type() const { return type.empty() ? std::string_view("message") : type; }
};

struct SseComment {
  std::string_view
      text;  // after the ':' with one leading space stripped (": keep-alive" → "keep-alive")
  std::string_view
      raw;  // the whole line including its terminator (a CR ending a chunk, without the LF)
  // True when the comment sits between the field lines of an event; its bytes are then also inside
  // that event's raw view, so a raw-forwarding proxy forwards only comments with inside_event ==
  // false.
  bool inside_event = false;
};

struct SseItem {
  SseKind kind = SseKind::kNeedMore;
  SseEvent event;
  SseComment comment;
};

// OpenAI Chat's end-of-stream sentinel (`data: [DONE]`), tolerant of surrounding ASCII whitespace.
bool IsDone(std::string_view data);

class SseParser {
 public:
  struct Options {
    size_t max_event_bytes =
        4 * 1024 * 1024;  // one chat chunk is a few hundred bytes; images can be MBs
  };

  SseParser() : SseParser(Options{}) {}
  explicit SseParser(Options options) : options_(options) {}

  // Starts parsing `chunk`. Precondition: the previous chunk was consumed (Next() returned
  // kNeedMore).
  void Feed(std::string_view chunk);
  // Yields the next item of the current chunk into `item` and returns its kind.
  SseKind Next(SseItem& item);

  // Loop helper for callers that prefer a callback: calls on_item(const SseItem&) for every event
  // and comment of `chunk`. Returns false on error (see error()).
  template <typename F>
  bool FeedAll(std::string_view chunk, F&& on_item) {
    Feed(chunk);
    SseItem item;
    for (;;) {
      switch (Next(item)) {
        case SseKind::kNeedMore:
          return true;
        case SseKind::kError:
          return false;
        default:
          on_item(static_cast<const SseItem&>(item));
      }
    }
  }

  bool failed() const { return failed_; }
  const core::Error& error() const { return error_; }
  // True when bytes of an unfinished event (or comment line) are pending: at end of stream,
  // truncation.
  bool HasPartialEvent() const { return (carry_ && !buf_.empty()) || !bom_prefix_.empty(); }
  const std::string& LastEventId() const { return last_event_id_; }
  int64_t RetryMs() const { return retry_ms_; }  // -1 until a valid retry field is seen
  // Forgets everything (including a sticky error and the BOM state): ready for a new stream.
  void Reset();

 private:
  // Block-relative offset of chunk position p.
  size_t Rel(size_t p) const { return carry_ ? buf_.size() + (p - seg_start_) : p - block_start_; }
  const char* Base() const { return carry_ ? buf_.data() : chunk_.data() + block_start_; }
  void SkipBom();
  SseKind Fail(size_t size);
  // Handles one complete line [line_start_, line_end) whose terminator ends at chunk position
  // `next`.
  SseKind OnLine(size_t line_end_rel, size_t next, SseItem& item);
  void OnField(std::string_view name, size_t value_rel, size_t value_len);
  void StartBlock(size_t chunk_pos);

  Options options_;
  std::string_view chunk_;
  size_t pos_ = 0;           // scan position in chunk_
  size_t seg_start_ = 0;     // carry mode: chunk bytes before this are already in buf_
  size_t block_start_ = 0;   // direct mode: where the current block starts in chunk_
  size_t next_cr_ = 0;       // cached position of the next '\r' at or after pos_ (npos: none)
  bool carry_ = false;       // the current block's bytes live in buf_
  bool pending_cr_ = false;  // the last line ended with a CR at a chunk end: skip one LF
  bool bom_checked_ = false;
  bool reset_block_ = false;  // the previous item's views must survive until now: reset lazily
  bool failed_ = false;
  std::string buf_;         // carry buffer: the current block's bytes when it spans chunks
  std::string bom_prefix_;  // stream-start bytes that may still be a split BOM
  std::string bom_joined_;  // bom_prefix_ + chunk, when a partial BOM turned out not to be one

  // The current block (event being assembled); offsets are block-relative.
  size_t line_start_ = 0;
  bool has_fields_ = false;
  uint32_t data_lines_ = 0;
  size_t data_off_ = 0, data_len_ = 0;  // first data value, when data_lines_ == 1
  std::string data_join_;               // joined values, when data_lines_ > 1
  size_t type_off_ = 0, type_len_ = 0;
  size_t id_off_ = 0, id_len_ = 0;
  bool has_id_ = false;
  int64_t block_retry_ = -1;

  std::string last_event_id_;
  int64_t retry_ms_ = -1;
  core::Error error_;
};

}  // namespace sluice::stream
