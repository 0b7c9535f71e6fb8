// ir::StreamEvent → OpenAI Responses SSE events (reference §2 "Streaming"; shapes from the openai
// SDK's ResponseStreamEvent types). One output item per IR block, numbered in start order, so gaps
// in IR indexes never reach the client and interleaved tool-call blocks keep their own
// output_index. Items keep their accumulated text: the *.done events and the final response repeat
// it in full. Thread rule: one encoder per stream, used by one thread.
#include "core/error.h"
#include "dialect/json_write.h"
#include "dialect/openai_responses.h"
#include "dialect/openai_responses_detail.h"

namespace sluice::dialect {

using namespace openai_responses_detail;  // NOLINT: the shared writers

void OpenAiResponsesStreamEncoder::StartEvent(std::string_view type, std::string& out) {
  out += "event: ";
  out += type;
  out += "\ndata: {\"type\":\"";
  out += type;
  out += R"(","sequence_number":)";
  AppendJsonUint(out, sequence_++);
}

void OpenAiResponsesStreamEncoder::AppendItemRef(const Item& item, std::string& out) {
  out += R"(,"item_id":)";
  AppendJsonString(out, item.id);
  out += R"(,"output_index":)";
  AppendJsonUint(out, item.output_index);
}

void OpenAiResponsesStreamEncoder::AppendItem(const Item& item, std::string& out) const {
  switch (item.kind) {
    case ItemKind::kMessage:
      // While in progress the message has no content part yet (content_part.added follows).
      AppendMessageItem(out, item.id, item.status, item.text, item.status != "in_progress");
      return;
    case ItemKind::kFunctionCall:
      AppendFunctionCallItem(out, item.id, item.status, item.call_id, item.name,
                             item.status == "in_progress" ? std::string_view(item.text)
                                                          : WireArguments(item.text));
      return;
    case ItemKind::kReasoning:
      AppendReasoningItem(out, item.id, item.summary_open, item.text, item.encrypted);
      return;
  }
}

void OpenAiResponsesStreamEncoder::AppendResponse(std::string_view status, std::string& out,
                                                  std::string_view error_code,
                                                  std::string_view error_message) const {
  std::string items;
  for (size_t i = 0; i < items_.size(); ++i) {
    if (i) items += ',';
    AppendItem(items_[i], items);
  }
  ResponseHead head;
  head.id = id_;
  head.created_at = options_.created_at;
  head.status = status;
  head.incomplete_reason = IncompleteReason(finish_);
  head.error_code = error_code;
  head.error_message = error_message;
  head.model = model_;
  head.echo = options_.echo;
  // The lifecycle events before the end carry no usage, as OpenAI's do.
  bool final = status != "in_progress";
  AppendResponseObject(out, head, items, final ? usage_ : ir::Usage{});
}

void OpenAiResponsesStreamEncoder::Begin(std::string_view id, std::string_view model,
                                         std::string& out) {
  started_ = true;
  id_ = OpenAiResponseId(id, options_.fallback_id);
  base_ = id_.substr(5);
  model_.assign(model);
  for (std::string_view type : {"response.created", "response.in_progress"}) {
    StartEvent(type, out);
    out += R"(,"response":)";
    AppendResponse("in_progress", out);
    out += "}\n\n";
  }
}

OpenAiResponsesStreamEncoder::Item* OpenAiResponsesStreamEncoder::Find(uint32_t ir_index) {
  for (Item& item : items_)
    if (item.ir_index == ir_index) return &item;
  return nullptr;
}

OpenAiResponsesStreamEncoder::Item& OpenAiResponsesStreamEncoder::Open(const ir::StreamEvent& e,
                                                                       ir::BlockKind kind,
                                                                       std::string& out) {
  Item item;
  item.ir_index = e.index;
  item.output_index = static_cast<uint32_t>(items_.size());
  bool start = e.kind == ir::EventKind::kBlockStart;
  switch (kind) {
    case ir::BlockKind::kText:
      item.kind = ItemKind::kMessage;
      item.id = ItemId("msg_", base_, item.output_index);
      break;
    case ir::BlockKind::kToolCall:
      item.kind = ItemKind::kFunctionCall;
      item.id = ItemId("fc_", base_, item.output_index);
      if (start) {
        item.call_id = e.id;
        item.name = e.name;
      }
      break;
    case ir::BlockKind::kReasoning:
      item.kind = ItemKind::kReasoning;
      item.id = ItemId("rs_", base_, item.output_index);
      break;
    case ir::BlockKind::kRedactedReasoning:
      item.kind = ItemKind::kReasoning;
      item.redacted = true;
      item.id = ItemId("rs_", base_, item.output_index);
      item.encrypted.assign(kRedactedPrefix);
      if (start) item.encrypted += e.text;
      break;
  }
  items_.push_back(std::move(item));
  Item& it = items_.back();
  StartEvent("response.output_item.added", out);
  out += R"(,"output_index":)";
  AppendJsonUint(out, it.output_index);
  out += R"(,"item":)";
  AppendItem(it, out);
  out += "}\n\n";
  if (it.kind == ItemKind::kMessage) {
    StartEvent("response.content_part.added", out);
    AppendItemRef(it, out);
    out += R"(,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""}})";
    out += "\n\n";
  }
  return it;
}

void OpenAiResponsesStreamEncoder::Close(Item& it, std::string_view status, std::string& out) {
  if (!it.open) return;
  it.open = false;
  switch (it.kind) {
    case ItemKind::kMessage:
      StartEvent("response.output_text.done", out);
      AppendItemRef(it, out);
      out += R"(,"content_index":0,"logprobs":[],"text":)";
      AppendJsonString(out, it.text);
      out += "}\n\n";
      StartEvent("response.content_part.done", out);
      AppendItemRef(it, out);
      out += R"(,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":)";
      AppendJsonString(out, it.text);
      out += "}}\n\n";
      break;
    case ItemKind::kFunctionCall:
      StartEvent("response.function_call_arguments.done", out);
      AppendItemRef(it, out);
      out += R"(,"name":)";
      AppendJsonString(out, it.name);
      out += R"(,"arguments":)";
      AppendJsonString(out, WireArguments(it.text));
      out += "}\n\n";
      break;
    case ItemKind::kReasoning:
      if (it.summary_open) {
        StartEvent("response.reasoning_summary_text.done", out);
        AppendItemRef(it, out);
        out += R"(,"summary_index":0,"text":)";
        AppendJsonString(out, it.text);
        out += "}\n\n";
        StartEvent("response.reasoning_summary_part.done", out);
        AppendItemRef(it, out);
        out += R"(,"summary_index":0,"part":{"type":"summary_text","text":)";
        AppendJsonString(out, it.text);
        out += "}}\n\n";
      }
      break;
  }
  it.status = status;
  StartEvent("response.output_item.done", out);
  out += R"(,"output_index":)";
  AppendJsonUint(out, it.output_index);
  out += R"(,"item":)";
  AppendItem(it, out);
  out += "}\n\n";
}

void OpenAiResponsesStreamEncoder::CloseAll(std::string_view status, std::string& out) {
  for (Item& it : items_) Close(it, status, out);
}

void OpenAiResponsesStreamEncoder::Encode(const ir::StreamEvent& e, std::string& out) {
  if (done_) return;
  if (!started_ && e.kind != ir::EventKind::kMessageStart && e.kind != ir::EventKind::kError)
    Begin({}, {}, out);
  switch (e.kind) {
    case ir::EventKind::kMessageStart:
      if (started_) return;
      if (e.usage.present) usage_ = e.usage;
      Begin(e.id, e.name, out);
      return;
    case ir::EventKind::kBlockStart:
      if (Find(e.index)) return;  // started twice: the first start stands
      Open(e, e.block, out);
      return;
    case ir::EventKind::kBlockDelta: {
      if (e.text.empty()) return;
      ir::BlockKind kind = e.delta == ir::DeltaKind::kText        ? ir::BlockKind::kText
                           : e.delta == ir::DeltaKind::kArguments ? ir::BlockKind::kToolCall
                                                                  : ir::BlockKind::kReasoning;
      Item* it = Find(e.index);
      if (!it) it = &Open(e, kind, out);
      if (!it->open) return;  // a fragment after the block closed: the item is final already
      switch (e.delta) {
        case ir::DeltaKind::kText:
          if (it->kind != ItemKind::kMessage) return;
          it->text += e.text;
          StartEvent("response.output_text.delta", out);
          AppendItemRef(*it, out);
          out += R"(,"content_index":0,"logprobs":[],"delta":)";
          break;
        case ir::DeltaKind::kArguments:
          if (it->kind != ItemKind::kFunctionCall) return;
          it->text += e.text;
          StartEvent("response.function_call_arguments.delta", out);
          AppendItemRef(*it, out);
          out += R"(,"delta":)";
          break;
        case ir::DeltaKind::kReasoning:
          if (it->kind != ItemKind::kReasoning || it->redacted) return;
          if (!it->summary_open) {
            it->summary_open = true;
            StartEvent("response.reasoning_summary_part.added", out);
            AppendItemRef(*it, out);
            out += R"(,"summary_index":0,"part":{"type":"summary_text","text":""}})";
            out += "\n\n";
          }
          it->text += e.text;
          StartEvent("response.reasoning_summary_text.delta", out);
          AppendItemRef(*it, out);
          out += R"(,"summary_index":0,"delta":)";
          break;
        case ir::DeltaKind::kSignature:
          // Opaque and never shown: it travels once, in the item's encrypted_content.
          if (it->kind == ItemKind::kReasoning && !it->redacted) it->encrypted += e.text;
          return;
      }
      AppendJsonString(out, e.text);
      out += "}\n\n";
      return;
    }
    case ir::EventKind::kBlockStop:
      if (Item* it = Find(e.index)) Close(*it, "completed", out);
      return;
    case ir::EventKind::kMessageDelta:
      if (e.usage.present) usage_ = e.usage;
      finish_ = e.finish;
      // Items still open when the answer ends were cut short by it.
      CloseAll(IncompleteReason(finish_).empty() ? "completed" : "incomplete", out);
      return;
    case ir::EventKind::kMessageStop: {
      CloseAll(IncompleteReason(finish_).empty() ? "completed" : "incomplete", out);
      bool incomplete = !IncompleteReason(finish_).empty();
      StartEvent(incomplete ? "response.incomplete" : "response.completed", out);
      out += R"(,"response":)";
      AppendResponse(incomplete ? "incomplete" : "completed", out);
      out += "}\n\n";
      done_ = true;
      return;
    }
    case ir::EventKind::kError: {
      int status = e.status ? e.status : 500;
      std::string_view code = FailureCode(status);
      if (started_) {
        // Unfinished items stay as they were, marked incomplete, without their *.done events.
        for (Item& it : items_)
          if (it.open) it.status = "incomplete";
        StartEvent("response.failed", out);
        out += R"(,"response":)";
        AppendResponse("failed", out, code, e.text);
        out += "}\n\n";
      }
      // The `error` event is what SDKs raise on (openai-node: event `error`; openai-python: a
      // top-level "error" member); it carries the fields both flat and nested.
      StartEvent("error", out);
      out += R"(,"code":)";
      AppendJsonString(out, code);
      out += R"(,"message":)";
      AppendJsonString(out, e.text);
      out += R"(,"param":null,"error":{"type":)";
      AppendJsonString(out, core::OpenAiTypeForStatus(status));
      out += R"(,"code":)";
      AppendJsonString(out, code);
      out += R"(,"message":)";
      AppendJsonString(out, e.text);
      out += R"(,"param":null}})";
      out += "\n\n";
      done_ = true;
      return;
    }
  }
}

}  // namespace sluice::dialect
