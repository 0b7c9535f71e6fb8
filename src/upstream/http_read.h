// Reads an HTTP message, or its head, or some of its body, into a Beast parser: what the buffer already
// holds is parsed first, and the stream is read only when the parser asks for more.
// Beast's http::async_read / async_read_header / async_read_some take the same steps inside a composed
// operation that *posts* its completion even when no byte had to be read. On a keep-alive request path the
// head and body usually arrive in one segment, so that post (a scheduler round trip, two lock pairs, a
// handler allocation) and the composed layers were most of what reading cost.
// Thread rule: one stream, one coroutine.
#pragma once

#include <type_traits>

#include <boost/beast/core/read_size.hpp>

#include "upstream/asio.h"
#include "upstream/read_drained.h"

namespace sluice::upstream {

enum class ReadUntil {
  kHeader,   // the head is parsed
  kMessage,  // the whole message is parsed (set the parser eager first)
  kSome,     // one parse step made progress (a body piece into a buffer_body, or a chunk header)
};

// Returns Beast's own error codes: http::error::end_of_stream when the stream ended before any byte of the
// message, partial_message when it ended inside one, need_buffer when a buffer_body is full, the stream's
// errors (operation_aborted when a deadline cancelled the read) and the parser's (header_limit,
// body_limit, bad_*).
template <typename Stream, bool kIsRequest>
Awaitable<boost::system::error_code> ReadHttp(Stream& stream, beast::flat_buffer& buffer,
                                              http::basic_parser<kIsRequest>& parser, ReadUntil until) {
  for (;;) {
    boost::system::error_code ec;
    if (buffer.size() > 0) {
      const size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (!ec) {
        if (until == ReadUntil::kSome || parser.is_done() ||
            (until == ReadUntil::kHeader && parser.is_header_done()))
          co_return ec;
        continue;  // a lazy parser stops after the head: parse on
      }
      if (ec != http::error::need_more) co_return ec;
    }
    const size_t size = beast::read_size(buffer, 65536);
    if (size == 0) co_return http::error::buffer_overflow;
    // On a plain socket, a keep-alive connection's next message is waited for without the recv that finds
    // nothing (read_drained.h).
    boost::system::error_code rec;
    size_t n = 0;
    bool read_now = false;
    bool edge_completes = false;
    if constexpr (std::is_same_v<Stream, Socket>)
      read_now = ReadBeforeWait(stream, buffer.prepare(size), rec, n, edge_completes);
    if (!read_now) {
      auto [arec, an] = co_await stream.async_read_some(buffer.prepare(size), kUseTuple);
      rec = arec;
      n = an;
    }
    if (rec == net::error::eof) {
      if (!parser.got_some()) co_return http::error::end_of_stream;
      parser.put_eof(ec);  // completes a message delimited by the close, or partial_message
      co_return ec;
    }
    if (rec) co_return rec;
    buffer.commit(n);
    if constexpr (std::is_same_v<Stream, Socket>) MarkIfDrained(stream, edge_completes, n, size);
  }
}

}  // namespace sluice::upstream
