// OpenAI(-compatible) chat.completion.chunk stream → ir::StreamEvent (reference §1.5, §7, §8.9).
// Each `data:` payload is parsed on a stack-buffered monotonic resource, as the Anthropic decoder
// does. Tolerant reader: unknown members, empty `choices`, missing ids, usage on any chunk, tool
// calls delivered whole, and choices other than index 0 (ignored) are all accepted.
// Thread rule: one decoder per stream, used by one thread.
#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "provider/json_fields.h"
#include "provider/openai.h"
#include "provider/openai_usage.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;

std::string_view View(const json::object& o, std::string_view key) { return StringView(o, key); }

ir::StreamEvent Event(ir::EventKind kind, uint32_t index = 0) { return MakeStreamEvent(kind, index); }

int StatusForType(std::string_view type) {
  if (type == "invalid_request_error") return 400;
  if (type == "authentication_error") return 401;
  if (type == "permission_error") return 403;
  if (type == "not_found_error") return 404;
  if (type == "rate_limit_error" || type == "rate_limit_exceeded" || type == "tokens" ||
      type == "requests")
    return 429;
  if (type == "overloaded_error") return 503;
  if (type == "validation" || type == "BadRequestError") return 400;  // TGI, vLLM
  if (type == "overloaded") return 429;  // TGI: its queue is full (it answers 429 before streaming)
  if (type == "generation" || type == "incomplete_generation") return 502;  // TGI
  return 500;  // server_error and anything new
}

}  // namespace

bool OpenAiStreamDecoder::Fail(std::string message, std::vector<ir::StreamEvent>& out) {
  failed_ = finished_ = true;
  error_ = ProtocolError(std::move(message));
  out.push_back(ProtocolErrorEvent(error_));
  return false;
}

void OpenAiStreamDecoder::CloseOpen(std::vector<ir::StreamEvent>& out) {
  if (open_ == Open::kNone) return;
  out.push_back(Event(ir::EventKind::kBlockStop, open_block_));
  open_ = Open::kNone;
}

void OpenAiStreamDecoder::Delta(Open kind, std::string_view text,
                                std::vector<ir::StreamEvent>& out) {
  if (text.empty()) return;
  if (open_ != kind) {
    CloseOpen(out);
    open_ = kind;
    open_block_ = next_block_++;
    ir::StreamEvent start = Event(ir::EventKind::kBlockStart, open_block_);
    start.block = kind == Open::kText ? ir::BlockKind::kText : ir::BlockKind::kReasoning;
    out.push_back(std::move(start));
  }
  ir::StreamEvent d = Event(ir::EventKind::kBlockDelta, open_block_);
  d.delta = kind == Open::kText ? ir::DeltaKind::kText : ir::DeltaKind::kReasoning;
  d.text = text;
  out.push_back(std::move(d));
}

void OpenAiStreamDecoder::End(std::vector<ir::StreamEvent>& out) {
  CloseOpen(out);
  ir::StreamEvent delta = Event(ir::EventKind::kMessageDelta);
  delta.finish = finish_;
  // Some OpenAI-compatible servers say "stop" (or nothing) after tool calls; clients of other
  // dialects loop on the tool-call finish, so calls decide it.
  if (!tools_.empty() &&
      (finish_ == ir::FinishReason::kStop || finish_ == ir::FinishReason::kUnknown))
    delta.finish = ir::FinishReason::kToolCalls;
  else if (!finish_seen_)
    delta.finish = ir::FinishReason::kStop;
  delta.usage = usage_;
  out.push_back(std::move(delta));
  out.push_back(Event(ir::EventKind::kMessageStop));
  finished_ = true;
}

bool OpenAiStreamDecoder::Feed(std::string_view, std::string_view data,
                               std::vector<ir::StreamEvent>& out) {
  if (failed_) return false;
  if (finished_) return true;  // nothing follows [DONE] or an error; tolerate trailing noise
  if (data == "[DONE]") {
    if (!started_) return Fail("The OpenAI upstream stream ended before any chunk.", out);
    End(out);
    return true;
  }
  std::array<unsigned char, 4096> stack_buffer;
  json::monotonic_resource mr(stack_buffer.data(), stack_buffer.size());
  boost::system::error_code ec;
  json::value root = json::parse(data, ec, &mr);
  const json::object* o = ec ? nullptr : root.if_object();
  if (!o) return Fail("The OpenAI upstream sent a stream chunk that is not a JSON object.", out);

  const json::value* err = o->if_contains("error");
  if (err && !err->is_object() && !err->is_string()) err = nullptr;  // "error":null on ordinary chunks
  // vLLM < 0.10.1 streams its errors flat: {"object":"error","message",…,"code":400}.
  const bool flat_error = !err && View(*o, "object") == "error";
  if (err || flat_error) {
    finished_ = true;
    ir::StreamEvent e = Event(ir::EventKind::kError);
    if (const json::object* eo = flat_error ? o : err->if_object()) {
      e.text = View(*eo, "message");
      e.error_type = View(*eo, "type");
      const json::value* code = eo->if_contains("code");
      int64_t numeric = code && code->is_int64()    ? code->get_int64()
                        : code && code->is_uint64() ? static_cast<int64_t>(code->get_uint64())
                                                    : 0;
      if (e.error_type.empty() && code && code->is_string()) e.error_type = code->get_string();
      e.status =
          numeric >= 400 && numeric < 600 ? static_cast<int>(numeric) : StatusForType(e.error_type);
      if (e.status == 529) e.status = 503;
    } else {
      e.text = err->is_string() ? std::string(err->get_string()) : std::string();
      e.error_type = View(*o, "error_type");  // TGI
      e.status = e.error_type.empty() ? 502 : StatusForType(e.error_type);
    }
    if (e.text.empty()) e.text = "The OpenAI upstream reported an error.";
    out.push_back(std::move(e));
    return true;
  }
  const json::value* cv = o->if_contains("choices");
  const json::array* choices = cv ? cv->if_array() : nullptr;
  const json::object* usage = openai_detail::Member(*o, "usage");
  const json::object* groq = openai_detail::Member(*o, "x_groq");
  const json::object* groq_usage = groq ? openai_detail::Member(*groq, "usage") : nullptr;
  // Azure opens with {"choices":[],"prompt_filter_results":[…]} and empty id/model: nothing to say yet.
  if (!started_ && (!choices || choices->empty()) && !usage && !groq_usage) return true;
  if (!started_) {
    started_ = true;
    ir::StreamEvent e = Event(ir::EventKind::kMessageStart);
    e.id = View(*o, "id");
    e.name = View(*o, "model");
    out.push_back(std::move(e));
  }
  if (usage) openai_detail::ReadUsage(*usage, usage_);
  if (groq_usage) openai_detail::ReadUsage(*groq_usage, usage_);
  if (!choices) return true;
  for (const json::value& chv : *choices) {
    const json::object* choice = chv.if_object();
    if (!choice) continue;
    if (const json::value* i = choice->if_contains("index");
        i && i->is_number() && i->to_number<double>() != 0)
      continue;  // one choice is translated (n > 1 is refused when the request is built)
    if (const json::object* delta = openai_detail::Member(*choice, "delta")) {
      std::string_view reasoning = View(*delta, "reasoning_content");
      if (reasoning.empty()) reasoning = View(*delta, "reasoning");
      Delta(Open::kReasoning, reasoning, out);
      Delta(Open::kText, View(*delta, "content"), out);
      Delta(Open::kText, View(*delta, "refusal"), out);
      const json::value* tcv = delta->if_contains("tool_calls");
      if (const json::array* calls = tcv ? tcv->if_array() : nullptr) {
        for (const json::value& callv : *calls) {
          const json::object* call = callv.if_object();
          if (!call) continue;
          const json::object* fn = openai_detail::Member(*call, "function");
          std::string_view id = View(*call, "id");
          int64_t index;
          if (const json::value* iv = call->if_contains("index"); iv && iv->is_int64())
            index = iv->get_int64();
          else if (iv && iv->is_uint64() && iv->get_uint64() < 65536)
            index = static_cast<int64_t>(iv->get_uint64());
          else if (!id.empty() || tools_.empty())  // no index: a new call when it has an id
            index = tools_.empty() ? 0 : tools_.back().openai_index + 1;
          else
            index = tools_.back().openai_index;
          const ToolBlock* tool = nullptr;
          for (const ToolBlock& t : tools_)
            if (t.openai_index == index) tool = &t;
          if (!tool) {
            if (tools_.size() >= 4096)
              return Fail("The OpenAI upstream sent too many tool calls.", out);
            CloseOpen(out);
            open_ = Open::kTool;
            open_block_ = next_block_++;
            tools_.push_back({index, open_block_});
            tool = &tools_.back();
            ir::StreamEvent start = Event(ir::EventKind::kBlockStart, open_block_);
            start.block = ir::BlockKind::kToolCall;
            start.id = id.empty() ? "call_" + std::to_string(index) : std::string(id);
            if (const std::string* client = ids_.ClientIdFor(start.id)) start.id = *client;
            start.name = fn ? View(*fn, "name") : std::string_view();
            out.push_back(std::move(start));
          }
          std::string_view args = fn ? View(*fn, "arguments") : std::string_view();
          if (!args.empty()) {
            ir::StreamEvent d = Event(ir::EventKind::kBlockDelta, tool->block);
            d.delta = ir::DeltaKind::kArguments;
            d.text = args;
            out.push_back(std::move(d));
          }
        }
      }
    }
    if (std::string_view reason = View(*choice, "finish_reason"); !reason.empty()) {
      CloseOpen(out);
      if (std::optional<int> status = OpenAiFinishReasonError(reason)) {
        // A failure dressed as a finish (DeepSeek out of capacity, Mistral/OpenRouter "error"): the
        // client must not mistake the cut answer for a complete one.
        finished_ = true;
        ir::StreamEvent e = Event(ir::EventKind::kError);
        e.status = *status;
        e.error_type = reason;
        e.text = "The upstream stopped generating (finish_reason '" + std::string(reason) + "').";
        out.push_back(std::move(e));
        return true;
      }
      finish_ = OpenAiFinishReasonToIr(reason);
      finish_seen_ = true;
    }
  }
  return true;
}

bool OpenAiStreamDecoder::Finish(std::vector<ir::StreamEvent>& out) {
  if (finished_) return !failed_;
  if (finish_seen_) {  // servers that end the body without [DONE] after finishing
    End(out);
    return true;
  }
  return Fail("The OpenAI upstream stream ended before it finished.", out);
}

}  // namespace sluice::provider
