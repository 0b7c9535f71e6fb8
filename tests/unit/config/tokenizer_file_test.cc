// tokenizer.models.<prefix>.tokenizer_file / chat_framing: loaded and validated at config load, errors with
// their YAML path and line; exclusive with encoding / estimate_factor.
#include <gtest/gtest.h>

#include <fstream>

#include "../tokenizer/hf_fixture.h"
#include "config/loader.h"

namespace sluice::config {
namespace {

constexpr const char* kBase = R"(
providers:
  local: { type: vllm, base_url: "http://127.0.0.1:8000" }
models:
  m: { provider: local }
)";

std::string WriteFixture(const std::string& name, const std::string& json) {
  const std::string path = std::string(SLUICE_BINARY_DIR) + "/" + name;
  std::ofstream(path) << json;
  return path;
}

std::string Errors(const LoadResult& r) {
  std::string all;
  for (const auto& e : r.errors) all += FormatError(e, "test.yaml") + "\n";
  return all;
}

LoadResult Load(const std::string& extra) {
  return LoadString(std::string(kBase) + extra, "test.yaml", MapEnv({}));
}

TEST(TokenizerFileConfig, LoadsTheFileAndDetectsTheFraming) {
  tokenizer::testing::TinySpec spec;
  spec.added = {"<|im_start|>", "<|im_end|>"};
  const std::string path = WriteFixture("cfg_chatml_tokenizer.json", tokenizer::testing::TinyTokenizerJson(spec));
  LoadResult r = Load("tokenizer:\n  models:\n    qwen: { tokenizer_file: \"" + path + "\" }\n");
  ASSERT_TRUE(r.ok()) << Errors(r);
  ASSERT_EQ(r.config->tokenizer.models.size(), 1u);
  EXPECT_EQ(r.config->tokenizer.models[0].tokenizer_file, path);
  EXPECT_EQ(r.config->tokenizer.models[0].chat_framing, "chatml");
  r = Load("tokenizer:\n  models:\n    qwen: { tokenizer_file: \"" + path + "\", chat_framing: none }\n");
  ASSERT_TRUE(r.ok()) << Errors(r);
  EXPECT_EQ(r.config->tokenizer.models[0].chat_framing, "none");
}

TEST(TokenizerFileConfig, ReportsBadFilesAndCombinationsWithPaths) {
  tokenizer::testing::TinySpec unigram;
  unigram.model_type = "Unigram";
  const std::string bad = WriteFixture("cfg_unigram_tokenizer.json", tokenizer::testing::TinyTokenizerJson(unigram));
  const std::string good = WriteFixture("cfg_plain_tokenizer.json", tokenizer::testing::TinyTokenizerJson({}));
  LoadResult r = Load("tokenizer:\n  models:\n"
                      "    a-: { tokenizer_file: \"" + bad + "\" }\n"
                      "    b-: { tokenizer_file: /nonexistent/tokenizer.json }\n"
                      "    c-: { tokenizer_file: \"" + good + "\", encoding: cl100k_base }\n"
                      "    d-: { tokenizer_file: \"" + good + "\", chat_framing: llama3 }\n"
                      "    e-: { tokenizer_file: \"" + good + "\", chat_framing: vicuna }\n"
                      "    f-: { chat_framing: chatml }\n");
  ASSERT_FALSE(r.ok());
  const std::string all = Errors(r);
  EXPECT_NE(all.find("tokenizer.models.a-.tokenizer_file"), std::string::npos) << all;
  EXPECT_NE(all.find("model type \"Unigram\""), std::string::npos) << all;
  EXPECT_NE(all.find("tokenizer.models.b-.tokenizer_file"), std::string::npos) << all;
  EXPECT_NE(all.find("file not found"), std::string::npos) << all;
  EXPECT_NE(all.find("tokenizer.models.c-.encoding"), std::string::npos) << all;
  EXPECT_NE(all.find("tokenizer.models.d-.chat_framing"), std::string::npos) << all;
  EXPECT_NE(all.find("<|begin_of_text|>"), std::string::npos) << all;
  EXPECT_NE(all.find("tokenizer.models.e-.chat_framing"), std::string::npos) << all;
  EXPECT_NE(all.find("tokenizer.models.f-.chat_framing"), std::string::npos) << all;
  EXPECT_NE(all.find("test.yaml:"), std::string::npos) << all;  // with its line
}

}  // namespace
}  // namespace sluice::config
