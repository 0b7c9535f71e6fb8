// Coarse per-worker deadlines for socket operations. A Deadline is an intrusive node owned by a connection;
// arming it links it into its worker's DeadlineList, a timing wheel of kSweepInterval slots, and a per-worker
// sweep (deadline_sweep.h) cancels the socket of every node past its time. This replaces an Asio timer per
// read or write: no heap operation, no extra handler, no timerfd update on the request path. Deadlines fire
// up to one sweep interval late, which is fine for timeouts measured in hundreds of milliseconds or more.
// The wheel makes a sweep visit only the slots of the ticks since the last one, so its cost follows the
// deadlines that come due, not the ones armed: 10,000 waiting streams cost nothing per sweep (a single list
// walked every 25 ms took a fifth of the worker's CPU with 9,900 open streams).
// The sweep sleeps until the first tick whose slot holds a node (NextSweepAt), not from tick to tick: an idle
// worker does not wake at all, and a busy one about once per shortest timeout, where a sweep every 25 ms
// cost 40 wakes and 80 timerfd updates a second. Arming a node earlier than that wakes the sweep (SweepWaker).
// Thread rule: a DeadlineList and its nodes belong to one worker thread.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>

#include "upstream/asio.h"

namespace sluice::upstream {

// Sockets bound to the concrete io_context executor: no type-erased executor on every operation.
using Socket = net::basic_stream_socket<tcp, net::io_context::executor_type>;
using Acceptor = net::basic_socket_acceptor<tcp, net::io_context::executor_type>;
using TlsSocket = ssl::stream<Socket>;

inline constexpr std::chrono::milliseconds kSweepInterval{25};

class DeadlineList;

// What a DeadlineList calls when a node is armed to come due before the sweep it has scheduled.
class SweepWaker {
 public:
  virtual void WakeSweep() = 0;

 protected:
  ~SweepWaker() = default;
};

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
  uint32_t slot_ = 0;
  bool linked_ = false;
  bool expired_ = false;
};

class DeadlineList {
 public:
  DeadlineList() : swept_tick_(TickOf(Deadline::Clock::now()) - 1) {}
  // Fires every armed deadline at or before `now`. Returns how many fired.
  size_t Sweep(Deadline::Clock::time_point now);
  size_t size() const { return size_; }
  // When the sweep after the last one should run: the end of the first later tick whose slot holds a node
  // (which may be due only in a later revolution), or time_point::max() with nothing armed. The sweep that
  // asks is promised a wake through `waker` (if any) when a node is armed to come due before that.
  Deadline::Clock::time_point NextSweepAt(SweepWaker* waker);

 private:
  friend class Deadline;
  // 1,024 slots of 25 ms: one revolution is 25.6 s. A node due in a later revolution waits in its slot and is
  // looked at once per revolution until then.
  static constexpr int64_t kSlots = 1024;
  static int64_t TickOf(Deadline::Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count() /
           std::chrono::nanoseconds(kSweepInterval).count();
  }
  static constexpr int64_t kNever = INT64_MAX;
  // The tick a deadline at `at` is swept in: its own, or the next sweep's when that tick is already swept.
  int64_t SweepTickOf(Deadline::Clock::time_point at) const { return std::max(TickOf(at), swept_tick_ + 1); }
  // Called by Arm for a node whose tick comes before the scheduled sweep.
  void SweepEarlier(int64_t tick) {
    wake_tick_ = tick;  // once: the nodes armed before the sweep runs need not wake it again
    if (waker_) waker_->WakeSweep();
  }

  std::array<Deadline*, kSlots> slots_{};
  int64_t swept_tick_;  // every slot up to this tick has been swept (the current tick's never is, in full)
  int64_t wake_tick_ = kNever;  // the tick the scheduled sweep runs after
  SweepWaker* waker_ = nullptr;
  size_t size_ = 0;
};

inline void Deadline::Arm(Socket& socket, Clock::time_point at) {
  socket_ = &socket;
  expired_ = false;
  const int64_t tick = list_->SweepTickOf(at);
  const auto slot = static_cast<uint32_t>(tick & (DeadlineList::kSlots - 1));
  at_ = at;
  if (tick < list_->wake_tick_) list_->SweepEarlier(tick);
  if (linked_) {
    if (slot == slot_) return;  // re-armed within the same slot: stays linked where it is
    Unlink();
  }
  linked_ = true;
  slot_ = slot;
  prev_ = nullptr;
  next_ = list_->slots_[slot];
  if (next_) next_->prev_ = this;
  list_->slots_[slot] = this;
  ++list_->size_;
}

inline void Deadline::Unlink() {
  if (!linked_) return;
  if (prev_) prev_->next_ = next_;
  else list_->slots_[slot_] = next_;
  if (next_) next_->prev_ = prev_;
  prev_ = next_ = nullptr;
  linked_ = false;
  --list_->size_;
}

inline size_t DeadlineList::Sweep(Deadline::Clock::time_point now) {
  const int64_t now_tick = TickOf(now);
  // After a pause longer than a revolution every slot is looked at once.
  const int64_t first = std::max(swept_tick_ + 1, now_tick - kSlots + 1);
  size_t fired = 0;
  for (int64_t tick = first; tick <= now_tick; ++tick) {
    for (Deadline* d = slots_[tick & (kSlots - 1)]; d;) {
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
  }
  // The current tick's slot may still hold nodes due later in it: the next sweep looks at it again.
  swept_tick_ = std::max(swept_tick_, now_tick - 1);
  return fired;
}

inline Deadline::Clock::time_point DeadlineList::NextSweepAt(SweepWaker* waker) {
  waker_ = waker;
  wake_tick_ = kNever;
  if (size_ > 0) {
    for (int64_t tick = swept_tick_ + 1; tick <= swept_tick_ + kSlots; ++tick) {
      if (slots_[tick & (kSlots - 1)]) {
        wake_tick_ = tick;
        break;
      }
    }
  }
  if (wake_tick_ == kNever) return Deadline::Clock::time_point::max();
  return Deadline::Clock::time_point(std::chrono::duration_cast<Deadline::Clock::duration>(
      std::chrono::nanoseconds((wake_tick_ + 1) * std::chrono::nanoseconds(kSweepInterval).count())));
}

}  // namespace sluice::upstream
