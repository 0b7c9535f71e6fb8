// ir::ChatRequest → the Gemini `contents` and `systemInstruction` (reference §4.1, §8.1–§8.4):
// roles user/model, parts text / inlineData / fileData / functionCall / functionResponse / thought,
// and the thought-signature round trip (gemini.h). Tools, generation config and the HTTP envelope
// are in gemini_request_config.cc. Thread rule: pure functions.
#include <algorithm>
#include <boost/json/parse.hpp>
#include <cctype>
#include <string>
#include <unordered_map>

#include "provider/gemini_detail.h"
#include "provider/gemini_request_detail.h"
#include "provider/json_fields.h"

namespace sluice::provider::gemini_detail {
namespace {

namespace json = boost::json;

// MIME type of an image URL from its extension ("" when unknown: Files API URIs have none).
std::string_view ImageTypeFromUrl(std::string_view url) {
  size_t end = url.find_first_of("?#");
  std::string_view path = url.substr(0, end);
  size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || path.find('/', dot) != std::string_view::npos) return {};
  std::string ext(path.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "webp") return "image/webp";
  if (ext == "gif") return "image/gif";
  if (ext == "heic") return "image/heic";
  if (ext == "heif") return "image/heif";
  return {};
}

json::object InlineData(std::string_view mime, std::string_view data, const json::storage_ptr& sp) {
  json::object inline_data(sp), part(sp);
  inline_data["mimeType"] = mime;
  inline_data["data"] = data;
  part["inlineData"] = std::move(inline_data);
  return part;
}

}  // namespace

core::Result<json::object> ContentsBuilder::Media(const ir::ContentPart& p,
                                                  const std::string& param) {
  switch (p.kind) {
    case ir::PartKind::kImage: {
      if (!p.data.empty()) return InlineData(p.media_type, p.data, sp_);
      std::string_view url = p.url;
      if (!url.starts_with("https://") && !url.starts_with("gs://"))
        return Unsupported(
            "Gemini models take images as data, gs:// URIs or https:// URLs Google can fetch; "
            "this image URL is neither.",
            param);
      json::object file_data(sp_), part(sp_);
      std::string_view mime = ImageTypeFromUrl(url);
      if (!mime.empty()) file_data["mimeType"] = mime;
      file_data["fileUri"] = url;
      part["fileData"] = std::move(file_data);
      return part;
    }
    case ir::PartKind::kAudio: {
      std::string mime =
          p.media_type.find('/') == std::string::npos ? "audio/" + p.media_type : p.media_type;
      return InlineData(mime, p.data, sp_);
    }
    case ir::PartKind::kFile: {
      if (!p.data.empty())
        return InlineData(p.media_type.empty() ? "application/pdf" : p.media_type, p.data, sp_);
      std::string_view uri = p.id;
      if (!uri.starts_with("https://") && !uri.starts_with("gs://"))
        return Unsupported(
            "Gemini models take files as inline data or Google file URIs, not '" + p.id + "'.",
            param);
      json::object file_data(sp_), part(sp_);
      if (!p.media_type.empty()) file_data["mimeType"] = p.media_type;
      file_data["fileUri"] = uri;
      part["fileData"] = std::move(file_data);
      return part;
    }
    default:
      break;
  }
  return Unsupported("This content cannot be sent to Gemini.", param);
}

core::Result<json::object> ContentsBuilder::ToolResponse(const ir::ContentPart& p,
                                                         const std::string& name,
                                                         json::array& extra_parts,
                                                         const std::string& param) {
  std::string text;
  for (const ir::ContentPart& inner : p.parts) {
    if (inner.kind == ir::PartKind::kText) {
      if (!text.empty() && !inner.text.empty()) text += '\n';
      text += inner.text;
    } else {
      auto media = Media(inner, param);  // images in a result follow it as parts of the same turn
      if (!media) return media.error();
      extra_parts.push_back(std::move(*media));
    }
  }
  // Structured output stays structured; anything else is the text itself.
  json::value output(text, sp_);
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec, sp_);
  if (!ec && (parsed.is_object() || parsed.is_array())) output = std::move(parsed);
  json::object response(sp_);
  if (output.is_object() && !p.is_error) {
    response = std::move(output.get_object());
  } else {
    response[p.is_error ? "error" : "output"] = std::move(output);
  }
  json::object fr(sp_), part(sp_);
  fr["name"] = name;
  fr["response"] = std::move(response);
  part["functionResponse"] = std::move(fr);
  return part;
}

core::Result<json::array> ContentsBuilder::Contents() {
  json::array out(sp_);
  std::unordered_map<std::string, std::string> call_names;  // id → name of the latest call so far
  std::string last_role;
  size_t responses_in_turn = 0;  // functionResponse parts at the front of the last user turn
  const bool gemini3 = model_.find("gemini-3") != std::string_view::npos;
  for (size_t i = 0; i < req_.messages.size(); ++i) {
    const ir::Message& m = req_.messages[i];
    if (m.role == ir::Role::kSystem) continue;  // hoisted into systemInstruction
    const bool model_turn = m.role == ir::Role::kAssistant;
    const std::string param = "messages[" + std::to_string(i) + "]";
    json::array parts(sp_), tail(sp_);  // tail: images from tool results, after the responses
    std::string pending_signature;      // a Gemini signature waiting for the part it belongs to
    bool first_call = true;
    size_t responses = 0;
    auto push = [&](json::object part, bool is_call) {
      if (!pending_signature.empty()) {
        part["thoughtSignature"] = pending_signature;
        pending_signature.clear();
      } else if (is_call && first_call && gemini3) {
        part["thoughtSignature"] =
            kSkipSignature;  // history without Gemini signatures (§ gemini.h)
      }
      if (is_call) first_call = false;
      parts.push_back(std::move(part));
    };
    for (const ir::ContentPart& p : m.parts) {
      switch (p.kind) {
        case ir::PartKind::kText: {
          if (p.text.empty()) break;  // Gemini rejects empty text parts
          json::object part(sp_);
          part["text"] = p.text;
          push(std::move(part), false);
          break;
        }
        case ir::PartKind::kImage:
        case ir::PartKind::kAudio:
        case ir::PartKind::kFile: {
          auto media = Media(p, param);
          if (!media) return media.error();
          push(std::move(*media), false);
          break;
        }
        case ir::PartKind::kToolCall: {
          auto args = ToolCallArguments(p, param, sp_);
          if (!args) return args.error();
          call_names[p.id] = p.name;
          json::object fc(sp_), part(sp_);
          fc["name"] = p.name;
          fc["args"] = std::move(*args);
          part["functionCall"] = std::move(fc);
          push(std::move(part), model_turn);
          break;
        }
        case ir::PartKind::kToolResult: {
          auto name = call_names.find(p.id);
          if (name == call_names.end())
            return Unsupported("Tool result '" + p.id +
                                   "' answers no earlier assistant tool call; Gemini needs the "
                                   "function name of every result.",
                               param);
          auto part = ToolResponse(p, name->second, tail, param);
          if (!part) return part.error();
          parts.insert(parts.begin() + static_cast<std::ptrdiff_t>(responses++), std::move(*part));
          break;
        }
        case ir::PartKind::kReasoning: {
          if (!p.signature.starts_with(kSignaturePrefix))
            break;  // not Gemini's: it cannot verify it
          std::string_view sig = std::string_view(p.signature).substr(kSignaturePrefix.size());
          if (p.text.empty()) {
            pending_signature = sig;
          } else {
            json::object part(sp_);
            part["text"] = p.text;
            part["thought"] = true;
            part["thoughtSignature"] = sig;
            parts.push_back(std::move(part));
          }
          break;
        }
        case ir::PartKind::kRedactedReasoning:
          break;  // Anthropic's encrypted thinking means nothing to Gemini
      }
    }
    if (!pending_signature.empty() && model_turn) {
      // A signature on the answer's last, empty part (as Gemini streams it): return it the same
      // way.
      json::object part(sp_);
      part["text"] = "";
      part["thoughtSignature"] = pending_signature;
      parts.push_back(std::move(part));
    }
    for (json::value& t : tail) parts.push_back(std::move(t));
    if (parts.empty()) continue;  // e.g. an assistant turn with only foreign reasoning
    std::string_view role = model_turn ? "model" : "user";
    if (role == last_role) {
      // Consecutive turns of one role merge (tool messages and a following user message are one
      // Gemini user turn), function responses first, as many as the calls they answer.
      json::array& prev = out.back().get_object()["parts"].get_array();
      for (size_t k = 0; k < parts.size(); ++k) {
        bool is_response = k < responses;
        auto at = is_response ? prev.begin() + static_cast<std::ptrdiff_t>(responses_in_turn++)
                              : prev.end();
        prev.insert(at, std::move(parts[k]));
      }
      continue;
    }
    json::object content(sp_);
    content["role"] = role;
    content["parts"] = std::move(parts);
    out.push_back(std::move(content));
    last_role = role;
    responses_in_turn = responses;
  }
  if (out.empty())
    return Unsupported("The request has no user or assistant content to send.", "messages");
  return out;
}

json::value ContentsBuilder::SystemInstruction() {
  json::array parts(sp_);
  auto add = [&](const ir::ContentPart& p) {
    if (p.kind != ir::PartKind::kText || p.text.empty()) return;
    json::object part(sp_);
    part["text"] = p.text;
    parts.push_back(std::move(part));
  };
  for (const ir::ContentPart& p : req_.system) add(p);
  for (const ir::Message& m : req_.messages)
    if (m.role == ir::Role::kSystem)
      for (const ir::ContentPart& p : m.parts) add(p);
  if (parts.empty()) return nullptr;
  json::object content(sp_);
  content["parts"] = std::move(parts);
  return content;
}

}  // namespace sluice::provider::gemini_detail
