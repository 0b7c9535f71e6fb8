// OpenAI request decoding (chat completions, embeddings) with OpenAI's own 400 wording.
// Thread rule: pure functions.
#include "mock_llm/openai_reader.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace sluice::mock_llm {
namespace json = boost::json;
namespace {

constexpr std::string_view kUnparsable =
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your "
    "HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. "
    "If you have trouble figuring out how to fix this, please contact us through our help center at "
    "help.openai.com.)";

std::string_view KindName(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64: case json::kind::uint64: return "an integer";
    case json::kind::double_: return "a decimal";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "a value";
}

RequestError InvalidType(std::string_view param, std::string_view expected, const json::value& got) {
  RequestError e;
  e.message = "Invalid type for '";
  e.message.append(param).append("': expected ").append(expected).append(", but got ");
  e.message.append(KindName(got)).append(" instead.");
  e.param = param;
  e.code = "invalid_type";
  return e;
}

RequestError Missing(std::string_view param) {
  RequestError e;
  e.message = "Missing required parameter: '";
  e.message.append(param).append("'.");
  e.param = param;
  e.code = "missing_required_parameter";
  return e;
}

template <typename T>
Decoded<T> Fail(RequestError e) {
  Decoded<T> d;
  d.error = std::move(e);
  return d;
}

// Parses a body that must be a JSON object; nullptr plus an OpenAI error otherwise.
// `storage` may live in a caller's monotonic resource: decoding copies out what it keeps.
const json::object* ParseObject(std::string_view body, json::value& storage, RequestError& err,
                                json::storage_ptr sp = {}) {
  boost::system::error_code ec;
  storage = json::parse(body, ec, std::move(sp));
  if (ec || !storage.is_object()) {
    err.message = kUnparsable;
    return nullptr;
  }
  return &storage.get_object();
}

// Appends the text of a content field (string or array of text parts) and returns its byte count.
size_t AppendContentText(const json::value& content, std::string* out) {
  size_t bytes = 0;
  auto add = [&](json::string_view t) {
    if (out) {
      if (!out->empty()) out->push_back('\n');
      out->append(t.data(), t.size());
    }
    bytes += t.size();
  };
  if (content.is_string()) {
    add(content.get_string());
  } else if (content.is_array()) {
    for (const auto& part : content.get_array()) {
      const json::object* p = part.if_object();
      if (!p) continue;
      if (auto* t = p->if_contains("text"); t && t->is_string()) add(t->get_string());
    }
  }
  return bytes;
}

}  // namespace

Decoded<ChatCall> DecodeChatRequest(std::string_view body, std::string_view model_override) {
  // Hot path of the load benchmark: parse into a stack arena instead of one malloc per node.
  unsigned char arena[16384];
  json::monotonic_resource mr(arena, sizeof arena);
  json::value root;
  RequestError err;
  const json::object* obj = ParseObject(body, root, err, &mr);
  if (!obj) return Fail<ChatCall>(err);

  ChatCall call;
  if (!model_override.empty()) {
    call.model = model_override;
  } else {
    const json::value* model = obj->if_contains("model");
    if (!model || model->is_null()) {
      return Fail<ChatCall>({"you must provide a model parameter", "", ""});
    }
    if (!model->is_string()) return Fail<ChatCall>(InvalidType("model", "a string", *model));
    call.model = model->get_string();
  }

  const json::value* messages = obj->if_contains("messages");
  if (!messages || messages->is_null()) return Fail<ChatCall>(Missing("messages"));
  if (!messages->is_array()) return Fail<ChatCall>(InvalidType("messages", "an array of objects", *messages));
  const json::array& list = messages->get_array();
  if (list.empty()) {
    return Fail<ChatCall>({"Invalid 'messages': empty array. Expected an array with minimum length 1, but "
                           "got an empty array instead.", "messages", "empty_array"});
  }

  uint64_t tokens = kTokensPerReply;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string path = "messages[" + std::to_string(i) + "]";
    const json::object* m = list[i].if_object();
    if (!m) return Fail<ChatCall>(InvalidType(path, "an object", list[i]));
    const json::value* role = m->if_contains("role");
    if (!role) return Fail<ChatCall>(Missing(path + ".role"));
    if (!role->is_string()) return Fail<ChatCall>(InvalidType(path + ".role", "a string", *role));
    size_t bytes = 0;
    if (const json::value* content = m->if_contains("content")) {
      bool user = role->get_string() == "user";
      if (user) call.last_user_text.clear();
      bytes += AppendContentText(*content, user ? &call.last_user_text : nullptr);
    }
    if (auto* name = m->if_contains("name"); name && name->is_string()) bytes += name->get_string().size();
    if (auto* calls = m->if_contains("tool_calls"); calls && calls->is_array()) {
      for (const auto& c : calls->get_array()) {
        const json::value* args = c.is_object() ? c.get_object().if_contains("function") : nullptr;
        if (args && args->is_object()) {
          if (auto* a = args->get_object().if_contains("arguments"); a && a->is_string()) {
            bytes += a->get_string().size();
          }
        }
      }
    }
    tokens += kTokensPerMessage + EstimateTextTokens(bytes);
  }
  call.prompt_tokens_estimate = tokens;

  if (const json::value* stream = obj->if_contains("stream"); stream && !stream->is_null()) {
    if (!stream->is_bool()) return Fail<ChatCall>(InvalidType("stream", "a boolean", *stream));
    call.stream = stream->get_bool();
  }
  if (const json::value* so = obj->if_contains("stream_options"); so && !so->is_null()) {
    if (!call.stream) {
      return Fail<ChatCall>({"The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                             "stream_options", "invalid_value"});
    }
    if (!so->is_object()) return Fail<ChatCall>(InvalidType("stream_options", "an object", *so));
    if (auto* iu = so->get_object().if_contains("include_usage"); iu && !iu->is_null()) {
      if (!iu->is_bool()) return Fail<ChatCall>(InvalidType("stream_options.include_usage", "a boolean", *iu));
      call.include_usage = iu->get_bool();
    }
  }
  if (const json::value* tools = obj->if_contains("tools"); tools && tools->is_array()) {
    for (const auto& t : tools->get_array()) {
      const json::object* to = t.if_object();
      if (!to) continue;
      for (const char* key : {"function", "custom"}) {
        auto* f = to->if_contains(key);
        if (!f || !f->is_object()) continue;
        if (auto* n = f->get_object().if_contains("name"); n && n->is_string()) {
          call.tool_names.emplace_back(n->get_string());
        }
      }
    }
  }
  Decoded<ChatCall> d;
  d.value = std::move(call);
  return d;
}

Decoded<EmbeddingsCall> DecodeEmbeddingsRequest(std::string_view body, std::string_view model_override) {
  json::value root;
  RequestError err;
  const json::object* obj = ParseObject(body, root, err);
  if (!obj) return Fail<EmbeddingsCall>(err);

  EmbeddingsCall call;
  if (!model_override.empty()) {
    call.model = model_override;
  } else {
    const json::value* model = obj->if_contains("model");
    if (!model || model->is_null()) return Fail<EmbeddingsCall>({"you must provide a model parameter", "", ""});
    if (!model->is_string()) return Fail<EmbeddingsCall>(InvalidType("model", "a string", *model));
    call.model = model->get_string();
  }

  const json::value* input = obj->if_contains("input");
  if (!input || input->is_null()) return Fail<EmbeddingsCall>(Missing("input"));
  const RequestError bad_input{"'$.input' is invalid. Please check the API reference: "
                               "https://platform.openai.com/docs/api-reference.", "", ""};
  auto add_tokens = [&](const json::array& ints) -> bool {
    if (ints.empty()) return false;
    std::string text;
    for (const auto& v : ints) {
      if (!v.is_int64() && !v.is_uint64()) return false;
      if (!text.empty()) text.push_back(',');
      text += json::serialize(v);
    }
    call.texts.push_back(std::move(text));
    call.input_tokens.push_back(ints.size());
    return true;
  };
  auto add_text = [&](json::string_view s) -> bool {
    if (s.empty()) return false;
    call.texts.emplace_back(s);
    call.input_tokens.push_back(EstimateTextTokens(s.size()));
    return true;
  };
  if (input->is_string()) {
    if (!add_text(input->get_string())) return Fail<EmbeddingsCall>(bad_input);
  } else if (input->is_array() && !input->get_array().empty()) {
    const json::array& arr = input->get_array();
    if (arr.front().is_int64() || arr.front().is_uint64()) {
      if (!add_tokens(arr)) return Fail<EmbeddingsCall>(bad_input);
    } else {
      for (const auto& item : arr) {
        bool ok = item.is_string() ? add_text(item.get_string())
                                   : item.is_array() ? add_tokens(item.get_array()) : false;
        if (!ok) return Fail<EmbeddingsCall>(bad_input);
      }
    }
    if (call.texts.size() > 2048) return Fail<EmbeddingsCall>(bad_input);
  } else {
    return Fail<EmbeddingsCall>(bad_input);
  }

  if (const json::value* f = obj->if_contains("encoding_format"); f && !f->is_null()) {
    if (f->is_string() && f->get_string() == "base64") {
      call.base64 = true;
    } else if (!(f->is_string() && f->get_string() == "float")) {
      return Fail<EmbeddingsCall>({"Invalid value for 'encoding_format': expected one of 'float' or 'base64'.",
                                   "encoding_format", "invalid_value"});
    }
  }
  if (const json::value* d = obj->if_contains("dimensions"); d && !d->is_null()) {
    if (!d->is_int64() || d->get_int64() < 1 || d->get_int64() > 8192) {
      return Fail<EmbeddingsCall>({"Invalid value for 'dimensions': expected an integer between 1 and 8192.",
                                   "dimensions", "invalid_value"});
    }
    call.dimensions = static_cast<uint32_t>(d->get_int64());
  }
  Decoded<EmbeddingsCall> out;
  out.value = std::move(call);
  return out;
}

}  // namespace sluice::mock_llm
