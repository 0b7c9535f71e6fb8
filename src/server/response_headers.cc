#include "server/response_headers.h"

#include <charconv>

namespace sluice::server {
namespace {

// Called for every header of every answer: the first letter and the length turn most names away before any
// compare.
bool ForwardableHeader(std::string_view name) {
  if (name.size() < 10) return false;  // "request-id" is the shortest
  switch (name[0] | 0x20) {
    case 'x':
      return beast::iequals(name, "x-request-id") ||
             (name.size() > 12 && beast::iequals(name.substr(0, 12), "x-ratelimit-"));
    case 'r':
      return beast::iequals(name, "request-id") || beast::iequals(name, "retry-after") ||
             beast::iequals(name, "retry-after-ms");
    case 'o':
      return beast::iequals(name, "openai-processing-ms");
    case 'a':
      return name.size() > 20 && beast::iequals(name.substr(0, 20), "anthropic-ratelimit-");
    default:
      return false;
  }
}

}  // namespace

void AppendForwardedHeaders(std::string& out, const upstream::Exchange& ex, const RequestRecord& rec) {
  using namespace std::string_view_literals;  // literals without a strlen per append
  out.reserve(out.size() + 160 + rec.model->name.size() + rec.upstream_model.size());
  for (const auto& f : ex.Headers()) {
    if (ForwardableHeader(f.name_string())) {
      out += f.name_string();
      out += ": "sv;
      out += f.value();
      out += "\r\n"sv;
    }
  }
  out += "x-sluice-route: "sv;
  out += rec.model->name;
  out += "\r\nx-sluice-provider: "sv;
  out += rec.provider->config->name;
  out += "\r\nx-sluice-model: "sv;
  out += rec.upstream_model;
  out += "\r\nx-sluice-attempts: "sv;
  char digits[12];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, rec.attempts);
  out.append(digits, ec == std::errc() ? end : digits);
  out += "\r\n"sv;
}

}  // namespace sluice::server
