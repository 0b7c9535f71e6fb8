// Request rules of Anthropic's models that hold wherever they are served: the Anthropic adapter
// and Bedrock Converse (which hosts Claude with the same thinking and tool-schema rules) both build
// their bodies with these. Internal to provider/anthropic_request.cc and provider/bedrock_request.cc.
// Thread rule: pure functions.
#pragma once

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string_view>

#include "ir/chat_request.h"

namespace sluice::provider::anthropic_rules {

// Anthropic refuses a thinking budget below this.
inline constexpr uint64_t kMinThinkingBudget = 1024;

// Thinking budget (tokens) for an OpenAI-style reasoning effort; 0 for "", "none" or an effort
// this table does not know, which means no thinking.
inline uint64_t BudgetForEffort(std::string_view effort) {
  if (effort == "minimal") return 1024;
  if (effort == "low") return 2048;
  if (effort == "medium") return 8192;
  if (effort == "high") return 16384;
  if (effort == "xhigh") return 24576;
  if (effort == "max") return 32000;
  return 0;
}

// The budget must stay below max_tokens (room for the answer) and reach Anthropic's minimum;
// returns the budget to send, 0 meaning thinking off.
inline uint64_t FitThinkingBudget(uint64_t budget, uint64_t max_tokens) {
  if (budget >= max_tokens) budget = max_tokens > 0 ? max_tokens - 1 : 0;
  return budget < kMinThinkingBudget ? 0 : budget;
}

// A tool's input schema as Anthropic models require it: always an object schema, where OpenAI
// allows a tool without parameters (or the client sent something unusable).
inline boost::json::value ToolInputSchema(const ir::Tool& tool, const boost::json::storage_ptr& sp) {
  boost::json::value schema(sp);
  boost::system::error_code ec;
  if (!tool.parameters.empty()) schema = boost::json::parse(tool.parameters, ec, sp);
  if (tool.parameters.empty() || ec || !schema.is_object()) {
    schema = boost::json::object(sp);
    schema.get_object()["type"] = "object";
    schema.get_object()["properties"] = boost::json::object(sp);
  }
  return schema;
}

}  // namespace sluice::provider::anthropic_rules
