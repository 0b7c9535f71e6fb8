// Small JSON helpers shared by the provider adapters: reading optional string members and token
// counts, the protocol-error value for malformed upstream payloads, tool-call arguments as an object,
// and carrying unmodelled request members between equal dialects.
// Thread rule: pure functions.
#pragma once

#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/result.h"
#include "ir/chat_request.h"
#include "ir/stream_event.h"

namespace sluice::provider {

// Builds a request body with `build(memory_resource*)` (returning a Result of a JSON value) and serialises it.
// The DOM lives in a 16 KB stack arena, so a typical request allocates only its output string.
template <class BuildFn>
core::Result<std::string> SerializeBuiltBody(BuildFn&& build) {
  std::array<unsigned char, 16384> stack_buffer;
  boost::json::monotonic_resource mr(stack_buffer.data(), stack_buffer.size());
  auto body = build(&mr);
  if (!body) return body.error();
  return boost::json::serialize(*body);
}

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

// A tool call's arguments as the JSON object the provider wants ("" is a call without arguments:
// {}); an error naming the call when the text is not an object. Allocates from `sp`.
inline core::Result<boost::json::value> ToolCallArguments(const ir::ContentPart& call,
                                                          const std::string& param,
                                                          const boost::json::storage_ptr& sp) {
  if (call.arguments.empty()) return boost::json::value(boost::json::object(sp));
  boost::system::error_code ec;
  boost::json::value args = boost::json::parse(call.arguments, ec, sp);
  if (ec || !args.is_object())
    return Unsupported("The arguments of tool call '" + call.id + "' are not a JSON object.", param);
  return args;
}

// Token counts in usage objects: a non-negative integer member, else 0; `seen` is set when the
// member held one (so "absent" and "0" differ where usage is merged across events).
inline uint64_t TokenCount(const boost::json::object& o, std::string_view key, bool& seen) {
  const boost::json::value* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_uint64()) {
    seen = true;
    return v->get_uint64();
  }
  if (v->is_int64() && v->get_int64() >= 0) {
    seen = true;
    return static_cast<uint64_t>(v->get_int64());
  }
  return 0;
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
