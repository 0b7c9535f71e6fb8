// Fuzz target: dialect::DecodeOpenAiResponsesRequest (OpenAI Responses request → IR), then the IR encoded for every provider
// adapter. Invariants: a refusal is a clean 4xx; an accepted request builds for each provider or is
// refused with a clean 4xx; every built body is JSON.
// Thread rule: single-threaded (libFuzzer / fuzz/driver.cc).
#include <cstddef>
#include <cstdint>

#include "dialect/openai_responses.h"
#include "fuzz/codec_checks.h"

using namespace sluice;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto decoded = dialect::DecodeOpenAiResponsesRequest(fuzz::AsView(data, size));
  if (!decoded.ok()) {
    fuzz::CheckCleanError(decoded.error(), "DecodeOpenAiResponsesRequest");
    FUZZ_CHECK(decoded.error().Status() < 500, "a client body error must be 4xx");
    return 0;
  }
    FUZZ_CHECK(fuzz::IsJson("{" + dialect::EncodeOpenAiResponsesEcho(*decoded) + "}"), "EncodeOpenAiResponsesEcho");
  fuzz::CheckBuildEverywhere(*decoded);
  return 0;
}
