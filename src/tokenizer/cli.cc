// `sluice tokens` subcommand. Thread rule: see cli.h.
#include "tokenizer/cli.h"

#include <cmath>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include "tokenizer/count_api.h"
#include "tokenizer/registry.h"

namespace sluice::tokenizer {
namespace {

constexpr const char* kUsage =
    "usage: sluice tokens [--model M | --encoding o200k_base|cl100k_base] [--ids] [--json] [--chat] < input\n";

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') { out += '\\'; out += static_cast<char>(c); }
    else if (c < 0x20) { char buf[8]; std::snprintf(buf, sizeof buf, "\\u%04x", c); out += buf; }
    else out += static_cast<char>(c);
  }
  return out + "\"";
}

}  // namespace

int RunTokensCli(int argc, char** argv) { return RunTokensCli(argc, argv, std::cin, std::cout, std::cerr); }

int RunTokensCli(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err) {
  std::string model = "gpt-4o", encoding_name;
  bool ids = false, json = false, chat = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if ((a == "--model" || a == "--encoding") && i + 1 < argc) {
      (a == "--model" ? model : encoding_name) = argv[++i];
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
