// Chat counting against recorded usage.prompt_tokens from OpenAI's documentation (the cookbook "How to
// count tokens with tiktoken", whose API runs report these numbers), image formulas from the providers'
// docs, the count_tokens answer, the model table and the CLI.
#include "tokenizer/chat_count.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <sstream>

#include "test_support.h"
#include "tokenizer/cli.h"
#include "tokenizer/count_api.h"
#include "tokenizer/image_tokens.h"

namespace sluice::tokenizer {
namespace {

constexpr const char* kCookbookMessages = R"([
 {"role":"system","content":"You are a helpful, pattern-following assistant that translates corporate jargon into plain English."},
 {"role":"system","name":"example_user","content":"New synergies will help drive top-line growth."},
 {"role":"system","name":"example_assistant","content":"Things working well together will increase revenue."},
 {"role":"system","name":"example_user","content":"Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage."},
 {"role":"system","name":"example_assistant","content":"Let's talk later when we're less busy about how to do better."},
 {"role":"user","content":"This late pivot means we don't have time to boil the ocean for the client deliverable."}])";

constexpr const char* kCookbookTools = R"([{"type":"function","function":{"name":"get_current_weather",
 "description":"Get the current weather in a given location","parameters":{"type":"object","properties":{
 "location":{"type":"string","description":"The city and state, e.g. San Francisco, CA"},
 "unit":{"type":"string","description":"The unit of temperature to return","enum":["celsius","fahrenheit"]}},
 "required":["location"]}}}])";

constexpr const char* kCookbookToolMessages = R"([
 {"role":"system","content":"You are a helpful assistant that can answer to questions about the weather."},
 {"role":"user","content":"What's the weather like in San Francisco?"}])";

uint64_t CountChat(const std::string& model, const char* messages, const char* tools = nullptr) {
  testing::Enc(EncodingId::kO200kBase);  // sets SLUICE_VOCAB_DIR for the registry
  std::string body = std::string(R"({"model":")") + model + R"(","messages":)" + messages;
  if (tools) body += std::string(R"(,"tools":)") + tools;
  body += "}";
  auto r = CountOpenAiChatBody(body, ModelTable::Default());
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  EXPECT_TRUE(r->exact);
  return r->tokens;
}

TEST(ChatCountTest, CookbookMessagesMatchApiUsage) {
  EXPECT_EQ(CountChat("gpt-3.5-turbo", kCookbookMessages), 129u);
  EXPECT_EQ(CountChat("gpt-4-0613", kCookbookMessages), 129u);
  EXPECT_EQ(CountChat("gpt-4o", kCookbookMessages), 124u);
  EXPECT_EQ(CountChat("gpt-4o-mini", kCookbookMessages), 124u);
}

TEST(ChatCountTest, CookbookToolsMatchApiUsage) {
  EXPECT_EQ(CountChat("gpt-3.5-turbo", kCookbookToolMessages, kCookbookTools), 105u);
  EXPECT_EQ(CountChat("gpt-4o", kCookbookToolMessages, kCookbookTools), 101u);
  EXPECT_EQ(CountChat("gpt-4o-mini", kCookbookToolMessages, kCookbookTools), 101u);
}

TEST(ChatCountTest, LimitStopsEarlyAndEstimatesAreMarked) {
  testing::Enc(EncodingId::kO200kBase);
  std::string big(200000, 'x');
  for (size_t i = 0; i < big.size(); i += 7) big[i] = ' ';
  const std::string body = R"({"model":"gpt-4o","messages":[{"role":"user","content":")" + big + R"("}]})";
  auto r = CountOpenAiChatBody(body, ModelTable::Default(), 1000);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->limit_exceeded);
  EXPECT_GT(r->tokens, 1000u);
  auto est = CountOpenAiChatBody(R"({"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"hi"}]})",
                                 ModelTable::Default());
  ASSERT_TRUE(est.ok());
  EXPECT_FALSE(est->exact);
  EXPECT_EQ(est->family, "anthropic");
  EXPECT_FALSE(CountOpenAiChatBody(R"({"messages":[]})", ModelTable::Default()).ok());
  EXPECT_FALSE(CountOpenAiChatBody("{", ModelTable::Default()).ok());
}

TEST(ImageTokensTest, OpenAiDocumentedExamples) {
  EXPECT_EQ(OpenAiImageTokens(ImageSize{1024, 1024}, false, false), 765u);   // 4 tiles
  EXPECT_EQ(OpenAiImageTokens(ImageSize{2048, 4096}, false, false), 1105u);  // 6 tiles
  EXPECT_EQ(OpenAiImageTokens(ImageSize{4096, 8192}, true, false), 85u);     // low detail
  EXPECT_EQ(OpenAiImageTokens(ImageSize{1024, 1024}, false, true), 2833u + 4 * 5667u);
  EXPECT_EQ(OpenAiImageTokens(std::nullopt, false, false), 85u + 170u * 8);  // unknown: worst case
}

TEST(ImageTokensTest, AnthropicFormulaAndSniffing) {
  EXPECT_EQ(AnthropicImageTokens(ImageSize{1000, 1000}), 1334u);  // docs: 1000x1000 ~ 1334 tokens
  EXPECT_EQ(AnthropicImageTokens(ImageSize{200, 200}), 54u);      // docs: 200x200 ~ 54 tokens
  // A 1x1 PNG and a 3x2 GIF as data: URIs.
  auto png = SniffDataUriImageSize(
      "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
  ASSERT_TRUE(png);
  EXPECT_EQ(png->width, 1u);
  EXPECT_EQ(png->height, 1u);
  auto gif = SniffImageSize(std::string("GIF89a\x03\x00\x02\x00", 10));
  ASSERT_TRUE(gif);
  EXPECT_EQ(gif->width, 3u);
  EXPECT_EQ(gif->height, 2u);
  EXPECT_FALSE(SniffDataUriImageSize("https://example.com/cat.png"));
}

TEST(CountApiTest, AnthropicCountTokens) {
  testing::Enc(EncodingId::kO200kBase);
  const ModelTable models = ModelTable::Default();
  const char* body = R"({"model":"claude-sonnet-4-5","system":"Be brief.","messages":[{"role":"user","content":"Hello, Claude"}]})";
  auto r = AnswerAnthropicCountTokens(body, models);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, CountTokensReply::Kind::kLocal);
  EXPECT_FALSE(r->count.exact);
  EXPECT_EQ(r->body, "{\"input_tokens\":" + std::to_string(r->count.tokens) + "}");
  EXPECT_GT(r->count.tokens, 5u);
  auto fwd = AnswerAnthropicCountTokens(body, models, CountTokensOptions{.allow_estimate = false});
  ASSERT_TRUE(fwd.ok());
  EXPECT_EQ(fwd->kind, CountTokensReply::Kind::kForward);
  // An OpenAI model behind the Anthropic dialect is exact: 3 + "user" + text, + 3 priming.
  auto exact = AnswerAnthropicCountTokens(R"({"model":"gpt-4o","messages":[{"role":"user","content":"hello world"}]})",
                                          models, CountTokensOptions{.allow_estimate = false});
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->kind, CountTokensReply::Kind::kLocal);
  EXPECT_EQ(exact->body, "{\"input_tokens\":9}");
  auto bad = AnswerAnthropicCountTokens(R"({"model":"claude-x"})", models);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, core::ErrorCode::kInvalidRequest);
}

TEST(ModelTableTest, LookupRules) {
  const ModelTable t = ModelTable::Default();
  EXPECT_EQ(t.Lookup("gpt-4o-2024-08-06").encoding, EncodingId::kO200kBase);
  EXPECT_TRUE(t.Lookup("gpt-4o-mini").mini_images);
  EXPECT_EQ(t.Lookup("gpt-4-turbo").encoding, EncodingId::kCl100kBase);
  EXPECT_EQ(t.Lookup("openai/gpt-5-mini").encoding, EncodingId::kO200kBase);
  EXPECT_EQ(t.Lookup("o3-mini").family, "openai-o200k");
  EXPECT_EQ(t.Lookup("us.anthropic.claude-3-5-sonnet-20241022-v2:0").family, "anthropic");
  EXPECT_EQ(t.Lookup("models/gemini-2.5-flash").family, "gemini");
  EXPECT_FALSE(t.Lookup("some-local-model").exact);
  ModelTable o = t;
  ModelTokenizer mine;
  mine.exact = true;
  mine.encoding = EncodingId::kCl100kBase;
  mine.family = "custom";
  o.Set({"some-local", mine});
  EXPECT_EQ(o.Lookup("some-local-model").family, "custom");
}

TEST(CliTest, CountsIdsAndJson) {
  testing::Enc(EncodingId::kO200kBase);
  auto run = [](std::vector<std::string> args, const std::string& input, std::string* out) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    std::istringstream in(input);
    std::ostringstream o, e;
    const int rc = RunTokensCli(static_cast<int>(argv.size()), argv.data(), in, o, e);
    *out = o.str();
    return rc;
  };
  std::string out;
  EXPECT_EQ(run({"tokens", "--model", "gpt-4o"}, "hello world", &out), 0);
  EXPECT_EQ(out, "2\n");
  EXPECT_EQ(run({"tokens", "--model", "gpt-4", "--ids"}, "hello world", &out), 0);
  EXPECT_EQ(out, "15339 1917\n");
  EXPECT_EQ(run({"tokens", "--json", "--ids"}, "hello world", &out), 0);
  EXPECT_EQ(out, R"({"model":"gpt-4o","encoding":"o200k_base","tokens":2,"exact":true,"ids":[24912,2375]})" "\n");
  EXPECT_EQ(run({"tokens", "--model", "claude-sonnet-4-5"}, "hello world", &out), 0);
  EXPECT_NE(out.find("(estimate)"), std::string::npos);
  EXPECT_EQ(run({"tokens", "--bogus"}, "", &out), 2);
}

}  // namespace
}  // namespace sluice::tokenizer
