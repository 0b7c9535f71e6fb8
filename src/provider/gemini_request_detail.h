// The part of the Gemini request encoder that turns the conversation into `contents` and
// `systemInstruction` (gemini_request.cc), used by the body builder in gemini_request_config.cc.
// Internal to the Gemini adapter. Thread rule: one builder per request, on one thread.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "core/result.h"
#include "ir/chat_request.h"

namespace sluice::provider::gemini_detail {

class ContentsBuilder {
 public:
  // `model` is the upstream model name (some history rules differ for gemini-3 models).
  ContentsBuilder(const ir::ChatRequest& req, std::string_view model, boost::json::storage_ptr sp)
      : req_(req), model_(model), sp_(std::move(sp)) {}

  core::Result<boost::json::array> Contents();
  boost::json::value SystemInstruction();  // null when the request has no instructions

 private:
  core::Result<boost::json::object> Media(const ir::ContentPart& p, const std::string& param);
  core::Result<boost::json::object> ToolResponse(const ir::ContentPart& p, const std::string& name,
                                                 boost::json::array& extra_parts,
                                                 const std::string& param);

  const ir::ChatRequest& req_;
  std::string_view model_;
  boost::json::storage_ptr sp_;
};

}  // namespace sluice::provider::gemini_detail
