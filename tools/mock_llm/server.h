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
  std::string metrics_model = "mock-model";  // model_name label of GET /metrics
  // Bedrock SigV4: with a secret every signature is recomputed and compared; with a key id as well,
  // other key ids are refused (UnrecognizedClientException).
  std::string aws_access_key_id;
  std::string aws_secret;
};

// Binds, prints {"event":"listening","addr":"HOST:PORT"} on stdout, serves until a signal.
// Returns the process exit code (0 on a signal, 1 when binding fails).
int Run(const ServerOptions& options);

}  // namespace sluice::mock_llm
