// Gemini (reference §4): request validation with Google's INVALID_ARGUMENT wording, and the exact
// response, stream, error, countTokens and embedding shapes.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "mock_llm/gemini_reader.h"
#include "mock_llm/gemini_writer.h"

namespace sluice::mock_llm {
namespace json = boost::json;
namespace {

std::string DecodeError(std::string_view body) {
  Decoded<ChatCall> d = DecodeGeminiGenerate(body, "gemini-2.5-flash", false);
  EXPECT_FALSE(d.value) << body;
  return d.error.message;
}

TEST(GeminiReader, ReadsTheDocumentedRequest) {
  Decoded<ChatCall> d = DecodeGeminiGenerate(
      R"({"systemInstruction":{"parts":[{"text":"You are terse."}]},
          "contents":[{"role":"user","parts":[{"text":"Weather in Paris?"},{"inlineData":{"mimeType":"image/png","data":"AAAA"}}]},
                      {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}]},
                      {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"output":{"temp_c":21}}}}]}],
          "tools":[{"functionDeclarations":[{"name":"get_weather","parameters":{"type":"OBJECT"}}]}],
          "toolConfig":{"functionCallingConfig":{"mode":"AUTO"}},
          "generation_config":{"maxOutputTokens":1024,"stopSequences":["END"],
                               "thinkingConfig":{"thinkingBudget":1024,"includeThoughts":true}},
          "safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_ONLY_HIGH"}]})",
      "gemini-2.5-flash", true);
  ASSERT_TRUE(d.value) << d.error.message;
  const ChatCall& c = *d.value;
  EXPECT_EQ(c.model, "gemini-2.5-flash");
  EXPECT_TRUE(c.stream);
  EXPECT_EQ(c.last_user_text, "Weather in Paris?");
  EXPECT_EQ(c.tool_names, std::vector<std::string>{"get_weather"});
  EXPECT_EQ(c.max_tokens, 1024u);
  EXPECT_EQ(c.stop_sequences, std::vector<std::string>{"END"});
  EXPECT_TRUE(c.thinking_requested);
  EXPECT_TRUE(c.thoughts_visible);
  // 3 + system (3+⌈14/4⌉) + user (3+⌈17/4⌉) + model (3+⌈(11+16)/4⌉) + user (3+⌈24/4⌉)
  EXPECT_EQ(c.prompt_tokens_estimate, 3u + 7 + 8 + 10 + 9);
}

TEST(GeminiReader, RefusesWhatGoogleRefuses) {
  EXPECT_EQ(DecodeError("{"), "Invalid JSON payload received. Unexpected token.");
  EXPECT_EQ(DecodeError("{}"), "* GenerateContentRequest.contents: contents is not specified\n");
  EXPECT_EQ(DecodeError(R"({"contents":[{"role":"assistant","parts":[{"text":"x"}]}]})"),
            "Please use a valid role: user, model.");
  EXPECT_EQ(DecodeError(R"({"contents":[{"role":"user","parts":[]}]})"),
            "* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n");
  EXPECT_EQ(DecodeError(R"({"contents":[{"parts":[{"type":"text","text":"x"}]}]})"),
            "Invalid JSON payload received. Unknown name \"type\" at 'contents[0].parts[0]': Cannot find field.");
  EXPECT_EQ(DecodeError(R"({"contents":[{"parts":[{"text":"x"}]}],"messages":[]})"),
            "Invalid JSON payload received. Unknown name \"messages\": Cannot find field.");
  EXPECT_EQ(DecodeError(R"({"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"max_tokens":5}})"),
            "Invalid JSON payload received. Unknown name \"max_tokens\" at 'generation_config': Cannot find field.");
  EXPECT_EQ(DecodeError(R"({"contents":[{"parts":[{"thought":true}]}]})"),
            "* GenerateContentRequest.contents[0].parts[0].data: required oneof field 'data' must have one "
            "initialized field\n");
  EXPECT_EQ(DecodeError(R"({"contents":[{"parts":[{"text":"x"}]},
                           {"role":"user","parts":[{"functionResponse":{"name":"f","response":{"output":1}}}]}]})"),
            "Please ensure that function response turn comes immediately after a function call turn.");
  EXPECT_EQ(DecodeError(R"({"contents":[{"parts":[{"text":"x"}]},
                           {"role":"model","parts":[{"functionCall":{"name":"f","args":{}}},{"functionCall":{"name":"g"}}]},
                           {"role":"user","parts":[{"functionResponse":{"name":"f","response":{}}}]}]})"),
            "Please ensure that the number of function response parts is equal to the number of function call "
            "parts of the function call turn.");
  EXPECT_EQ(DecodeError(R"({"contents":[{"role":"model","parts":[{"functionCall":{"name":"f"}}]}]})"),
            "Please ensure that function call turn comes immediately after a user turn or after a function "
            "response turn.");
  EXPECT_EQ(DecodeError(R"({"contents":[{"parts":[{"text":"x"}]},{"role":"model","parts":[{"functionCall":{"name":"f"}}]},
                           {"role":"user","parts":[{"functionResponse":{"name":"f","response":"ok"}}]}]})"),
            "Invalid value at 'contents[2].parts[0].function_response.response' "
            "(type.googleapis.com/google.protobuf.Struct), \"ok\"");
  EXPECT_EQ(DecodeError(R"({"contents":[{"parts":[{"text":"x"}]}],"systemInstruction":"be terse"})"),
            "Invalid value at 'system_instruction' (type.googleapis.com/google.ai.generativelanguage.v1beta.Content), "
            "\"be terse\"");
}

TEST(GeminiReader, CountTokensAndEmbeddings) {
  auto a = DecodeGeminiCountTokens(R"({"contents":[{"parts":[{"text":"hello world"}]}]})", "m");
  auto b = DecodeGeminiCountTokens(R"({"generateContentRequest":{"contents":[{"parts":[{"text":"hello world"}]}]}})", "m");
  ASSERT_TRUE(a.value && b.value);
  EXPECT_EQ(a.value->prompt_tokens_estimate, 9u);
  EXPECT_EQ(b.value->prompt_tokens_estimate, 9u);
  EXPECT_FALSE(DecodeGeminiCountTokens(R"({"contents":[{"parts":[{"text":"x"}]}],"tools":[]})", "m").value);

  auto e = DecodeGeminiEmbed(R"({"content":{"parts":[{"text":"a"},{"text":"b"}]},"taskType":"RETRIEVAL_QUERY","outputDimensionality":8})",
                             "gemini-embedding-001", false);
  ASSERT_TRUE(e.value) << e.error.message;
  EXPECT_EQ(e.value->texts, std::vector<std::string>{"a\nb"});
  EXPECT_EQ(e.value->dimensions, std::vector<uint32_t>{8});
  auto batch = DecodeGeminiEmbed(R"({"requests":[{"model":"models/text-embedding-004","content":{"parts":[{"text":"a"}]}},
                                                 {"model":"models/text-embedding-004","content":{"parts":[{"text":"b"}]}}]})",
                                 "text-embedding-004", true);
  ASSERT_TRUE(batch.value) << batch.error.message;
  EXPECT_EQ(batch.value->dimensions, (std::vector<uint32_t>{768, 768}));
  EXPECT_FALSE(DecodeGeminiEmbed(R"({"requests":[{"model":"models/other","content":{"parts":[{"text":"a"}]}}]})",
                                 "text-embedding-004", true).value);
  EXPECT_FALSE(DecodeGeminiEmbed(R"({"content":{"parts":[{"text":"a"}]},"outputDimensionality":769})",
                                 "text-embedding-004", false).value);
}

ChatCall Call(bool visible_thoughts = false) {
  ChatCall c;
  c.model = "gemini-2.5-flash";
  c.last_user_text = "Hello there world";
  c.prompt_tokens_estimate = 9;
  c.thinking_requested = visible_thoughts;
  c.thoughts_visible = visible_thoughts;
  return c;
}

TEST(GeminiWriter, ResponseShape) {
  Script s = BuildScript(Call(), Behaviour{});
  EXPECT_EQ(RenderGeminiResponse(Call(), s, "r1"),
            R"({"candidates":[{"content":{"parts":[{"text":"Hello there world"}],"role":"model"},"finishReason":"STOP",)"
            R"("index":0}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":3,"totalTokenCount":12,)"
            R"("promptTokensDetails":[{"modality":"TEXT","tokenCount":9}]},"modelVersion":"gemini-2.5-flash","responseId":"r1"})");
}

TEST(GeminiWriter, ThoughtsToolCallsAndUsage) {
  Behaviour b;
  b.thinking_chunks = 2;
  b.tool_calls = 2;
  ChatCall call = Call(true);
  call.tool_names = {"get_weather"};
  Script s = BuildScript(call, b);
  json::value v = json::parse(RenderGeminiResponse(call, s, "r"));
  const json::array& parts = v.at("candidates").at(0).at("content").at("parts").as_array();
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(json::serialize(parts[0]), R"({"text":"thought0 thought1","thought":true})");
  EXPECT_EQ(parts[1].at("functionCall").at("name"), "get_weather");
  EXPECT_EQ(json::serialize(parts[1].at("functionCall").at("args")), R"({"index":0,"text":"Hello there world"})");
  EXPECT_EQ(parts[1].at("thoughtSignature"), json::value(s.thinking_signature));
  EXPECT_FALSE(parts[2].as_object().contains("thoughtSignature"));
  EXPECT_EQ(v.at("candidates").at(0).at("finishReason"), "STOP");  // no tool-call finish reason in Gemini
  const json::value& u = v.at("usageMetadata");
  EXPECT_EQ(u.at("thoughtsTokenCount"), 2);
  // total = prompt + candidates (without thoughts) + thoughts
  EXPECT_EQ(u.at("totalTokenCount").as_int64(),
            u.at("promptTokenCount").as_int64() + u.at("candidatesTokenCount").as_int64() + 2);
  // Thoughts are counted but not shown without includeThoughts.
  ChatCall hidden = Call(false);
  json::value h = json::parse(RenderGeminiResponse(hidden, BuildScript(hidden, b), "r"));
  EXPECT_EQ(h.at("candidates").at(0).at("content").at("parts").as_array().size(), 2u);
  EXPECT_EQ(h.at("usageMetadata").at("thoughtsTokenCount"), 2);
}

TEST(GeminiWriter, StreamEventsCarryOnlyNewPartsAndFinishLast) {
  Behaviour b;
  b.thinking_chunks = 1;
  ChatCall call = Call(true);
  auto stream = MakeGeminiStream(call, BuildScript(call, b), "r");
  ASSERT_EQ(stream->EventCount(), 4u);  // thought, Hello, there, world
  std::vector<json::value> events;
  for (size_t i = 0; i < stream->EventCount(); ++i) {
    StreamEvent e = stream->Render(i);
    ASSERT_EQ(e.bytes.rfind("data: ", 0), 0u);
    ASSERT_TRUE(e.bytes.ends_with("}\r\n\r\n")) << e.bytes;
    EXPECT_EQ(e.bytes.find('\n'), e.bytes.size() - 3);  // one line per event
    EXPECT_EQ(e.tokens, 1u);
    events.push_back(json::parse(e.bytes.substr(6)));
  }
  EXPECT_EQ(json::serialize(events[0].at("candidates").at(0).at("content").at("parts")),
            R"([{"text":"thought0","thought":true}])");
  EXPECT_EQ(events[2].at("candidates").at(0).at("content").at("parts").at(0).at("text"), " there");
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    EXPECT_FALSE(events[i].at("candidates").at(0).as_object().contains("finishReason"));
  }
  EXPECT_EQ(events[3].at("candidates").at(0).at("finishReason"), "STOP");
  EXPECT_EQ(json::serialize(events[3].at("usageMetadata")),
            R"({"promptTokenCount":9,"candidatesTokenCount":3,"totalTokenCount":13,)"
            R"("promptTokensDetails":[{"modality":"TEXT","tokenCount":9}],"thoughtsTokenCount":1})");
  EXPECT_EQ(events[1].at("usageMetadata").at("candidatesTokenCount"), 1);  // running usage
  EXPECT_EQ(stream->RenderError("boom", 429),
            "data: {\"error\":{\"code\":429,\"message\":\"boom\",\"status\":\"RESOURCE_EXHAUSTED\"}}\r\n\r\n");
  EXPECT_EQ(stream->RenderError("boom", 0),
            "data: {\"error\":{\"code\":500,\"message\":\"boom\",\"status\":\"INTERNAL\"}}\r\n\r\n");
}

TEST(GeminiWriter, ArrayStreamWithoutAltSse) {
  auto stream = MakeGeminiArrayStream(Call(), BuildScript(Call(), Behaviour{}), "r");
  std::string all;
  for (size_t i = 0; i < stream->EventCount(); ++i) all += stream->Render(i).bytes;
  json::value v = json::parse(all);
  ASSERT_TRUE(v.is_array());
  EXPECT_EQ(v.as_array().size(), 3u);
  auto fresh = MakeGeminiArrayStream(Call(), BuildScript(Call(), Behaviour{}), "r");
  EXPECT_TRUE(json::parse(fresh->RenderError("x", 503)).is_array());  // an error before any element
}

TEST(GeminiWriter, SafetyBlocks) {
  Behaviour prompt;
  prompt.safety = Safety::kPrompt;
  Script blocked = BuildScript(Call(), prompt);
  json::value v = json::parse(RenderGeminiResponse(Call(), blocked, "r"));
  EXPECT_FALSE(v.as_object().contains("candidates"));
  EXPECT_EQ(v.at("promptFeedback").at("blockReason"), "SAFETY");
  EXPECT_EQ(v.at("usageMetadata").at("totalTokenCount"), 9);
  EXPECT_EQ(MakeGeminiStream(Call(), blocked, "r")->EventCount(), 1u);

  Behaviour response;
  response.safety = Safety::kResponse;
  auto stream = MakeGeminiStream(Call(), BuildScript(Call(), response), "r");
  ASSERT_EQ(stream->EventCount(), 2u);  // the text before the filter, then the SAFETY finish
  json::value last = json::parse(stream->Render(1).bytes.substr(6));
  EXPECT_EQ(last.at("candidates").at(0).at("finishReason"), "SAFETY");
  EXPECT_FALSE(last.at("candidates").at(0).as_object().contains("content"));
  EXPECT_EQ(last.at("candidates").at(0).at("safetyRatings").at(1).at("blocked"), true);
}

TEST(GeminiWriter, ErrorsCountTokensEmbeddings) {
  EXPECT_EQ(RenderGoogleError(400, "bad"), R"({"error":{"code":400,"message":"bad","status":"INVALID_ARGUMENT"}})");
  EXPECT_EQ(GoogleStatusFor(403), "PERMISSION_DENIED");
  EXPECT_EQ(GoogleStatusFor(503), "UNAVAILABLE");
  EXPECT_EQ(GoogleStatusFor(504), "DEADLINE_EXCEEDED");
  EXPECT_EQ(RenderGeminiCountTokens(7), R"({"totalTokens":7,"promptTokensDetails":[{"modality":"TEXT","tokenCount":7}]})");
  GeminiEmbedCall e{"text-embedding-004", {"a", "b"}, {3, 3}};
  json::value one = json::parse(RenderGeminiEmbeddings(e, false));
  EXPECT_EQ(one.at("embedding").at("values").as_array().size(), 3u);
  json::value batch = json::parse(RenderGeminiEmbeddings(e, true));
  EXPECT_EQ(batch.at("embeddings").as_array().size(), 2u);
  EXPECT_EQ(batch.at("embeddings").at(0), one.at("embedding"));  // deterministic per (model, text, dims)
}

}  // namespace
}  // namespace sluice::mock_llm
