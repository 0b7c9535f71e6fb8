// Cache of loaded tokenizer files. Thread rule: see hf_registry.h.
#include "tokenizer/hf_registry.h"

#include <filesystem>
#include <map>
#include <mutex>

namespace sluice::tokenizer {
namespace {

struct Entry {
  uintmax_t size = 0;
  std::filesystem::file_time_type mtime;
  std::shared_ptr<const HfTokenizer> tokenizer;
};

std::mutex& Mutex() {
  static std::mutex m;
  return m;
}

std::map<std::string, Entry>& Entries() {
  static std::map<std::string, Entry> entries;
  return entries;
}

}  // namespace

core::Result<std::shared_ptr<const HfTokenizer>> LoadHfTokenizer(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path canonical = fs::canonical(path, ec);
  if (ec) {
    core::Error e;
    e.code = core::ErrorCode::kInternal;
    e.message = "tokenizer file " + path + ": " + ec.message();
    return e;
  }
  const std::string key = canonical.string();
  const uintmax_t size = fs::file_size(canonical, ec);
  const fs::file_time_type mtime = fs::last_write_time(canonical, ec);
  // Loading holds the lock: two rules naming one file at start-up wait for one load, not two.
  std::lock_guard lock(Mutex());
  auto it = Entries().find(key);
  if (it != Entries().end() && it->second.size == size && it->second.mtime == mtime) return it->second.tokenizer;
  auto loaded = HfTokenizer::FromFile(key);
  if (!loaded.ok()) return loaded.error();
  std::shared_ptr<const HfTokenizer> shared(std::move(loaded).value());
  Entries()[key] = Entry{size, mtime, shared};
  return shared;
}

}  // namespace sluice::tokenizer
