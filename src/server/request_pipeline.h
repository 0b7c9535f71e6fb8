// The life of a request once its bytes are read: route by path, answer local endpoints, hand OpenAI API
// calls to the proxy, render every error in OpenAI's shape, and account for the request exactly once.
// Thread rule: runs on the worker that owns the connection.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "server/client_io.h"
#include "server/worker.h"

namespace sluice::server {

using Request = http::request<http::string_body>;

// Handles one request and writes its response. Returns whether the connection may be reused.
Awaitable<bool> HandleRequest(WorkerContext& worker, const Runtime& runtime, ClientIo& io, Request& request,
                              bool keep_alive);

// Writes an OpenAI-format error response for a local reply and counts it.
Awaitable<bool> SendLocalError(WorkerContext& worker, ClientIo& io, const core::Error& error, bool keep_alive);

// Renders "HTTP/1.1 <status> <reason>\r\n" plus the gateway's standard headers into `out`.
void AppendStatusLine(std::string& out, unsigned status, bool keep_alive);

// Writes a complete response with a Content-Length body. `extra_headers` are raw "Name: value\r\n" lines.
Awaitable<bool> SendResponse(ClientIo& io, unsigned status, std::string_view content_type, std::string_view body,
                             bool keep_alive, std::string_view extra_headers = {});

}  // namespace sluice::server
