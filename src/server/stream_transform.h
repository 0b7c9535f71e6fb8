// How upstream SSE items become the client's stream bytes: forwarded as they are (same dialect), or
// decoded by a provider adapter into IR events and re-encoded in the client's dialect (translation).
// The proxy's stream loop (deadlines, backpressure, holding the first event, errors) is shared by both.
// Thread rule: one transform per stream, on the stream's worker.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dialect/openai_chat.h"
#include "dialect/openai_chat_stream.h"
#include "dialect/openai_response.h"
#include "ir/stream_event.h"
#include "provider/adapter.h"
#include "stream/sse_parser.h"

namespace sluice::server {

struct StreamProgress {
  bool terminal = false;    // the stream's end was seen ([DONE], message_stop, or an error event)
  bool error = false;       // an error event was produced for the client
  int error_status = 502;   // the status to answer with if the error comes before the 200 is committed
  dialect::TokenUsage usage;
};

class StreamTransform {
 public:
  virtual ~StreamTransform() = default;
  // Appends the client's bytes for one upstream item (possibly none) to `out`.
  virtual void OnItem(const stream::SseItem& item, std::string& out, StreamProgress& progress) = 0;
  // The upstream body ended. Appends what the client must still see; returns false when the stream is
  // incomplete and nothing was appended to say so (the caller reports the truncation).
  virtual bool OnEnd(std::string& out, StreamProgress& progress) = 0;
};

// OpenAI-compatible upstream, OpenAI client: raw event bytes forwarded unchanged; usage read from the
// usage chunk, which is dropped when only the gateway asked for it.
class PassthroughOpenAiStream final : public StreamTransform {
 public:
  explicit PassthroughOpenAiStream(bool client_wants_usage) : client_wants_usage_(client_wants_usage) {}
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
    if (info.is_error) progress.error = progress.terminal = true;
    if (info.usage_only && !client_wants_usage_) return;
    out += ev.raw;
  }
  bool OnEnd(std::string&, StreamProgress& progress) override { return progress.terminal; }

 private:
  bool client_wants_usage_;
};

// Any provider adapter's stream, re-encoded as OpenAI chat.completion.chunk events.
class TranslatedToOpenAiStream final : public StreamTransform {
 public:
  TranslatedToOpenAiStream(std::unique_ptr<provider::StreamDecoder> decoder, dialect::OpenAiEncodeOptions options,
                           bool include_usage)
      : decoder_(std::move(decoder)), encoder_(options, include_usage) {}
  void OnItem(const stream::SseItem& item, std::string& out, StreamProgress& progress) override {
    if (item.kind != stream::SseKind::kEvent) return;
    decoder_->Feed(item.event.type, item.event.data, events_);
    Emit(out, progress);
  }
  bool OnEnd(std::string& out, StreamProgress& progress) override {
    decoder_->Finish(events_);  // a cut stream yields an error event, encoded below
    Emit(out, progress);
    return true;
  }

 private:
  void Emit(std::string& out, StreamProgress& progress) {
    for (const ir::StreamEvent& e : events_) {
      if (e.kind == ir::EventKind::kError) {
        progress.error = true;
        progress.error_status = e.status ? e.status : 502;
      }
      encoder_.Encode(e, out);
    }
    events_.clear();
    if (encoder_.done()) progress.terminal = true;
    const ir::Usage& u = encoder_.usage();
    if (u.present) {
      progress.usage.input = u.input;
      progress.usage.output = u.output;
      progress.usage.cached_input = u.cache_read;
      progress.usage.reasoning = u.reasoning;
      progress.usage.present = true;
    }
  }

  std::unique_ptr<provider::StreamDecoder> decoder_;
  dialect::OpenAiChatStreamEncoder encoder_;
  std::vector<ir::StreamEvent> events_;
};

}  // namespace sluice::server
