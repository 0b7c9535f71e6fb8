// The OpenAI-compatible presets applied by the IR adapter (clients of other dialects → compatible
// servers): request quirks per server, and answers in each server's documented shape (reference §6, §7).
#include "provider/openai_presets.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "provider/openai.h"
#include "stream_fixture.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;
using testing::DecodeSse;

Target To(std::string_view model, std::string_view key = {}, std::string_view prefix = {}) {
  Target t;
  t.model = model;
  t.api_key = key;
  t.path_prefix = prefix;
  return t;
}

std::string Describe(const std::vector<ir::StreamEvent>& events) {
  std::string s;
  for (const ir::StreamEvent& e : events) {
    switch (e.kind) {
      case ir::EventKind::kMessageStart:
        s += "start(" + e.id + ")";
        break;
      case ir::EventKind::kBlockStart:
        s += "open" + std::to_string(e.index) + "(" + std::to_string(static_cast<int>(e.block)) +
             (e.id.empty() ? "" : "," + e.id) + ")";
        break;
      case ir::EventKind::kBlockDelta:
        s += "d" + std::to_string(e.index) + "[" + std::to_string(static_cast<int>(e.delta)) + "]" + e.text;
        break;
      case ir::EventKind::kBlockStop:
        s += "close" + std::to_string(e.index);
        break;
      case ir::EventKind::kMessageDelta:
        s += "finish(" + std::string(ir::FinishReasonName(e.finish)) + ",in=" + std::to_string(e.usage.input) +
             ",out=" + std::to_string(e.usage.output) + ",cr=" + std::to_string(e.usage.cache_read) +
             ",rs=" + std::to_string(e.usage.reasoning) + ")";
        break;
      case ir::EventKind::kMessageStop:
        s += "stop";
        break;
      case ir::EventKind::kError:
        s += "error(" + std::to_string(e.status) + "," + e.text + ")";
        break;
    }
    s += ' ';
  }
  return s;
}

OpenAiAdapter AdapterFor(std::string_view type, std::string_view base_url = {}, std::string_view api_version = {},
                         std::string_view auth = {}) {
  OpenAiAdapterOptions o = AdapterOptionsFor(OpenAiPresetFor(type));
  o.endpoint = MakeOpenAiEndpointConfig(type, base_url, api_version, auth).value();
  return OpenAiAdapter(o);
}

TEST(OpenAiPresets, EveryPresetTypeHasItsRow) {
  for (std::string_view name : {"openai", "azure", "openai_compatible", "vllm", "sglang", "tgi", "ollama", "deepseek",
                                "mistral", "groq", "together", "fireworks", "openrouter", "xai", "dashscope",
                                "moonshot", "zhipu", "azure_openai"})
    EXPECT_EQ(OpenAiPresetFor(name).type_name, name);
  EXPECT_EQ(OpenAiPresetFor("no-such-server").type_name, "");  // the generic compatible row
  EXPECT_EQ(OpenAiPresetFor("no-such-server").max_tokens_field, "max_tokens");
  for (const OpenAiPreset& p : OpenAiPresets()) {
    EXPECT_FALSE(p.type_name.empty());
    if (!p.default_base_url.empty()) {
      EXPECT_TRUE(p.default_base_url.starts_with("http")) << p.type_name;
    }
  }
  EXPECT_EQ(OpenAiPresetFor("groq").usage_locations & kXGroqUsage, kXGroqUsage);
  EXPECT_EQ(OpenAiPresetFor("tgi").errors, ErrorShape::kTgi);
}

TEST(OpenAiPresets, SpliceOptionsFollowTheRow) {
  dialect::OpenAiUpstreamOptions m = SpliceOptionsFor(OpenAiPresetFor("mistral"));
  EXPECT_FALSE(m.stream_usage);
  EXPECT_EQ(m.max_tokens_field, "max_tokens");
  EXPECT_EQ(m.seed_field, "random_seed");
  EXPECT_EQ(m.tool_call_ids, dialect::ToolCallIdRule::kNineAlnum);
  dialect::OpenAiUpstreamOptions openai = SpliceOptionsFor(OpenAiPresetFor("openai"));
  EXPECT_TRUE(openai.stream_usage);
  EXPECT_EQ(openai.max_tokens_field, "max_completion_tokens");  // equal to the client's name: no rename
  // A generic compatible server keeps the member names its client chose.
  EXPECT_TRUE(SpliceOptionsFor(OpenAiPresetFor("openai_compatible")).max_tokens_field.empty());
  EXPECT_EQ(SpliceOptionsFor(OpenAiPresetFor("deepseek")).max_tokens_field, "max_tokens");
}

ir::ChatRequest ToolConversation() {
  ir::ChatRequest req;
  req.source = ir::Dialect::kAnthropicMessages;
  req.messages.push_back({ir::Role::kUser, {ir::ContentPart::Text("Weather in Paris?")}, ""});
  req.messages.push_back(
      {ir::Role::kAssistant, {ir::ContentPart::ToolCall("toolu_01A09q90qw90lq917835lq9", "get_weather", R"({"city":"Paris"})")}, ""});
  ir::ContentPart result;
  result.kind = ir::PartKind::kToolResult;
  result.id = "toolu_01A09q90qw90lq917835lq9";
  result.parts.push_back(ir::ContentPart::Text("18C"));
  req.messages.push_back({ir::Role::kUser, {result}, ""});
  req.max_tokens = 512;
  req.seed = 7;
  req.stream = true;
  return req;
}

TEST(OpenAiPresetsAdapter, MistralRequestRemapsIdsAndRenamesFields) {
  OpenAiAdapter mistral = AdapterFor("mistral", "https://api.mistral.ai/v1");
  ir::ChatRequest req = ToolConversation();
  auto up = mistral.BuildRequest(req, To("mistral-large-latest", "mk"));
  ASSERT_TRUE(up.ok()) << up.error().message;
  EXPECT_EQ(up->path, "/chat/completions");
  auto body = json::parse(up->body);
  const std::string id = dialect::UpstreamToolCallId("toolu_01A09q90qw90lq917835lq9", dialect::ToolCallIdRule::kNineAlnum);
  EXPECT_EQ(id.size(), 9u);
  const auto& msgs = body.at("messages").as_array();
  EXPECT_EQ(msgs[1].at("tool_calls").at(0).at("id").as_string(), id);
  EXPECT_EQ(msgs[2].at("tool_call_id").as_string(), id);
  EXPECT_EQ(body.at("max_tokens").as_int64(), 512);
  EXPECT_EQ(body.at("random_seed").as_int64(), 7);
  EXPECT_FALSE(body.as_object().contains("seed"));
  EXPECT_FALSE(body.as_object().contains("max_completion_tokens"));
  EXPECT_FALSE(body.as_object().contains("stream_options"));  // Mistral reports usage unasked

  dialect::ToolCallIdMap ids = mistral.ToolCallIdsFor(req);
  ASSERT_EQ(ids.upstream_to_client.size(), 1u);
  EXPECT_EQ(*ids.ClientIdFor(id), "toolu_01A09q90qw90lq917835lq9");

  // An answer naming a remapped id shows the client its own; Mistral's fresh ids pass unchanged.
  std::string sse = "data: {\"id\":\"m1\",\"object\":\"chat.completion.chunk\",\"model\":\"mistral-large-latest\","
                    "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"" + id +
                    "\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"},\"index\":0},"
                    "{\"id\":\"D681PevKs\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"},\"index\":1}]},"
                    "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":90,\"total_tokens\":110,"
                    "\"completion_tokens\":20}}\n\ndata: [DONE]\n\n";
  std::vector<ir::StreamEvent> events;
  auto decoder = mistral.NewStreamDecoder(ids);
  stream::SseParser parser;
  ASSERT_TRUE(parser.FeedAll(sse, [&](const stream::SseItem& item) {
    if (item.kind == stream::SseKind::kEvent) decoder->Feed(item.event.type, item.event.data, events);
  }));
  decoder->Finish(events);
  EXPECT_EQ(Describe(events),
            "start(m1) open0(1,toolu_01A09q90qw90lq917835lq9) d0[1]{} close0 open1(1,D681PevKs) d1[1]{} close1 "
            "finish(tool_calls,in=90,out=20,cr=0,rs=0) stop ");

  auto whole = mistral.DecodeResponse(
      R"({"id":"m2","object":"chat.completion","model":"mistral-large-latest","choices":[{"index":0,"message":{"role":"assistant","content":"","tool_calls":[{"id":")" +
          id + R"(","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}})",
      ids);
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  EXPECT_EQ(whole->content.at(0).id, "toolu_01A09q90qw90lq917835lq9");
}

TEST(OpenAiPresetsAdapter, DeepSeekReasoningStreamWithUsageOnTheLastContentChunk) {
  // deepseek-reasoner: reasoning_content deltas, then content; usage rides on the finishing chunk; keep-alives.
  std::string sse =
      ": keep-alive\n\n"
      R"(data: {"id":"ds1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","system_fingerprint":"fp","choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":""},"logprobs":null,"finish_reason":null}]})"
      "\n\n"
      R"(data: {"id":"ds1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"Think"},"logprobs":null,"finish_reason":null}]})"
      "\n\n: keep-alive\n\n"
      R"(data: {"id":"ds1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":"Hi","reasoning_content":null},"logprobs":null,"finish_reason":null}]})"
      "\n\n"
      R"(data: {"id":"ds1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":"","reasoning_content":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":20,"completion_tokens":11,"total_tokens":31,"prompt_tokens_details":{"cached_tokens":16},"prompt_cache_hit_tokens":16,"prompt_cache_miss_tokens":4,"completion_tokens_details":{"reasoning_tokens":9}}})"
      "\n\ndata: [DONE]\n\n";
  OpenAiAdapter deepseek = AdapterFor("deepseek", "https://api.deepseek.com");
  for (size_t chunk : {size_t{1} << 20, size_t{7}}) {
    auto d = DecodeSse(deepseek, sse, chunk);
    EXPECT_TRUE(d.ok);
    EXPECT_EQ(Describe(d.events),
              "start(ds1) open0(2) d0[2]Think close0 open1(0) d1[0]Hi close1 finish(stop,in=20,out=11,cr=16,rs=9) stop ");
  }
}

TEST(OpenAiPresetsAdapter, DeepSeekRequestUsesMaxTokens) {
  ir::ChatRequest req = ToolConversation();
  auto up = AdapterFor("deepseek", "https://api.deepseek.com").BuildRequest(req, To("deepseek-chat", "k"));
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up->path, "/v1/chat/completions");
  auto body = json::parse(up->body);
  EXPECT_EQ(body.at("max_tokens").as_int64(), 512);
  EXPECT_EQ(body.at("seed").as_int64(), 7);
  EXPECT_EQ(body.at("stream_options").at("include_usage").as_bool(), true);
  // Ids go out as the client sent them to servers without an id rule.
  EXPECT_EQ(body.at("messages").at(1).at("tool_calls").at(0).at("id").as_string(), "toolu_01A09q90qw90lq917835lq9");
}

TEST(OpenAiPresetsAdapter, GroqUsageFromXGroq) {
  std::string sse =
      R"(data: {"id":"chatcmpl-g","object":"chat.completion.chunk","created":1,"model":"llama-3.3-70b-versatile","system_fingerprint":"fp","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"x_groq":{"id":"req_01"}})"
      "\n\n"
      R"(data: {"id":"chatcmpl-g","object":"chat.completion.chunk","created":1,"model":"llama-3.3-70b-versatile","choices":[{"index":0,"delta":{"content":"Yo"},"logprobs":null,"finish_reason":null}]})"
      "\n\n"
      R"(data: {"id":"chatcmpl-g","object":"chat.completion.chunk","created":1,"model":"llama-3.3-70b-versatile","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"x_groq":{"id":"req_01","usage":{"queue_time":0.05,"prompt_tokens":14,"prompt_time":0.002,"completion_tokens":3,"completion_time":0.01,"total_tokens":17,"total_time":0.012}}})"
      "\n\ndata: [DONE]\n\n";
  auto d = DecodeSse(AdapterFor("groq", "https://api.groq.com/openai/v1"), sse);
  EXPECT_TRUE(d.ok);
  EXPECT_EQ(Describe(d.events), "start(chatcmpl-g) open0(0) d0[0]Yo close0 finish(stop,in=14,out=3,cr=0,rs=0) stop ");
}

TEST(OpenAiPresetsAdapter, ErrorsInsideStreamsInEachServersShape) {
  OpenAiAdapter adapter = AdapterFor("openai_compatible", "http://h/v1");
  std::string first =
      R"(data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]})"
      "\n\n";
  // TGI: a string error with error_type, after text was sent.
  auto tgi = DecodeSse(adapter, first + "data: {\"error\":\"Request failed during generation: Server error: CUDA OOM\","
                                        "\"error_type\":\"generation\"}\n\n");
  EXPECT_TRUE(tgi.ok);
  EXPECT_EQ(Describe(tgi.events), "start(c) open0(0) d0[0]a error(502,Request failed during generation: Server error: CUDA OOM) ");
  auto tgi_validation = DecodeSse(adapter, "data: {\"error\":\"Input validation error: too long\",\"error_type\":\"validation\"}\n\n");
  EXPECT_EQ(Describe(tgi_validation.events), "error(400,Input validation error: too long) ");
  // vLLM < 0.10.1: flat.
  auto vllm = DecodeSse(adapter, R"(data: {"object":"error","message":"context too long","type":"BadRequestError","param":null,"code":400})" "\n\n");
  EXPECT_EQ(Describe(vllm.events), "error(400,context too long) ");
  // OpenRouter: an error chunk with finish_reason "error", HTTP still 200.
  auto openrouter = DecodeSse(
      adapter, first + R"(data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","error":{"code":"server_error","message":"Provider disconnected"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]})" "\n\n");
  EXPECT_EQ(Describe(openrouter.events), "start(c) open0(0) d0[0]a error(500,Provider disconnected) ");
}

TEST(OpenAiPresetsAdapter, FailureFinishReasonsAreErrorsAndModelLengthIsLength) {
  OpenAiAdapter adapter;
  auto chunk = [](std::string_view reason) {
    return std::string(R"(data: {"id":"c","choices":[{"index":0,"delta":{"content":"par"},"finish_reason":")") +
           std::string(reason) + "\"}]}\n\ndata: [DONE]\n\n";
  };
  EXPECT_EQ(Describe(DecodeSse(adapter, chunk("insufficient_system_resource")).events),
            "start(c) open0(0) d0[0]par close0 error(503,The upstream stopped generating (finish_reason "
            "'insufficient_system_resource').) ");
  EXPECT_EQ(Describe(DecodeSse(adapter, chunk("error")).events),
            "start(c) open0(0) d0[0]par close0 error(502,The upstream stopped generating (finish_reason 'error').) ");
  EXPECT_EQ(Describe(DecodeSse(adapter, chunk("model_length")).events),
            "start(c) open0(0) d0[0]par close0 finish(length,in=0,out=0,cr=0,rs=0) stop ");
  auto whole = adapter.DecodeResponse(
      R"({"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"par"},"finish_reason":"insufficient_system_resource"}]})");
  ASSERT_FALSE(whole.ok());
  EXPECT_EQ(whole.error().Status(), 503);
}

TEST(OpenAiPresetsAdapter, AzurePromptFilterChunkAndContentFilterFinish) {
  std::string sse =
      R"(data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"}}}]})"
      "\n\n"
      R"(data: {"choices":[{"content_filter_results":{},"delta":{"content":"","refusal":null,"role":"assistant"},"finish_reason":null,"index":0,"logprobs":null}],"created":1,"id":"chatcmpl-az","model":"gpt-4o-2024-11-20","object":"chat.completion.chunk","system_fingerprint":"fp"})"
      "\n\n"
      R"(data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}},"delta":{"content":"Once"},"finish_reason":null,"index":0,"logprobs":null}],"created":1,"id":"chatcmpl-az","model":"gpt-4o-2024-11-20","object":"chat.completion.chunk"})"
      "\n\n"
      R"(data: {"choices":[{"content_filter_results":{"violence":{"filtered":true,"severity":"high"}},"delta":{},"finish_reason":"content_filter","index":0,"logprobs":null}],"created":1,"id":"chatcmpl-az","model":"gpt-4o-2024-11-20","object":"chat.completion.chunk"})"
      "\n\n"
      R"(data: {"choices":[],"created":1,"id":"chatcmpl-az","model":"gpt-4o-2024-11-20","object":"chat.completion.chunk","usage":{"completion_tokens":1,"prompt_tokens":9,"total_tokens":10}})"
      "\n\ndata: [DONE]\n\n";
  OpenAiAdapter azure = AdapterFor("azure", "https://res.openai.azure.com");
  auto d = DecodeSse(azure, sse);
  EXPECT_TRUE(d.ok);
  EXPECT_EQ(Describe(d.events),
            "start(chatcmpl-az) open0(0) d0[0]Once close0 finish(content_filter,in=9,out=1,cr=0,rs=0) stop ");

  core::Error e = azure.DecodeError(
      400,
      R"({"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"sexual":{"filtered":true,"severity":"medium"}}}}})");
  EXPECT_EQ(e.Status(), 400);
  EXPECT_EQ(e.param, "prompt");
  EXPECT_NE(e.message.find("sexual (medium)"), std::string::npos) << e.message;
}

TEST(OpenAiPresetsAdapter, AzurePathsAndHeaders) {
  ir::ChatRequest req = ToolConversation();
  auto classic = AdapterFor("azure", "https://res.openai.azure.com").BuildRequest(req, To("gpt-4o prod", "azkey"));
  ASSERT_TRUE(classic.ok());
  EXPECT_EQ(classic->path, "/openai/deployments/gpt-4o%20prod/chat/completions?api-version=2024-10-21");
  EXPECT_EQ(classic->headers, (std::vector<Header>{{"content-type", "application/json"},
                                                   {"api-key", "azkey"},
                                                   {"accept", "text/event-stream"}}));
  EXPECT_EQ(json::parse(classic->body).at("max_completion_tokens").as_int64(), 512);

  auto v1 = AdapterFor("azure", "https://res.openai.azure.com/openai/v1", {}, "entra").BuildRequest(req, To("dep", "tok"));
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->path, "/chat/completions");
  EXPECT_EQ(v1->headers.at(1), (Header{"authorization", "Bearer tok"}));
  EXPECT_EQ(json::parse(v1->body).at("model").as_string(), "dep");  // the model in the body names the deployment
  EXPECT_EQ(AdapterFor("azure", "https://r").Name(), "azure");
}

TEST(OpenAiPresetsAdapter, BaseUrlEndingInV1IsNotDoubled) {
  ir::ChatRequest req = ToolConversation();
  // The endpoint knows the base path…
  auto up = AdapterFor("vllm", "http://gpu:8000/v1").BuildRequest(req, To("llama"));
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up->path, "/chat/completions");
  EXPECT_EQ(up->headers, (std::vector<Header>{{"content-type", "application/json"}, {"accept", "text/event-stream"}}));
  // …or only the target's path prefix does (default options): the form follows it, the prefix stays in front.
  auto via_target = OpenAiAdapter().BuildRequest(req, To("llama", "", "/v1"));
  ASSERT_TRUE(via_target.ok());
  EXPECT_EQ(via_target->path, "/v1/chat/completions");
}

}  // namespace
}  // namespace sluice::provider
