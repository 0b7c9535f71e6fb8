// Loading a config file: YAML → Config (schema.h) with every problem reported at once, each with
// its YAML path and line. LoadFile/LoadString never throw. The result's messages never contain an
// expanded environment value or an API key. Thread rule: a load touches no shared state except
// through `env`; the resulting Config is immutable and may be shared across threads by pointer.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"
#include "config/env.h"
#include "config/schema.h"

namespace sluice::config {

struct LoadResult {
  std::shared_ptr<const Config> config;  // set only when there are no errors
  std::vector<ConfigError> errors;       // sorted by position; empty on success
  std::vector<std::string> warnings;  // formatted like FormatError: "file:line:col: path: message"
  bool ok() const { return errors.empty() && config != nullptr; }
};

// Reads and validates the file. Relative TLS and CA file paths resolve against the file's
// directory.
LoadResult LoadFile(const std::string& path, const EnvLookup& env = ProcessEnv());

// Validates YAML text. `source_name` is used in messages and as Config::source_path; its directory
// (if it has one) is the base for relative file paths, otherwise the working directory.
LoadResult LoadString(std::string_view yaml, std::string source_name,
                      const EnvLookup& env = ProcessEnv());

}  // namespace sluice::config
