#include "core/error.h"

#include <array>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace sluice::core {
namespace {

constexpr std::array<ErrorInfo, 22> kTable = {{
    {"invalid_request", 400, "invalid_request_error", false},
    {"malformed_http", 400, "invalid_request_error", false},
    {"unsupported_media_type", 415, "invalid_request_error", false},
    {"not_found", 404, "invalid_request_error", false},
    {"method_not_allowed", 405, "invalid_request_error", false},
    {"model_not_found", 404, "invalid_request_error", false},
    {"body_too_large", 413, "invalid_request_error", false},
    {"headers_too_large", 431, "invalid_request_error", false},
    {"request_timeout", 408, "invalid_request_error", false},
    {"overloaded", 503, "server_error", true},
    {"shutting_down", 503, "server_error", true},
    {"upstream_connect_failed", 502, "server_error", true},
    {"upstream_dns_failed", 502, "server_error", true},
    {"upstream_tls_failed", 502, "server_error", true},
    {"upstream_protocol_error", 502, "server_error", true},
    {"upstream_timeout", 504, "server_error", true},
    {"upstream_error", 502, "server_error", false},
    {"stream_idle_timeout", 504, "server_error", false},
    {"stream_total_timeout", 504, "server_error", false},
    {"internal_error", 500, "server_error", false},
    {"permission_denied", 403, "permission_error", false},
    {"no_target_available", 503, "server_error", true},
}};

}  // namespace

const ErrorInfo& Describe(ErrorCode code) { return kTable[static_cast<size_t>(code)]; }

std::string_view OpenAiTypeForStatus(int status) {
  switch (status) {
    case 400: case 404: case 409: case 413: case 415: case 422: case 431: return "invalid_request_error";
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 408: return "timeout_error";
    case 429: return "rate_limit_error";
    default: return status >= 500 ? "server_error" : "invalid_request_error";
  }
}

std::string OpenAiErrorBody(std::string_view message, std::string_view type, std::string_view code,
                            std::string_view param) {
  boost::json::object err;
  err["message"] = message;
  err["type"] = type;
  err["param"] = param.empty() ? boost::json::value(nullptr) : boost::json::value(param);
  err["code"] = code.empty() ? boost::json::value(nullptr) : boost::json::value(code);
  boost::json::object root;
  root["error"] = std::move(err);
  return boost::json::serialize(root);
}

std::string_view AnthropicTypeForStatus(int status) {
  switch (status) {
    case 400: case 409: case 415: case 422: case 431: return "invalid_request_error";
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 408: return "timeout_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    case 503: case 529: return "overloaded_error";
    default: return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

std::string AnthropicErrorBody(const Error& error) {
  boost::json::object err;
  err["type"] = AnthropicTypeForStatus(error.Status());
  err["message"] = error.message;
  boost::json::object root;
  root["type"] = "error";
  root["error"] = std::move(err);
  return boost::json::serialize(root);
}

std::string OpenAiErrorBody(const Error& error) {
  std::string_view type = error.code == ErrorCode::kUpstreamError ? OpenAiTypeForStatus(error.Status())
                                                                   : Describe(error.code).openai_type;
  return OpenAiErrorBody(error.message, type, error.Code(), error.param);
}

}  // namespace sluice::core
