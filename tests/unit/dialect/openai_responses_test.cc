// Fixture tests of the OpenAI Responses client dialect: request decoding (reference §2, item shapes
// from the openai SDK's ResponseInputItem/Tool types) and `response` object encoding. The stream
// encoder is tested in openai_responses_stream_test.cc.
#include "dialect/openai_responses.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::dialect {
namespace {

namespace json = boost::json;

ir::ChatRequest Decode(std::string_view body) {
  auto r = DecodeOpenAiResponsesRequest(body);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : ir::ChatRequest{};
}

core::Error DecodeError(std::string_view body) {
  auto r = DecodeOpenAiResponsesRequest(body);
  EXPECT_FALSE(r.ok());
  return r.ok() ? core::Error{} : r.error();
}

TEST(DecodeOpenAiResponses, StringInputAndInstructions) {
  ir::ChatRequest req = Decode(
      R"({"model":"gpt-4.1","instructions":"Be brief.","input":"Hi there","max_output_tokens":64,
          "temperature":0.2,"top_p":0.5,"stream":true,"user":"u1","store":false,
          "metadata":{"k":"v"}})");
  EXPECT_EQ(req.model, "gpt-4.1");
  EXPECT_EQ(req.source, ir::Dialect::kOpenAiResponses);
  ASSERT_EQ(req.system.size(), 1u);
  EXPECT_EQ(req.system[0].text, "Be brief.");
  ASSERT_EQ(req.messages.size(), 1u);
  EXPECT_EQ(req.messages[0].role, ir::Role::kUser);
  EXPECT_EQ(req.messages[0].parts, std::vector{ir::ContentPart::Text("Hi there")});
  EXPECT_EQ(req.max_tokens, 64u);
  EXPECT_EQ(req.temperature, 0.2);
  EXPECT_EQ(req.top_p, 0.5);
  EXPECT_TRUE(req.stream);
  EXPECT_TRUE(req.include_usage);  // response.completed always carries usage
  EXPECT_EQ(req.user, "u1");
  ASSERT_EQ(req.extra.size(), 2u);
  EXPECT_EQ(req.extra[0], (ir::RawField{"store", "false"}));
  EXPECT_EQ(req.extra[1], (ir::RawField{"metadata", R"({"k":"v"})"}));
}

TEST(DecodeOpenAiResponses, ItemArrayWithFunctionCallsAndOutputs) {
  ir::ChatRequest req = Decode(R"({"model":"m","input":[
    {"role":"developer","content":"Use tools."},
    {"role":"user","content":[{"type":"input_text","text":"Weather in Paris and Rome?"}]},
    {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Need two calls."}],
     "encrypted_content":"sig=="},
    {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Checking.","annotations":[]}]},
    {"type":"function_call","id":"fc_1","call_id":"call_A","name":"weather","arguments":"{\"city\":\"Paris\"}"},
    {"type":"function_call","id":"fc_2","call_id":"call_B","name":"weather","arguments":"{\"city\":\"Rome\"}"},
    {"type":"function_call_output","call_id":"call_A","output":"18C"},
    {"type":"function_call_output","call_id":"call_B","output":[{"type":"input_text","text":"21C"}]},
    {"role":"system","content":"Answer in French."},
    {"role":"assistant","content":"Il fait beau."},
    {"type":"reasoning","id":"rs_2","summary":[],"encrypted_content":"sluice-redacted:OPAQUE"},
    {"type":"reasoning","id":"rs_3","summary":[]}
  ],"tools":[{"type":"function","name":"weather","description":"Weather now",
     "parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true}],
    "tool_choice":{"type":"function","name":"weather"},"parallel_tool_calls":true})");
  ASSERT_EQ(req.system.size(), 1u);
  EXPECT_EQ(req.system[0].text, "Use tools.");
  ASSERT_EQ(req.messages.size(), 5u);
  EXPECT_EQ(req.messages[0].role, ir::Role::kUser);

  // reasoning + message + two function_call items: one assistant turn, in order.
  const ir::Message& turn = req.messages[1];
  EXPECT_EQ(turn.role, ir::Role::kAssistant);
  ASSERT_EQ(turn.parts.size(), 4u);
  EXPECT_EQ(turn.parts[0], ir::ContentPart::Reasoning("Need two calls.", "sig=="));
  EXPECT_EQ(turn.parts[1], ir::ContentPart::Text("Checking."));
  EXPECT_EQ(turn.parts[2], ir::ContentPart::ToolCall("call_A", "weather", R"({"city":"Paris"})"));
  EXPECT_EQ(turn.parts[3], ir::ContentPart::ToolCall("call_B", "weather", R"({"city":"Rome"})"));

  // Both outputs in one tool message.
  const ir::Message& results = req.messages[2];
  EXPECT_EQ(results.role, ir::Role::kTool);
  ASSERT_EQ(results.parts.size(), 2u);
  EXPECT_EQ(results.parts[0].kind, ir::PartKind::kToolResult);
  EXPECT_EQ(results.parts[0].id, "call_A");
  EXPECT_EQ(results.parts[0].parts, std::vector{ir::ContentPart::Text("18C")});
  EXPECT_EQ(results.parts[1].id, "call_B");
  EXPECT_EQ(results.parts[1].parts, std::vector{ir::ContentPart::Text("21C")});

  EXPECT_EQ(req.messages[3].role, ir::Role::kSystem);  // later instructions keep their place
  EXPECT_EQ(req.messages[3].parts, std::vector{ir::ContentPart::Text("Answer in French.")});
  const ir::Message& last = req.messages[4];
  EXPECT_EQ(last.role, ir::Role::kAssistant);
  ASSERT_EQ(last.parts.size(), 2u);  // the empty reasoning item carries nothing and is dropped
  EXPECT_EQ(last.parts[0], ir::ContentPart::Text("Il fait beau."));
  EXPECT_EQ(last.parts[1].kind, ir::PartKind::kRedactedReasoning);
  EXPECT_EQ(last.parts[1].data, "OPAQUE");

  ASSERT_EQ(req.tools.size(), 1u);
  EXPECT_EQ(req.tools[0].name, "weather");
  EXPECT_EQ(req.tools[0].description, "Weather now");
  EXPECT_EQ(req.tools[0].parameters,
            R"({"type":"object","properties":{"city":{"type":"string"}}})");
  EXPECT_EQ(req.tools[0].strict, true);
  EXPECT_EQ(req.tool_choice.kind, ir::ToolChoiceKind::kSpecific);
  EXPECT_EQ(req.tool_choice.name, "weather");
  EXPECT_EQ(req.parallel_tool_calls, true);
}

TEST(DecodeOpenAiResponses, ImagesFilesAndReasoningText) {
  ir::ChatRequest req = Decode(R"({"model":"m","input":[{"role":"user","content":[
    {"type":"input_text","text":"What is this?"},
    {"type":"input_image","image_url":"data:image/png;base64,iVBORw0K","detail":"low"},
    {"type":"input_image","image_url":"https://example.com/a.jpg","detail":"auto"},
    {"type":"input_file","filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0x"}]},
    {"type":"reasoning","id":"rs","summary":[{"type":"summary_text","text":"short"}],
     "content":[{"type":"reasoning_text","text":"raw a"},{"type":"reasoning_text","text":"raw b"}]},
    {"role":"user","content":"next"}]})");
  ASSERT_EQ(req.messages.size(), 3u);
  const auto& parts = req.messages[0].parts;
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[1].kind, ir::PartKind::kImage);
  EXPECT_EQ(parts[1].media_type, "image/png");
  EXPECT_EQ(parts[1].data, "iVBORw0K");
  EXPECT_EQ(parts[1].detail, "low");
  EXPECT_EQ(parts[2].url, "https://example.com/a.jpg");
  EXPECT_EQ(parts[3].kind, ir::PartKind::kFile);
  EXPECT_EQ(parts[3].media_type, "application/pdf");
  EXPECT_EQ(parts[3].data, "JVBERi0x");
  EXPECT_EQ(parts[3].name, "a.pdf");
  // Raw reasoning text wins over the summary: it is what the model produced.
  EXPECT_EQ(req.messages[1].parts, std::vector{ir::ContentPart::Reasoning("raw a\n\nraw b", "")});
}

TEST(DecodeOpenAiResponses, JsonSchemaAndReasoningEffort) {
  ir::ChatRequest req = Decode(R"({"model":"o4-mini","input":"x",
    "text":{"format":{"type":"json_schema","name":"answer","description":"An answer",
      "schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]},"strict":true},
      "verbosity":"low"},
    "reasoning":{"effort":"high","summary":"auto"}})");
  EXPECT_EQ(req.response_format.kind, ir::ResponseFormatKind::kJsonSchema);
  EXPECT_EQ(req.response_format.name, "answer");
  EXPECT_EQ(req.response_format.description, "An answer");
  EXPECT_EQ(req.response_format.schema,
            R"({"type":"object","properties":{"a":{"type":"string"}},"required":["a"]})");
  EXPECT_EQ(req.response_format.strict, true);
  EXPECT_EQ(req.reasoning_effort, "high");
  EXPECT_TRUE(req.extra.empty());

  EXPECT_EQ(Decode(R"({"model":"m","input":"x","text":{"format":{"type":"json_object"}}})")
                .response_format.kind,
            ir::ResponseFormatKind::kJsonObject);
  EXPECT_EQ(Decode(R"({"model":"m","input":"x","tool_choice":"required"})").tool_choice.kind,
            ir::ToolChoiceKind::kRequired);
  EXPECT_EQ(Decode(R"({"model":"m","input":"x","safety_identifier":"s","user":"u"})").user, "s");
}

TEST(DecodeOpenAiResponses, RefusesStatefulAndBuiltInFeatures) {
  struct Case {
    const char* body;
    const char* param;
    const char* says;
  };
  const Case cases[] = {
      {R"({"model":"m","input":"x","previous_response_id":"resp_1"})", "previous_response_id",
       "not supported on this route"},
      {R"({"model":"m","input":"x","conversation":"conv_1"})", "conversation", "server-stored"},
      {R"({"model":"m","input":"x","prompt":{"id":"pmpt_1"}})", "prompt", "server-stored"},
      {R"({"model":"m","input":"x","background":true})", "background", "not supported"},
      {R"({"model":"m","input":"x","tools":[{"type":"web_search"}]})", "tools[0].type",
       "Tools of type 'web_search' are not supported on this route"},
      {R"({"model":"m","input":"x","tools":[{"type":"file_search","vector_store_ids":["v"]}]})",
       "tools[0].type", "'file_search'"},
      {R"({"model":"m","input":"x","tools":[{"type":"code_interpreter","container":{}}]})",
       "tools[0].type", "'code_interpreter'"},
      {R"({"model":"m","input":"x","tool_choice":{"type":"web_search_preview"}})",
       "tool_choice.type", "not supported on this route"},
      {R"({"model":"m","input":[{"role":"user","content":[{"type":"input_image","file_id":"file-1"}]}]})",
       "input[0].content[0].file_id", "not supported on this route"},
      {R"({"model":"m","input":[{"role":"user","content":[{"type":"input_file","file_id":"file-1"}]}]})",
       "input[0].content[0].file_id", "not supported on this route"},
      {R"({"model":"m","input":[{"type":"item_reference","id":"msg_1"}]})", "input[0]",
       "Item references"},
      {R"({"model":"m","input":[{"type":"web_search_call","id":"ws_1"}]})", "input[0].type",
       "'web_search_call'"},
      {R"({"model":"m","input":[{"role":"user","content":[{"type":"input_image"}]}]})",
       "input[0].content[0].image_url", "Missing required parameter"},
      {R"({"model":"m","input":[{"role":"assistant","content":[{"type":"input_image","image_url":"x"}]}]})",
       "input[0].content[0].type", "'output_text' and 'refusal'"},
      {R"({"model":"m","input":[{"type":"function_call","name":"f","arguments":"{}"}]})",
       "input[0].call_id", "Missing required parameter"},
      {R"({"model":"m","input":[{"type":"function_call_output","call_id":"c"}]})",
       "input[0].output", "Missing required parameter"},
      {R"({"model":"m","input":[{"role":"robot","content":"x"}]})", "input[0].role",
       "Supported values"},
      {R"({"model":"m","input":"x","text":{"format":{"type":"json_schema","schema":{}}}})",
       "text.format.name", "Missing required parameter"},
      {R"({"model":"m","input":"x","reasoning":{"effort":"extreme"}})", "reasoning.effort",
       "Supported values"},
      {R"({"model":"m","input":"x","tools":[{"type":"function","function":{"name":"f"}}]})",
       "tools[0].name", "Missing required parameter"},  // chat's nested shape is not accepted
      {R"({"model":"m","input":"x","temperature":3})", "temperature", "between 0 and 2"},
      {R"({"model":"m","input":[]})", "input", "empty"},
      {R"({"model":"m"})", "input", "Missing required parameter: 'input'"},
      {R"({"input":"x"})", "model", "Missing required parameter: 'model'"},
      {R"({"model":"m","input":"x",)", "", "could not parse the JSON body"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    core::Error e = DecodeError(c.body);
    EXPECT_EQ(e.code, core::ErrorCode::kInvalidRequest);
    EXPECT_EQ(e.Status(), 400);
    EXPECT_EQ(e.param, c.param);
    EXPECT_NE(e.message.find(c.says), std::string::npos) << e.message;
  }
}

// ---- response encoding ----

json::object Parse(const std::string& s) {
  boost::system::error_code ec;
  json::value v = json::parse(s, ec);
  EXPECT_FALSE(ec) << s;
  return v.is_object() ? v.get_object() : json::object{};
}

OpenAiResponsesEncodeOptions Options(const ir::ChatRequest& req) {
  OpenAiResponsesEncodeOptions o;
  o.created_at = 1741476542;
  o.echo = EncodeOpenAiResponsesEcho(req);
  return o;
}

TEST(EncodeOpenAiResponses, TextResponseWithUsageAndEcho) {
  ir::ChatRequest req = Decode(R"({"model":"gpt-4.1","instructions":"Be brief.","input":"Hi",
    "temperature":0.7,"max_output_tokens":100,"metadata":{"team":"a"},
    "tools":[{"type":"function","name":"f","parameters":{"type":"object"},"strict":false}],
    "text":{"format":{"type":"json_object"}},"reasoning":{"effort":"low"}})");
  ir::ChatResponse r;
  r.id = "chatcmpl-abc";
  r.model = "gpt-4.1-2025-04-14";
  r.content = {ir::ContentPart::Text("Hello \"world\"")};
  r.finish = ir::FinishReason::kStop;
  r.usage = {.input = 30, .output = 12, .cache_read = 10, .reasoning = 4, .present = true};
  std::string body = EncodeOpenAiResponsesResponse(r, Options(req));
  json::object expected = Parse(R"({
    "id":"resp_abc","object":"response","created_at":1741476542,"status":"completed",
    "background":false,"error":null,"incomplete_details":null,"model":"gpt-4.1-2025-04-14",
    "output":[{"id":"msg_abc_0","type":"message","status":"completed","content":[
      {"type":"output_text","annotations":[],"logprobs":[],"text":"Hello \"world\""}],"role":"assistant"}],
    "usage":{"input_tokens":30,"input_tokens_details":{"cached_tokens":10},"output_tokens":12,
             "output_tokens_details":{"reasoning_tokens":4},"total_tokens":42},
    "instructions":"Be brief.","max_output_tokens":100,"parallel_tool_calls":true,
    "previous_response_id":null,"reasoning":{"effort":"low","summary":null},"store":false,
    "temperature":0.7,"text":{"format":{"type":"json_object"}},"tool_choice":"auto",
    "tools":[{"type":"function","name":"f","description":null,"parameters":{"type":"object"},"strict":false}],
    "top_p":null,"truncation":"disabled","metadata":{"team":"a"}})");
  EXPECT_EQ(Parse(body), expected) << body;
  EXPECT_EQ(body.find("output_text\":"), std::string::npos);  // SDK-side convenience only
}

TEST(EncodeOpenAiResponses, ToolCallsAndReasoningItems) {
  ir::ChatResponse r;
  r.id = "msg_01XYZ";
  r.model = "claude-sonnet-4-5";
  ir::ContentPart redacted;
  redacted.kind = ir::PartKind::kRedactedReasoning;
  redacted.data = "ENC";
  r.content = {ir::ContentPart::Reasoning("Let me think.", "SIG"), redacted,
               ir::ContentPart::Text("Calling."),
               ir::ContentPart::ToolCall("toolu_1", "weather", R"({"city":"Paris"})"),
               ir::ContentPart::ToolCall("toolu_2", "clock", "")};
  r.finish = ir::FinishReason::kToolCalls;
  json::object body = Parse(EncodeOpenAiResponsesResponse(r, {}));
  EXPECT_EQ(body["id"], "resp_01XYZ");
  EXPECT_EQ(body["status"], "completed");
  EXPECT_TRUE(body["usage"].is_null());
  EXPECT_EQ(body["tools"], json::array{});  // default echo
  EXPECT_EQ(body["output"], json::parse(R"([
    {"id":"rs_01XYZ_0","type":"reasoning","summary":[{"type":"summary_text","text":"Let me think."}],
     "encrypted_content":"SIG"},
    {"id":"rs_01XYZ_1","type":"reasoning","summary":[],"encrypted_content":"sluice-redacted:ENC"},
    {"id":"msg_01XYZ_2","type":"message","status":"completed","content":[
      {"type":"output_text","annotations":[],"logprobs":[],"text":"Calling."}],"role":"assistant"},
    {"id":"fc_01XYZ_3","type":"function_call","status":"completed","arguments":"{\"city\":\"Paris\"}",
     "call_id":"toolu_1","name":"weather"},
    {"id":"fc_01XYZ_4","type":"function_call","status":"completed","arguments":"{}",
     "call_id":"toolu_2","name":"clock"}])"));
}

TEST(EncodeOpenAiResponses, ReasoningItemsRoundTripThroughTheDecoder) {
  ir::ChatResponse r;
  r.id = "x";
  ir::ContentPart redacted;
  redacted.kind = ir::PartKind::kRedactedReasoning;
  redacted.data = "ENC";
  r.content = {ir::ContentPart::Reasoning("Think.", "SIG"), redacted,
               ir::ContentPart::ToolCall("call_1", "f", R"({"a":1})")};
  json::object body = Parse(EncodeOpenAiResponsesResponse(r, {}));
  // A stateless client replays the output items as the next request's input.
  json::array input = body["output"].get_array();
  input.push_back(json::parse(R"({"type":"function_call_output","call_id":"call_1","output":"ok"})"));
  json::object next{{"model", "m"}, {"input", input}};
  ir::ChatRequest req = Decode(json::serialize(next));
  ASSERT_EQ(req.messages.size(), 2u);
  EXPECT_EQ(req.messages[0].parts, (std::vector{r.content[0], r.content[1], r.content[2]}));
}

TEST(EncodeOpenAiResponses, IncompleteStatuses) {
  ir::ChatResponse r;
  r.id = "resp_1";
  r.content = {ir::ContentPart::Text("first"), ir::ContentPart::Text("cut sh")};
  r.finish = ir::FinishReason::kLength;
  json::object body = Parse(EncodeOpenAiResponsesResponse(r, {}));
  EXPECT_EQ(body["id"], "resp_1");
  EXPECT_EQ(body["status"], "incomplete");
  EXPECT_EQ(body["incomplete_details"], json::parse(R"({"reason":"max_output_tokens"})"));
  EXPECT_EQ(body["output"].at(0).at("status"), "completed");
  EXPECT_EQ(body["output"].at(1).at("status"), "incomplete");  // the item the limit cut

  r.finish = ir::FinishReason::kContentFilter;
  body = Parse(EncodeOpenAiResponsesResponse(r, {}));
  EXPECT_EQ(body["incomplete_details"], json::parse(R"({"reason":"content_filter"})"));
  r.finish = ir::FinishReason::kContextWindow;
  EXPECT_EQ(Parse(EncodeOpenAiResponsesResponse(r, {}))["status"], "incomplete");
  r.finish = ir::FinishReason::kStopSequence;
  EXPECT_EQ(Parse(EncodeOpenAiResponsesResponse(r, {}))["status"], "completed");
}

TEST(EncodeOpenAiResponses, ResponseIds) {
  EXPECT_EQ(OpenAiResponseId("resp_abc", "g"), "resp_abc");
  EXPECT_EQ(OpenAiResponseId("chatcmpl-9x", "g"), "resp_9x");
  EXPECT_EQ(OpenAiResponseId("msg_01A", "g"), "resp_01A");
  EXPECT_EQ(OpenAiResponseId("gen-1", "g"), "resp_gen-1");
  EXPECT_EQ(OpenAiResponseId("", "req42"), "resp_req42");
  EXPECT_EQ(OpenAiResponseId("", ""), "resp_sluice");
}

}  // namespace
}  // namespace sluice::dialect
