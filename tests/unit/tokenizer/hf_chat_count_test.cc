// Chat counts with a tokenizer file: each framing must equal the token count of the prompt its chat
// template renders (built here as a string, then encoded with added tokens split out), and the count
// entry points must route a model with a tokenizer file to it (exact, family hf:...).
#include "tokenizer/hf_chat_count.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "hf_fixture.h"
#include "tokenizer/count_api.h"

namespace sluice::tokenizer {
namespace {

namespace json = boost::json;

std::shared_ptr<const HfTokenizer> Tiny() {
  static const std::shared_ptr<const HfTokenizer> tok = [] {
    testing::TinySpec s;
    s.pre_tokenizer = R"({"type":"Split","pattern":{"Regex":"[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},"behavior":"Isolated","invert":false})";
    s.merges = {{"\n", "\n"}, {"h", "i"}, {"u", "s"}, {"us", "e"}, {"use", "r"}, {" ", "t"}, {"e", "r"}};
    s.added = {"<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<|im_start|>",
               "<|im_end|>", "<｜begin▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>", "<｜end▁of▁sentence｜>"};
    auto t = HfTokenizer::FromJson(testing::TinyTokenizerJson(s), "tiny/tokenizer.json");
    EXPECT_TRUE(t.ok());
    return std::shared_ptr<const HfTokenizer>(std::move(t).value());
  }();
  return tok;
}

ModelTable TableWith(ChatFraming framing) {
  ModelTable table = ModelTable::Default();
  ModelRule rule;
  rule.prefix = "my-llama";
  rule.tokenizer.exact = true;
  rule.tokenizer.hf = Tiny();
  rule.tokenizer.framing = framing;
  rule.tokenizer.family = "hf:tiny/tokenizer.json";
  table.Set(rule);
  return table;
}

struct Msg {
  const char* role;
  const char* content;
};
const Msg kConversation[] = {{"system", "  be terse 12345  "}, {"user", "hi user\n\nthere"},
                             {"assistant", "'s fine!"}, {"user", "2+2? 😀"}};

std::string OpenAiBody() {
  json::array messages;
  for (const Msg& m : kConversation) messages.push_back(json::object{{"role", m.role}, {"content", m.content}});
  return json::serialize(json::object{{"model", "my-llama-3-8b"}, {"messages", std::move(messages)}});
}

uint64_t Count(ChatFraming framing) {
  auto c = CountOpenAiChatBody(OpenAiBody(), TableWith(framing));
  EXPECT_TRUE(c.ok());
  EXPECT_TRUE(c->exact);
  EXPECT_EQ(c->family, "hf:tiny/tokenizer.json");
  return c->tokens;
}

TEST(HfChatCountTest, Llama3FramingMatchesTheRenderedTemplate) {
  std::string prompt = "<|begin_of_text|>";
  for (const Msg& m : kConversation) {
    prompt += std::string("<|start_header_id|>") + m.role + "<|end_header_id|>\n\n" +
              std::string(HfTokenizer::TrimSpace(m.content)) + "<|eot_id|>";
  }
  prompt += "<|start_header_id|>assistant<|end_header_id|>\n\n";
  EXPECT_EQ(Count(ChatFraming::kLlama3), Tiny()->EncodeWithAdded(prompt).size());
}

TEST(HfChatCountTest, ChatMlFramingMatchesTheRenderedTemplate) {
  std::string prompt;
  for (const Msg& m : kConversation) prompt += std::string("<|im_start|>") + m.role + "\n" + m.content + "<|im_end|>\n";
  prompt += "<|im_start|>assistant\n";
  EXPECT_EQ(Count(ChatFraming::kChatMl), Tiny()->EncodeWithAdded(prompt).size());
}

TEST(HfChatCountTest, DeepSeekFramingMatchesTheRenderedTemplate) {
  std::string prompt = std::string("<｜begin▁of▁sentence｜>") + kConversation[0].content;
  prompt += std::string("<｜User｜>") + kConversation[1].content;
  prompt += std::string("<｜Assistant｜>") + kConversation[2].content + "<｜end▁of▁sentence｜>";
  prompt += std::string("<｜User｜>") + kConversation[3].content + "<｜Assistant｜>";
  EXPECT_EQ(Count(ChatFraming::kDeepSeekV3), Tiny()->EncodeWithAdded(prompt).size());
}

TEST(HfChatCountTest, NoneCountsTheTextsOnly) {
  uint64_t sum = 0;
  for (const Msg& m : kConversation) sum += Tiny()->Count(m.content);
  EXPECT_EQ(Count(ChatFraming::kNone), sum);
}

TEST(HfChatCountTest, AnthropicBodiesAndCountTokensAnswerExactly) {
  const std::string body = R"({"model":"my-llama-3-8b","system":"be terse",
    "messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"text","text":"there"}]}]})";
  const ModelTable table = TableWith(ChatFraming::kChatMl);
  CountTokensOptions exact_only;
  exact_only.allow_estimate = false;  // a model with a tokenizer file is exact, so it is answered locally
  auto reply = AnswerAnthropicCountTokens(body, table, exact_only);
  ASSERT_TRUE(reply.ok());
  ASSERT_EQ(reply->kind, CountTokensReply::Kind::kLocal);
  EXPECT_TRUE(reply->count.exact);
  const std::string prompt = "<|im_start|>system\nbe terse<|im_end|>\n<|im_start|>user\nhi\nthere<|im_end|>\n"
                             "<|im_start|>assistant\n";
  EXPECT_EQ(reply->count.tokens, Tiny()->EncodeWithAdded(prompt).size());
  EXPECT_EQ(reply->body, "{\"input_tokens\":" + std::to_string(reply->count.tokens) + "}");
}

TEST(HfChatCountTest, UserTextQuotingAddedTokensIsText) {
  const std::string body = R"({"model":"my-llama","messages":[{"role":"user","content":"<|eot_id|>"}]})";
  auto quoted = CountOpenAiChatBody(body, TableWith(ChatFraming::kNone));
  ASSERT_TRUE(quoted.ok());
  EXPECT_EQ(quoted->tokens, Tiny()->Count("<|eot_id|>"));
  EXPECT_GT(quoted->tokens, 1u);
}

TEST(HfChatCountTest, LimitStopsEarlyAndBadBodiesAreRefused) {
  std::string big = R"({"model":"my-llama","messages":[{"role":"user","content":")" + std::string(50000, 'x') + "\"}]}";
  auto c = CountOpenAiChatBody(big, TableWith(ChatFraming::kChatMl), 100);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->limit_exceeded);
  auto bad = CountOpenAiChatBody(R"({"model":"my-llama","messages":{}})", TableWith(ChatFraming::kChatMl));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, core::ErrorCode::kInvalidRequest);
}

TEST(HfChatCountTest, FramingNeedsItsAddedTokens) {
  testing::TinySpec s;
  s.added = {"<|im_start|>"};
  auto t = HfTokenizer::FromJson(testing::TinyTokenizerJson(s), "x.json");
  ASSERT_TRUE(t.ok());
  std::string missing;
  EXPECT_FALSE(FramingSupported(**t, ChatFraming::kChatMl, &missing));
  EXPECT_EQ(missing, "<|im_end|>");
  EXPECT_TRUE(FramingSupported(**t, ChatFraming::kNone, &missing));
}

}  // namespace
}  // namespace sluice::tokenizer
