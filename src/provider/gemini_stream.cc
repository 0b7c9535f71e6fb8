// Gemini streamGenerateContent?alt=sse → ir::StreamEvent (reference §4.3, §8.10). Every `data:` is
// a whole GenerateContentResponse holding only the new parts: text and thought fragments continue
// the open block of their kind (a change of kind closes it and opens the next), each functionCall
// arrives whole and becomes one tool-call block (start, one arguments delta with the full JSON,
// stop). The chunk with finishReason closes the open block and yields kMessageDelta (finish +
// latest usage); the end of the body yields kMessageStop, and a body that ends without a
// finishReason is a cut stream (kError 502). An `{"error":{…}}` chunk ends the stream with a kError
// carrying Google's status. Thread rule: one decoder per stream, used by one thread.
#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "provider/gemini.h"
#include "provider/gemini_detail.h"
#include "provider/json_fields.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;

ir::StreamEvent Event(ir::EventKind kind, uint32_t index = 0) {
  return MakeStreamEvent(kind, index);
}

ir::StreamEvent ErrorEvent(const core::Error& e, std::string_view type) {
  ir::StreamEvent ev = Event(ir::EventKind::kError);
  ev.status = e.Status();
  ev.error_type = type.empty() ? std::string_view("api_error") : type;
  ev.text = e.message;
  return ev;
}

}  // namespace

bool GeminiStreamDecoder::Fail(std::string message, std::vector<ir::StreamEvent>& out) {
  failed_ = finished_ = true;
  error_ = ProtocolError(std::move(message));
  out.push_back(ProtocolErrorEvent(error_));
  return false;
}

void GeminiStreamDecoder::Close(std::vector<ir::StreamEvent>& out) {
  if (open_ == Open::kNone) return;
  out.push_back(Event(ir::EventKind::kBlockStop, open_index_));
  open_ = Open::kNone;
}

void GeminiStreamDecoder::Append(Open kind, std::string_view text,
                                 std::vector<ir::StreamEvent>& out) {
  if (open_ != kind) {
    Close(out);
    open_ = kind;
    open_index_ = next_index_++;
    ir::StreamEvent start = Event(ir::EventKind::kBlockStart, open_index_);
    start.block = kind == Open::kText ? ir::BlockKind::kText : ir::BlockKind::kReasoning;
    out.push_back(std::move(start));
  }
  if (text.empty()) return;
  ir::StreamEvent d = Event(ir::EventKind::kBlockDelta, open_index_);
  d.delta = kind == Open::kText ? ir::DeltaKind::kText : ir::DeltaKind::kReasoning;
  d.text = text;
  out.push_back(std::move(d));
}

// A signature ends the reasoning block it belongs to (opening one when the signature came alone).
void GeminiStreamDecoder::SignatureBlock(std::string_view signature,
                                         std::vector<ir::StreamEvent>& out) {
  Append(Open::kReasoning, {}, out);
  ir::StreamEvent d = Event(ir::EventKind::kBlockDelta, open_index_);
  d.delta = ir::DeltaKind::kSignature;
  d.text = signature;
  out.push_back(std::move(d));
  Close(out);
}

bool GeminiStreamDecoder::Feed(std::string_view /*type*/, std::string_view data,
                               std::vector<ir::StreamEvent>& out) {
  if (failed_) return false;
  if (finished_) return true;  // nothing follows an error; tolerate trailing noise
  std::array<unsigned char, 4096> stack_buffer;
  json::monotonic_resource mr(stack_buffer.data(), stack_buffer.size());
  boost::system::error_code ec;
  json::value root = json::parse(data, ec, &mr);
  const json::value* top = &root;
  if (!ec && root.is_array() && root.get_array().size() == 1) top = &root.get_array()[0];
  const json::object* o = ec ? nullptr : top->if_object();
  if (!o) return Fail("The Gemini upstream sent a stream chunk that is not a JSON object.", out);

  if (const json::value* err = o->if_contains("error"); err && err->is_object()) {
    finished_ = true;
    error_ = gemini_detail::ErrorFromGoogle(err->get_object(), 0);
    Close(out);
    out.push_back(ErrorEvent(error_, StringView(err->get_object(), "status")));
    return true;
  }
  if (const json::value* u = o->if_contains("usageMetadata"); u && u->is_object())
    gemini_detail::ReadUsage(u->get_object(), usage_);
  if (!started_) {
    started_ = true;
    ir::StreamEvent start = Event(ir::EventKind::kMessageStart);
    start.id = StringView(*o, "responseId");
    start.name = StringView(*o, "modelVersion");
    if (usage_.present)  // what is known at the start: the prompt side
      start.usage =
          ir::Usage{.input = usage_.input, .cache_read = usage_.cache_read, .present = true};
    out.push_back(std::move(start));
  }
  if (saw_finish_) return true;  // the answer is complete; later chunks only refresh usage

  const json::value* cv = o->if_contains("candidates");
  const json::array* candidates = cv ? cv->if_array() : nullptr;
  const json::object* candidate =
      candidates && !candidates->empty() ? (*candidates)[0].if_object() : nullptr;
  if (!candidate) {
    const json::value* fb = o->if_contains("promptFeedback");
    if (fb && fb->is_object() && !StringView(fb->get_object(), "blockReason").empty()) {
      saw_finish_ = true;  // the prompt was blocked: no candidate will come
      Close(out);
      ir::StreamEvent d = Event(ir::EventKind::kMessageDelta);
      d.finish = ir::FinishReason::kContentFilter;
      d.usage = usage_;
      out.push_back(std::move(d));
    }
    return true;  // usage-only chunks
  }

  std::string_view reason = StringView(*candidate, "finishReason");
  if (GeminiFinishIsError(reason)) {
    finished_ = true;
    error_ = core::Error{
        core::ErrorCode::kUpstreamError,
        "The Gemini model failed to produce a valid answer (" + std::string(reason) + ").",
        502,
        {}};
    Close(out);
    out.push_back(ErrorEvent(error_, reason));
    return true;
  }
  if (const json::array* parts = gemini_detail::CandidateParts(*candidate)) {
    for (const json::value& partv : *parts) {
      const json::object* part = partv.if_object();
      if (!part) continue;
      std::string sig = gemini_detail::TaggedSignature(*part);
      const json::value* fc = part->if_contains("functionCall");
      std::string_view text = StringView(*part, "text");
      if (gemini_detail::IsThought(*part)) {
        if (!text.empty()) Append(Open::kReasoning, text, out);
        if (!sig.empty()) SignatureBlock(sig, out);
        continue;
      }
      if (!sig.empty() && (part->contains("text") || fc)) {
        Close(out);
        SignatureBlock(sig, out);  // belongs to the part that follows (gemini.h)
      }
      if (fc && fc->is_object()) {
        const json::object& call = fc->get_object();
        Close(out);
        ir::StreamEvent start = Event(ir::EventKind::kBlockStart, next_index_);
        start.block = ir::BlockKind::kToolCall;
        start.id = gemini_detail::ToolCallId(call, calls_++);
        start.name = StringView(call, "name");
        out.push_back(std::move(start));
        const json::value* args = call.if_contains("args");
        ir::StreamEvent d = Event(ir::EventKind::kBlockDelta, next_index_);
        d.delta = ir::DeltaKind::kArguments;
        d.text = args && args->is_object() ? json::serialize(*args) : "{}";
        out.push_back(std::move(d));
        out.push_back(Event(ir::EventKind::kBlockStop, next_index_++));
      } else if (!text.empty()) {
        Append(Open::kText, text, out);
      }
    }
  }
  if (!reason.empty()) {
    saw_finish_ = true;
    Close(out);
    ir::StreamEvent d = Event(ir::EventKind::kMessageDelta);
    d.finish = GeminiFinishReason(reason);
    if (calls_ > 0 &&
        (d.finish == ir::FinishReason::kStop || d.finish == ir::FinishReason::kUnknown))
      d.finish = ir::FinishReason::kToolCalls;
    d.usage = usage_;
    out.push_back(std::move(d));
  }
  return true;
}

bool GeminiStreamDecoder::Finish(std::vector<ir::StreamEvent>& out) {
  if (finished_) return !failed_;
  if (!saw_finish_)
    return Fail("The Gemini upstream stream ended before its final chunk (no finishReason).", out);
  finished_ = true;
  out.push_back(Event(ir::EventKind::kMessageStop));
  return true;
}

}  // namespace sluice::provider
