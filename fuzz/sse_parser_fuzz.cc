// Fuzz target: stream::SseParser fed the input in chunks whose split points come from the input.
// Invariant: chunking never changes the outcome — the events (type, data, id, retry), the comments,
// the error and the end state equal those of the whole input fed at once — with the default limit and
// with a tiny one (64 bytes) that makes the over-limit path common. Every raw view of an event holds
// its data and lies within what was fed.
// Thread rule: single-threaded (libFuzzer / fuzz/driver.cc).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "stream/sse_parser.h"

namespace {
using namespace sluice;

struct Outcome {
  std::vector<std::string> items;  // one line per event/comment, comparable across chunkings
  bool failed = false;
  int status = 0;
  bool partial = false;
  std::string last_id;
  int64_t retry = -1;
};

Outcome Run(const std::vector<std::string_view>& chunks, size_t limit) {
  stream::SseParser::Options options;
  options.max_event_bytes = limit;
  stream::SseParser parser(options);
  Outcome o;
  for (std::string_view chunk : chunks) {
    bool ok = parser.FeedAll(chunk, [&](const stream::SseItem& item) {
      if (item.kind == stream::SseKind::kEvent) {
        const stream::SseEvent& e = item.event;
        o.items.push_back("E" + std::string(e.type) + '\0' + std::string(e.data) + '\0' +
                          (e.has_id ? "1" + std::string(e.id) : "0") + '\0' + std::to_string(e.retry_ms));
        FUZZ_CHECK(e.raw.size() >= e.data.size(), "raw shorter than data");
      } else {
        o.items.push_back("C" + std::string(item.comment.text) + (item.comment.inside_event ? "1" : "0"));
      }
    });
    if (!ok) break;
  }
  o.failed = parser.failed();
  if (o.failed) {
    fuzz::CheckCleanError(parser.error(), "SseParser");
    o.status = parser.error().Status();
    // Sticky: more input changes nothing.
    stream::SseItem item;
    parser.Feed("data: x\n\n");
    FUZZ_CHECK(parser.Next(item) == stream::SseKind::kError, "SseParser error is not sticky");
  }
  o.partial = parser.HasPartialEvent();
  o.last_id = parser.LastEventId();
  o.retry = parser.RetryMs();
  return o;
}

void Compare(const Outcome& whole, const Outcome& split, const char* what) {
  FUZZ_CHECK(whole.failed == split.failed, std::string(what) + ": error differs by chunking");
  FUZZ_CHECK(whole.items == split.items, std::string(what) + ": items differ by chunking");
  if (whole.failed) return;  // a failed parser's end state is not meaningful
  FUZZ_CHECK(whole.partial == split.partial, std::string(what) + ": HasPartialEvent differs");
  FUZZ_CHECK(whole.last_id == split.last_id, std::string(what) + ": LastEventId differs");
  FUZZ_CHECK(whole.retry == split.retry, std::string(what) + ": RetryMs differs");
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input = fuzz::AsView(data, size);
  // Chunks are copied so the parser cannot read past a chunk into the caller's buffer unnoticed (ASan).
  std::vector<std::string> owned;
  for (std::string_view c : fuzz::SplitByInput(input)) owned.emplace_back(c);
  std::vector<std::string_view> chunks(owned.begin(), owned.end());
  std::vector<std::string_view> bytes;
  for (size_t i = 0; i < input.size(); ++i) bytes.push_back(input.substr(i, 1));
  std::string whole_copy(input);

  for (size_t limit : {size_t{4} << 20, size_t{64}}) {
    Outcome whole = Run({whole_copy}, limit);
    Compare(whole, Run(chunks, limit), "input-derived chunks");
    if (size <= 4096) Compare(whole, Run(bytes, limit), "one byte per chunk");
  }
  (void)stream::IsDone(input);
  return 0;
}
