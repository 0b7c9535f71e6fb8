// OpenAI request decoding and the 400s OpenAI gives.
#include "mock_llm/openai_reader.h"

#include <gtest/gtest.h>

namespace sluice::mock_llm {
namespace {

TEST(OpenAiReader, DecodesChatRequest) {
  auto d = DecodeChatRequest(R"({"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},
    "messages":[{"role":"system","content":"Be brief."},
                {"role":"user","content":"first"},
                {"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function",
                   "function":{"name":"f","arguments":"{\"a\":1}"}}]},
                {"role":"user","content":[{"type":"text","text":"Hello"},{"type":"image_url","image_url":{"url":"x"}},
                                          {"type":"text","text":"world"}]}],
    "tools":[{"type":"function","function":{"name":"get_weather"}},{"type":"custom","custom":{"name":"grep"}}]})");
  ASSERT_TRUE(d.value) << d.error.message;
  EXPECT_EQ(d.value->model, "gpt-4o");
  EXPECT_TRUE(d.value->stream);
  EXPECT_TRUE(d.value->include_usage);
  EXPECT_EQ(d.value->last_user_text, "Hello\nworld");
  EXPECT_EQ(d.value->tool_names, (std::vector<std::string>{"get_weather", "grep"}));
  // 3 + (3+ceil(9/4)) + (3+ceil(5/4)) + (3+ceil(7/4)) + (3+ceil(10/4)) = 3 + 6 + 5 + 5 + 6
  EXPECT_EQ(d.value->prompt_tokens_estimate, 25u);
}

struct BadCase {
  const char* body;
  const char* message_prefix;
  const char* param;
  const char* code;
};

TEST(OpenAiReader, RejectsLikeOpenAi) {
  const BadCase cases[] = {
      {"{not json", "We could not parse the JSON body", "", ""},
      {"[1,2]", "We could not parse the JSON body", "", ""},
      {R"({"messages":[{"role":"user","content":"x"}]})", "you must provide a model parameter", "", ""},
      {R"({"model":5,"messages":[]})", "Invalid type for 'model'", "model", "invalid_type"},
      {R"({"model":"m"})", "Missing required parameter: 'messages'.", "messages", "missing_required_parameter"},
      {R"({"model":"m","messages":[]})", "Invalid 'messages': empty array.", "messages", "empty_array"},
      {R"({"model":"m","messages":"hi"})", "Invalid type for 'messages'", "messages", "invalid_type"},
      {R"({"model":"m","messages":[{"content":"x"}]})", "Missing required parameter: 'messages[0].role'.",
       "messages[0].role", "missing_required_parameter"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":"yes"})", "Invalid type for 'stream'",
       "stream", "invalid_type"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true}})",
       "The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options",
       "invalid_value"},
  };
  for (const auto& c : cases) {
    auto d = DecodeChatRequest(c.body);
    ASSERT_FALSE(d.value) << c.body;
    EXPECT_EQ(d.error.message.rfind(c.message_prefix, 0), 0u) << d.error.message;
    EXPECT_EQ(d.error.param, c.param) << c.body;
    EXPECT_EQ(d.error.code, c.code) << c.body;
  }
}

TEST(OpenAiReader, DecodesEmbeddingsInputs) {
  auto a = DecodeEmbeddingsRequest(R"({"model":"e","input":"hello world"})");
  ASSERT_TRUE(a.value);
  EXPECT_EQ(a.value->texts, (std::vector<std::string>{"hello world"}));
  EXPECT_EQ(a.value->input_tokens, (std::vector<uint64_t>{3}));
  EXPECT_FALSE(a.value->base64);

  auto b = DecodeEmbeddingsRequest(R"({"model":"e","input":[[1,2,3],[4]],"encoding_format":"base64","dimensions":8})");
  ASSERT_TRUE(b.value);
  EXPECT_EQ(b.value->texts, (std::vector<std::string>{"1,2,3", "4"}));
  EXPECT_EQ(b.value->input_tokens, (std::vector<uint64_t>{3, 1}));
  EXPECT_TRUE(b.value->base64);
  EXPECT_EQ(b.value->dimensions, 8u);

  auto c = DecodeEmbeddingsRequest(R"({"model":"e","input":[1,2]})");
  ASSERT_TRUE(c.value);
  EXPECT_EQ(c.value->texts.size(), 1u);
}

TEST(OpenAiReader, RejectsBadEmbeddings) {
  for (const char* body : {R"({"model":"e"})", R"({"model":"e","input":""})", R"({"model":"e","input":[]})",
                           R"({"model":"e","input":["a",""]})", R"({"model":"e","input":"a","encoding_format":"hex"})",
                           R"({"model":"e","input":"a","dimensions":0})", R"({"input":"a"})"}) {
    EXPECT_FALSE(DecodeEmbeddingsRequest(body).value) << body;
  }
}

}  // namespace
}  // namespace sluice::mock_llm
