// Forwards a streamed answer from the upstream to the client through a StreamTransform: event by event as
// they arrive, one upstream read at a time (backpressure), the first event held until it is known not to be
// an error, the stream deadlines (idle, total) applied, an error after the 200 sent inside the stream.
// Thread rule: one stream, on the worker that owns its connection.
#pragma once

#include "server/client_api.h"
#include "server/client_io.h"
#include "server/completion.h"
#include "server/disconnect_watch.h"
#include "server/proxy_call.h"
#include "server/request_pipeline.h"
#include "server/stream_transform.h"
#include "upstream/exchange.h"

namespace sluice::server {

// A failure before anything reached the client: the caller may try another target, or answers with it.
struct EarlyFailure {
  bool set = false;
  core::Error error;
  std::string body;  // the client-dialect error body when the upstream produced it (else rendered from error)
  std::string extra_headers;  // the upstream's forwarded headers, when the answer is given up on
  int status = 0;
  void Set(core::Error e) {
    set = true;
    status = e.Status();
    error = std::move(e);
  }
};

// Nothing is written until the first client bytes exist and are not an error: a stream that fails first is
// reported in `early` instead. Returns whether the client connection can serve another request.
Awaitable<bool> ForwardStream(WorkerContext& worker, ClientIo& io, upstream::Exchange& ex, DisconnectWatch& watch,
                              ClientApi api, StreamTransform& transform, RequestRecord& rec, bool keep_alive,
                              EarlyFailure& early, Request& request, ClientCall& call);

}  // namespace sluice::server
