// Chat request counts for models with a Hugging Face tokenizer file: the message texts encoded with the
// model's own tokenizer inside its chat template's layout (ChatFraming), the way the serving engine renders
// the prompt (template string, then tokenizer with added tokens split out). What is exact and what is not:
//   exact: system/user/assistant text messages (string content, or text parts joined with "\n"), the
//          template's special tokens, its fixed strings and the generation prompt.
//   approximate: tool definitions and tool calls (counted as their JSON text, without the template's tool
//          preamble), tool results (counted as message text), images (the OpenAI tile formula for OpenAI
//          bodies, width*height/750 for Anthropic bodies, standing in for the model's vision encoder).
// Thread rule: pure functions over the request and an immutable tokenizer.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "core/result.h"
#include "tokenizer/chat_count.h"
#include "tokenizer/hf_tokenizer.h"
#include "tokenizer/model_table.h"

namespace sluice::tokenizer {

// Called by CountOpenAiChat / CountAnthropicMessages when `mt.hf` is set.
core::Result<TokenCount> CountOpenAiChatHf(const boost::json::object& request, const ModelTokenizer& mt,
                                           uint64_t limit);
core::Result<TokenCount> CountAnthropicMessagesHf(const boost::json::object& request, const ModelTokenizer& mt,
                                                  uint64_t limit);

// Whether the tokenizer defines every added token the framing uses; `missing` names the first absent one.
bool FramingSupported(const HfTokenizer& tok, ChatFraming framing, std::string* missing);

}  // namespace sluice::tokenizer
