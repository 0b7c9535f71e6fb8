// Writes to a plain TCP socket what it takes at once, with no asynchronous operation.
// An Asio async write whose first (speculative) send took everything still posts its completion through the
// scheduler (a queue push and pop, lock pairs, a coroutine suspend and resume); responses and upstream
// requests of a few KB nearly always fit the socket's send buffer, so the proxy writes them this way and
// falls back to an async write only for what is left. TLS streams cannot: a record half-written by a
// non-blocking SSL_write must be finished by the same call sequence.
// Thread rule: one socket, one coroutine.
#pragma once

#include "upstream/asio.h"
#include "upstream/deadline.h"

namespace sluice::upstream {

// Returns the bytes written (all of them, or what fitted). `ec` is set only for a real error: a full send
// buffer is not one (the caller writes the rest asynchronously).
template <typename ConstBuffers>
size_t WriteNow(Socket& socket, const ConstBuffers& buffers, boost::system::error_code& ec) {
  ec = {};
  if (!socket.non_blocking()) {
    socket.non_blocking(true, ec);  // the async operations do not mind the flag
    if (ec) return 0;
  }
  const size_t n = socket.write_some(buffers, ec);
  if (ec == net::error::would_block || ec == net::error::try_again) ec = {};
  return ec ? 0 : n;
}

}  // namespace sluice::upstream
