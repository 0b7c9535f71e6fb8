// Shared helpers for the fuzz targets: an invariant check that survives NDEBUG, the checks every
// decoder result must pass (an error is "clean": a message, a 4xx/5xx status), and split points taken
// from the input itself so the seeds stay plain provider bytes.
// Thread rule: pure functions; each target runs on one thread.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/parse.hpp>

#include "core/error.h"

// Fails the current input loudly: the driver (or libFuzzer) saves it. assert() is compiled out in
// RelWithDebInfo, which is how CI builds, so targets never use it.
#define FUZZ_CHECK(cond, what)                                                            \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "fuzz invariant failed at %s:%d: %s (%s)\n", __FILE__, __LINE__, \
                   #cond, std::string(what).c_str());                                     \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)

namespace sluice::fuzz {

inline std::string_view AsView(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A clean error: something a client can be shown. Never an empty message, never a 1xx-3xx status.
inline void CheckCleanError(const core::Error& error, std::string_view where) {
  FUZZ_CHECK(!error.message.empty(), where);
  const int status = error.Status();
  FUZZ_CHECK(status >= 400 && status <= 599, std::string(where) + ": status " + std::to_string(status));
}

inline bool IsJson(std::string_view text) {
  boost::system::error_code ec;
  boost::json::parse(text, ec);
  return !ec;
}

// Deterministic chunk sizes (1..max) derived from the input's bytes, so one input also fixes how it is
// split; the same input always replays the same way.
inline std::vector<std::string_view> SplitByInput(std::string_view input, size_t max_chunk = 17) {
  std::vector<std::string_view> chunks;
  uint32_t h = 2166136261u;
  for (unsigned char c : input.substr(0, 64)) h = (h ^ c) * 16777619u;
  size_t pos = 0;
  while (pos < input.size()) {
    h = h * 1103515245u + 12345u;
    size_t len = 1 + (h >> 16) % max_chunk;
    chunks.push_back(input.substr(pos, len));
    pos += len;
  }
  return chunks;
}

}  // namespace sluice::fuzz
