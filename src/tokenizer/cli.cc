// `sluice tokens` subcommand. Thread rule: see cli.h.
#include "tokenizer/cli.h"

#include <cmath>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include "tokenizer/count_api.h"
#include "tokenizer/hf_chat_count.h"
#include "tokenizer/hf_registry.h"
#include "tokenizer/registry.h"

namespace sluice::tokenizer {
namespace {

constexpr const char* kUsage =
    "usage: sluice tokens [--model M | --encoding o200k_base|cl100k_base | --tokenizer-file tokenizer.json\n"
    "                     [--chat-framing llama3|chatml|deepseek_v3|none]] [--ids] [--json] [--chat] < input\n";

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') { out += '\\'; out += static_cast<char>(c); }
    else if (c < 0x20) { char buf[8]; std::snprintf(buf, sizeof buf, "\\u%04x", c); out += buf; }
    else out += static_cast<char>(c);
  }
  return out + "\"";
}

void PrintIds(const std::vector<uint32_t>& ids, std::string_view sep, std::ostream& out) {
  for (size_t i = 0; i < ids.size(); ++i) out << (i ? sep : "") << ids[i];
}

// --tokenizer-file: every count uses that Hugging Face tokenizer.json (exact), whatever the model name.
int RunHfTokens(const std::string& model, const std::string& path, const std::string& framing_name,
                const std::string& input, bool ids, bool json, bool chat, std::ostream& out, std::ostream& err) {
  auto tok = LoadHfTokenizer(path);
  if (!tok.ok()) {
    err << "sluice tokens: " << tok.error().message << "\n";
    return 1;
  }
  ModelRule rule;
  rule.tokenizer.exact = true;
  rule.tokenizer.hf = *tok;
  rule.tokenizer.family = "hf:" + (*tok)->name();
  rule.tokenizer.framing = (*tok)->DetectedFraming();
  if (!framing_name.empty()) {
    std::string missing;
    if (!ParseChatFraming(framing_name, &rule.tokenizer.framing)) {
      err << "sluice tokens: unknown chat framing " << framing_name << " (llama3, chatml, deepseek_v3, none)\n";
      return 2;
    }
    if (!FramingSupported(**tok, rule.tokenizer.framing, &missing)) {
      err << "sluice tokens: the tokenizer file has no added token " << missing << " for " << framing_name << "\n";
      return 1;
    }
  }
  uint64_t tokens = 0;
  std::vector<uint32_t> id_list;
  if (chat) {
    ModelTable only;  // just this rule: the body's model name must not pick another tokenizer
    only.Set(rule);
    auto count = CountOpenAiChatBody(input, only);
    if (!count.ok()) {
      err << "sluice tokens: " << count.error().message << "\n";
      return 1;
    }
    tokens = count->tokens;
  } else if (ids || json) {
    id_list = (*tok)->Encode(input);
    tokens = id_list.size();
  } else {
    tokens = (*tok)->Count(input);
  }
  if (json) {
    out << "{\"model\":" << JsonString(model) << ",\"tokenizer_file\":" << JsonString((*tok)->name())
        << ",\"chat_framing\":\"" << ChatFramingName(rule.tokenizer.framing) << "\",\"tokens\":" << tokens
        << ",\"exact\":true";
    if (ids && !chat) {
      out << ",\"ids\":[";
      PrintIds(id_list, ",", out);
      out << "]";
    }
    out << "}\n";
  } else if (ids && !chat) {
    PrintIds(id_list, " ", out);
    out << "\n";
  } else {
    out << tokens << "\n";
  }
  return 0;
}

}  // namespace

int RunTokensCli(int argc, char** argv) { return RunTokensCli(argc, argv, std::cin, std::cout, std::cerr); }

int RunTokensCli(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err) {
  std::string model = "gpt-4o", encoding_name, tokenizer_file, framing_name;
  bool ids = false, json = false, chat = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if ((a == "--model" || a == "--encoding") && i + 1 < argc) {
      (a == "--model" ? model : encoding_name) = argv[++i];
    } else if (a == "--tokenizer-file" && i + 1 < argc) {
      tokenizer_file = argv[++i];
    } else if (a == "--chat-framing" && i + 1 < argc) {
      framing_name = argv[++i];
    } else if (a.rfind("--model=", 0) == 0) {
      model = a.substr(8);
    } else if (a == "--ids") {
      ids = true;
    } else if (a == "--json") {
      json = true;
    } else if (a == "--chat") {
      chat = true;
    } else if (a == "-h" || a == "--help") {
      out << kUsage;
      return 0;
    } else {
      err << "sluice tokens: unknown argument " << a << "\n" << kUsage;
      return 2;
    }
  }
  const std::string input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!tokenizer_file.empty()) return RunHfTokens(model, tokenizer_file, framing_name, input, ids, json, chat, out, err);
  if (!framing_name.empty()) {
    err << "sluice tokens: --chat-framing needs --tokenizer-file\n";
    return 2;
  }
  const ModelTable models = ModelTable::Default();
  ModelTokenizer mt = models.Lookup(model);
  if (!encoding_name.empty()) {
    if (!ParseEncodingName(encoding_name, &mt.encoding)) {
      err << "sluice tokens: unknown encoding " << encoding_name << "\n";
      return 2;
    }
    mt.exact = true;
    mt.factor = 1.0;
  }
  auto enc = GetEncoding(mt.encoding);
  if (!enc.ok()) {
    err << "sluice tokens: " << enc.error().message << "\n";
    return 1;
  }
  uint64_t tokens = 0;
  std::vector<uint32_t> id_list;
  if (chat) {
    auto count = CountOpenAiChatBody(input, models);
    if (!count.ok()) {
      err << "sluice tokens: " << count.error().message << "\n";
      return 1;
    }
    tokens = count->tokens;
  } else if (ids || json) {
    id_list = (*enc)->EncodeOrdinary(input);
    tokens = id_list.size();
  } else {
    tokens = (*enc)->Count(input);
  }
  if (!chat && !mt.exact) tokens = static_cast<uint64_t>(std::ceil(static_cast<double>(tokens) * mt.factor));
  if (json) {
    out << "{\"model\":" << JsonString(model) << ",\"encoding\":\"" << (*enc)->name() << "\",\"tokens\":" << tokens
        << ",\"exact\":" << (mt.exact ? "true" : "false");
    if (ids && !chat) {
      out << ",\"ids\":[";
      for (size_t i = 0; i < id_list.size(); ++i) out << (i ? "," : "") << id_list[i];
      out << "]";
    }
    out << "}\n";
  } else if (ids && !chat) {
    for (size_t i = 0; i < id_list.size(); ++i) out << (i ? " " : "") << id_list[i];
    out << "\n";
  } else {
    out << tokens << (mt.exact ? "" : " (estimate)") << "\n";
  }
  return 0;
}

}  // namespace sluice::tokenizer
