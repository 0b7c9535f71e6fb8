// OpenAI Responses API (`POST /v1/responses`, reference §2) as a client dialect over the IR: decode
// a request into ir::ChatRequest, encode an ir::ChatResponse as a `response` object, and stream IR
// events as Responses SSE events. The gateway is stateless, so this is the "stateless Responses"
// subset that maps onto chat-style providers:
//  - `previous_response_id`, `conversation`, `background:true`, `prompt` and `item_reference`
//    items need stored server state: refused with a 400 that says so. `store` is accepted and has
//    no effect (nothing is stored; responses echo "store":false).
//  - built-in tools (web_search, file_search, code_interpreter, computer use, mcp, …) and file ids
//    are refused (400 "… not supported on this route"); only flat function tools translate.
//  - `instructions` and leading system/developer input messages → ir system (in that order);
//    later ones stay in place as Role::kSystem.
//  - runs of assistant-side items (reasoning, assistant message, function_call) merge into one
//    assistant message; runs of function_call_output items into one Role::kTool message.
//  - reasoning ↔ ir kReasoning: the text travels as one `summary_text` part and the signature as
//    `encrypted_content`, so a client replaying its output items gives the provider back exactly
//    what it produced. kRedactedReasoning → a reasoning item with no summary whose
//    encrypted_content is kRedactedPrefix + data (decoded back the same way).
//  - `reasoning.summary`, `text.verbosity` are ignored; other unmodelled top-level members go to
//    `extra` (source kOpenAiResponses), `metadata` among them (and is echoed back).
// Errors are kInvalidRequest (400) with OpenAI-style messages and `param` paths; render them with
// core::OpenAiErrorBody. Thread rule: pure functions; a stream encoder belongs to one stream.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "ir/chat_request.h"
#include "ir/chat_response.h"
#include "ir/stream_event.h"
#include "ir/usage.h"

namespace sluice::dialect {

inline constexpr std::string_view kRedactedPrefix = "sluice-redacted:";

core::Result<ir::ChatRequest> DecodeOpenAiResponsesRequest(std::string_view body);

// The request parameters a `response` object repeats (instructions, max_output_tokens,
// parallel_tool_calls, previous_response_id, reasoning, store, temperature, text, tool_choice,
// tools, top_p, truncation, metadata), rendered once per request as comma-separated JSON members
// without braces. Unset values render as the API's defaults/nulls.
std::string EncodeOpenAiResponsesEcho(const ir::ChatRequest& request);

struct OpenAiResponsesEncodeOptions {
  int64_t created_at = 0;  // unix seconds: the caller's clock (codecs read none)
  // Response id base used when the provider's id is empty (the gateway's request id). Every id in
  // the output derives from the response id: resp_<base>, msg_<base>_<n>, fc_<base>_<n>, rs_…
  std::string fallback_id;
  std::string echo;  // EncodeOpenAiResponsesEcho(request); empty → defaults
};

// "resp_<base>" where base is the provider id without a known prefix (resp_, chatcmpl-, msg_).
std::string OpenAiResponseId(std::string_view provider_id, std::string_view fallback_id);

// Appends {"input_tokens","input_tokens_details":{"cached_tokens"},"output_tokens",
// "output_tokens_details":{"reasoning_tokens"},"total_tokens"} (ir::Usage convention = OpenAI's).
void AppendOpenAiResponsesUsage(std::string& out, const ir::Usage& usage);

// A complete `response` object. status: length/context window → incomplete (max_output_tokens),
// content filter → incomplete (content_filter), else completed. Output items in content order:
// reasoning, message (one per text part), function_call. No `output_text`: it is an SDK
// convenience computed client-side, not on the wire.
std::string EncodeOpenAiResponsesResponse(const ir::ChatResponse& response,
                                          const OpenAiResponsesEncodeOptions& options);

// IR stream → Responses SSE (`event: <type>\ndata: {…,"sequence_number":n}\n\n`, no [DONE]):
//  message start → response.created, response.in_progress
//  text block    → output_item.added(message) content_part.added output_text.delta*
//                  output_text.done content_part.done output_item.done
//  tool block    → output_item.added(function_call) function_call_arguments.delta*
//                  function_call_arguments.done output_item.done   (one output item per call;
//                  interleaved IR blocks stay interleaved, each under its own output_index)
//  reasoning     → output_item.added(reasoning) reasoning_summary_part.added
//                  reasoning_summary_text.delta* reasoning_summary_text.done
//                  reasoning_summary_part.done output_item.done (signature → encrypted_content)
//  message delta → closes open items; message stop → response.completed | response.incomplete
//                  with the full response (output, usage)
//  error         → before anything was sent: `error` only; else response.failed (status failed,
//                  error {code,message}, partial output) then `error`, which SDKs raise on.
// Events before a message start synthesize one. Thread rule: one encoder per stream.
class OpenAiResponsesStreamEncoder {
 public:
  explicit OpenAiResponsesStreamEncoder(OpenAiResponsesEncodeOptions options)
      : options_(std::move(options)) {}

  // Appends the SSE bytes for `event` (possibly none) to `out`. After the terminal event, ignores
  // events.
  void Encode(const ir::StreamEvent& event, std::string& out);

  bool done() const { return done_; }
  const ir::Usage& usage() const { return usage_; }  // latest usage seen (for accounting)

 private:
  enum class ItemKind : uint8_t { kMessage, kFunctionCall, kReasoning };
  struct Item {
    uint32_t ir_index = 0;
    uint32_t output_index = 0;
    ItemKind kind = ItemKind::kMessage;
    bool open = true;
    bool summary_open = false;  // reasoning: a summary part was added
    bool redacted = false;
    std::string id;         // msg_/fc_/rs_ item id
    std::string call_id;    // function call
    std::string name;       // function call
    std::string text;       // message text, arguments, or reasoning summary text
    std::string encrypted;  // reasoning: signature or redacted data (with kRedactedPrefix)
    std::string_view status = "in_progress";
  };

  void Begin(std::string_view id, std::string_view model, std::string& out);
  Item* Find(uint32_t ir_index);
  Item& Open(const ir::StreamEvent& event, ir::BlockKind kind, std::string& out);
  void Close(Item& item, std::string_view status, std::string& out);
  void CloseAll(std::string_view status, std::string& out);
  void StartEvent(std::string_view type, std::string& out);  // event:/data: {"type":…,"sequence_number":n
  void AppendItemRef(const Item& item, std::string& out);      // ,"item_id":…,"output_index":n
  void AppendItem(const Item& item, std::string& out) const;
  void AppendResponse(std::string_view status, std::string& out, std::string_view error_code = {},
                      std::string_view error_message = {}) const;

  OpenAiResponsesEncodeOptions options_;
  std::string id_;     // resp_…
  std::string base_;   // id_ without "resp_", for item ids
  std::string model_;
  std::vector<Item> items_;  // in output_index order
  uint64_t sequence_ = 0;
  ir::FinishReason finish_ = ir::FinishReason::kUnknown;
  bool started_ = false;
  bool done_ = false;
  ir::Usage usage_;
};

}  // namespace sluice::dialect
