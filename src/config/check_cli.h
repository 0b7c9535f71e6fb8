// `sluice check -c FILE`: validate a config and report like a compiler. Thread rule: start-up only.
#pragma once

#include <string>

namespace sluice::config {

// Prints every error as "file:line:col: path: message" and every warning as "file:line:col:
// warning: path: message" to stderr. On success prints "ok: N providers, M models" to stdout and
// returns 0; otherwise returns 1.
int RunCheckCli(const std::string& path);

}  // namespace sluice::config
