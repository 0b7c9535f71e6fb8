// The gateway's error vocabulary. Every local reply and upstream failure carries a stable snake_case code
// that appears in the client's error body, the access log and sluice_local_replies_total{code}.
// The table in error.cc maps each code to its HTTP status, OpenAI error type and retryability.
// Thread rule: immutable data and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace sluice::core {

enum class ErrorCode : uint8_t {
  kInvalidRequest,        // 400 malformed JSON, missing fields
  kMalformedHttp,         // 400 the HTTP framing itself was bad
  kUnsupportedMediaType,  // 415
  kNotFound,              // 404 unknown path
  kMethodNotAllowed,      // 405
  kModelNotFound,         // 404 unknown client-facing model
  kBodyTooLarge,          // 413
  kHeadersTooLarge,       // 431
  kRequestTimeout,        // 408 client too slow to send its request
  kOverloaded,            // 503 too many concurrent connections/requests
  kShuttingDown,          // 503 draining
  kUpstreamConnectFailed, // 502 refused, unreachable
  kUpstreamDnsFailed,     // 502 name did not resolve
  kUpstreamTlsFailed,     // 502 handshake or certificate verification failed
  kUpstreamProtocolError, // 502 upstream spoke broken HTTP or broken payloads
  kUpstreamTimeout,       // 504 connect/first-byte/idle/total deadline
  kUpstreamError,         // upstream answered with an error status (status passes through)
  kStreamIdleTimeout,     // 504 mid-stream, no event within the idle deadline
  kStreamTotalTimeout,    // 504 mid-stream, total stream deadline
  kInternal,              // 500
  kPermissionDenied,      // 403 the route's access policy does not allow this consumer/team
  kNoTargetAvailable,     // 503 every target of the route is ejected, throttled or out of retry budget
};

struct ErrorInfo {
  std::string_view code;        // stable snake_case code
  int http_status;
  std::string_view openai_type; // OpenAI error "type"
  bool retryable;               // a router may try another target
};

const ErrorInfo& Describe(ErrorCode code);

// An error as a value. `message` is safe to show to the client: it never holds a key or a prompt.
struct Error {
  Error() = default;
  // Lets `Error{code, message}` leave the rest at their defaults without a missing-initializer warning.
  Error(ErrorCode c, std::string m, int status = 0, std::string p = {})
      : code(c), message(std::move(m)), http_status(status), param(std::move(p)) {}

  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  int http_status = 0;  // 0: use Describe(code).http_status; set for kUpstreamError to the upstream status
  std::string param;    // OpenAI "param", empty when none

  int Status() const { return http_status ? http_status : Describe(code).http_status; }
  std::string_view Code() const { return Describe(code).code; }
};

// Renders {"error":{"message","type","param","code"}} exactly as OpenAI does (all four keys, nulls allowed).
std::string OpenAiErrorBody(const Error& error);
std::string OpenAiErrorBody(std::string_view message, std::string_view type, std::string_view code,
                            std::string_view param = {});

// Renders {"type":"error","error":{"type","message"}} as Anthropic's Messages API does.
std::string AnthropicErrorBody(const Error& error);
// Anthropic error type for an HTTP status (invalid_request_error, authentication_error, not_found_error,
// rate_limit_error, api_error, overloaded_error, ...).
std::string_view AnthropicTypeForStatus(int status);

// OpenAI error type for an HTTP status, as the OpenAI API uses it (SDKs classify by status).
std::string_view OpenAiTypeForStatus(int status);

}  // namespace sluice::core
