// Fuzz target: config::LoadString over arbitrary YAML text (a fixed environment, no process env).
// Invariants: it never throws (the header promises this; yaml-cpp throws on bad input), it returns
// either a config or at least one error, and an error's text never contains an expanded secret.
// Thread rule: single-threaded (libFuzzer / fuzz/driver.cc).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "config/loader.h"
#include "fuzz/fuzz_check.h"

using namespace sluice;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const config::EnvLookup env =
      config::MapEnv({{"OPENAI_API_KEY", "sk-fuzz-SECRET-0123456789"}, {"PORT", "8080"}, {"EMPTY", ""}});
  config::LoadResult result;
  try {
    result = config::LoadString(fuzz::AsView(data, size), "fuzz.yaml", env);
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string("LoadString threw: ") + e.what());
  }
  FUZZ_CHECK(result.ok() || !result.errors.empty(), "LoadString failed without saying why");
  if (result.ok()) FUZZ_CHECK(result.config != nullptr, "ok without a config");
  for (const auto& e : result.errors) {
    FUZZ_CHECK(!e.message.empty(), "a config error without a message");
    FUZZ_CHECK(e.message.find("SECRET-0123456789") == std::string::npos, "an error holds the secret: " + e.message);
  }
  for (const auto& w : result.warnings)
    FUZZ_CHECK(w.find("SECRET-0123456789") == std::string::npos, "a warning holds the secret: " + w);
  return 0;
}
