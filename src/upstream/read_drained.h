// Lets a stream wait for its next event without a recv that finds nothing, the way nginx does: after a
// read that came back short, Asio's epoll reactor is told that the socket's receive queue is empty, so its
// next async read waits for the next edge instead of first trying a recv.
//
// Why: Asio registers a socket edge-triggered once and, before it queues a read, tries the recv at once
// unless its per-descriptor "try first" flag is off; it turns the flag off only at end of file. So every
// wait for the next event of a stream cost a recv returning EAGAIN: a third of the syscalls per event.
//
// Why it is safe:
// - The flag is the reactor's own hint. An edge that arrives after the mark turns it back on
//   (descriptor_state::perform_io), and the reactor runs on this worker's thread only: nothing can consume
//   an edge unseen between a read and a mark made before anything else runs on the thread.
// - A read started with the flag off cannot complete at once; it completes from the reactor's edge
//   handling, which resumes the awaiting coroutine, or calls the stream pump's handler, inline (the
//   io_context's own thread dispatches). A read started with the flag on may complete at once and be
//   *posted*: other work, an edge included, can run before the caller resumes, so the caller must not mark
//   then.
// - A short read alone does not show a pending end of stream: the recv that returns the last bytes also
//   consumes the peer's FIN, and no further edge follows. So the socket is registered for EPOLLRDHUP once
//   (WatchPeerClose), and a mark after a short read is made only when the events last taken for the socket
//   carry no RDHUP (PeerClosedAtLastEdge): for an async read, the events that completed it; for a
//   synchronous recv, the last edge handled before it. A FIN that arrives after those events were taken
//   raises a new edge. A recv that returns EAGAIN shows an empty queue and no FIN, so a mark after it is
//   always safe.
//
// How: these members are private to Asio, so they are reached through the explicit-instantiation rule
// (access is not checked on names in an explicit instantiation). Pinned to the Boost version they were read
// against; on any other (or a non-epoll reactor) kReadDrainedHint is false and every function is a no-op,
// which costs only the recv.
#pragma once

#include <sys/socket.h>

#include <boost/version.hpp>

#include <cerrno>

#include "upstream/deadline.h"

#if BOOST_VERSION == 108100 && defined(BOOST_ASIO_HAS_EPOLL) && !defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT) && \
    !defined(BOOST_ASIO_DISABLE_EPOLL)
#define SLUICE_READ_DRAINED_HINT 1
#include <sys/epoll.h>
#endif

namespace sluice::upstream {

#ifdef SLUICE_READ_DRAINED_HINT
inline constexpr bool kReadDrainedHint = true;

namespace read_drained_detail {

using Reactor = net::detail::epoll_reactor;
using State = Reactor::descriptor_state;
using SocketImpl =
    net::detail::io_object_impl<net::detail::reactive_socket_service<tcp>, net::io_context::executor_type>;
using BasicSocket = net::basic_socket<tcp, net::io_context::executor_type>;

struct TryFirstTag {
  using type = bool (State::*)[Reactor::max_ops];
  friend type Member(TryFirstTag);
};
struct RegisteredTag {
  using type = uint32_t State::*;
  friend type Member(RegisteredTag);
};
struct EventsTag {
  using type = unsigned int net::detail::scheduler_operation::*;
  friend type Member(EventsTag);
};
struct EpollFdTag {
  using type = int Reactor::*;
  friend type Member(EpollFdTag);
};
struct SocketImplTag {
  using type = SocketImpl BasicSocket::*;
  friend type Member(SocketImplTag);
};

template <typename Tag, typename Tag::type kMember>
struct Expose {
  friend typename Tag::type Member(Tag) { return kMember; }
};
template struct Expose<TryFirstTag, &State::try_speculative_>;
template struct Expose<RegisteredTag, &State::registered_events_>;
template struct Expose<EventsTag, &net::detail::scheduler_operation::task_result_>;
template struct Expose<EpollFdTag, &Reactor::epoll_fd_>;
template struct Expose<SocketImplTag, &BasicSocket::impl_>;

inline State* StateOf(Socket& socket) {
  return (socket.*Member(SocketImplTag{})).get_implementation().reactor_data_;
}

}  // namespace read_drained_detail

// Adds EPOLLRDHUP to the socket's registration (one epoll_ctl per connection). False: not possible, and
// then async reads must not be followed by MarkReadDrained.
inline bool WatchPeerClose(Socket& socket) {
  using namespace read_drained_detail;
  State* state = StateOf(socket);
  if (state == nullptr) return false;
  uint32_t& registered = state->*Member(RegisteredTag{});
  if (registered & EPOLLRDHUP) return true;
  if (registered == 0) return false;
  Reactor& reactor = net::use_service<Reactor>(socket.get_executor().context());
  epoll_event ev{};
  ev.events = registered | EPOLLRDHUP;
  ev.data.ptr = state;
  if (::epoll_ctl(reactor.*Member(EpollFdTag{}), EPOLL_CTL_MOD, socket.native_handle(), &ev) != 0) return false;
  registered = ev.events;  // Asio's later re-registrations (EPOLLOUT) keep it
  return true;
}

// Whether the next async read starts with a recv (see above: a read started while this is true may
// complete posted).
inline bool ReadTriesFirst(Socket& socket) {
  using namespace read_drained_detail;
  State* state = StateOf(socket);
  return state == nullptr || (state->*Member(TryFirstTag{}))[Reactor::read_op];
}

// Whether the events the reactor last took for the socket showed the peer's FIN (Asio keeps them on the
// descriptor's state, OR-ed when taken twice before they were handled, and never clears them; a recycled
// state may show another socket's, which only makes this say yes). Right after an async read that started
// with ReadTriesFirst false, they are the events that completed it.
inline bool PeerClosedAtLastEdge(Socket& socket) {
  using namespace read_drained_detail;
  State* state = StateOf(socket);
  // descriptor_state derives privately from scheduler_operation: a C-style cast may name a private base.
  auto* op = (net::detail::scheduler_operation*)state;  // NOLINT(google-readability-casting)
  return state == nullptr || (op->*Member(EventsTag{}) & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
}

// The socket's receive queue is empty and no FIN is pending: the next async read waits for an edge.
inline void MarkReadDrained(Socket& socket) {
  using namespace read_drained_detail;
  if (State* state = StateOf(socket)) (state->*Member(TryFirstTag{}))[Reactor::read_op] = false;
}
#else
inline constexpr bool kReadDrainedHint = false;
inline bool WatchPeerClose(Socket&) { return false; }
inline bool ReadTriesFirst(Socket&) { return true; }
inline bool PeerClosedAtLastEdge(Socket&) { return true; }
inline void MarkReadDrained(Socket&) {}
#endif

// After a recv on a socket registered by WatchPeerClose came back short, with nothing run on this thread
// since (a synchronous recv, or an async read completed from the reactor's edge handling; not one whose
// completion was posted, as an edge may have been handled in between): the queue was empty when the recv
// returned, so the next async read can wait for the next edge instead of trying a recv that would find
// nothing. Unsafe only if that recv also took the peer's FIN and the edge that announced the FIN was handled
// before it (no further edge would come): then the events last taken for the socket show RDHUP. A FIN that
// arrived after those events raises an edge still to be handled, and handling it turns the flag back on.
inline void MarkAfterShortRecv(Socket& socket) {
  if (!PeerClosedAtLastEdge(socket)) MarkReadDrained(socket);
}

// The two halves of an async read of a plain socket that waits without a recv that finds nothing, for a
// coroutine that cannot hand its wait to a helper: ReadBeforeWait before the async read, MarkIfDrained after.
//
// ReadBeforeWait: where Asio would try a recv first, tries it here instead (Asio would post what it finds).
// True when that recv settled the read (bytes, end of file or an error in `ec` and `n`): then skip the async
// read. False on EAGAIN (the socket is then marked drained) or when nothing was tried; `edge_completes` says
// whether the async read can complete only from an edge.
inline bool ReadBeforeWait(Socket& socket, net::mutable_buffer into, boost::system::error_code& ec, size_t& n,
                           bool& edge_completes) {
  edge_completes = false;
  if (!WatchPeerClose(socket)) return false;
  if (ReadTriesFirst(socket)) {
    if (!socket.non_blocking()) socket.non_blocking(true, ec);  // the async operations do not mind the flag
    n = socket.read_some(into, ec);
    if (!ec && n < into.size()) MarkAfterShortRecv(socket);
    if (ec != net::error::would_block && ec != net::error::try_again) return true;
    ec = {};
    n = 0;
    MarkReadDrained(socket);  // an empty queue and no FIN
  }
  edge_completes = !ReadTriesFirst(socket);
  return false;
}

// Before a read-readiness watch (a MSG_PEEK read of one byte): where Asio would try that peek first, tries
// it here, and an empty queue marks the socket drained. The watch then waits for the next edge with no
// syscall at all, and so does the read that follows a watch cancelled before any edge came. (A readiness
// wait, async_wait, is never speculative: Asio re-arms the descriptor with an epoll_ctl each time.)
inline void PeekBeforeWatch(Socket& socket) {
  if (!WatchPeerClose(socket) || !ReadTriesFirst(socket)) return;
  char byte;
  const ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) MarkReadDrained(socket);
}

// After the async read of `want` bytes returned `n`: a short read completed from an edge that showed no FIN
// leaves the socket empty, so the next read waits for the next edge.
inline void MarkIfDrained(Socket& socket, bool edge_completes, size_t n, size_t want) {
  if (edge_completes && n < want) MarkAfterShortRecv(socket);
}

}  // namespace sluice::upstream
