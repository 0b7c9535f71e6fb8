// Anthropic Messages request decoding with Anthropic's 400 wording ("<path>: Field required").
// Thread rule: pure functions.
#include "mock_llm/anthropic_reader.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace sluice::mock_llm {
namespace json = boost::json;
namespace {

constexpr std::string_view kUnparsable = "There was an error parsing the body of your request: invalid JSON";

Decoded<ChatCall> Fail(std::string message) {
  Decoded<ChatCall> d;
  d.error.message = std::move(message);
  return d;
}

std::string Required(std::string_view path) { return std::string(path) + ": Field required"; }
std::string Expected(std::string_view path, std::string_view what) {
  return std::string(path) + ": Input should be " + std::string(what);
}

// Text of a content value (string, or text / tool_result blocks); validates blocks. Appends text blocks to
// `user_text` when given. Returns an error message, empty when valid.
std::string ReadContent(const json::value& content, const std::string& path, size_t& bytes,
                        std::string* user_text) {
  if (content.is_string()) {
    bytes += content.get_string().size();
    if (user_text) user_text->assign(content.get_string());
    return {};
  }
  if (!content.is_array()) return Expected(path, "a valid list");
  std::string text;
  bool has_text = false;
  const json::array& blocks = content.get_array();
  for (size_t i = 0; i < blocks.size(); ++i) {
    std::string at = path + "." + std::to_string(i);
    const json::object* block = blocks[i].if_object();
    if (!block) return Expected(at, "a valid dictionary");
    const json::value* type = block->if_contains("type");
    if (!type) return Required(at + ".type");
    if (!type->is_string()) return Expected(at + ".type", "a valid string");
    const json::string& t = type->get_string();
    if (t == "text") {
      const json::value* v = block->if_contains("text");
      if (!v) return Required(at + ".text");
      if (!v->is_string()) return Expected(at + ".text", "a valid string");
      bytes += v->get_string().size();
      if (has_text) text.push_back('\n');
      text.append(v->get_string().data(), v->get_string().size());
      has_text = true;
    } else if (t == "tool_use") {
      for (const char* key : {"id", "name"}) {
        const json::value* v = block->if_contains(key);
        if (!v) return Required(at + "." + key);
        if (!v->is_string()) return Expected(at + "." + key, "a valid string");
      }
      const json::value* input = block->if_contains("input");
      if (!input) return Required(at + ".input");
      if (!input->is_object()) return Expected(at + ".input", "a valid dictionary");
      bytes += json::serialize(*input).size() + block->at("name").get_string().size();
    } else if (t == "tool_result") {
      const json::value* id = block->if_contains("tool_use_id");
      if (!id) return Required(at + ".tool_use_id");
      if (!id->is_string()) return Expected(at + ".tool_use_id", "a valid string");
      if (const json::value* inner = block->if_contains("content"); inner && !inner->is_null()) {
        std::string error = ReadContent(*inner, at + ".content", bytes, nullptr);
        if (!error.empty()) return error;
      }
    }
    // Images, documents, thinking blocks…: accepted; they add no text to the estimate.
  }
  if (user_text && has_text) *user_text = std::move(text);
  return {};
}

bool IsEmptyContent(const json::value& content) {
  return (content.is_string() && content.get_string().empty()) ||
         (content.is_array() && content.get_array().empty());
}

Decoded<ChatCall> Decode(std::string_view body, bool count_tokens) {
  unsigned char arena[16384];  // parse into a stack arena: the load benchmark's hot path
  json::monotonic_resource mr(arena, sizeof arena);
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, &mr);
  if (ec) return Fail(std::string(kUnparsable));
  const json::object* obj = root.if_object();
  if (!obj) return Fail(Expected("body", "a valid dictionary"));

  ChatCall call;
  const json::value* model = obj->if_contains("model");
  if (!model) return Fail(Required("model"));
  if (!model->is_string()) return Fail(Expected("model", "a valid string"));
  call.model = model->get_string();

  if (!count_tokens) {
    const json::value* max_tokens = obj->if_contains("max_tokens");
    if (!max_tokens) return Fail(Required("max_tokens"));
    if (!max_tokens->is_int64() && !max_tokens->is_uint64()) return Fail(Expected("max_tokens", "a valid integer"));
    if (max_tokens->is_int64() && max_tokens->get_int64() < 0) {
      return Fail(Expected("max_tokens", "greater than or equal to 0"));
    }
    call.max_tokens = max_tokens->to_number<uint64_t>();
  }

  const json::value* messages = obj->if_contains("messages");
  if (!messages) return Fail(Required("messages"));
  if (!messages->is_array()) return Fail(Expected("messages", "a valid list"));
  const json::array& list = messages->get_array();
  if (list.empty()) return Fail("messages: at least one message is required");

  uint64_t tokens = kTokensPerReply;
  if (const json::value* system = obj->if_contains("system"); system && !system->is_null()) {
    size_t bytes = 0;
    if (!system->is_string() && !system->is_array()) return Fail(Expected("system", "a valid string"));
    std::string error = ReadContent(*system, "system", bytes, nullptr);
    if (!error.empty()) return Fail(std::move(error));
    tokens += kTokensPerMessage + EstimateTextTokens(bytes);
  }
  for (size_t i = 0; i < list.size(); ++i) {
    std::string path = "messages." + std::to_string(i);
    const json::object* m = list[i].if_object();
    if (!m) return Fail(Expected(path, "a valid dictionary"));
    const json::value* role = m->if_contains("role");
    if (!role) return Fail(Required(path + ".role"));
    if (!role->is_string() || (role->get_string() != "user" && role->get_string() != "assistant")) {
      return Fail(Expected(path + ".role", "'user' or 'assistant'"));
    }
    const json::value* content = m->if_contains("content");
    if (!content) return Fail(Required(path + ".content"));
    const bool user = role->get_string() == "user";
    if (IsEmptyContent(*content) && (user || i + 1 != list.size())) {
      return Fail(path + ": all messages must have non-empty content except for the optional final "
                         "assistant message");
    }
    size_t bytes = 0;
    std::string error = ReadContent(*content, path + ".content", bytes, user ? &call.last_user_text : nullptr);
    if (!error.empty()) return Fail(std::move(error));
    tokens += kTokensPerMessage + EstimateTextTokens(bytes);
  }
  call.prompt_tokens_estimate = tokens;

  if (!count_tokens) {
    if (const json::value* stream = obj->if_contains("stream"); stream && !stream->is_null()) {
      if (!stream->is_bool()) return Fail(Expected("stream", "a valid boolean"));
      call.stream = stream->get_bool();
    }
    if (const json::value* stops = obj->if_contains("stop_sequences"); stops && !stops->is_null()) {
      if (!stops->is_array()) return Fail(Expected("stop_sequences", "a valid list"));
      for (size_t i = 0; i < stops->get_array().size(); ++i) {
        const json::value& s = stops->get_array()[i];
        if (!s.is_string()) return Fail(Expected("stop_sequences." + std::to_string(i), "a valid string"));
        call.stop_sequences.emplace_back(s.get_string());
      }
    }
  }
  if (const json::value* thinking = obj->if_contains("thinking"); thinking && !thinking->is_null()) {
    const json::object* t = thinking->if_object();
    if (!t) return Fail(Expected("thinking", "a valid dictionary"));
    const json::value* type = t->if_contains("type");
    if (!type) return Fail(Required("thinking.type"));
    std::string_view kind = type->is_string() ? std::string_view(type->get_string()) : std::string_view{};
    if (kind == "enabled") {
      const json::value* budget = t->if_contains("budget_tokens");
      if (!budget) return Fail(Required("thinking.enabled.budget_tokens"));
      if (!budget->is_int64()) return Fail(Expected("thinking.enabled.budget_tokens", "a valid integer"));
      if (budget->get_int64() < 1024) {
        return Fail(Expected("thinking.enabled.budget_tokens", "greater than or equal to 1024"));
      }
      if (call.max_tokens && *call.max_tokens <= static_cast<uint64_t>(budget->get_int64())) {
        return Fail("`max_tokens` must be greater than `thinking.budget_tokens`");
      }
      call.thinking_requested = true;
    } else if (kind == "adaptive") {
      call.thinking_requested = true;
    } else if (kind != "disabled") {
      return Fail(Expected("thinking.type", "'enabled', 'adaptive' or 'disabled'"));
    }
  }
  if (const json::value* tools = obj->if_contains("tools"); tools && !tools->is_null()) {
    if (!tools->is_array()) return Fail(Expected("tools", "a valid list"));
    for (size_t i = 0; i < tools->get_array().size(); ++i) {
      std::string path = "tools." + std::to_string(i);
      const json::object* tool = tools->get_array()[i].if_object();
      if (!tool) return Fail(Expected(path, "a valid dictionary"));
      const json::value* name = tool->if_contains("name");
      if (!name) return Fail(Required(path + ".name"));
      if (!name->is_string()) return Fail(Expected(path + ".name", "a valid string"));
      const json::value* type = tool->if_contains("type");
      const bool custom = !type || type->is_null() || (type->is_string() && type->get_string() == "custom");
      if (custom) {  // typed server tools (web_search_…) carry no schema
        const json::value* schema = tool->if_contains("input_schema");
        if (!schema) return Fail(Required(path + ".input_schema"));
        if (!schema->is_object()) return Fail(Expected(path + ".input_schema", "a valid dictionary"));
      }
      call.tool_names.emplace_back(name->get_string());
    }
  }
  Decoded<ChatCall> d;
  d.value = std::move(call);
  return d;
}

}  // namespace

std::optional<HeaderRejection> CheckAnthropicHeaders(bool has_api_key, bool has_authorization,
                                                     std::optional<std::string_view> version) {
  if (!has_api_key && !has_authorization) return HeaderRejection{401, "x-api-key header is required"};
  if (!version) return HeaderRejection{400, "anthropic-version: header is required"};
  const std::string_view v = *version;
  bool date = v.size() == 10 && v[4] == '-' && v[7] == '-';
  for (size_t i = 0; date && i < v.size(); ++i) {
    if (i != 4 && i != 7 && (v[i] < '0' || v[i] > '9')) date = false;
  }
  if (date) return std::nullopt;
  return HeaderRejection{400, "anthropic-version: \"" + std::string(*version) + "\" is not a valid version"};
}

Decoded<ChatCall> DecodeMessagesRequest(std::string_view body) { return Decode(body, false); }
Decoded<ChatCall> DecodeCountTokensRequest(std::string_view body) { return Decode(body, true); }

}  // namespace sluice::mock_llm
