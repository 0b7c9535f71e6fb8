#include "upstream/origin.h"

#include <boost/url/parse.hpp>

namespace sluice::upstream {

core::Result<Origin> ParseOrigin(std::string_view base_url) {
  auto parsed = boost::urls::parse_absolute_uri(base_url);
  if (!parsed) return core::Error{core::ErrorCode::kInternal, "invalid base_url"};
  const auto& u = *parsed;
  Origin o;
  if (u.scheme() == "https") {
    o.tls = true;
  } else if (u.scheme() != "http") {
    return core::Error{core::ErrorCode::kInternal, "base_url scheme must be http or https"};
  }
  o.host = u.host_address();
  if (o.host.empty()) return core::Error{core::ErrorCode::kInternal, "base_url has no host"};
  uint16_t default_port = o.tls ? 443 : 80;
  o.port = u.has_port() ? u.port_number() : default_port;
  std::string path = u.path();
  while (!path.empty() && path.back() == '/') path.pop_back();
  o.path_prefix = path;
  bool v6 = u.host_type() == boost::urls::host_type::ipv6;
  std::string host_part = v6 ? "[" + o.host + "]" : o.host;
  o.host_header = o.port == default_port ? host_part : host_part + ":" + std::to_string(o.port);
  o.key = std::string(o.tls ? "https://" : "http://") + host_part + ":" + std::to_string(o.port);
  return o;
}

}  // namespace sluice::upstream
