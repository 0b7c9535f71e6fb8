// ChatFraming: how an open model's chat template lays a conversation out around the message texts, so
// that a chat request can be counted exactly without running the template's Jinja. Chosen per model rule
// (config `chat_framing`), else detected from the tokenizer file's added tokens (HfTokenizer).
// Thread rule: plain values and pure functions.
#pragma once

#include <string_view>

namespace sluice::tokenizer {

enum class ChatFraming {
  kNone,        // message texts only, no template tokens
  kLlama3,      // <|begin_of_text|> + <|start_header_id|>{role}<|end_header_id|>\n\n{content|trim}<|eot_id|>
                // per message + <|start_header_id|>assistant<|end_header_id|>\n\n
  kChatMl,      // <|im_start|>{role}\n{content}<|im_end|>\n per message + <|im_start|>assistant\n (Qwen)
  kDeepSeekV3,  // <｜begin▁of▁sentence｜>{system}<｜User｜>{u}<｜Assistant｜>{a}<｜end▁of▁sentence｜>… + <｜Assistant｜>
};

std::string_view ChatFramingName(ChatFraming f);  // "none", "llama3", "chatml", "deepseek_v3"
bool ParseChatFraming(std::string_view name, ChatFraming* out);

}  // namespace sluice::tokenizer
