// ConfigError: one problem found while loading a config file, with its YAML path and position.
// Thread rule: plain value type and a pure formatting function.
#pragma once

#include <string>

namespace sluice::config {

struct ConfigError {
  std::string path;  // YAML path such as "providers.openai.base_url"; empty for file-level problems
  int line = 0;      // 1-based; 0 when unknown (e.g. the file could not be read)
  int column = 0;    // 1-based; 0 when unknown
  std::string message;  // never holds an expanded environment value or a secret
};

// "file:12:5: providers.x.base_url: must be an http:// or https:// URL" — the compiler-style form
// editors and CI logs recognize. The line/column and path parts are left out when unknown.
std::string FormatError(const ConfigError& error, const std::string& file);

}  // namespace sluice::config
