// Injected randomness and stable hashing for routing. Xoshiro256** seeded by SplitMix64: fast, tiny
// state, and reproducible from a seed, so routing tests are deterministic. Hash64 is stable across
// processes, builds and platforms (FNV-1a then a SplitMix64 finaliser), so sticky routing survives
// restarts. Thread rule: one Rng per worker (or per test); hashing is pure.
#pragma once

#include <cstdint>
#include <string_view>

namespace sluice::router {

constexpr uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

constexpr uint64_t Hash64(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
  return Mix64(h);
}

// A uniform double in the open interval (0, 1) from 53 random bits.
constexpr double ToUnitOpen(uint64_t bits) {
  return (static_cast<double>(bits >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

class Rng {
 public:
  explicit Rng(uint64_t seed = 0x5eed) {
    for (uint64_t& w : s_) w = seed = Mix64(seed);
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  double Unit() { return ToUnitOpen(Next()); }               // (0, 1)
  uint64_t Below(uint64_t n) { return n ? Next() % n : 0; }  // bias < n/2^64: irrelevant here

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace sluice::router
