// Fixture bytes for the translation-matrix micro-benchmarks (see fixtures.h). Thread rule: the
// function-local statics are initialised once (thread-safe) and never modified.
#include "fixtures.h"

#include <string_view>

#include "stream/aws_eventstream.h"

namespace sluice::bench {
namespace {

// Shared text of the conversation, so the three dialect bodies carry the same content.
constexpr std::string_view kSystem =
    "You are the booking assistant of a travel agency. Answer briefly and in the customer's language, use "
    "metric units and 24-hour times, never invent prices or availability, and call a tool whenever you need "
    "live data (weather, hotel availability). When a tool fails, say so and offer an alternative.";
constexpr std::string_view kUser1 =
    "Hi! I'm flying to Lisbon on Friday for a long weekend with my partner. What will the weather be like, "
    "and is it warm enough for the beach at Cascais?";
constexpr std::string_view kToolArgs = R"({\"city\":\"Lisbon\",\"days\":3,\"unit\":\"celsius\"})";
constexpr std::string_view kToolResult =
    R"({\"forecast\":[{\"day\":\"Fri\",\"max\":24,\"min\":16,\"sky\":\"sunny\"},{\"day\":\"Sat\",\"max\":22,\"min\":15,\"sky\":\"cloudy\"},{\"day\":\"Sun\",\"max\":19,\"min\":14,\"sky\":\"rain after 15:00\"}],\"sea_c\":18})";
constexpr std::string_view kAssistant2 =
    "Friday looks sunny (24 °C), Saturday cloudy (22 °C) and Sunday rainy after 15:00. The sea is about "
    "18 °C: fine for a walk on the beach at Cascais, brisk for swimming. Friday is your best beach day.";
constexpr std::string_view kUser3 =
    "Great, thanks. Can you find us a quiet hotel in Alfama for three nights, under 180 euros a night, with "
    "breakfast included? We arrive around 22:00.";

constexpr std::string_view kWeatherSchema =
    R"({"type":"object","properties":{"city":{"type":"string","description":"City name, e.g. Lisbon"},"days":{"type":"integer","minimum":1,"maximum":10},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"]})";
constexpr std::string_view kHotelSchema =
    R"({"type":"object","properties":{"city":{"type":"string"},"district":{"type":"string"},"nights":{"type":"integer","minimum":1},"max_price_eur":{"type":"number"},"breakfast":{"type":"boolean"},"late_check_in":{"type":"boolean"}},"required":["city","nights"]})";
constexpr std::string_view kWeatherDesc = "Weather forecast for a city, per day, with sea temperature.";
constexpr std::string_view kHotelDesc = "Search available hotels by city and district, price and amenities.";

std::string S(std::string_view v) { return std::string(v); }

std::string BuildOpenAiChat() {
  return R"({"model":"smart","messages":[{"role":"system","content":")" + S(kSystem) +
         R"("},{"role":"user","content":")" + S(kUser1) +
         R"("},{"role":"assistant","content":null,"tool_calls":[{"id":"call_7Qx2mKp9","type":"function","function":{"name":"get_weather","arguments":")" +
         S(kToolArgs) + R"("}}]},{"role":"tool","tool_call_id":"call_7Qx2mKp9","content":")" + S(kToolResult) +
         R"("},{"role":"assistant","content":")" + S(kAssistant2) + R"("},{"role":"user","content":")" +
         S(kUser3) + R"("}],"tools":[{"type":"function","function":{"name":"get_weather","description":")" +
         S(kWeatherDesc) + R"(","parameters":)" + S(kWeatherSchema) +
         R"(}},{"type":"function","function":{"name":"search_hotels","description":")" + S(kHotelDesc) +
         R"(","parameters":)" + S(kHotelSchema) +
         R"(}}],"tool_choice":"auto","temperature":0.4,"max_completion_tokens":1024,"user":"user-1842","stream":true,"stream_options":{"include_usage":true}})";
}

std::string BuildAnthropicMessages() {
  return R"({"model":"smart","max_tokens":1024,"system":")" + S(kSystem) +
         R"(","messages":[{"role":"user","content":")" + S(kUser1) +
         R"("},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_01A7Qx2mKp9","name":"get_weather","input":{"city":"Lisbon","days":3,"unit":"celsius"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A7Qx2mKp9","content":")" +
         S(kToolResult) + R"("}]},{"role":"assistant","content":")" + S(kAssistant2) +
         R"("},{"role":"user","content":")" + S(kUser3) + R"("}],"tools":[{"name":"get_weather","description":")" +
         S(kWeatherDesc) + R"(","input_schema":)" + S(kWeatherSchema) + R"(},{"name":"search_hotels","description":")" +
         S(kHotelDesc) + R"(","input_schema":)" + S(kHotelSchema) +
         R"(}],"tool_choice":{"type":"auto"},"temperature":0.4,"metadata":{"user_id":"user-1842"},"stream":true})";
}

std::string BuildOpenAiResponses() {
  return R"({"model":"smart","instructions":")" + S(kSystem) +
         R"(","input":[{"role":"user","content":")" + S(kUser1) +
         R"("},{"type":"function_call","call_id":"call_7Qx2mKp9","name":"get_weather","arguments":")" +
         S(kToolArgs) + R"("},{"type":"function_call_output","call_id":"call_7Qx2mKp9","output":")" + S(kToolResult) +
         R"("},{"role":"assistant","content":")" + S(kAssistant2) + R"("},{"role":"user","content":")" + S(kUser3) +
         R"("}],"tools":[{"type":"function","name":"get_weather","description":")" + S(kWeatherDesc) +
         R"(","parameters":)" + S(kWeatherSchema) + R"(},{"type":"function","name":"search_hotels","description":")" +
         S(kHotelDesc) + R"(","parameters":)" + S(kHotelSchema) +
         R"(}],"tool_choice":"auto","temperature":0.4,"max_output_tokens":1024,"user":"user-1842","store":false,"stream":true})";
}

// JSON-safe words for the deltas (no escaping needed), cycled.
constexpr std::string_view kWords[] = {"I",     "found", "three", "quiet", "hotels", "in",    "Alfama",
                                       "under", "180",   "euros", "with",  "late",   "check", "-in",
                                       "and",   "free",  "break", "fast",  ":",      "the",   "Memmo"};

void Add(Recording& r, std::string bytes) {
  r.bytes += bytes.size();
  r.reads.push_back(std::move(bytes));
  ++r.events;
}

}  // namespace

std::string DeltaText(int i) {
  std::string_view w = kWords[static_cast<size_t>(i) % std::size(kWords)];
  return i == 0 ? std::string(w) : " " + std::string(w);
}

const std::string& OpenAiChatRequest() {
  static const std::string body = BuildOpenAiChat();
  return body;
}
const std::string& AnthropicMessagesRequest() {
  static const std::string body = BuildAnthropicMessages();
  return body;
}
const std::string& OpenAiResponsesRequest() {
  static const std::string body = BuildOpenAiResponses();
  return body;
}

const Recording& OpenAiStream() {
  static const Recording rec = [] {
    Recording r;
    const std::string head =
        R"(data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_fc9f1d7035","choices":[{"index":0,"delta":)";
    Add(r, head + R"({"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null})" + "\n\n");
    for (int i = 0; i < kStreamDeltas; ++i)
      Add(r, head + R"({"content":")" + DeltaText(i) + R"("},"logprobs":null,"finish_reason":null}],"usage":null})" + "\n\n");
    Add(r, head + R"({},"logprobs":null,"finish_reason":"stop"}],"usage":null})" + "\n\n");
    Add(r,
        R"(data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_fc9f1d7035","choices":[],"usage":{"prompt_tokens":512,"completion_tokens":200,"total_tokens":712,"prompt_tokens_details":{"cached_tokens":384,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}})"
        "\n\n");
    Add(r, "data: [DONE]\n\n");
    return r;
  }();
  return rec;
}

const Recording& AnthropicStream() {
  static const Recording rec = [] {
    Recording r;
    Add(r,
        "event: message_start\n"
        R"(data: {"type":"message_start","message":{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":128,"cache_creation_input_tokens":0,"cache_read_input_tokens":384,"output_tokens":1,"service_tier":"standard"}}})"
        "\n\n");
    Add(r, "event: content_block_start\n"
           R"(data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"
           "\n\n");
    Add(r, "event: ping\n" R"(data: {"type": "ping"})" "\n\n");
    for (int i = 0; i < kStreamDeltas; ++i)
      Add(r, "event: content_block_delta\n"
             R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":")" +
                 DeltaText(i) + "\"}}\n\n");
    Add(r, "event: content_block_stop\n" R"(data: {"type":"content_block_stop","index":0})" "\n\n");
    Add(r, "event: message_delta\n"
           R"(data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":200}})"
           "\n\n");
    Add(r, "event: message_stop\n" R"(data: {"type":"message_stop"})" "\n\n");
    return r;
  }();
  return rec;
}

const Recording& GeminiStream() {
  static const Recording rec = [] {
    Recording r;
    const std::string tail = R"(,"modelVersion":"gemini-2.5-flash","responseId":"mL1kaPvWJ4-qz7IPyZbUmQ4"})";
    for (int i = 0; i < kStreamDeltas; ++i) {
      std::string ev = R"(data: {"candidates":[{"content":{"parts":[{"text":")" + DeltaText(i) +
                       R"("}],"role":"model"})";
      if (i + 1 == kStreamDeltas) ev += R"(,"finishReason":"STOP")";
      ev += R"(,"index":0}])";
      if (i == 0)
        ev += R"(,"usageMetadata":{"promptTokenCount":512,"totalTokenCount":512,"cachedContentTokenCount":384})";
      if (i + 1 == kStreamDeltas)
        ev += R"(,"usageMetadata":{"promptTokenCount":512,"candidatesTokenCount":200,"totalTokenCount":712,"cachedContentTokenCount":384,"promptTokensDetails":[{"modality":"TEXT","tokenCount":512}]})";
      Add(r, ev + tail + "\r\n\r\n");
    }
    return r;
  }();
  return rec;
}

const Recording& BedrockStream() {
  static const Recording rec = [] {
    using stream::EncodeEventStreamEvent;
    Recording r;
    // Bedrock pads payloads with a random "p" member to hide lengths; the recording keeps one.
    Add(r, EncodeEventStreamEvent("messageStart", R"({"p":"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ","role":"assistant"})"));
    for (int i = 0; i < kStreamDeltas; ++i)
      Add(r, EncodeEventStreamEvent("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":")" + DeltaText(i) +
                                                             R"("},"p":"abcdefghijklmn"})"));
    Add(r, EncodeEventStreamEvent("contentBlockStop", R"({"contentBlockIndex":0,"p":"abcdefghijklmnopqrstuvwx"})"));
    Add(r, EncodeEventStreamEvent("messageStop", R"({"p":"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM","stopReason":"end_turn"})"));
    Add(r, EncodeEventStreamEvent(
               "metadata",
               R"({"metrics":{"latencyMs":2140},"p":"abcdefghijk","usage":{"cacheReadInputTokens":384,"cacheWriteInputTokens":0,"inputTokens":128,"outputTokens":200,"totalTokens":712}})"));
    return r;
  }();
  return rec;
}

}  // namespace sluice::bench
