#include "upstream/connection_pool.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <boost/asio/ssl/host_name_verification.hpp>
#include <stdexcept>

namespace sluice::upstream {
namespace {

using core::Error;
using core::ErrorCode;

// A pooled connection the peer already closed (or that holds unexpected bytes) must not be reused.
bool LooksAlive(Socket& s) {
  char byte;
  ssize_t n = ::recv(s.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

std::string TlsReason(const boost::system::error_code& ec) {
  if (ec.category() == net::error::get_ssl_category()) {
    const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
    if (reason) return reason;
  }
  return ec.message();
}

bool IsIpLiteral(const std::string& host) {
  boost::system::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

TlsContexts::TlsContexts(const std::string& extra_ca_file) {
  verify.set_default_verify_paths();
  if (!extra_ca_file.empty()) verify.load_verify_file(extra_ca_file);  // throws: start-up only
  verify.set_verify_mode(ssl::verify_peer);
  no_verify.set_verify_mode(ssl::verify_none);
  for (ssl::context* c : {&verify, &no_verify}) {
    SSL_CTX_set_min_proto_version(c->native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_session_cache_mode(c->native_handle(), SSL_SESS_CACHE_CLIENT);
  }
}

ConnectionPool::ConnectionPool(net::io_context& ioc, DeadlineList& deadlines, const TlsContexts& tls,
                               PoolSettings settings)
    : ioc_(ioc), deadlines_(deadlines), tls_(tls), settings_(settings) {}

size_t ConnectionPool::IdleCount() const {
  size_t n = 0;
  for (const auto& [k, v] : idle_) n += v.size();
  return n;
}

Awaitable<core::Result<ConnectionPtr>> ConnectionPool::Acquire(const Origin& origin, bool tls_verify,
                                                               Clock::time_point connect_deadline) {
  auto it = idle_.find(origin.key);
  if (it != idle_.end()) {
    auto& stack = it->second;
    auto now = Clock::now();
    while (!stack.empty()) {
      ConnectionPtr c = std::move(stack.back());
      stack.pop_back();
      // A connection used within the last second is trusted without a probe (saves a syscall per request
      // under load); an older one is probed, since upstreams close idle connections after a few seconds.
      // Exchange::Send retries once on a fresh connection if a reused one turns out closed anyway.
      auto idle = now - c->idle_since;
      bool fresh = idle < std::chrono::seconds(1);
      if (idle < settings_.idle_timeout && c->buffer.size() == 0 && (fresh || LooksAlive(c->Sock()))) {
        c->reused = true;
        ++stats_.reused;
        co_return c;
      }
    }
  }
  co_return co_await Connect(origin, tls_verify, connect_deadline);
}

Awaitable<core::Result<ConnectionPtr>> ConnectionPool::Connect(const Origin& origin, bool tls_verify,
                                                               Clock::time_point deadline) {
  tcp::resolver resolver(ioc_);
  std::string port = std::to_string(origin.port);  // named: no temporaries inside co_await (GCC 12)
  auto [rec, endpoints] = co_await resolver.async_resolve(origin.host, port, kUseTuple);
  if (rec) {
    co_return Error{ErrorCode::kUpstreamDnsFailed,
                    "could not resolve upstream host '" + origin.host + "': " + rec.message()};
  }
  auto conn = std::make_unique<Connection>(deadlines_);
  conn->origin_key = origin.key;
  // Beast reads at most the buffer's free capacity (min 512 bytes): without room, a 1 KiB response costs
  // three recv calls.
  conn->buffer.reserve(4096);
  if (origin.tls) {
    conn->secure.emplace(ioc_.get_executor(), const_cast<ssl::context&>(tls_verify ? tls_.verify : tls_.no_verify));
  } else {
    conn->plain.emplace(ioc_.get_executor());
  }
  Socket& lowest = conn->Sock();
  conn->deadline.Arm(lowest, deadline);
  auto [cec, ep] = co_await net::async_connect(lowest, endpoints, kUseTuple);
  if (cec) {
    if (conn->deadline.expired())
      co_return Error{ErrorCode::kUpstreamTimeout, "timed out connecting to upstream " + origin.host_header};
    co_return Error{ErrorCode::kUpstreamConnectFailed,
                    "could not connect to upstream " + origin.host_header + ": " + cec.message()};
  }
  boost::system::error_code opt_ec;
  lowest.set_option(tcp::no_delay(true), opt_ec);
  if (origin.tls) {
    SSL* ssl_handle = conn->secure->native_handle();
    if (!IsIpLiteral(origin.host)) SSL_set_tlsext_host_name(ssl_handle, origin.host.c_str());
    if (tls_verify) conn->secure->set_verify_callback(ssl::host_name_verification(origin.host));
    auto [hec] = co_await conn->secure->async_handshake(ssl::stream_base::client, kUseTuple);
    if (hec) {
      if (conn->deadline.expired())
        co_return Error{ErrorCode::kUpstreamTimeout, "timed out in TLS handshake with " + origin.host_header};
      co_return Error{ErrorCode::kUpstreamTlsFailed,
                      "TLS handshake with upstream " + origin.host_header + " failed: " + TlsReason(hec)};
    }
  }
  conn->deadline.Disarm();
  ++stats_.created;
  co_return conn;
}

void ConnectionPool::Release(ConnectionPtr connection) {
  auto& stack = idle_[connection->origin_key];
  if (stack.size() >= settings_.max_idle_per_origin) return;  // dropped: closes
  connection->idle_since = Clock::now();
  connection->deadline.Disarm();
  stack.push_back(std::move(connection));
}

}  // namespace sluice::upstream
