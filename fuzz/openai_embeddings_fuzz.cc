// Fuzz target: dialect::DecodeOpenAiEmbeddingsRequest (→ ir::EmbeddingsRequest), then the request
// built for every provider with an embeddings API of its own. Invariants: refusals are clean 4xx; a
// built body is JSON.
// Thread rule: single-threaded (libFuzzer / fuzz/driver.cc).
#include <cstddef>
#include <cstdint>

#include "dialect/openai_embeddings.h"
#include "fuzz/codec_checks.h"

using namespace sluice;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto decoded = dialect::DecodeOpenAiEmbeddingsRequest(fuzz::AsView(data, size));
  if (!decoded.ok()) {
    fuzz::CheckCleanError(decoded.error(), "DecodeOpenAiEmbeddingsRequest");
    FUZZ_CHECK(decoded.error().Status() < 500, "a client body error must be 4xx");
    return 0;
  }
  provider::Target target;
  target.api_key = "sk-fuzz";
  target.now = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  for (const provider::ProviderAdapter* adapter : fuzz::GetAdapters().All()) {
    for (std::string_view model : {std::string_view("text-embedding-004"),
                                   std::string_view("amazon.titan-embed-text-v2:0"),
                                   std::string_view("cohere.embed-english-v3"), std::string_view(decoded->model)}) {
      target.model = model;
      auto built = adapter->BuildEmbeddingsRequest(*decoded, target);
      std::string where = std::string(adapter->Name()) + " BuildEmbeddingsRequest";
      if (!built.ok()) {
        fuzz::CheckCleanError(built.error(), where);
        continue;
      }
      FUZZ_CHECK(fuzz::IsJson(built->body), where + ": body is not JSON");
    }
  }
  return 0;
}
