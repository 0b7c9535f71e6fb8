// libFuzzer target: arbitrary bytes through both encodings (encode, count, decode round trip) and
// through the chat/count_tokens JSON entry points. Any crash, hang or failed invariant is a bug.
// Thread rule: single-threaded (libFuzzer).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tokenizer/count_api.h"
#include "tokenizer/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice::tokenizer;
  static const ModelTable models = [] {
    if (!std::getenv("SLUICE_VOCAB_DIR")) setenv("SLUICE_VOCAB_DIR", SLUICE_SOURCE_DIR "/data/vocab", 1);
    return ModelTable::Default();
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (EncodingId id : {EncodingId::kO200kBase, EncodingId::kCl100kBase}) {
    auto enc = GetEncoding(id);
    if (!enc.ok()) std::abort();  // the vocabulary must be present: run scripts/fetch-vocab.sh
    const auto ids = (*enc)->EncodeOrdinary(text);
    if ((*enc)->Count(text) != ids.size() || (*enc)->Decode(ids) != text) std::abort();
    (void)(*enc)->EncodeWithSpecial(text);
  }
  (void)CountOpenAiChatBody(text, models);
  (void)AnswerAnthropicCountTokens(text, models);
  return 0;
}
