// `sluice tokens`: count (or list) the tokens of stdin for a model.
//   echo text | sluice tokens --model gpt-4o [--ids] [--json] [--chat]
//   --model M    model name (default gpt-4o); --encoding E picks o200k_base/cl100k_base directly
//   --ids        print the token ids (space-separated) instead of the count
//   --json       print {"model","encoding","tokens","exact"[,"ids"]}
//   --chat       stdin is an OpenAI chat completions request body; counts prompt tokens with framing
//   --tokenizer-file F  count with the Hugging Face tokenizer.json F (exact) instead of the model table;
//                --chat-framing llama3|chatml|deepseek_v3|none overrides the framing detected from F
// Exit codes: 0 ok, 1 tokenizer unavailable or bad input, 2 usage.
// Thread rule: called once from main on the main thread.
#pragma once

#include <iosfwd>

namespace sluice::tokenizer {

int RunTokensCli(int argc, char** argv);  // argv[0] is the subcommand ("tokens") or program name

// Testable core: explicit streams.
int RunTokensCli(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace sluice::tokenizer
