// The per-worker sweep that fires a DeadlineList's deadlines (deadline.h): one timer, asleep until the next
// tick that holds a deadline and woken early when a deadline is armed to come due before that.
// Thread rule: runs on the io_context of the worker that owns the list.
#pragma once

#include "upstream/asio.h"
#include "upstream/deadline.h"

namespace sluice::upstream {

// Runs until the io_context stops.
Awaitable<void> SweepDeadlines(net::io_context& ioc, DeadlineList& list);

}  // namespace sluice::upstream
