// Bedrock Runtime (reference §5): Converse validation with AWS's wording, the Converse body, the
// ConverseStream frame sequence (decoded and CRC-checked: metadata after messageStop, tool-use starts,
// reasoning deltas, "p" padding), exception frames, error types, and the Titan / Cohere embedding bodies.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "mock_llm/bedrock_reader.h"
#include "mock_llm/bedrock_writer.h"
#include "mock_llm/eventstream.h"

namespace sluice::mock_llm {
namespace json = boost::json;
namespace {

std::string ConverseError(std::string_view body) {
  Decoded<ChatCall> d = DecodeConverse(body, "m", false);
  EXPECT_FALSE(d.value) << body;
  EXPECT_EQ(d.error.code, "ValidationException");
  return d.error.message;
}

TEST(BedrockReader, ReadsTheDocumentedRequest) {
  EXPECT_EQ(DecodeBedrockModelId("anthropic.claude-3-5-sonnet-20240620-v1%3A0"), "anthropic.claude-3-5-sonnet-20240620-v1:0");
  Decoded<ChatCall> d = DecodeConverse(
      R"({"messages":[{"role":"user","content":[{"text":"What is in this image?"},{"image":{"format":"png","source":{"bytes":"AA=="}}}]},
                      {"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":"get_weather","input":{"city":"Paris"}}}]},
                      {"role":"user","content":[{"toolResult":{"toolUseId":"t1","content":[{"text":"21C"}],"status":"success"}}]}],
          "system":[{"text":"You are terse."},{"cachePoint":{"type":"default"}}],
          "inferenceConfig":{"maxTokens":1024,"temperature":0.5,"stopSequences":["END"]},
          "toolConfig":{"tools":[{"toolSpec":{"name":"get_weather","inputSchema":{"json":{"type":"object"}}}}],"toolChoice":{"auto":{}}},
          "additionalModelRequestFields":{"thinking":{"type":"enabled","budget_tokens":2048}}})",
      "anthropic.claude", true);
  ASSERT_TRUE(d.value) << d.error.message;
  EXPECT_EQ(d.value->last_user_text, "What is in this image?");
  EXPECT_EQ(d.value->tool_names, std::vector<std::string>{"get_weather"});
  EXPECT_EQ(d.value->max_tokens, 1024u);
  EXPECT_EQ(d.value->stop_sequences, std::vector<std::string>{"END"});
  EXPECT_TRUE(d.value->thinking_requested);
  EXPECT_TRUE(d.value->stream);
}

TEST(BedrockReader, RefusesWhatAwsRefuses) {
  EXPECT_EQ(ConverseError("{}"),
            "A conversation must start with a user message. Try again with a conversation that starts with a user message.");
  EXPECT_EQ(ConverseError(R"({"messages":[{"role":"assistant","content":[{"text":"x"}]}]})"),
            "A conversation must start with a user message. Try again with a conversation that starts with a user message.");
  EXPECT_EQ(ConverseError(R"({"messages":[{"role":"system","content":[{"text":"x"}]}]})"),
            "1 validation error detected: Value 'system' at 'messages.1.member.role' failed to satisfy constraint: "
            "Member must satisfy enum value set: [user, assistant]");
  EXPECT_EQ(ConverseError(R"({"messages":[{"role":"user","content":[{"text":"a"}]},{"role":"user","content":[{"text":"b"}]}]})"),
            "A conversation must alternate between user and assistant roles. Make sure the conversation alternates "
            "between user and assistant roles and try again.");
  EXPECT_EQ(ConverseError(R"({"messages":[{"role":"user","content":[]}]})"),
            "The content field in the Message object at messages.0 is empty. Add a ContentBlock object to the content "
            "field and try again.");
  EXPECT_EQ(ConverseError(R"({"messages":[{"role":"user","content":[{"text":"a"}]},
                              {"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":"f","input":{}}}]},
                              {"role":"user","content":[{"toolResult":{"toolUseId":"t1","content":[{"text":"r"}]}}]}]})"),
            "The toolConfig field must be defined when using toolUse and toolResult content blocks.");
  constexpr std::string_view kTools = R"("toolConfig":{"tools":[{"toolSpec":{"name":"f","inputSchema":{"json":{}}}}]})";
  EXPECT_EQ(ConverseError(std::string(R"({"messages":[{"role":"user","content":[{"text":"a"}]},
                              {"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":"f","input":{}}}]},
                              {"role":"user","content":[{"text":"no result"}]}],)") + std::string(kTools) + "}"),
            "Expected toolResult blocks at messages.2.content for the following Ids: t1");
  EXPECT_EQ(ConverseError(std::string(R"({"messages":[{"role":"user","content":[{"toolResult":{"toolUseId":"t9","content":[]}}]}],)") +
                          std::string(kTools) + "}"),
            "The number of toolResult blocks at messages.0.content exceeds the number of toolUse blocks of previous turn.");
  EXPECT_EQ(ConverseError(R"({"messages":[{"role":"user","content":[{"text":"a"}]}],"inferenceConfig":{"maxTokens":0}})"),
            "1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1");
  EXPECT_NE(ConverseError(R"({"messages":[{"role":"user","content":[{"type":"text","text":"a"}]}]})").find("exactly one"),
            std::string::npos);
}

TEST(BedrockReader, EmbeddingBodies) {
  EXPECT_EQ(BedrockEmbedFamily("amazon.titan-embed-text-v2:0"), EmbedFamily::kTitanV2);
  EXPECT_EQ(BedrockEmbedFamily("cohere.embed-english-v3"), EmbedFamily::kCohere);
  EXPECT_EQ(BedrockEmbedFamily("anthropic.claude-v2"), std::nullopt);
  auto titan = DecodeBedrockEmbed(R"({"inputText":"hello","dimensions":256})", "amazon.titan-embed-text-v2:0", EmbedFamily::kTitanV2);
  ASSERT_TRUE(titan.value);
  EXPECT_EQ(titan.value->dimensions, 256u);
  EXPECT_EQ(DecodeBedrockEmbed("{}", "t", EmbedFamily::kTitanV2).error.message,
            "Malformed input request: #: required key [inputText] not found, please reformat your input and try again.");
  EXPECT_EQ(DecodeBedrockEmbed(R"({"inputText":"x","dimensions":100})", "t", EmbedFamily::kTitanV2).error.message,
            "Malformed input request: #/dimensions: 100 is not a valid enum value, please reformat your input and try again.");
  EXPECT_EQ(DecodeBedrockEmbed(R"({"inputText":"x","model":"m"})", "t", EmbedFamily::kTitanV2).error.message,
            "Malformed input request: #: extraneous key [model] is not permitted, please reformat your input and try again.");
  EXPECT_EQ(DecodeBedrockEmbed(R"({"texts":["a"]})", "c", EmbedFamily::kCohere).error.message,
            "Malformed input request: #: required key [input_type] not found, please reformat your input and try again.");
}

ChatCall Call() {
  ChatCall c;
  c.model = "anthropic.claude";
  c.last_user_text = "Hello there";
  c.prompt_tokens_estimate = 9;
  return c;
}

TEST(BedrockWriter, ConverseBody) {
  Behaviour b;
  b.cached_tokens = 4;
  EXPECT_EQ(RenderConverseResponse(Call(), BuildScript(Call(), b), 12),
            R"({"output":{"message":{"role":"assistant","content":[{"text":"Hello there"}]}},"stopReason":"end_turn",)"
            R"("usage":{"inputTokens":5,"outputTokens":2,"totalTokens":11,"cacheReadInputTokens":4,"cacheWriteInputTokens":0},)"
            R"("metrics":{"latencyMs":12}})");
  Behaviour tools;
  tools.tool_calls = 1;
  json::value v = json::parse(RenderConverseResponse(Call(), BuildScript(Call(), tools), 0));
  EXPECT_EQ(v.at("stopReason"), "tool_use");
  EXPECT_EQ(json::serialize(v.at("output").at("message").at("content").at(0)),
            R"({"toolUse":{"toolUseId":"tooluse_mock_0","name":"mock_tool_0","input":{"index":0,"text":"Hello there"}}})");
  Behaviour blocked;
  blocked.safety = Safety::kPrompt;
  json::value g = json::parse(RenderConverseResponse(Call(), BuildScript(Call(), blocked), 0));
  EXPECT_EQ(g.at("stopReason"), "guardrail_intervened");
  EXPECT_EQ(g.at("output").at("message").at("content").at(0).at("text").as_string(), kGuardrailBlockedText);
  Behaviour filtered;
  filtered.safety = Safety::kResponse;
  EXPECT_EQ(BedrockStopReason(BuildScript(Call(), filtered)), "content_filtered");
  std::string sized = RenderSizedConverseResponse(Call(), BuildScript(Call(), Behaviour{}), 0, 1000);
  EXPECT_EQ(sized.size(), 1000u);
}

struct Frame {
  std::string type;  // :event-type or :exception-type
  json::value payload;
};

std::vector<Frame> Frames(const StreamRenderer& s) {
  std::vector<Frame> out;
  for (size_t i = 0; i < s.EventCount(); ++i) {
    std::string bytes = s.Render(i).bytes;
    size_t used = 0;
    auto m = DecodeEventStreamMessage(bytes, used);
    EXPECT_TRUE(m && used == bytes.size());
    if (!m) continue;
    EXPECT_EQ(*m->Header(":message-type"), "event");
    EXPECT_EQ(*m->Header(":content-type"), "application/json");
    out.push_back({*m->Header(":event-type"), json::parse(m->payload)});
  }
  return out;
}

TEST(BedrockWriter, StreamTextWithReasoning) {
  Behaviour b;
  b.thinking_chunks = 2;
  auto stream = MakeConverseStream(Call(), BuildScript(Call(), b), 7);
  EXPECT_EQ(stream->EventsBeforeFirstToken(), 1u);
  std::vector<Frame> f = Frames(*stream);
  std::vector<std::string> types;
  for (auto& x : f) types.push_back(x.type);
  EXPECT_EQ(types, (std::vector<std::string>{"messageStart", "contentBlockDelta", "contentBlockDelta", "contentBlockDelta",
                                              "contentBlockStop", "contentBlockDelta", "contentBlockDelta",
                                              "contentBlockStop", "messageStop", "metadata"}));
  EXPECT_EQ(f[0].payload.at("role"), "assistant");
  EXPECT_TRUE(f[0].payload.as_object().contains("p"));  // AWS's padding
  EXPECT_EQ(json::serialize(f[1].payload.at("delta")), R"({"reasoningContent":{"text":"thought0"}})");
  EXPECT_TRUE(f[3].payload.at("delta").at("reasoningContent").as_object().contains("signature"));
  EXPECT_EQ(f[5].payload.at("contentBlockIndex"), 1);
  EXPECT_EQ(json::serialize(f[5].payload.at("delta")), R"({"text":"Hello"})");
  EXPECT_EQ(f[8].payload.at("stopReason"), "end_turn");
  EXPECT_EQ(json::serialize(f[9].payload),
            R"({"usage":{"inputTokens":9,"outputTokens":4,"totalTokens":13,"cacheReadInputTokens":0,)"
            R"("cacheWriteInputTokens":0},"metrics":{"latencyMs":7}})");
}

TEST(BedrockWriter, StreamToolUse) {
  Behaviour b;
  b.tool_calls = 2;
  ChatCall call = Call();
  call.tool_names = {"get_weather"};
  Script script = BuildScript(call, b);
  std::vector<Frame> f = Frames(*MakeConverseStream(call, script, 0));
  ASSERT_EQ(f[1].type, "contentBlockStart");
  EXPECT_EQ(json::serialize(f[1].payload.at("start")), R"({"toolUse":{"toolUseId":"tooluse_mock_0","name":"get_weather"}})");
  std::string input;
  size_t i = 2;
  for (; f[i].type == "contentBlockDelta"; ++i) input += f[i].payload.at("delta").at("toolUse").at("input").as_string();
  EXPECT_EQ(input, script.tool_calls[0].arguments);
  EXPECT_EQ(f[i].type, "contentBlockStop");
  EXPECT_EQ(f[i + 1].payload.at("contentBlockIndex"), 1);
  EXPECT_EQ(f[f.size() - 2].payload.at("stopReason"), "tool_use");
}

TEST(BedrockWriter, ExceptionFramesAndErrors) {
  auto stream = MakeConverseStream(Call(), BuildScript(Call(), Behaviour{}), 0);
  for (auto [status, type] : std::vector<std::pair<uint16_t, std::string>>{
           {0, "modelStreamErrorException"}, {429, "throttlingException"}, {503, "serviceUnavailableException"},
           {500, "internalServerException"}, {400, "validationException"}}) {
    std::string bytes = stream->RenderError("boom", status);
    size_t used = 0;
    auto m = DecodeEventStreamMessage(bytes, used);
    ASSERT_TRUE(m);
    EXPECT_EQ(*m->Header(":message-type"), "exception");
    EXPECT_EQ(*m->Header(":exception-type"), type);
    EXPECT_EQ(json::parse(m->payload).at("message"), "boom");
  }
  EXPECT_EQ(BedrockErrorType(429), "ThrottlingException");
  EXPECT_EQ(BedrockErrorType(424), "ModelErrorException");
  EXPECT_EQ(BedrockErrorType(408), "ModelTimeoutException");
  EXPECT_EQ(BedrockErrorType(503), "ServiceUnavailableException");
  EXPECT_EQ(BedrockErrorTypeHeader("ValidationException"),
            "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/");
  EXPECT_EQ(RenderBedrockError("m"), R"({"message":"m"})");
  EXPECT_EQ(RenderBedrockCountTokens(5), R"({"inputTokens":5})");
}

TEST(BedrockWriter, EmbeddingBodies) {
  BedrockEmbedCall titan;
  titan.model = "amazon.titan-embed-text-v2:0";
  titan.texts = {"hello"};
  titan.dimensions = 4;
  titan.input_tokens = 2;
  json::value t = json::parse(RenderBedrockEmbedding(titan, 1));
  EXPECT_EQ(t.at("embedding").as_array().size(), 4u);
  EXPECT_EQ(t.at("embeddingsByType").at("float"), t.at("embedding"));
  EXPECT_EQ(t.at("inputTextTokenCount"), 2);
  titan.family = EmbedFamily::kTitanV1;
  EXPECT_FALSE(json::parse(RenderBedrockEmbedding(titan, 1)).as_object().contains("embeddingsByType"));

  BedrockEmbedCall cohere;
  cohere.family = EmbedFamily::kCohere;
  cohere.model = "cohere.embed-english-v3";
  cohere.texts = {"a", "b"};
  cohere.dimensions = 3;
  json::value c = json::parse(RenderBedrockEmbedding(cohere, 9));
  EXPECT_EQ(c.at("response_type"), "embeddings_floats");
  EXPECT_EQ(c.at("embeddings").as_array().size(), 2u);
  EXPECT_EQ(json::serialize(c.at("texts")), R"(["a","b"])");
  cohere.types = {"float", "int8"};
  json::value typed = json::parse(RenderBedrockEmbedding(cohere, 9));
  EXPECT_EQ(typed.at("response_type"), "embeddings_by_type");
  EXPECT_TRUE(typed.at("embeddings").at("int8").at(0).at(0).is_int64());
}

}  // namespace
}  // namespace sluice::mock_llm
