// A provider's base URL parsed once at config build time: scheme, host, port, TLS, path prefix, and the
// pool key. Thread rule: immutable after parsing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sluice::upstream {

struct Origin {
  bool tls = false;
  std::string host;         // without brackets for IPv6
  uint16_t port = 0;
  std::string path_prefix;  // "" or "/something" without trailing slash
  std::string host_header;  // "host" or "host:port" (non-default port), brackets for IPv6
  std::string key;          // "https://host:port": the connection pool key
};

core::Result<Origin> ParseOrigin(std::string_view base_url);

}  // namespace sluice::upstream
