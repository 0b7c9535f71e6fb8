// ir::ChatResponse → OpenAI Responses `response` object (reference §2), and the item/object writers
// the stream encoder shares. JSON is written directly (json_write.h), as the other encoders do.
// Thread rule: pure functions.
#include "core/error.h"
#include "dialect/json_validate.h"
#include "dialect/json_write.h"
#include "dialect/openai_responses.h"
#include "dialect/openai_responses_detail.h"

namespace sluice::dialect {

namespace openai_responses_detail {

std::string ItemId(std::string_view prefix, std::string_view base, uint32_t n) {
  std::string id;
  id.reserve(prefix.size() + base.size() + 8);
  id += prefix;
  id += base;
  id += '_';
  AppendJsonUint(id, n);
  return id;
}

void AppendMessageItem(std::string& out, std::string_view id, std::string_view status,
                       std::string_view text, bool with_content) {
  out += R"({"id":)";
  AppendJsonString(out, id);
  out += R"(,"type":"message","status":")";
  out += status;
  out += R"(","content":[)";
  if (with_content) {
    out += R"({"type":"output_text","annotations":[],"logprobs":[],"text":)";
    AppendJsonString(out, text);
    out += '}';
  }
  out += R"(],"role":"assistant"})";
}

void AppendFunctionCallItem(std::string& out, std::string_view id, std::string_view status,
                            std::string_view call_id, std::string_view name,
                            std::string_view arguments) {
  out += R"({"id":)";
  AppendJsonString(out, id);
  out += R"(,"type":"function_call","status":")";
  out += status;
  out += R"(","arguments":)";
  AppendJsonString(out, arguments);
  out += R"(,"call_id":)";
  AppendJsonString(out, call_id);
  out += R"(,"name":)";
  AppendJsonString(out, name);
  out += '}';
}

void AppendReasoningItem(std::string& out, std::string_view id, bool has_summary,
                         std::string_view summary, std::string_view encrypted_content) {
  out += R"({"id":)";
  AppendJsonString(out, id);
  out += R"(,"type":"reasoning","summary":[)";
  if (has_summary) {
    out += R"({"type":"summary_text","text":)";
    AppendJsonString(out, summary);
    out += '}';
  }
  out += ']';
  if (!encrypted_content.empty()) {
    out += R"(,"encrypted_content":)";
    AppendJsonString(out, encrypted_content);
  }
  out += '}';
}

std::string_view IncompleteReason(ir::FinishReason finish) {
  switch (finish) {
    case ir::FinishReason::kLength:
    case ir::FinishReason::kContextWindow:
      return "max_output_tokens";
    case ir::FinishReason::kContentFilter:
      return "content_filter";
    default:
      return {};
  }
}

std::string_view FailureCode(int status) {
  if (status == 429) return "rate_limit_exceeded";
  if (status == 400 || status == 413 || status == 422) return "invalid_prompt";
  return "server_error";
}

void AppendResponseObject(std::string& out, const ResponseHead& h, std::string_view output_items,
                          const ir::Usage& usage) {
  out += R"({"id":)";
  AppendJsonString(out, h.id);
  out += R"(,"object":"response","created_at":)";
  AppendJsonInt(out, h.created_at);
  out += R"(,"status":")";
  out += h.status;
  out += R"(","background":false,"error":)";
  if (h.status == "failed") {
    out += R"({"code":)";
    AppendJsonString(out, h.error_code);
    out += R"(,"message":)";
    AppendJsonString(out, h.error_message);
    out += '}';
  } else {
    out += "null";
  }
  out += R"(,"incomplete_details":)";
  if (h.status == "incomplete") {
    out += R"({"reason":)";
    AppendJsonString(out, h.incomplete_reason);
    out += '}';
  } else {
    out += "null";
  }
  out += R"(,"model":)";
  AppendJsonString(out, h.model);
  out += R"(,"output":[)";
  out += output_items;
  out += R"(],"usage":)";
  if (usage.present)
    AppendOpenAiResponsesUsage(out, usage);
  else
    out += "null";
  out += ',';
  if (h.echo.empty())
    out += EncodeOpenAiResponsesEcho(ir::ChatRequest{});
  else
    out += h.echo;
  out += '}';
}

}  // namespace openai_responses_detail

using namespace openai_responses_detail;  // NOLINT: this file implements them

namespace {

void AppendToolChoice(std::string& out, const ir::ToolChoice& tc) {
  switch (tc.kind) {
    case ir::ToolChoiceKind::kNone:
      out += R"("none")";
      return;
    case ir::ToolChoiceKind::kRequired:
      out += R"("required")";
      return;
    case ir::ToolChoiceKind::kSpecific:
      out += R"({"type":"function","name":)";
      AppendJsonString(out, tc.name);
      out += '}';
      return;
    default:
      out += R"("auto")";
  }
}

// JSON text the IR carries (schemas, metadata): inserted verbatim when valid, else `fallback`.
void AppendRawJson(std::string& out, std::string_view json, std::string_view fallback) {
  if (!json.empty() && IsValidJson(json))
    out += json;
  else
    out += fallback;
}

void AppendTextConfig(std::string& out, const ir::ResponseFormat& rf) {
  out += R"({"format":)";
  switch (rf.kind) {
    case ir::ResponseFormatKind::kJsonObject:
      out += R"({"type":"json_object"})";
      break;
    case ir::ResponseFormatKind::kJsonSchema:
      out += R"({"type":"json_schema","name":)";
      AppendJsonString(out, rf.name);
      if (!rf.description.empty()) {
        out += R"(,"description":)";
        AppendJsonString(out, rf.description);
      }
      out += R"(,"schema":)";
      AppendRawJson(out, rf.schema, "{}");
      out += R"(,"strict":)";
      out += rf.strict ? (*rf.strict ? "true" : "false") : "null";
      out += '}';
      break;
    default:
      out += R"({"type":"text"})";
  }
  out += '}';
}

void AppendOptionalNumber(std::string& out, const std::optional<double>& v) {
  if (!v) {
    out += "null";
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), *v);
  out.append(buf, end);
}

}  // namespace

std::string EncodeOpenAiResponsesEcho(const ir::ChatRequest& req) {
  std::string out;
  out.reserve(256);
  out += R"("instructions":)";
  std::string instructions;
  bool any = false;
  for (const ir::ContentPart& p : req.system) {
    if (p.kind != ir::PartKind::kText) continue;
    if (any) instructions += "\n\n";
    instructions += p.text;
    any = true;
  }
  if (any)
    AppendJsonString(out, instructions);
  else
    out += "null";
  out += R"(,"max_output_tokens":)";
  if (req.max_tokens)
    AppendJsonUint(out, *req.max_tokens);
  else
    out += "null";
  out += R"(,"parallel_tool_calls":)";
  out += req.parallel_tool_calls.value_or(true) ? "true" : "false";
  out += R"(,"previous_response_id":null,"reasoning":{"effort":)";
  if (req.reasoning_effort.empty())
    out += "null";
  else
    AppendJsonString(out, req.reasoning_effort);
  out += R"(,"summary":null},"store":false,"temperature":)";
  AppendOptionalNumber(out, req.temperature);
  out += R"(,"text":)";
  AppendTextConfig(out, req.response_format);
  out += R"(,"tool_choice":)";
  AppendToolChoice(out, req.tool_choice);
  out += R"(,"tools":[)";
  for (size_t i = 0; i < req.tools.size(); ++i) {
    const ir::Tool& t = req.tools[i];
    if (i) out += ',';
    out += R"({"type":"function","name":)";
    AppendJsonString(out, t.name);
    out += R"(,"description":)";
    if (t.description.empty())
      out += "null";
    else
      AppendJsonString(out, t.description);
    out += R"(,"parameters":)";
    AppendRawJson(out, t.parameters, "null");
    out += R"(,"strict":)";
    out += t.strict ? (*t.strict ? "true" : "false") : "null";
    out += '}';
  }
  out += R"(],"top_p":)";
  AppendOptionalNumber(out, req.top_p);
  out += R"(,"truncation":"disabled","metadata":)";
  std::string_view metadata;
  if (req.source == ir::Dialect::kOpenAiResponses)
    for (const ir::RawField& f : req.extra)
      if (f.name == "metadata") metadata = f.json;
  AppendRawJson(out, metadata, "{}");
  return out;
}

std::string OpenAiResponseId(std::string_view provider_id, std::string_view fallback_id) {
  std::string_view base = provider_id;
  for (std::string_view prefix : {"resp_", "chatcmpl-", "msg_"}) {
    if (base.starts_with(prefix)) {
      base.remove_prefix(prefix.size());
      break;
    }
  }
  if (base.empty()) base = fallback_id;
  if (base.empty()) base = "sluice";
  std::string id = "resp_";
  id += base;
  return id;
}

void AppendOpenAiResponsesUsage(std::string& out, const ir::Usage& u) {
  out += R"({"input_tokens":)";
  AppendJsonUint(out, u.input);
  out += R"(,"input_tokens_details":{"cached_tokens":)";
  AppendJsonUint(out, u.cache_read);
  out += R"(},"output_tokens":)";
  AppendJsonUint(out, u.output);
  out += R"(,"output_tokens_details":{"reasoning_tokens":)";
  AppendJsonUint(out, u.reasoning);
  out += R"(},"total_tokens":)";
  AppendJsonUint(out, u.Total());
  out += '}';
}

std::string EncodeOpenAiResponsesResponse(const ir::ChatResponse& r,
                                          const OpenAiResponsesEncodeOptions& options) {
  std::string id = OpenAiResponseId(r.id, options.fallback_id);
  std::string_view base = std::string_view(id).substr(5);
  std::string_view reason = IncompleteReason(r.finish);
  // An answer cut short leaves its last item unfinished; every earlier item was complete.
  size_t last = r.content.size();
  for (size_t i = r.content.size(); i-- > 0;) {
    ir::PartKind k = r.content[i].kind;
    if (k == ir::PartKind::kText || k == ir::PartKind::kToolCall) {
      last = i;
      break;
    }
  }
  std::string items;
  uint32_t n = 0;
  for (size_t i = 0; i < r.content.size(); ++i) {
    const ir::ContentPart& p = r.content[i];
    std::string_view status = !reason.empty() && i == last ? "incomplete" : "completed";
    switch (p.kind) {
      case ir::PartKind::kText:
        if (n) items += ',';
        AppendMessageItem(items, ItemId("msg_", base, n), status, p.text, true);
        break;
      case ir::PartKind::kToolCall:
        if (n) items += ',';
        AppendFunctionCallItem(items, ItemId("fc_", base, n), status, p.id, p.name,
                               WireArguments(p.arguments));
        break;
      case ir::PartKind::kReasoning:
        if (n) items += ',';
        AppendReasoningItem(items, ItemId("rs_", base, n), true, p.text, p.signature);
        break;
      case ir::PartKind::kRedactedReasoning:
        if (n) items += ',';
        AppendReasoningItem(items, ItemId("rs_", base, n), false, {},
                            std::string(kRedactedPrefix) + p.data);
        break;
      default:
        continue;  // responses hold no other kinds
    }
    ++n;
  }
  ResponseHead head;
  head.id = id;
  head.created_at = options.created_at;
  head.status = reason.empty() ? "completed" : "incomplete";
  head.incomplete_reason = reason;
  head.model = r.model;
  head.echo = options.echo;
  std::string out;
  out.reserve(512 + items.size() + options.echo.size());
  AppendResponseObject(out, head, items, r.usage);
  return out;
}

}  // namespace sluice::dialect
