// Fuzz target: dialect::DecodeOpenAiChatRequest (OpenAI Chat Completions request → IR), then the IR encoded for every provider
// adapter. Invariants: a refusal is a clean 4xx; an accepted request builds for each provider or is
// refused with a clean 4xx; every built body is JSON.
// Thread rule: single-threaded (libFuzzer / fuzz/driver.cc).
#include <cstddef>
#include <cstdint>

#include "dialect/openai_chat.h"
#include "fuzz/codec_checks.h"

using namespace sluice;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto decoded = dialect::DecodeOpenAiChatRequest(fuzz::AsView(data, size));
  if (!decoded.ok()) {
    fuzz::CheckCleanError(decoded.error(), "DecodeOpenAiChatRequest");
    FUZZ_CHECK(decoded.error().Status() < 500, "a client body error must be 4xx");
    return 0;
  }
  fuzz::CheckBuildEverywhere(*decoded);
  return 0;
}
