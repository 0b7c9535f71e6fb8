// How upstream stream bytes become the client's stream bytes: forwarded as they are (same dialect: OpenAI
// → OpenAI, Anthropic → Anthropic, with usage and errors read on the way), or framed and decoded by a
// provider adapter into IR events and re-encoded in the client's dialect (translation).
// The proxy's stream loop (deadlines, backpressure, holding the first event, errors) is shared by all.
// Thread rule: one transform per stream, on the stream's worker.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "dialect/anthropic_passthrough.h"
#include "dialect/openai_response.h"
#include "ir/stream_event.h"
#include "provider/adapter.h"
#include "provider/bedrock.h"
#include "server/client_api.h"
#include "stream/sse_parser.h"

namespace sluice::server {

struct StreamProgress {
  bool terminal = false;   // the stream's end was seen ([DONE], message_stop, or an error event)
  bool error = false;      // an error event was produced for the client
  int error_status = 502;  // the status to answer with if the error comes before the 200 is committed
  std::string error_body;  // the client-dialect JSON error body for that case
  dialect::TokenUsage usage;
};

class StreamTransform {
 public:
  virtual ~StreamTransform() = default;
  // Appends the client's bytes for a piece of upstream body (possibly none) to `out`. Returns false on a
  // framing error (error() says why); the stream is then over.
  virtual bool OnBytes(std::string_view bytes, std::string& out, StreamProgress& progress) = 0;
  // The upstream body ended. Appends what the client must still see; returns false when the stream is
  // incomplete and nothing was appended to say so (the caller reports the truncation).
  virtual bool OnEnd(std::string& out, StreamProgress& progress) = 0;
  virtual const core::Error& error() const = 0;
};

// Records what an IR event sequence tells the proxy (errors, end, usage) and encodes it for the client.
void EmitTranslated(ClientApi api, std::vector<ir::StreamEvent>& events, ClientStreamEncoder& encoder,
                    std::string& out, StreamProgress& progress);

inline constexpr size_t kMaxSseEvent = 4 << 20;

// Transforms over Server-Sent Events: the parser frames, OnItem maps.
class SseTransform : public StreamTransform {
 public:
  SseTransform() : parser_(stream::SseParser::Options{kMaxSseEvent}) {}
  bool OnBytes(std::string_view bytes, std::string& out, StreamProgress& progress) final {
    return parser_.FeedAll(bytes, [&](const stream::SseItem& item) { OnItem(item, out, progress); });
  }
  const core::Error& error() const override { return parser_.error(); }

 protected:
  virtual void OnItem(const stream::SseItem& item, std::string& out, StreamProgress& progress) = 0;

 private:
  stream::SseParser parser_;
};

// OpenAI-compatible upstream, OpenAI client: raw event bytes forwarded unchanged; usage read from the
// usage chunk, which is dropped when only the gateway asked for it.
class PassthroughOpenAiStream final : public SseTransform {
 public:
  explicit PassthroughOpenAiStream(bool client_wants_usage, dialect::ToolCallIdMap ids = {})
      : client_wants_usage_(client_wants_usage), ids_(std::move(ids)) {}
  bool OnEnd(std::string&, StreamProgress& progress) override { return progress.terminal; }

 private:
  void OnItem(const stream::SseItem& item, std::string& out, StreamProgress& progress) override {
    if (item.kind == stream::SseKind::kComment) {
      // Keep-alives keep the client's idle timers happy; comments inside an event travel in its raw bytes.
      if (!item.comment.inside_event) out += item.comment.raw;
      return;
    }
    const stream::SseEvent& ev = item.event;
    if (stream::IsDone(ev.data)) {
      progress.terminal = true;
      out += ev.raw;
      return;
    }
    dialect::TokenUsage usage;
    dialect::ChunkInfo info = dialect::InspectChunk(ev.data, usage);
    if (usage.present) progress.usage = usage;
    if (info.is_error) {
      progress.error = progress.terminal = true;
      if (info.error_status) progress.error_status = info.error_status;
      dialect::NormalizedError n = dialect::NormalizeUpstreamErrorWithStatus(progress.error_status, ev.data);
      progress.error_body = std::move(n.body);
      if (!info.openai_error.empty()) {
        // TGI / vLLM / OpenRouter shapes: forward OpenAI's, so SDKs show the upstream's message.
        out += "data: ";
        out += info.openai_error;
        out += "\n\n";
        return;
      }
    }
    if (info.usage_only && !client_wants_usage_) return;
    if (!ids_.empty() && restored_.empty() && dialect::RestoreToolCallIds(ev.data, ids_, restored_)) {
      out += "data: ";
      out += restored_;
      out += "\n\n";
      restored_.clear();
      return;
    }
    // The `"usage":null` that the injected include_usage put on every chunk goes when the client did not ask
    // for it: the client sees the chunks it would have had without the gateway (the field is documented as
    // present only with include_usage).
    const auto data_at = reinterpret_cast<uintptr_t>(ev.data.data());
    const auto raw_at = reinterpret_cast<uintptr_t>(ev.raw.data());
    // Only a one-line data field lies within the raw bytes (a multi-line one is joined elsewhere).
    if (!client_wants_usage_ && info.null_usage_end > info.null_usage_begin && data_at >= raw_at &&
        data_at + ev.data.size() <= raw_at + ev.raw.size()) {
      const size_t at = data_at - raw_at;
      out.append(ev.raw.substr(0, at + info.null_usage_begin));
      out.append(ev.raw.substr(at + info.null_usage_end));
      return;
    }
    out += ev.raw;
  }

  bool client_wants_usage_;
  dialect::ToolCallIdMap ids_;  // tool-call ids the upstream saw rewritten (Mistral), restored per chunk
  std::string restored_;
};

// Anthropic upstream, Anthropic client: raw events forwarded unchanged; usage read from message_start and
// message_delta; an `error` event keeps Anthropic's status for its type (overloaded → 529).
class PassthroughAnthropicStream final : public SseTransform {
 public:
  bool OnEnd(std::string&, StreamProgress& progress) override { return progress.terminal; }

 private:
  void OnItem(const stream::SseItem& item, std::string& out, StreamProgress& progress) override {
    if (item.kind == stream::SseKind::kComment) {
      if (!item.comment.inside_event) out += item.comment.raw;
      return;
    }
    const stream::SseEvent& ev = item.event;
    dialect::AnthropicEventInfo info = dialect::InspectAnthropicEvent(ev.type, ev.data, progress.usage);
    if (info.is_error) {
      progress.error = progress.terminal = true;
      progress.error_status = info.error_status;
      progress.error_body = dialect::NormalizeAnthropicUpstreamError(info.error_status, ev.data);
    }
    if (info.is_stop) progress.terminal = true;
    out += ev.raw;
  }
};

// Any provider adapter's SSE stream, decoded to IR and re-encoded in the client's dialect.
class TranslatedSseStream final : public SseTransform {
 public:
  TranslatedSseStream(ClientApi api, std::unique_ptr<provider::StreamDecoder> decoder,
                      std::unique_ptr<ClientStreamEncoder> encoder)
      : api_(api), decoder_(std::move(decoder)), encoder_(std::move(encoder)) {}
  bool OnEnd(std::string& out, StreamProgress& progress) override {
    decoder_->Finish(events_);  // a cut stream yields an error event, encoded below
    Emit(out, progress);
    return true;
  }

 private:
  void OnItem(const stream::SseItem& item, std::string& out, StreamProgress& progress) override {
    if (item.kind != stream::SseKind::kEvent) return;
    decoder_->Feed(item.event.type, item.event.data, events_);
    Emit(out, progress);
  }
  void Emit(std::string& out, StreamProgress& progress);

  ClientApi api_;
  std::unique_ptr<provider::StreamDecoder> decoder_;
  std::unique_ptr<ClientStreamEncoder> encoder_;
  std::vector<ir::StreamEvent> events_;
};

// Bedrock's binary event stream (application/vnd.amazon.eventstream): frames decoded by BedrockByteStream
// into IR events and re-encoded in the client's dialect.
class TranslatedEventStream final : public StreamTransform {
 public:
  TranslatedEventStream(ClientApi api, std::unique_ptr<provider::StreamDecoder> decoder,
                        std::unique_ptr<ClientStreamEncoder> encoder)
      : api_(api), bytes_(std::move(decoder)), encoder_(std::move(encoder)) {}
  // A framing error becomes an IR error event, encoded for the client like any upstream error, so this
  // never reports a failure of its own.
  bool OnBytes(std::string_view bytes, std::string& out, StreamProgress& progress) override {
    if (!bytes_.finished()) bytes_.FeedBytes(bytes, events_);
    EmitTranslated(api_, events_, *encoder_, out, progress);
    return true;
  }
  bool OnEnd(std::string& out, StreamProgress& progress) override {
    if (!bytes_.finished()) bytes_.Finish(events_);  // a cut stream yields an error event
    EmitTranslated(api_, events_, *encoder_, out, progress);
    return true;
  }
  const core::Error& error() const override { return bytes_.error(); }

 private:
  ClientApi api_;
  provider::BedrockByteStream bytes_;
  std::unique_ptr<ClientStreamEncoder> encoder_;
  std::vector<ir::StreamEvent> events_;
};

struct ClientCall;
struct RuntimeProvider;
// The transform for a stream from `provider` to the client of `call`: passthrough when `translated` is false.
std::unique_ptr<StreamTransform> NewStreamTransform(const ClientCall& call, const RuntimeProvider& provider,
                                                    bool translated, int64_t created);


inline void TranslatedSseStream::Emit(std::string& out, StreamProgress& progress) {
  EmitTranslated(api_, events_, *encoder_, out, progress);
}

}  // namespace sluice::server
