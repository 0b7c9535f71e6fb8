// Coarse per-worker deadlines for socket operations. A Deadline is an intrusive node owned by a connection;
// arming it links it into its worker's DeadlineList (two pointer writes), and a per-worker sweep (every
// kSweepInterval) cancels the socket of every node past its time. This replaces an Asio timer per read or
// write: no heap operation, no extra handler, no timerfd update on the request path. Deadlines fire up to one
// sweep interval late, which is fine for timeouts measured in hundreds of milliseconds or more.
// Thread rule: a DeadlineList and its nodes belong to one worker thread.
#pragma once

#include <chrono>

#include "upstream/asio.h"

namespace sluice::upstream {

// Sockets bound to the concrete io_context executor: no type-erased executor on every operation.
using Socket = net::basic_stream_socket<tcp, net::io_context::executor_type>;
using Acceptor = net::basic_socket_acceptor<tcp, net::io_context::executor_type>;
using TlsSocket = ssl::stream<Socket>;

inline constexpr std::chrono::milliseconds kSweepInterval{25};

class DeadlineList;

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Deadline(DeadlineList& list) : list_(&list) {}
  ~Deadline() { Unlink(); }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  // Cancels `socket`'s pending operations at `at` (they complete with operation_aborted; expired() tells).
  void Arm(Socket& socket, Clock::time_point at);
  void Disarm() { Unlink(); }
  bool expired() const { return expired_; }
  bool armed() const { return linked_; }

 private:
  friend class DeadlineList;
  void Unlink();

  DeadlineList* list_;
  Deadline* prev_ = nullptr;
  Deadline* next_ = nullptr;
  Socket* socket_ = nullptr;
  Clock::time_point at_{};
  bool linked_ = false;
  bool expired_ = false;
};

class DeadlineList {
 public:
  // Fires every armed deadline at or before `now`. Returns how many fired.
  size_t Sweep(Deadline::Clock::time_point now);
  size_t size() const { return size_; }

 private:
  friend class Deadline;
  Deadline* head_ = nullptr;
  size_t size_ = 0;
};

inline void Deadline::Arm(Socket& socket, Clock::time_point at) {
  socket_ = &socket;
  at_ = at;
  expired_ = false;
  if (linked_) return;
  linked_ = true;
  prev_ = nullptr;
  next_ = list_->head_;
  if (next_) next_->prev_ = this;
  list_->head_ = this;
  ++list_->size_;
}

inline void Deadline::Unlink() {
  if (!linked_) return;
  if (prev_) prev_->next_ = next_;
  else list_->head_ = next_;
  if (next_) next_->prev_ = prev_;
  prev_ = next_ = nullptr;
  linked_ = false;
  --list_->size_;
}

inline size_t DeadlineList::Sweep(Deadline::Clock::time_point now) {
  size_t fired = 0;
  for (Deadline* d = head_; d;) {
    Deadline* next = d->next_;
    if (d->at_ <= now) {
      d->Unlink();
      d->expired_ = true;
      boost::system::error_code ignored;
      d->socket_->cancel(ignored);
      ++fired;
    }
    d = next;
  }
  return fired;
}

}  // namespace sluice::upstream
