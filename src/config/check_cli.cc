// `sluice check` implementation. Thread rule: start-up only (reads the process environment).
#include "config/check_cli.h"

#include <iostream>

#include "config/loader.h"

namespace sluice::config {

int RunCheckCli(const std::string& path) {
  const LoadResult result = LoadFile(path);
  for (const std::string& warning : result.warnings) std::cerr << warning << '\n';
  for (const ConfigError& error : result.errors) std::cerr << FormatError(error, path) << '\n';
  if (!result.ok()) {
    std::cerr << path << ": " << result.errors.size()
              << (result.errors.size() == 1 ? " error" : " errors") << '\n';
    return 1;
  }
  std::cout << "ok: " << result.config->providers.size() << " providers, "
            << result.config->models.size() << " models\n";
  return 0;
}

}  // namespace sluice::config
