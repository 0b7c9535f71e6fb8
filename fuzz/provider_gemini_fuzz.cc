// Fuzz target: the Gemini adapter's answer decoders over arbitrary provider output — DecodeResponse,
// DecodeError and the SSE stream decoder (input parsed as SSE in input-derived chunks). Invariant:
// malformed provider output becomes a clean error — a 4xx/5xx with a message, one kError that ends the
// stream — and a decoded answer re-encodes as JSON in every client dialect.
// Thread rule: single-threaded (libFuzzer / fuzz/driver.cc).
#include <cstddef>
#include <cstdint>

#include "fuzz/codec_checks.h"

using namespace sluice;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body = fuzz::AsView(data, size);
  const fuzz::Adapters& adapters = fuzz::GetAdapters();
  for (const provider::GeminiAdapter* adapter : {&adapters.gemini, &adapters.vertex}) {
    fuzz::CheckBodies(*adapter, body);
    fuzz::CheckSseStream(*adapter, body);
  }
  for (const provider::GeminiAdapter* g : {&adapters.gemini, &adapters.vertex}) {
    auto e = g->DecodeEmbeddingsResponse(body);
    if (!e.ok()) fuzz::CheckCleanError(e.error(), "gemini DecodeEmbeddingsResponse");
  }
  return 0;
}
