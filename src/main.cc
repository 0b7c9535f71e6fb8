// sluice: the gateway binary. Subcommands: serve, check, tokens, version.
// Flags → config::LoadFile → server::Run. Exceptions are allowed here (start-up only).
#include <cstdio>
#include <cstring>
#include <string>

#include "config/check_cli.h"
#include "config/loader.h"
#include "server/server.h"
#ifdef SLUICE_HAVE_TOKENIZER
#include "tokenizer/cli.h"
#endif
#ifdef SLUICE_MIMALLOC
#include <mimalloc.h>
#endif

namespace {

constexpr const char* kUsage =
    "usage: sluice <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve -c FILE [--workers N]   run the gateway with the config FILE\n"
    "  check -c FILE                 validate FILE; print every error with its path and line\n"
    "  tokens --model M [--ids|--json]  count the tokens of stdin for model M\n"
    "  version                       print the version\n";

// Which malloc the binary runs on (a reference to mimalloc also keeps the linker from dropping it).
std::string AllocatorName() {
#ifdef SLUICE_MIMALLOC
  const int v = mi_version();
  return "mimalloc " + std::to_string(v / 100) + "." + std::to_string(v / 10 % 10) + "." + std::to_string(v % 10);
#else
  return "system";
#endif
}

std::string ConfigPath(int argc, char** argv) {
  for (int i = 2; i < argc; ++i) {
    if ((!std::strcmp(argv[i], "-c") || !std::strcmp(argv[i], "--config")) && i + 1 < argc) return argv[i + 1];
  }
  return {};
}

int Serve(int argc, char** argv) {
  std::string path = ConfigPath(argc, argv);
  if (path.empty()) {
    std::fputs("sluice serve: missing -c FILE\n", stderr);
    return 2;
  }
  auto loaded = sluice::config::LoadFile(path);
  for (const auto& w : loaded.warnings) std::fprintf(stderr, "%s\n", w.c_str());
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", sluice::config::FormatError(e, path).c_str());
    return 1;
  }
  auto config = std::make_shared<sluice::config::Config>(*loaded.config);
  for (int i = 2; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--workers") && i + 1 < argc) config->server.workers = std::stoi(argv[i + 1]);
  }
  return sluice::server::Run(config);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::string cmd = argv[1];
  try {
    if (cmd == "serve") return Serve(argc, argv);
    if (cmd == "check") {
      std::string path = ConfigPath(argc, argv);
      if (path.empty()) {
        std::fputs("sluice check: missing -c FILE\n", stderr);
        return 2;
      }
      return sluice::config::RunCheckCli(path);
    }
#ifdef SLUICE_HAVE_TOKENIZER
    if (cmd == "tokens") return sluice::tokenizer::RunTokensCli(argc - 1, argv + 1);
#endif
    if (cmd == "version" || cmd == "--version") {
      std::printf("sluice 0.1.0 (allocator: %s)\n", AllocatorName().c_str());
      return 0;
    }
    if (cmd == "help" || cmd == "--help" || cmd == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sluice: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "sluice: unknown command '%s'\n\n%s", cmd.c_str(), kUsage);
  return 2;
}
