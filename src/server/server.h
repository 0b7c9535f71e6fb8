// Runs the gateway: builds the runtime from a config, starts one worker per core with its own SO_REUSEPORT
// listener, the admin listener, and handles SIGTERM/SIGINT with a graceful drain.
// Thread rule: Run() is called once from main and returns when the process should exit.
#pragma once

#include <memory>

#include "config/schema.h"

namespace sluice::server {

// Returns the process exit code: 0 after a graceful stop, non-zero when start-up failed.
int Run(std::shared_ptr<const config::Config> config);

}  // namespace sluice::server
