// Lazy-once encoding registry. Thread rule: see registry.h.
#include "tokenizer/registry.h"

#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>

namespace sluice::tokenizer {
namespace {

struct Slot {
  std::once_flag once;
  std::unique_ptr<Encoding> encoding;
  std::optional<core::Error> error;
};

Slot& SlotFor(EncodingId id) {
  static Slot slots[2];
  return slots[id == EncodingId::kO200kBase ? 0 : 1];
}

}  // namespace

std::string VocabDir() {
  if (const char* env = std::getenv("SLUICE_VOCAB_DIR"); env && *env) return env;
  return SLUICE_DEFAULT_VOCAB_DIR;
}

core::Result<const Encoding*> GetEncoding(EncodingId id) {
  Slot& slot = SlotFor(id);
  std::call_once(slot.once, [&] {
    auto loaded = Encoding::FromFile(id, VocabDir() + "/" + std::string(EncodingName(id)) + ".json");
    if (loaded.ok()) slot.encoding = std::move(loaded).value();
    else slot.error = loaded.error();
  });
  if (slot.error) return *slot.error;
  return static_cast<const Encoding*>(slot.encoding.get());
}

}  // namespace sluice::tokenizer
