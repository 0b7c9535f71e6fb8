// The head of a proxied answer beyond status and framing: the upstream headers a client expects to see
// (request ids, rate-limit state, retry hints) and the gateway's x-sluice-* route headers.
// Thread rule: pure functions.
#pragma once

#include <string>

#include "server/completion.h"
#include "upstream/exchange.h"

namespace sluice::server {

// Appends the forwarded upstream headers and the x-sluice-* headers, each line ending in CRLF.
void AppendForwardedHeaders(std::string& out, const upstream::Exchange& ex, const RequestRecord& rec);

}  // namespace sluice::server
