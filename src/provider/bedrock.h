// AWS Bedrock Runtime adapter (reference §5, mapping §8): IR → Converse / ConverseStream (POST
// /model/{modelId}/converse[-stream]) signed with SigV4 (service "bedrock"), and the answer (JSON
// body, event stream, errors) → IR; embeddings through InvokeModel for Titan and Cohere models.
//
// Translation choices:
//  - The model id is percent-encoded into the path (':' → %3A, '/' → %2F: ids, inference profiles
//    and ARNs all work); the signature covers the double-encoded canonical path, the body,
//    content-type, host and x-amz-date (and x-amz-security-token). The request's header list
//    carries `host` with the value that was signed: the transport must send exactly
//    BedrockAdapter::host() as Host (and must not rewrite the body or headers). Credentials:
//    options' access key (SigV4); without one, Target::api_key as a Bedrock API key (Authorization:
//    Bearer); without either the request goes unsigned (for local emulators).
//  - system and later Role::kSystem text → `system:[{text}]`, in order; tool results → user
//    `toolResult` blocks; consecutive same-role turns are merged (Bedrock requires alternation)
//    with tool results first; empty text is dropped (Bedrock rejects blank text blocks) and an
//    empty tool result becomes the text "(no output)".
//  - images only inline (png, jpeg, gif, webp): URLs are refused (400) since Bedrock fetches
//    nothing; PDFs and common document types → `document` (a name is synthesised when the client
//    gave none); audio and file ids → 400; reasoning → reasoningContent.reasoningText {text,
//    signature}, redacted → redactedContent.
//  - inferenceConfig: maxTokens (client's, else Target::default_max_tokens, else the model's
//    default — except with thinking, where Anthropic needs one above the budget: 4096 + budget),
//    temperature clamped to 0–1, topP, stopSequences. top_k → additionalModelRequestFields.top_k.
//    Reasoning: Anthropic models (id contains "anthropic" or "claude") get
//    additionalModelRequestFields.thinking {type:enabled, budget_tokens} (effort table as the
//    Anthropic adapter: minimal 1024 … max 32000; with thinking temperature/top_k are omitted and
//    top_p raised to ≥ 0.95); OpenAI open-weight models ("openai.") get reasoning_effort; others
//    drop it. Anthropic models with stop sequences also ask for additionalModelResponseFieldPaths
//    ["/stop_sequence"] so the matched sequence is known.
//  - tools → toolConfig.tools[].toolSpec {name, description, inputSchema:{json}} (an object schema
//    is synthesised when the client gave none); tool_choice auto/required/specific →
//    {auto}/{any}/{tool:{name}}; tool_choice none → toolConfig omitted, unless the history holds
//    toolUse/toolResult blocks (Bedrock then requires toolConfig): the tools are kept without
//    toolChoice, so the model may still call one. History that names tools the request no longer
//    declares gets minimal specs for those names.
//  - json_schema response format → outputConfig.textFormat (schema as a string); json_object, seed,
//    parallel_tool_calls and tool `strict` are dropped; user → requestMetadata.user when it fits
//    AWS's pattern; n > 1 → 400.
//  - Answers: stopReason end_turn→stop, stop_sequence, max_tokens→length, tool_use→tool_calls,
//    guardrail_intervened/content_filtered→content_filter,
//    model_context_window_exceeded→context_window, others (malformed_model_output,
//    malformed_tool_use) → unknown (raw value kept). Usage: Bedrock's inputTokens excludes cache
//    reads and writes; ir input = inputTokens + cacheReadInputTokens + cacheWriteInputTokens.
//    Bedrock reports neither a message id nor the model: the IR leaves both empty for the caller to
//    fill.
//  - Errors: status first (400, 403, 404, 429 kept; 424 ModelError → 502; 408 ModelTimeout → 504;
//    500, 503 kept), the body's message, with any configured credential scrubbed from it
//    (SignatureDoesNotMatch messages echo the canonical request, which can hold the session token).
// Thread rule: the adapter is immutable and shareable; a stream decoder / byte stream belongs to
// one stream.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "provider/adapter.h"
#include "stream/aws_eventstream.h"

namespace boost::json {
class object;
}

namespace sluice::provider {

struct BedrockOptions {
  std::string region;         // e.g. "us-east-1"; part of the signing scope
  std::string access_key_id;  // secret material from here down: never in errors or logs
  std::string secret_access_key;
  std::string session_token;  // temporary credentials (STS): sent as x-amz-security-token
  std::string host;  // "" → "bedrock-runtime.{region}.amazonaws.com"; signed, so must match Host
};

// Room for the answer when thinking is on and neither the client nor the target set max_tokens.
inline constexpr uint64_t kBedrockThinkingMaxTokens = 4096;

// Bedrock stopReason → IR.
ir::FinishReason BedrockFinishReason(std::string_view stop_reason);
// Bedrock error/exception type (either case of the first letter; "ThrottlingException:…" suffixes
// ignored) → the HTTP status to show the client.
int BedrockStatusForErrorType(std::string_view type);

// ConverseStream events → IR, fed per the kAwsEventStream contract: Feed(type = ":event-type"
// value, data = payload JSON); exceptions as Feed("exception:<:exception-type>", payload). Text and
// reasoning blocks have no start event on Bedrock: the first delta for an index opens the block.
// messageStop's finish is held until the metadata event (usage) arrives after it, so the IR gets
// one MessageDelta with both, then MessageStop; if the body ends after messageStop without
// metadata, Finish() emits them without usage. A body cut before messageStop is a 502 error; an
// exception becomes an IR error with a fitting status.
class BedrockStreamDecoder final : public StreamDecoder {
 public:
  // `secrets` are scrubbed from exception messages (may be empty).
  explicit BedrockStreamDecoder(std::vector<std::string> secrets = {})
      : secrets_(std::move(secrets)) {}
  bool Feed(std::string_view type, std::string_view data,
            std::vector<ir::StreamEvent>& out) override;
  bool Finish(std::vector<ir::StreamEvent>& out) override;
  const core::Error& error() const override { return error_; }
  bool finished() const override { return finished_; }

 private:
  enum class Block : uint8_t { kNone, kText, kToolCall, kReasoning, kRedacted, kIgnored, kClosed };
  bool Fail(std::string message, std::vector<ir::StreamEvent>& out);
  bool OnDelta(uint32_t index, const boost::json::object& delta, std::vector<ir::StreamEvent>& out);
  // Emits MessageDelta (finish + usage) and MessageStop.
  void Complete(std::vector<ir::StreamEvent>& out);
  Block& BlockAt(uint32_t index);

  std::vector<std::string> secrets_;
  std::vector<Block> blocks_;  // Bedrock contentBlockIndex → state (also the IR index)
  ir::Usage usage_;
  ir::FinishReason finish_ = ir::FinishReason::kUnknown;
  std::string stop_sequence_;
  bool started_ = false;
  bool stop_seen_ = false;  // messageStop arrived; waiting for metadata
  bool finished_ = false;
  bool failed_ = false;
  core::Error error_;
};

// Raw upstream bytes (application/vnd.amazon.eventstream) → IR events, for the proxy: decodes
// frames with stream::EventStreamDecoder and feeds each to a StreamDecoder per the kAwsEventStream
// contract (events by :event-type; modeled exceptions as "exception:<type>"; unmodeled errors
// (:message-type error, :error-code, :error-message) as "exception:<error-code>" with {"message":
// <error-message>}). A framing error (bad CRC, cut frame at the end) becomes one IR error event
// (502). Works with any kAwsEventStream adapter's decoder.
//
//   BedrockByteStream s(adapter.NewStreamDecoder());
//   while (read chunk) if (!s.FeedBytes(chunk, events)) break;   // events: append-only
//   s.Finish(events);                                           // at end of body
class BedrockByteStream {
 public:
  explicit BedrockByteStream(std::unique_ptr<StreamDecoder> decoder,
                             stream::EventStreamDecoder::Options options = {})
      : decoder_(std::move(decoder)), frames_(options) {}
  // Appends the IR events of every frame `bytes` completes. Returns false once the stream failed
  // (framing or protocol error); the error event has then been appended.
  bool FeedBytes(std::string_view bytes, std::vector<ir::StreamEvent>& out);
  // The upstream body ended: a partial frame or a missing messageStop appends a 502 error and
  // returns false.
  bool Finish(std::vector<ir::StreamEvent>& out);
  bool finished() const { return decoder_->finished() || failed_; }
  const core::Error& error() const { return failed_ ? error_ : decoder_->error(); }
  StreamDecoder& decoder() { return *decoder_; }

 private:
  bool FailFraming(const core::Error& error, std::vector<ir::StreamEvent>& out);

  std::unique_ptr<StreamDecoder> decoder_;
  stream::EventStreamDecoder frames_;
  std::vector<stream::EventStreamMessage> messages_;  // reused between calls
  bool failed_ = false;
  core::Error error_;
};

class BedrockAdapter final : public ProviderAdapter {
 public:
  explicit BedrockAdapter(BedrockOptions options);
  std::string_view Name() const override { return "bedrock"; }
  core::Result<UpstreamRequest> BuildRequest(const ir::ChatRequest& request,
                                             const Target& target) const override;
  core::Result<ir::ChatResponse> DecodeResponse(std::string_view body) const override;
  std::unique_ptr<StreamDecoder> NewStreamDecoder() const override;
  core::Error DecodeError(int status, std::string_view body) const override;
  StreamFraming Framing() const override { return StreamFraming::kAwsEventStream; }

  // InvokeModel embeddings: amazon.titan-embed-* ({"inputText"}; one input per call) and
  // cohere.embed-* ({"texts", "input_type":"search_document"}), chosen by model id; other models
  // → 400.
  core::Result<UpstreamRequest> BuildEmbeddingsRequest(const ir::EmbeddingsRequest& request,
                                                       const Target& target) const override;
  core::Result<ir::EmbeddingsResponse> DecodeEmbeddingsResponse(
      std::string_view body) const override;

  // The Host value signed into every request; the transport must send exactly this.
  const std::string& host() const { return options_.host; }
  const std::string& region() const { return options_.region; }

  // The Converse JSON body alone (BuildRequest = body + path + signed headers), for tests.
  static core::Result<std::string> EncodeBody(const ir::ChatRequest& request, const Target& target);
  // "/model/" + percent-encoded id + "/" + operation, after Target::path_prefix. Every byte outside
  // RFC 3986's unreserved set is encoded ('/' too), so an id stays one path segment; the empty id
  // and the dot segments "." and ".." are refused (400).
  static core::Result<std::string> ModelPath(std::string_view path_prefix, std::string_view model,
                                             std::string_view operation);

  // Removes every configured credential from `text` (for upstream messages shown to clients).
  std::string Scrub(std::string text) const;

 private:
  // Adds host, x-amz-date, x-amz-security-token and authorization (or a Bearer key) to `request`.
  void Sign(UpstreamRequest& request, const Target& target) const;

  BedrockOptions options_;
};

}  // namespace sluice::provider
