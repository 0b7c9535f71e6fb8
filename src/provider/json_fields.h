// Small JSON helpers shared by the provider adapters: reading optional string members, the protocol-error
// value for malformed upstream payloads, and carrying unmodelled request members between equal dialects.
// Thread rule: pure functions.
#pragma once

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "core/error.h"
#include "ir/chat_request.h"
#include "ir/stream_event.h"

namespace sluice::provider {

// The member's string value, or empty when absent or not a string.
inline std::string_view StringView(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string().data(), v->get_string().size())
                             : std::string_view();
}

inline std::string StringCopy(const boost::json::object& o, std::string_view key) {
  return std::string(StringView(o, key));
}

// The upstream answered with something that is not its documented wire format.
inline core::Error ProtocolError(std::string message) {
  return core::Error{core::ErrorCode::kUpstreamProtocolError, std::move(message), 0, {}};
}

// The request asks for something this provider cannot do (a 400 for the client, with the offending param).
inline core::Error Unsupported(std::string message, std::string param = {}) {
  return core::Error{core::ErrorCode::kInvalidRequest, std::move(message), 0, std::move(param)};
}

inline ir::StreamEvent MakeStreamEvent(ir::EventKind kind, uint32_t index = 0) {
  ir::StreamEvent e;
  e.kind = kind;
  e.index = index;
  return e;
}

// The IR error event a stream decoder emits when the upstream's stream breaks its own wire format.
inline ir::StreamEvent ProtocolErrorEvent(const core::Error& error) {
  ir::StreamEvent e = MakeStreamEvent(ir::EventKind::kError);
  e.status = error.Status();
  e.error_type = "api_error";
  e.text = error.message;
  return e;
}

// Members the IR does not model survive only between equal dialects: copy them into `body` (never over a
// member the adapter already set) when the request came from `dialect`.
inline void CopyUnmodelledMembers(const ir::ChatRequest& request, ir::Dialect dialect, boost::json::object& body,
                                  boost::json::storage_ptr sp) {
  if (request.source != dialect) return;
  for (const ir::RawField& f : request.extra) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(f.json, ec, sp);
    if (!ec && !body.contains(f.name)) body[f.name] = std::move(v);
  }
}

}  // namespace sluice::provider
