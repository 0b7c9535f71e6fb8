// Tells Asio's epoll reactor that a socket's receive queue is empty, after a read that came back short, so
// the next async read on it waits for the next edge instead of first trying a recv that finds nothing.
//
// Why: a stream reads each event as it comes. Asio registers a socket edge-triggered once and, before it
// queues a read, tries the recv at once unless its per-descriptor flag says the queue is exhausted; it sets
// that flag only at end of file. So every wait for the next event cost a recv returning EAGAIN (one syscall
// per event, about a third of the syscalls a stream makes besides its one recv and one send). nginx trusts
// a short read the same way.
// Why it is safe: the flag is the reactor's own "try first" hint. An edge that arrives after the short read
// sets it back (descriptor_state::perform_io), and the reactor runs on this worker's thread only, so
// between the short read and the next wait nothing can consume an edge unseen, as long as the mark is made
// right after the read, before anything else runs on the thread (see ReadTriesFirst for async reads).
// How: the flag is private to Asio, so it is reached through the explicit-instantiation rule (access is
// not checked on member names in an explicit instantiation). Pinned to the Boost version it was read
// against; any other Boost (or a non-epoll reactor) compiles this to nothing, which costs only the recv.
#pragma once

#include <boost/version.hpp>

#include "upstream/deadline.h"

#if BOOST_VERSION == 108100 && defined(BOOST_ASIO_HAS_EPOLL) && !defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT) && \
    !defined(BOOST_ASIO_DISABLE_EPOLL)
#define SLUICE_READ_DRAINED_HINT 1
#endif

namespace sluice::upstream {

#ifdef SLUICE_READ_DRAINED_HINT
namespace read_drained_detail {

using Reactor = net::detail::epoll_reactor;
using SocketImpl = net::detail::io_object_impl<net::detail::reactive_socket_service<tcp>,
                                               net::io_context::executor_type>;

struct TrySpeculativeTag {
  using type = bool (Reactor::descriptor_state::*)[Reactor::max_ops];
  friend type Member(TrySpeculativeTag);
};
struct SocketImplTag {
  using type = SocketImpl net::basic_socket<tcp, net::io_context::executor_type>::*;
  friend type Member(SocketImplTag);
};

template <typename Tag, typename Tag::type kMember>
struct Expose {
  friend typename Tag::type Member(Tag) { return kMember; }
};
template struct Expose<TrySpeculativeTag, &Reactor::descriptor_state::try_speculative_>;
template struct Expose<SocketImplTag, &net::basic_socket<tcp, net::io_context::executor_type>::impl_>;

}  // namespace read_drained_detail

inline bool* TryReadFirstFlag(Socket& socket) {
  using namespace read_drained_detail;
  Reactor::descriptor_state* state = (socket.*Member(SocketImplTag{})).get_implementation().reactor_data_;
  return state ? &(state->*Member(TrySpeculativeTag{}))[Reactor::read_op] : nullptr;
}

// Call right after a read that came back short or found nothing, before anything suspends.
inline void MarkReadDrained(Socket& socket) {
  if (bool* flag = TryReadFirstFlag(socket)) *flag = false;
}

// Whether the next async read starts with a recv (false: it waits for the next edge). A read started while
// this is false can only complete from the reactor's edge handling, which resumes the awaiting coroutine
// inline: so its caller may MarkReadDrained after a short result. A read started while it is true may have
// completed at once and been *posted*; other work, an edge included, may have run before the caller resumes.
inline bool ReadTriesFirst(Socket& socket) {
  const bool* flag = TryReadFirstFlag(socket);
  return flag == nullptr || *flag;
}
#else
inline void MarkReadDrained(Socket&) {}
inline bool ReadTriesFirst(Socket&) { return true; }
#endif

}  // namespace sluice::upstream
