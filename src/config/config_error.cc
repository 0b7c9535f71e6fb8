// Compiler-style rendering of config errors. Thread rule: pure function.
#include "config/config_error.h"

namespace sluice::config {

std::string FormatError(const ConfigError& error, const std::string& file) {
  std::string out = file.empty() ? std::string("<config>") : file;
  if (error.line > 0) {
    out += ':' + std::to_string(error.line);
    if (error.column > 0) out += ':' + std::to_string(error.column);
  }
  out += ": ";
  if (!error.path.empty()) out += error.path + ": ";
  out += error.message;
  return out;
}

}  // namespace sluice::config
