// See anthropic_passthrough.h.
#include "dialect/anthropic_passthrough.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <array>

#include "core/error.h"
#include "dialect/json_validate.h"

namespace sluice::dialect {
namespace {

namespace json = boost::json;
using core::Error;
using core::ErrorCode;

Error Invalid(std::string message, std::string param = {}) {
  return Error{ErrorCode::kInvalidRequest, std::move(message), 0, std::move(param)};
}

uint64_t U64(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_uint64()) return v->get_uint64();
  if (v->is_int64() && v->get_int64() > 0) return static_cast<uint64_t>(v->get_int64());
  return 0;
}

// Anthropic usage → OpenAI semantics. Returns whether any token count was present.
bool ReadUsage(const json::object& u, TokenUsage& usage) {
  bool any = u.contains("input_tokens") || u.contains("output_tokens");
  if (!any) return false;
  uint64_t cache_read = U64(u, "cache_read_input_tokens");
  uint64_t cache_write = U64(u, "cache_creation_input_tokens");
  if (u.contains("input_tokens")) usage.input = U64(u, "input_tokens") + cache_read + cache_write;
  if (u.contains("cache_read_input_tokens")) usage.cached_input = cache_read;
  if (u.contains("output_tokens")) usage.output = U64(u, "output_tokens");
  usage.present = true;
  return true;
}

int StatusForType(std::string_view type) {
  if (type == "invalid_request_error") return 400;
  if (type == "authentication_error") return 401;
  if (type == "billing_error") return 402;
  if (type == "permission_error") return 403;
  if (type == "not_found_error") return 404;
  if (type == "request_too_large") return 413;
  if (type == "rate_limit_error") return 429;
  if (type == "timeout_error") return 504;
  if (type == "overloaded_error") return 529;
  return 500;
}

}  // namespace

core::Result<AnthropicRequestHead> DecodeAnthropicRequestHead(std::string_view body) {
  if (!IsValidJson(body)) return Invalid("There was an issue with your request body: invalid JSON.");
  AnthropicRequestHead head;
  head.members.reserve(16);
  if (!ScanTopLevelMembers(body, head.members)) return Invalid("The request body must be a JSON object.");
  std::string_view model, messages, stream, max_tokens;
  for (const auto& m : head.members) {
    std::string_view value = body.substr(m.value_begin, m.value_end - m.value_begin);
    if (KeyEquals(m, "model")) model = value;
    else if (KeyEquals(m, "messages")) messages = value;
    else if (KeyEquals(m, "stream")) stream = value;
    else if (KeyEquals(m, "max_tokens")) max_tokens = value;
  }
  if (model.empty()) return Invalid("model: Field required", "model");
  if (!DecodeJsonString(model, head.model) || head.model.empty())
    return Invalid("model: Input should be a valid string", "model");
  if (messages.empty()) return Invalid("messages: Field required", "messages");
  if (messages.front() != '[') return Invalid("messages: Input should be a valid list", "messages");
  if (max_tokens.empty()) return Invalid("max_tokens: Field required", "max_tokens");
  if (max_tokens.front() == '-' || max_tokens.find_first_not_of("0123456789") != std::string_view::npos)
    return Invalid("max_tokens: Input should be a valid integer", "max_tokens");
  if (!stream.empty()) {
    if (stream == "true") head.stream = true;
    else if (stream != "false") return Invalid("stream: Input should be a valid boolean", "stream");
  }
  return head;
}

std::string EncodeAnthropicUpstreamBody(std::string_view body, const AnthropicRequestHead& head,
                                        std::string_view upstream_model) {
  std::vector<JsonEdit> edits;
  for (const auto& m : head.members) {
    if (KeyEquals(m, "model")) {
      std::string quoted;
      AppendJsonString(quoted, upstream_model);
      edits.push_back({m.value_begin, m.value_end, std::move(quoted)});
    }
  }
  return ApplyEdits(body, std::move(edits));
}

bool ExtractAnthropicUsage(std::string_view body, TokenUsage& usage) {
  if (body.find("\"usage\"") == std::string_view::npos) return false;
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return false;
  const json::value* u = v.get_object().if_contains("usage");
  return u && u->is_object() && ReadUsage(u->get_object(), usage);
}

AnthropicEventInfo InspectAnthropicEvent(std::string_view type, std::string_view data, TokenUsage& usage) {
  AnthropicEventInfo info;
  if (type == "message_stop") {
    info.is_stop = true;
    return info;
  }
  bool is_error = type == "error";
  if (type != "message_start" && type != "message_delta" && !is_error) return info;
  // These events are a few hundred bytes: the tree fits on the stack, with no heap allocation per node.
  std::array<unsigned char, 4096> stack_buffer;
  json::monotonic_resource mr(stack_buffer.data(), stack_buffer.size());
  boost::system::error_code ec;
  json::value v = json::parse(data, ec, &mr);
  if (ec || !v.is_object()) {
    if (is_error) {
      info.is_error = true;
      info.error_status = 500;
    }
    return info;
  }
  const json::object& o = v.get_object();
  if (is_error) {
    info.is_error = true;
    const json::value* e = o.if_contains("error");
    std::string_view etype;
    if (e && e->is_object()) {
      if (const json::value* t = e->get_object().if_contains("type"); t && t->is_string()) etype = t->get_string();
    }
    info.error_status = StatusForType(etype);
    return info;
  }
  const json::object* holder = &o;
  if (type == "message_start") {
    const json::value* msg = o.if_contains("message");
    if (!msg || !msg->is_object()) return info;
    holder = &msg->get_object();
  }
  if (const json::value* u = holder->if_contains("usage"); u && u->is_object()) {
    TokenUsage merged = usage;
    ReadUsage(u->get_object(), merged);
    usage = merged;
  }
  return info;
}

std::string NormalizeAnthropicUpstreamError(int status, std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (!ec && v.is_object()) {
    const json::object& o = v.get_object();
    const json::value* e = o.if_contains("error");
    if (e && e->is_object() && e->get_object().contains("message")) return std::string(body);
  }
  std::string message = "Upstream error (HTTP " + std::to_string(status) + ")";
  if (!ec && v.is_object()) {
    // Other shapes ({"message":…}, {"error":"…"}): keep their message.
    const json::object& o = v.get_object();
    if (const json::value* m = o.if_contains("message"); m && m->is_string()) message = m->get_string();
    else if (const json::value* e = o.if_contains("error"); e && e->is_string()) message = e->get_string();
  }
  Error err{ErrorCode::kUpstreamError, message, status, {}};
  return core::AnthropicErrorBody(err);
}

}  // namespace sluice::dialect
