// mock_llm entry point: flags → raise RLIMIT_NOFILE → server::Run.
//   mock_llm --listen 127.0.0.1:0 [--threads 1] [--metrics-model NAME] [--aws-secret S [--aws-access-key-id ID]]
// Thread rule: main thread only.
#include <sys/resource.h>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "mock_llm/server.h"

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: mock_llm --listen HOST:PORT [--threads N] [--metrics-model NAME]\n"
               "                [--aws-secret SECRET [--aws-access-key-id ID]]\n");
  return 2;
}

// Thousands of concurrent streams need thousands of descriptors: take all the kernel allows us.
void RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

bool ParseListen(std::string_view value, sluice::mock_llm::ServerOptions& out) {
  size_t colon = value.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view host = value.substr(0, colon);
  std::string_view port = value.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned p = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || ptr != port.data() + port.size() || p > 65535 || host.empty()) return false;
  out.host = std::string(host);
  out.port = static_cast<uint16_t>(p);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  sluice::mock_llm::ServerOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view value;
    bool has_value = false;
    if (size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    } else if (i + 1 < argc) {
      value = argv[i + 1];
    }
    auto consume = [&] {
      if (!has_value) ++i;
    };
    if (arg == "--listen" && (has_value || i + 1 < argc)) {
      if (!ParseListen(value, options)) return Usage();
      consume();
    } else if (arg == "--threads" && (has_value || i + 1 < argc)) {
      unsigned n = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || ptr != value.data() + value.size() || n == 0 || n > 256) return Usage();
      options.threads = n;
      consume();
    } else if ((arg == "--aws-secret" || arg == "--aws-access-key-id" || arg == "--metrics-model") &&
               (has_value || i + 1 < argc)) {
      if (value.empty()) return Usage();
      (arg == "--aws-secret"          ? options.aws_secret
       : arg == "--aws-access-key-id" ? options.aws_access_key_id
                                      : options.metrics_model) = std::string(value);
      consume();
    } else if (arg == "--help" || arg == "-h") {
      Usage();
      return 0;
    } else {
      return Usage();
    }
  }
  RaiseFileLimit();
  return sluice::mock_llm::Run(options);
}
