// The mock's HTTP/1.1 server: one acceptor, N worker io_contexts (one thread each), a coroutine per
// connection. Run() blocks until SIGTERM/SIGINT.
// Thread rule: Run() is called once from main; everything else lives on the workers.
#pragma once

#include <cstdint>
#include <string>

namespace sluice::mock_llm {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  unsigned threads = 1;
};

// Binds, prints {"event":"listening","addr":"HOST:PORT"} on stdout, serves until a signal.
// Returns the process exit code (0 on a signal, 1 when binding fails).
int Run(const ServerOptions& options);

}  // namespace sluice::mock_llm
