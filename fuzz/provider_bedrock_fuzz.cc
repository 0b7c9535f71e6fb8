// Fuzz target: the Bedrock adapter's answer decoders over arbitrary provider output — DecodeResponse,
// DecodeError, DecodeEmbeddingsResponse — and BedrockByteStream twice: once over frames built from the
// input read as SSE-style text ("event: contentBlockDelta" / "event: exception:ThrottlingException",
// "data: <payload>"), so the JSON decoding is reached, and once over the input as raw bytes with its
// frame CRCs repaired. Invariant: malformed output becomes a clean error — one kError that ends the
// stream, after which the byte stream stays failed — and never a crash; credentials never leak.
// Thread rule: single-threaded (libFuzzer / fuzz/driver.cc).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/codec_checks.h"
#include "fuzz/eventstream_util.h"

namespace {
using namespace sluice;

void RunByteStream(const std::string& bytes) {
  provider::BedrockByteStream s(fuzz::GetAdapters().bedrock.NewStreamDecoder());
  std::vector<ir::StreamEvent> events;
  fuzz::EventSequenceChecker checker;
  bool failed = false;
  auto after = [&](bool ok, size_t before, const char* what) {
    if (failed) {
      FUZZ_CHECK(!ok && events.size() == before, std::string(what) + " after failure");
      return;
    }
    checker.Check(events, before);
    if (!ok) {
      failed = true;
      FUZZ_CHECK(events.size() > before && events.back().kind == ir::EventKind::kError,
                 std::string(what) + " returned false without kError");
    }
  };
  for (std::string_view chunk : fuzz::SplitByInput(bytes, 48)) {
    size_t before = events.size();
    after(s.FeedBytes(chunk, events), before, "FeedBytes");
  }
  size_t before = events.size();
  after(s.Finish(events), before, "Finish");
  FUZZ_CHECK(checker.errored() || checker.stopped(), "byte stream ended without stop or error");
  FUZZ_CHECK(s.finished(), "BedrockByteStream not finished after Finish");
  const provider::BedrockOptions o = fuzz::FuzzBedrockOptions();
  for (const auto& e : events)
    FUZZ_CHECK(e.text.find(o.secret_access_key) == std::string::npos, "secret key in an event");
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body = fuzz::AsView(data, size);
  const provider::BedrockAdapter& bedrock = fuzz::GetAdapters().bedrock;
  fuzz::CheckBodies(bedrock, body);
  auto e = bedrock.DecodeEmbeddingsResponse(body);
  if (!e.ok()) fuzz::CheckCleanError(e.error(), "bedrock DecodeEmbeddingsResponse");
  const std::string secret = fuzz::FuzzBedrockOptions().secret_access_key;
  for (int status : {400, 403, 500})
    FUZZ_CHECK(bedrock.DecodeError(status, std::string(body) + secret).message.find(secret) == std::string::npos,
               "DecodeError leaked the secret key");

  std::string frames;
  fuzz::ForEachSseEvent(body, [&](std::string_view type, std::string_view payload) {
    constexpr std::string_view kException = "exception:";
    if (type.substr(0, kException.size()) == kException)
      frames += stream::EncodeEventStreamException(type.substr(kException.size()), payload);
    else
      frames += stream::EncodeEventStreamEvent(type, payload);
  });
  RunByteStream(frames);
  RunByteStream(fuzz::FixCrcs(std::string(body)));
  return 0;
}
