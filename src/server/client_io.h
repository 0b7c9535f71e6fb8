// The client side of one HTTP connection as the request pipeline sees it: write bytes (with the slow-client
// deadline), and watch for the client going away while the gateway waits on an upstream. Implemented by
// the HTTP session for plain TCP and for TLS, so the pipeline is written once.
// Thread rule: one connection, one worker; the watcher and the writer run as sibling coroutines.
#pragma once

#include <span>

#include "upstream/asio.h"

namespace sluice::server {

class ClientIo {
 public:
  virtual ~ClientIo() = default;
  // Writes all buffers; false when the client is gone or too slow (client_write deadline).
  virtual net::awaitable<bool> Write(std::span<const net::const_buffer> buffers) = 0;
  // Completes when the client closes or resets the connection (returns true), or when the client sent more
  // bytes (pipelining; they are kept for the next request) or StopWatching() was called (returns false).
  virtual net::awaitable<bool> WaitForDisconnect() = 0;
  virtual void StopWatching() = 0;
  // The request was read and will not be read again (a stream is under way): the connection's read buffer
  // may go until the next request. A no-op where the buffer is in use (a TLS disconnect watch reads into it).
  virtual void ReleaseReadBuffer() {}
  // The peer's address for the access log.
  virtual std::string_view PeerAddress() const = 0;
};

}  // namespace sluice::server
