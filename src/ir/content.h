// ir::ContentPart: one piece of a message or response, in a dialect-neutral shape. A flat struct
// with a kind tag rather than a std::variant: codecs switch on `kind` and touch two or three
// fields, and a filter (PII masking, guard) can walk `text` of every part without visiting
// alternatives. Which fields are meaningful depends on `kind` (listed per field). Thread rule:
// plain value type.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sluice::ir {

enum class PartKind : uint8_t {
  kText,        // text
  kImage,       // image: url, or media_type + data (base64)
  kAudio,       // input audio: data (base64) + media_type ("wav", "mp3"); few providers accept it
  kFile,        // document: media_type + data (base64), or file_id; name = filename
  kToolCall,    // id, name, arguments (JSON text, exactly as the model produced it)
  kToolResult,  // id (the call it answers), parts (text/image), is_error
  kReasoning,   // text (thinking), signature (opaque, must round-trip unmodified)
  kRedactedReasoning,  // data (opaque encrypted thinking, must round-trip unmodified)
};

struct ContentPart {
  PartKind kind = PartKind::kText;
  std::string text;        // kText, kReasoning
  std::string url;         // kImage when given by URL
  std::string media_type;  // kImage/kFile with data ("image/png"); kAudio: format ("wav")
  std::string data;    // base64 without a data: prefix (kImage, kAudio, kFile); kRedactedReasoning
  std::string detail;  // kImage: OpenAI "detail" (auto|low|high), dropped by providers without it
  std::string id;      // kToolCall: call id; kToolResult: id of the call answered; kFile: file_id
  std::string name;    // kToolCall: function name; kFile: filename
  std::string arguments;           // kToolCall: arguments as JSON text ("" means none)
  std::string signature;           // kReasoning
  std::vector<ContentPart> parts;  // kToolResult content
  bool is_error = false;           // kToolResult

  static ContentPart Text(std::string t) {
    ContentPart p;
    p.text = std::move(t);
    return p;
  }
  static ContentPart ToolCall(std::string id, std::string name, std::string arguments) {
    ContentPart p;
    p.kind = PartKind::kToolCall;
    p.id = std::move(id);
    p.name = std::move(name);
    p.arguments = std::move(arguments);
    return p;
  }
  static ContentPart Reasoning(std::string text, std::string signature) {
    ContentPart p;
    p.kind = PartKind::kReasoning;
    p.text = std::move(text);
    p.signature = std::move(signature);
    return p;
  }
  bool operator==(const ContentPart&) const = default;
};

}  // namespace sluice::ir
