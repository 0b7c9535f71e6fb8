#include "upstream/deadline_sweep.h"

namespace sluice::upstream {
namespace {

// Wakes the sweep by cancelling its wait (no syscall: the cancelled wait is posted); the sweep then sweeps and
// schedules again. Detaches from the list when the sweep's frame is destroyed with its io_context.
class TimerWaker final : public SweepWaker {
 public:
  TimerWaker(net::io_context& ioc, DeadlineList& list) : timer(ioc), list_(list) {}
  ~TimerWaker() { list_.NextSweepAt(nullptr); }
  TimerWaker(const TimerWaker&) = delete;
  TimerWaker& operator=(const TimerWaker&) = delete;
  void WakeSweep() override { timer.cancel(); }

  net::steady_timer timer;

 private:
  DeadlineList& list_;
};

}  // namespace

Awaitable<void> SweepDeadlines(net::io_context& ioc, DeadlineList& list) {
  TimerWaker waker(ioc, list);
  for (;;) {
    waker.timer.expires_at(list.NextSweepAt(&waker));
    co_await waker.timer.async_wait(kUseTuple);  // an error is a wake: sweep and schedule again
    list.Sweep(Deadline::Clock::now());
  }
}

}  // namespace sluice::upstream
