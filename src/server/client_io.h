// The client side of one HTTP connection as the request pipeline sees it: write bytes (with the slow-client
// deadline), and watch for the client going away while the gateway waits on an upstream. Implemented by
// the HTTP session for plain TCP and for TLS, so the pipeline is written once.
// Thread rule: one connection, one worker; the watch completes on that worker while the writer runs.
#pragma once

#include <span>

#include "upstream/asio.h"

namespace sluice::server {

// Told what a disconnect watch saw. OnWatchEnded comes last, exactly once per StartWatch (for plain TCP it
// may come from inside StopWatching).
class DisconnectListener {
 public:
  virtual void OnClientGone() = 0;  // the client closed or reset the connection
  virtual void OnWatchEnded() = 0;  // no further call for this watch

 protected:
  ~DisconnectListener() = default;
};

class ClientIo {
 public:
  virtual ~ClientIo() = default;
  // Writes all buffers; false when the client is gone or too slow (client_write deadline).
  virtual Awaitable<bool> Write(std::span<const net::const_buffer> buffers) = 0;
  // Writes what the connection takes at once, without suspending, and returns the bytes written; `failed`
  // when the client is gone. A stream's batch of events nearly always fits, so the stream loop calls this
  // first and awaits Write only for the rest. TLS takes nothing here (a record must be written whole).
  virtual size_t WriteNow(std::span<const net::const_buffer> buffers, bool& failed) {
    failed = false;
    return 0;
  }
  // Whether WriteNow can take bytes at all (plain TCP).
  virtual bool writes_now() const { return false; }
  // Watches for the client closing or resetting the connection; ends when it does (OnClientGone first), when
  // the client sends more bytes (pipelining; they are kept for the next request), or on StopWatching().
  // One watch at a time.
  virtual void StartWatch(DisconnectListener& listener) = 0;
  // Plain TCP ends the watch before returning; TLS has a read in flight and ends it when that read does.
  virtual void StopWatching() = 0;
  // Stops the watch and never calls its listener again (the listener is going away).
  virtual void AbandonWatch() = 0;
  // The request was read and will not be read again (a stream is under way): the connection's read buffer
  // may go until the next request. A no-op where the buffer is in use (a TLS disconnect watch reads into it).
  virtual void ReleaseReadBuffer() {}
  // The peer's address for the access log.
  virtual std::string_view PeerAddress() const = 0;
};

}  // namespace sluice::server
