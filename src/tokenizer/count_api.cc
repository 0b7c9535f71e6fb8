// count_tokens endpoint answers. Thread rule: pure functions.
#include "tokenizer/count_api.h"

#include <boost/json/parse.hpp>

namespace sluice::tokenizer {
namespace {

core::Result<boost::json::object> ParseObject(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) {
    core::Error e;
    e.code = core::ErrorCode::kInvalidRequest;
    e.message = "request body is not a JSON object";
    return e;
  }
  return std::move(v.get_object());
}

}  // namespace

core::Result<CountTokensReply> AnswerAnthropicCountTokens(std::string_view body, const ModelTable& models,
                                                          const CountTokensOptions& options) {
  auto request = ParseObject(body);
  if (!request.ok()) return request.error();
  if (!options.tokenizer_model.empty()) {
    if (auto* m = request->if_contains("model"); m && m->is_string()) *m = options.tokenizer_model;
  }
  CountTokensReply reply;
  if (const auto* m = request->if_contains("model"); m && m->is_string() && !options.allow_estimate &&
                                                     !models.Lookup(m->get_string()).exact) {
    reply.kind = CountTokensReply::Kind::kForward;
    return reply;
  }
  auto count = CountAnthropicMessages(*request, models);
  if (!count.ok()) return count.error();
  reply.count = *count;
  reply.body = "{\"input_tokens\":" + std::to_string(count->tokens) + "}";
  return reply;
}

core::Result<TokenCount> CountOpenAiChatBody(std::string_view body, const ModelTable& models, uint64_t limit) {
  auto request = ParseObject(body);
  if (!request.ok()) return request.error();
  return CountOpenAiChat(*request, models, limit);
}

}  // namespace sluice::tokenizer
