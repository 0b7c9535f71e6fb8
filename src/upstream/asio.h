// The one place that pulls in Asio/Beast/SSL for the network folders (upstream/, server/), so they share a
// precompiled header. Codecs, IR and the tokenizer never include this.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace sluice {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
// Coroutines run on their worker's io_context and say so in their type: a completion then resumes its
// coroutine directly, where the default type-erased executor (any_io_executor) wraps each completion in an
// allocated executor_function and dispatches it through a virtual call.
using Executor = net::io_context::executor_type;
template <class T = void>
using Awaitable = net::awaitable<T, Executor>;
// Errors are values: every awaited operation completes with (error_code, ...) instead of throwing.
inline constexpr auto kUseTuple = net::as_tuple(net::use_awaitable_t<Executor>{});
}  // namespace sluice
