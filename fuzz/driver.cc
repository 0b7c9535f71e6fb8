// A small mutation fuzzer that runs any libFuzzer-style target in the normal (GCC) build, so CI
// fuzzes every decoder on each run without clang. It replays the seed corpus, then mutates seeds
// (bit flips, interesting bytes, inserts, deletes, truncation, range duplication, splicing) until a
// time budget is spent. Not coverage-guided: real libFuzzer builds (SLUICE_LIBFUZZER) are for that.
//
//   fuzz_<name> [DIR|FILE]...   DIRs: seeds, then fuzz; only FILEs: replay them once (reproduce)
//   SLUICE_FUZZ_SECONDS (default 3), SLUICE_FUZZ_SEED (default 1; printed), SLUICE_FUZZ_MAX_LEN
//
// The input being run is kept in a buffer; on a crash (signal, sanitizer death, watchdog-detected
// hang) it is written to SLUICE_FUZZ_LAST_PATH (<build>/fuzz/<name>.last) before the process dies.
// Thread rule: single-threaded except the hang watchdog, which only reads an atomic counter.
#include <signal.h>
#include <unistd.h>
#include <fcntl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

// The sanitizer runtime (and so its API) is linked only in sanitizer builds.
#if defined(__SANITIZE_ADDRESS__)
#define SLUICE_FUZZ_HAVE_SANITIZER_API 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLUICE_FUZZ_HAVE_SANITIZER_API 1
#endif
#endif
#ifdef SLUICE_FUZZ_HAVE_SANITIZER_API
#include <sanitizer/common_interface_defs.h>
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

#ifndef SLUICE_FUZZ_LAST_PATH
#define SLUICE_FUZZ_LAST_PATH "fuzz.last"
#endif

constexpr size_t kDefaultMaxLen = 16 * 1024;
constexpr int kHangSeconds = 20;  // one input this slow is a bug (every target is linear-ish)

// The current input, for the crash handlers (which may only use async-signal-safe calls).
std::vector<uint8_t> g_current;
std::atomic<uint64_t> g_execs{0};
std::atomic<bool> g_running{false};

void SaveCurrent() {
  int fd = ::open(SLUICE_FUZZ_LAST_PATH, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  size_t off = 0;
  while (off < g_current.size()) {
    ssize_t n = ::write(fd, g_current.data() + off, g_current.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  ::close(fd);
  static const char kMsg[] = "\nfuzz: crashing input saved to " SLUICE_FUZZ_LAST_PATH "\n";
  (void)!::write(2, kMsg, sizeof(kMsg) - 1);
}

void OnFatalSignal(int sig) {
  SaveCurrent();
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void InstallCrashHandlers() {
  static std::vector<char> alt_stack(1 << 16);  // stack overflows need somewhere to run the handler
  stack_t ss{};
  ss.ss_sp = alt_stack.data();
  ss.ss_size = alt_stack.size();
  ::sigaltstack(&ss, nullptr);
  struct sigaction sa {};
  sa.sa_handler = OnFatalSignal;
  sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
  ::sigaction(SIGABRT, &sa, nullptr);
#ifdef SLUICE_FUZZ_HAVE_SANITIZER_API
  // ASan handles SEGV itself (with a report) and ends with _exit, not a signal; it calls this first,
  // for UBSan reports too when they are not recoverable.
  __sanitizer_set_death_callback(SaveCurrent);
#else
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL}) ::sigaction(sig, &sa, nullptr);
#endif
}

void RunOne(const std::vector<uint8_t>& input) {
  g_current = input;
  LLVMFuzzerTestOneInput(g_current.data(), g_current.size());
  g_execs.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint8_t> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  return {text.begin(), text.end()};
}

size_t EnvSize(const char* name, size_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  return static_cast<size_t>(std::strtoull(v, nullptr, 10));
}

class Mutator {
 public:
  Mutator(uint64_t seed, const std::vector<std::vector<uint8_t>>& seeds, size_t max_len)
      : rng_(seed), seeds_(seeds), max_len_(max_len) {}

  std::vector<uint8_t> Next() {
    std::vector<uint8_t> v = seeds_.empty() ? std::vector<uint8_t>{} : seeds_[Below(seeds_.size())];
    const size_t rounds = 1 + Below(Below(2) ? 2 : 8);  // mostly light edits, sometimes heavy
    for (size_t i = 0; i < rounds; ++i) MutateOnce(v);
    if (v.size() > max_len_) v.resize(max_len_);
    return v;
  }

 private:
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng_() % n); }

  uint8_t InterestingByte() {
    static constexpr uint8_t kBytes[] = {0x00, 0xff, '"', '{', '}', '[', ']', '\\', ':', ',', '\n',
                                         '\r', ' ', '0', '-', 'e', 0x7f, 0x80, 0xc3, 0xe2, 0xf0};
    return kBytes[Below(sizeof(kBytes))];
  }

  void MutateOnce(std::vector<uint8_t>& v) {
    switch (Below(9)) {
      case 0:  // flip a bit
        if (!v.empty()) v[Below(v.size())] ^= static_cast<uint8_t>(1u << Below(8));
        break;
      case 1:  // overwrite with an interesting byte
        if (!v.empty()) v[Below(v.size())] = InterestingByte();
        break;
      case 2:  // insert interesting or random bytes
        for (size_t n = 1 + Below(4); n > 0; --n)
          v.insert(v.begin() + Below(v.size() + 1), Below(2) ? InterestingByte() : uint8_t(rng_()));
        break;
      case 3: {  // delete a range
        if (v.empty()) break;
        size_t at = Below(v.size());
        size_t n = 1 + Below(std::min<size_t>(16, v.size() - at));
        v.erase(v.begin() + at, v.begin() + at + n);
        break;
      }
      case 4:  // truncate
        v.resize(Below(v.size() + 1));
        break;
      case 5: {  // duplicate a range in place
        if (v.empty()) break;
        size_t at = Below(v.size());
        size_t n = 1 + Below(std::min<size_t>(64, v.size() - at));
        std::vector<uint8_t> range(v.begin() + at, v.begin() + at + n);
        for (size_t k = 1 + Below(3); k > 0; --k) v.insert(v.begin() + at, range.begin(), range.end());
        break;
      }
      case 6: {  // splice: a slice of another seed replaces our tail
        if (seeds_.empty()) break;
        const auto& other = seeds_[Below(seeds_.size())];
        size_t cut = Below(v.size() + 1);
        size_t from = Below(other.size() + 1);
        v.resize(cut);
        v.insert(v.end(), other.begin() + from, other.end());
        break;
      }
      case 7: {  // copy a slice of another seed into the middle (keeps grammar tokens flowing)
        if (seeds_.empty()) break;
        const auto& other = seeds_[Below(seeds_.size())];
        if (other.empty()) break;
        size_t from = Below(other.size());
        size_t n = 1 + Below(std::min<size_t>(48, other.size() - from));
        v.insert(v.begin() + Below(v.size() + 1), other.begin() + from, other.begin() + from + n);
        break;
      }
      default: {  // replace a digit run's neighbourhood with a boundary number
        static const char* kNumbers[] = {"0", "-1", "4294967295", "4294967296", "9223372036854775807",
                                         "-9223372036854775808", "1e999", "1.5", "NaN", "65536"};
        const char* num = kNumbers[Below(std::size(kNumbers))];
        size_t at = Below(v.size() + 1);
        v.insert(v.begin() + at, num, num + std::strlen(num));
        break;
      }
    }
  }

  std::mt19937_64 rng_;
  const std::vector<std::vector<uint8_t>>& seeds_;
  size_t max_len_;
};

}  // namespace

int main(int argc, char** argv) {
  InstallCrashHandlers();
  std::vector<std::vector<uint8_t>> seeds;
  bool any_dir = false;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path p(argv[i]);
    if (std::filesystem::is_directory(p)) {
      any_dir = true;
      std::vector<std::filesystem::path> files;
      for (const auto& e : std::filesystem::directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path());
      std::sort(files.begin(), files.end());  // the same order on every machine: reproducible runs
      for (const auto& f : files) seeds.push_back(ReadFile(f));
    } else if (std::filesystem::is_regular_file(p)) {
      seeds.push_back(ReadFile(p));
    } else {
      std::fprintf(stderr, "fuzz: no such file or directory: %s\n", argv[i]);
      return 2;
    }
  }

  // Replay: every seed (or reproduced file) exactly once, with no mutation.
  for (const auto& s : seeds) RunOne(s);
  std::fprintf(stderr, "fuzz: replayed %zu inputs\n", seeds.size());
  if (!any_dir && argc > 1) {
    ::unlink(SLUICE_FUZZ_LAST_PATH);
    return 0;
  }

  const uint64_t seed = EnvSize("SLUICE_FUZZ_SEED", 1);
  const double seconds = static_cast<double>(EnvSize("SLUICE_FUZZ_SECONDS", 3));
  const size_t max_len = EnvSize("SLUICE_FUZZ_MAX_LEN", kDefaultMaxLen);
  std::fprintf(stderr, "fuzz: SLUICE_FUZZ_SEED=%llu SLUICE_FUZZ_SECONDS=%.0f max_len=%zu\n",
               static_cast<unsigned long long>(seed), seconds, max_len);

  g_running = true;
  std::thread watchdog([] {
    uint64_t last = g_execs.load();
    int stuck = 0;
    while (g_running.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      uint64_t now = g_execs.load();
      stuck = (now == last) ? stuck + 1 : 0;
      last = now;
      if (stuck >= kHangSeconds * 4) {
        std::fprintf(stderr, "fuzz: one input ran for over %d s (hang)\n", kHangSeconds);
        SaveCurrent();
        std::_Exit(3);
      }
    }
  });

  Mutator mutator(seed, seeds, max_len);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration<double>(seconds);
  uint64_t runs = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    for (int k = 0; k < 64; ++k, ++runs) RunOne(mutator.Next());  // check the clock every 64 runs
  }
  g_running = false;
  watchdog.join();
  const double spent =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "fuzz: %llu mutated inputs in %.1f s (%.0f execs/s), no failure\n",
               static_cast<unsigned long long>(runs), spent, runs / std::max(spent, 1e-9));
  ::unlink(SLUICE_FUZZ_LAST_PATH);
  return 0;
}
