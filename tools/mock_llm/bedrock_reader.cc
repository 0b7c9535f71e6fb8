// Bedrock request decoding with AWS's ValidationException wording. Thread rule: pure functions.
#include "mock_llm/bedrock_reader.h"

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace sluice::mock_llm {
namespace json = boost::json;
namespace {

constexpr std::string_view kValidation = "ValidationException";
constexpr std::string_view kMalformed = "Malformed input request, please reformat your input and try again.";

template <typename T>
Decoded<T> Fail(std::string message, std::string_view type = kValidation) {
  Decoded<T> d;
  d.error.message = std::move(message);
  d.error.code = type;
  return d;
}

std::string Constraint(std::string_view value, std::string_view at, std::string_view constraint) {
  std::string m = "1 validation error detected: Value ";
  m.append(value).append(" at '").append(at).append("' failed to satisfy constraint: ").append(constraint);
  return m;
}

std::string SchemaError(std::string_view what) {
  std::string m = "Malformed input request: ";
  m.append(what).append(", please reformat your input and try again.");
  return m;
}

constexpr std::array<std::string_view, 12> kContentMembers = {
    "text", "image", "document", "video", "audio", "toolUse", "toolResult", "guardContent", "cachePoint",
    "reasoningContent", "citationsContent", "searchResult"};

struct Turn {
  std::string role;
  std::vector<std::string> tool_use_ids;
  std::vector<std::string> tool_result_ids;
  std::string text;
  size_t bytes = 0;
};

// Reads one message's content blocks.
std::optional<std::string> ReadBlocks(const json::array& blocks, size_t index, Turn& turn) {
  for (size_t b = 0; b < blocks.size(); ++b) {
    const json::object* block = blocks[b].if_object();
    if (!block || block->size() != 1 ||
        std::find(kContentMembers.begin(), kContentMembers.end(), block->begin()->key()) == kContentMembers.end()) {
      return "The content block at messages." + std::to_string(index) + ".content." + std::to_string(b) +
             " must set exactly one of the ContentBlock members. " + std::string(kMalformed);
    }
    std::string_view key = block->begin()->key();
    const json::value& v = block->begin()->value();
    if (key == "text") {
      if (!v.is_string()) return std::string(kMalformed);
      if (!turn.text.empty()) turn.text.push_back('\n');
      turn.text.append(v.get_string());
      turn.bytes += v.get_string().size();
    } else if (key == "toolUse") {
      const json::object* t = v.if_object();
      const json::value* id = t ? t->if_contains("toolUseId") : nullptr;
      const json::value* name = t ? t->if_contains("name") : nullptr;
      if (!id || !id->is_string() || !name || !name->is_string() || !t->if_contains("input")) {
        return Constraint("null", "messages." + std::to_string(index + 1) + ".member.content", "Member must not be null");
      }
      turn.tool_use_ids.emplace_back(id->get_string());
      turn.bytes += name->get_string().size() + json::serialize(t->at("input")).size();
    } else if (key == "toolResult") {
      const json::object* t = v.if_object();
      const json::value* id = t ? t->if_contains("toolUseId") : nullptr;
      const json::value* content = t ? t->if_contains("content") : nullptr;
      if (!id || !id->is_string() || !content || !content->is_array()) {
        return Constraint("null", "messages." + std::to_string(index + 1) + ".member.content", "Member must not be null");
      }
      turn.tool_result_ids.emplace_back(id->get_string());
      for (const auto& c : content->get_array()) {
        if (const json::object* co = c.if_object()) {
          if (auto* text = co->if_contains("text"); text && text->is_string()) turn.bytes += text->get_string().size();
          if (auto* js = co->if_contains("json")) turn.bytes += json::serialize(*js).size();
        }
      }
    }
  }
  return std::nullopt;
}

// The Converse fields shared by converse, converse-stream and count-tokens' input.converse.
std::optional<std::string> ReadConversation(const json::object& obj, ChatCall& call) {
  const json::value* messages = obj.if_contains("messages");
  if (!messages || messages->is_null() || (messages->is_array() && messages->get_array().empty())) {
    return std::string("A conversation must start with a user message. Try again with a conversation that starts "
                       "with a user message.");
  }
  if (!messages->is_array()) return std::string(kMalformed);
  const json::array& list = messages->get_array();
  uint64_t tokens = kTokensPerReply;
  if (const json::value* system = obj.if_contains("system"); system && !system->is_null()) {
    if (!system->is_array()) return std::string(kMalformed);
    size_t bytes = 0;
    for (const auto& s : system->get_array()) {
      const json::object* so = s.if_object();
      if (!so || so->size() != 1) return std::string(kMalformed);
      if (auto* text = so->if_contains("text"); text && text->is_string()) bytes += text->get_string().size();
    }
    tokens += kTokensPerMessage + EstimateTextTokens(bytes);
  }
  bool uses_tools = false;
  Turn previous;
  for (size_t i = 0; i < list.size(); ++i) {
    const json::object* m = list[i].if_object();
    if (!m) return std::string(kMalformed);
    const std::string at = "messages." + std::to_string(i + 1) + ".member";
    const json::value* role = m->if_contains("role");
    if (!role || !role->is_string()) return Constraint("null", at + ".role", "Member must not be null");
    if (role->get_string() != "user" && role->get_string() != "assistant") {
      return Constraint("'" + std::string(role->get_string()) + "'", at + ".role",
                        "Member must satisfy enum value set: [user, assistant]");
    }
    const json::value* content = m->if_contains("content");
    if (!content || content->is_null()) return Constraint("null", at + ".content", "Member must not be null");
    if (!content->is_array()) return std::string(kMalformed);
    if (content->get_array().empty()) {
      return "The content field in the Message object at messages." + std::to_string(i) +
             " is empty. Add a ContentBlock object to the content field and try again.";
    }
    Turn turn;
    turn.role = role->get_string();
    if (i == 0 && turn.role != "user") {
      return std::string("A conversation must start with a user message. Try again with a conversation that starts "
                         "with a user message.");
    }
    if (i > 0 && turn.role == previous.role) {
      return std::string("A conversation must alternate between user and assistant roles. Make sure the conversation "
                         "alternates between user and assistant roles and try again.");
    }
    if (auto e = ReadBlocks(content->get_array(), i, turn)) return e;
    if (!turn.tool_result_ids.empty()) {
      if (turn.tool_result_ids.size() > previous.tool_use_ids.size()) {
        return "The number of toolResult blocks at messages." + std::to_string(i) +
               ".content exceeds the number of toolUse blocks of previous turn.";
      }
    }
    if (!previous.tool_use_ids.empty()) {  // every toolUse of the previous turn needs its toolResult here
      std::string missing;
      for (const auto& id : previous.tool_use_ids) {
        if (std::find(turn.tool_result_ids.begin(), turn.tool_result_ids.end(), id) == turn.tool_result_ids.end()) {
          if (!missing.empty()) missing.append(", ");
          missing.append(id);
        }
      }
      if (!missing.empty()) {
        return "Expected toolResult blocks at messages." + std::to_string(i) + ".content for the following Ids: " + missing;
      }
    }
    uses_tools = uses_tools || !turn.tool_use_ids.empty() || !turn.tool_result_ids.empty();
    if (turn.role == "user" && !turn.text.empty()) call.last_user_text = turn.text;
    tokens += kTokensPerMessage + EstimateTextTokens(turn.bytes);
    previous = std::move(turn);
  }
  call.prompt_tokens_estimate = tokens;
  const json::value* tool_config = obj.if_contains("toolConfig");
  if (uses_tools && (!tool_config || tool_config->is_null())) {
    return std::string("The toolConfig field must be defined when using toolUse and toolResult content blocks.");
  }
  if (tool_config && tool_config->is_object()) {
    const json::value* tools = tool_config->get_object().if_contains("tools");
    if (!tools || !tools->is_array() || tools->get_array().empty()) {
      return Constraint("'[]'", "toolConfig.tools", "Member must have length greater than or equal to 1");
    }
    for (const auto& t : tools->get_array()) {
      const json::object* to = t.if_object();
      const json::value* spec = to ? to->if_contains("toolSpec") : nullptr;
      if (!spec || !spec->is_object()) continue;  // cachePoint / systemTool members
      const json::value* name = spec->get_object().if_contains("name");
      if (!name || !name->is_string()) return Constraint("null", "toolConfig.tools.member.toolSpec.name", "Member must not be null");
      call.tool_names.emplace_back(name->get_string());
    }
  }
  return std::nullopt;
}

json::value ParseOrNull(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return nullptr;
  return v;
}

}  // namespace

std::string DecodeBedrockModelId(std::string_view segment) {
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] == '%' && i + 2 < segment.size() && hex(segment[i + 1]) >= 0 && hex(segment[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(segment[i + 1]) * 16 + hex(segment[i + 2])));
      i += 2;
    } else {
      out.push_back(segment[i]);
    }
  }
  return out;
}

Decoded<ChatCall> DecodeConverse(std::string_view body, std::string_view model_id, bool stream) {
  json::value root = ParseOrNull(body);
  if (!root.is_object()) return Fail<ChatCall>(std::string(kMalformed));
  const json::object& obj = root.get_object();
  ChatCall call;
  call.model = model_id;
  call.stream = stream;
  if (auto e = ReadConversation(obj, call)) return Fail<ChatCall>(*e);
  if (const json::value* ic = obj.if_contains("inferenceConfig"); ic && ic->is_object()) {
    const json::object& cfg = ic->get_object();
    if (const json::value* m = cfg.if_contains("maxTokens"); m && !m->is_null()) {
      if (!m->is_int64() || m->get_int64() < 1) {
        return Fail<ChatCall>(Constraint("'" + json::serialize(*m) + "'", "inferenceConfig.maxTokens",
                                         "Member must have value greater than or equal to 1"));
      }
      call.max_tokens = static_cast<uint64_t>(m->get_int64());
    }
    if (const json::value* stops = cfg.if_contains("stopSequences"); stops && stops->is_array()) {
      for (const auto& s : stops->get_array()) {
        if (s.is_string()) call.stop_sequences.emplace_back(s.get_string());
      }
    }
  }
  if (const json::value* extra = obj.if_contains("additionalModelRequestFields"); extra && extra->is_object()) {
    if (const json::value* th = extra->get_object().if_contains("thinking"); th && th->is_object()) {
      const json::value* type = th->get_object().if_contains("type");
      call.thinking_requested = type && type->is_string() && type->get_string() == "enabled";
    }
  }
  Decoded<ChatCall> d;
  d.value = std::move(call);
  return d;
}

Decoded<ChatCall> DecodeBedrockCountTokens(std::string_view body, std::string_view model_id) {
  json::value root = ParseOrNull(body);
  if (!root.is_object()) return Fail<ChatCall>(std::string(kMalformed));
  const json::value* input = root.get_object().if_contains("input");
  const json::value* converse = input && input->is_object() ? input->get_object().if_contains("converse") : nullptr;
  if (!converse || !converse->is_object()) {
    return Fail<ChatCall>(Constraint("null", "input", "Member must not be null"));
  }
  ChatCall call;
  call.model = model_id;
  if (auto e = ReadConversation(converse->get_object(), call)) return Fail<ChatCall>(*e);
  Decoded<ChatCall> d;
  d.value = std::move(call);
  return d;
}

std::optional<EmbedFamily> BedrockEmbedFamily(std::string_view model_id) {
  // Inference-profile and ARN forms end with the base id.
  size_t slash = model_id.rfind('/');
  if (slash != std::string_view::npos) model_id = model_id.substr(slash + 1);
  if (model_id.starts_with("amazon.titan-embed-text-v1")) return EmbedFamily::kTitanV1;
  if (model_id.starts_with("amazon.titan-embed-text-v2")) return EmbedFamily::kTitanV2;
  if (model_id.starts_with("cohere.embed-")) return EmbedFamily::kCohere;
  return std::nullopt;
}

Decoded<BedrockEmbedCall> DecodeBedrockEmbed(std::string_view body, std::string_view model_id, EmbedFamily family) {
  json::value root = ParseOrNull(body);
  if (!root.is_object()) return Fail<BedrockEmbedCall>(SchemaError("expected type: JSONObject"));
  const json::object& obj = root.get_object();
  BedrockEmbedCall call;
  call.family = family;
  call.model = model_id;
  auto allowed = [&](std::initializer_list<std::string_view> keys) -> std::optional<std::string> {
    for (const auto& kv : obj) {
      if (std::find(keys.begin(), keys.end(), kv.key()) == keys.end()) {
        return SchemaError("#: extraneous key [" + std::string(kv.key()) + "] is not permitted");
      }
    }
    return std::nullopt;
  };
  if (family == EmbedFamily::kTitanV1 || family == EmbedFamily::kTitanV2) {
    auto e = family == EmbedFamily::kTitanV1 ? allowed({"inputText"})
                                             : allowed({"inputText", "dimensions", "normalize", "embeddingTypes"});
    if (e) return Fail<BedrockEmbedCall>(*e);
    const json::value* text = obj.if_contains("inputText");
    if (!text) return Fail<BedrockEmbedCall>(SchemaError("#: required key [inputText] not found"));
    if (!text->is_string()) return Fail<BedrockEmbedCall>(SchemaError("#/inputText: expected type: String, found: " + std::string(text->is_null() ? "Null" : "JSONValue")));
    if (text->get_string().empty()) return Fail<BedrockEmbedCall>(SchemaError("#/inputText: expected minLength: 1, actual: 0"));
    call.texts.emplace_back(text->get_string());
    call.input_tokens = EstimateTextTokens(text->get_string().size());
    call.dimensions = family == EmbedFamily::kTitanV1 ? 1536 : 1024;
    if (const json::value* d = obj.if_contains("dimensions")) {
      if (!d->is_int64() || (d->get_int64() != 256 && d->get_int64() != 512 && d->get_int64() != 1024)) {
        return Fail<BedrockEmbedCall>(SchemaError("#/dimensions: " + json::serialize(*d) + " is not a valid enum value"));
      }
      call.dimensions = static_cast<uint32_t>(d->get_int64());
    }
    if (const json::value* n = obj.if_contains("normalize")) {
      if (!n->is_bool()) return Fail<BedrockEmbedCall>(SchemaError("#/normalize: expected type: Boolean"));
      call.normalize = n->get_bool();
    }
    if (const json::value* types = obj.if_contains("embeddingTypes"); types && types->is_array()) {
      for (const auto& t : types->get_array()) {
        if (!t.is_string() || (t.get_string() != "float" && t.get_string() != "binary")) {
          return Fail<BedrockEmbedCall>(SchemaError("#/embeddingTypes: " + json::serialize(t) + " is not a valid enum value"));
        }
        call.types.emplace_back(t.get_string());
      }
    }
  } else {
    if (auto e = allowed({"texts", "images", "input_type", "truncate", "embedding_types", "output_dimension",
                          "max_tokens", "inputs"})) {
      return Fail<BedrockEmbedCall>(*e);
    }
    const json::value* texts = obj.if_contains("texts");
    if (!texts) return Fail<BedrockEmbedCall>(SchemaError("#: required key [texts] not found"));
    if (!obj.if_contains("input_type")) return Fail<BedrockEmbedCall>(SchemaError("#: required key [input_type] not found"));
    if (!texts->is_array() || texts->get_array().empty() || texts->get_array().size() > 96) {
      return Fail<BedrockEmbedCall>(SchemaError("#/texts: expected minimum item count: 1, maximum: 96"));
    }
    for (const auto& t : texts->get_array()) {
      if (!t.is_string()) return Fail<BedrockEmbedCall>(SchemaError("#/texts: expected type: String"));
      call.texts.emplace_back(t.get_string());
      call.input_tokens += EstimateTextTokens(t.get_string().size());
    }
    call.dimensions = model_id.find("embed-v4") != std::string_view::npos ? 1536 : 1024;
    if (const json::value* d = obj.if_contains("output_dimension"); d && d->is_int64()) {
      call.dimensions = static_cast<uint32_t>(std::clamp<int64_t>(d->get_int64(), 1, 4096));
    }
    if (const json::value* types = obj.if_contains("embedding_types"); types && types->is_array()) {
      for (const auto& t : types->get_array()) {
        if (!t.is_string() || (t.get_string() != "float" && t.get_string() != "int8")) {
          return Fail<BedrockEmbedCall>(SchemaError("#/embedding_types: " + json::serialize(t) + " is not a valid enum value"));
        }
        call.types.emplace_back(t.get_string());
      }
    }
  }
  Decoded<BedrockEmbedCall> d;
  d.value = std::move(call);
  return d;
}

}  // namespace sluice::mock_llm
