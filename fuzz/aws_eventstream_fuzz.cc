// Fuzz target: stream::EventStreamDecoder over the raw input and over the input with its frame CRCs
// repaired (so header and payload parsing is reached), each fed whole and in input-derived chunks.
// Invariants: chunking never changes the messages or the failure; an error is a clean 5xx and sticky;
// every decoded message re-encodes to a frame that decodes to the same message.
// Thread rule: single-threaded (libFuzzer / fuzz/driver.cc).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/eventstream_util.h"
#include "fuzz/fuzz_check.h"

namespace {
using namespace sluice;

struct Outcome {
  std::vector<stream::EventStreamMessage> messages;
  bool failed = false;
  bool partial = false;
};

Outcome Run(const std::vector<std::string>& chunks) {
  stream::EventStreamDecoder::Options options;
  options.max_payload_bytes = 4096;  // small limits make the limit checks reachable
  options.max_headers_bytes = 1024;
  stream::EventStreamDecoder decoder(options);
  Outcome o;
  for (const std::string& chunk : chunks) {
    if (!decoder.Feed(chunk, o.messages)) break;
  }
  o.failed = decoder.failed();
  o.partial = decoder.HasPartialMessage();
  if (o.failed) {
    fuzz::CheckCleanError(decoder.error(), "EventStreamDecoder");
    size_t before = o.messages.size();
    FUZZ_CHECK(!decoder.Feed(std::string(16, '\0'), o.messages), "EventStreamDecoder error is not sticky");
    FUZZ_CHECK(o.messages.size() == before, "a failed decoder appended messages");
  }
  FUZZ_CHECK(decoder.messages_decoded() == o.messages.size(), "messages_decoded() disagrees");
  return o;
}

void CheckOne(const std::string& bytes) {
  std::vector<std::string> chunks;
  for (std::string_view c : fuzz::SplitByInput(bytes, 40)) chunks.emplace_back(c);
  Outcome whole = Run({bytes});
  Outcome split = Run(chunks);
  FUZZ_CHECK(whole.failed == split.failed, "failure differs by chunking");
  FUZZ_CHECK(whole.messages == split.messages, "messages differ by chunking");
  if (!whole.failed) FUZZ_CHECK(whole.partial == split.partial, "HasPartialMessage differs by chunking");
  for (const auto& m : whole.messages) {
    std::string frame;
    if (!stream::AppendEventStreamMessage(m, frame)) continue;  // e.g. a bytes header over 64 KiB
    std::vector<stream::EventStreamMessage> again;
    stream::EventStreamDecoder d;
    FUZZ_CHECK(d.Feed(frame, again) && again.size() == 1 && again[0] == m, "re-encoded frame differs");
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(fuzz::AsView(data, size));
  CheckOne(bytes);
  std::string fixed = fuzz::FixCrcs(bytes);
  if (fixed != bytes) CheckOne(fixed);
  return 0;
}
