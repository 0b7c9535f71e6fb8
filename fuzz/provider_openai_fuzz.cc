// Fuzz target: the OpenAI adapter's answer decoders (default and Mistral-style options) over arbitrary
// provider output — DecodeResponse, DecodeError, the SSE stream decoder — and the same-dialect readers
// of an OpenAI answer (usage, chunk inspection, error normalisation, tool-call id restore). Invariant:
// malformed provider output becomes a clean error, and every normalised error body is JSON.
// Thread rule: single-threaded (libFuzzer / fuzz/driver.cc).
#include <cstddef>
#include <cstdint>

#include "dialect/openai_response.h"
#include "fuzz/codec_checks.h"

using namespace sluice;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body = fuzz::AsView(data, size);
  const fuzz::Adapters& adapters = fuzz::GetAdapters();
  for (const provider::OpenAiAdapter* adapter : {&adapters.openai, &adapters.mistral}) {
    fuzz::CheckBodies(*adapter, body);
    fuzz::CheckSseStream(*adapter, body);
  }

  dialect::TokenUsage usage;
  (void)dialect::ExtractUsage(body, usage);
  dialect::ChunkInfo info = dialect::InspectChunk(body, usage);
  if (info.is_error) {
    FUZZ_CHECK(info.error_status >= 400 && info.error_status <= 599, "InspectChunk error_status");
    if (!info.openai_error.empty()) FUZZ_CHECK(fuzz::IsJson(info.openai_error), "InspectChunk openai_error");
  }
  for (int status : {200, 400, 422, 424, 429, 500, 529}) {
    FUZZ_CHECK(fuzz::IsJson(dialect::NormalizeUpstreamError(status, body)), "NormalizeUpstreamError");
    dialect::NormalizedError n = dialect::NormalizeUpstreamErrorWithStatus(status, body);
    FUZZ_CHECK(n.status >= 400 && n.status <= 599, "NormalizeUpstreamErrorWithStatus status");
    FUZZ_CHECK(fuzz::IsJson(n.body), "NormalizeUpstreamErrorWithStatus body");
  }
  if (info.null_usage_end > info.null_usage_begin) {
    FUZZ_CHECK(info.null_usage_end <= body.size() && body[info.null_usage_begin] == ',',
               "InspectChunk null usage span");
    // Cutting the member out of valid JSON leaves valid JSON.
    if (fuzz::IsJson(body)) {
      std::string cut(body);
      cut.erase(info.null_usage_begin, info.null_usage_end - info.null_usage_begin);
      FUZZ_CHECK(fuzz::IsJson(cut), "cutting the null usage left invalid JSON");
    }
  }
  if (fuzz::IsJson(body)) {
    dialect::ToolCallIdMap ids;
    ids.Add("abcDEF123", "call_client_1");
    ids.Add("call_1", "toolu_\"quoted\\");
    std::string restored;
    if (dialect::RestoreToolCallIds(body, ids, restored))
      FUZZ_CHECK(fuzz::IsJson(restored), "RestoreToolCallIds produced invalid JSON");
  }
  return 0;
}
