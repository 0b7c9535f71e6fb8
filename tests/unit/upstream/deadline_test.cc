#include "upstream/deadline.h"

#include <gtest/gtest.h>

#include <optional>

#include "upstream/deadline_sweep.h"

namespace sluice::upstream {
namespace {

using Clock = Deadline::Clock;
using std::chrono::milliseconds;

class DeadlineTest : public ::testing::Test {
 protected:
  DeadlineList list;  // outlives the io_context, whose destruction ends a sweep loop that detaches from it
  net::io_context ioc;
  Socket socket{ioc.get_executor()};
  Clock::time_point t0 = Clock::now();

  // Connects `socket` to a peer that never writes and starts a read on it that can only end through a
  // deadline; `read_result` is set when it ends.
  void StartReadThatOnlyADeadlineEnds() {
    acceptor.emplace(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    acceptor->async_accept(peer, [](boost::system::error_code) {});
    socket.connect(acceptor->local_endpoint());
    ioc.run_one();
    ioc.restart();  // run_one() may have left the context stopped
    socket.async_read_some(net::buffer(&byte, 1), [this](boost::system::error_code ec, size_t) { read_result = ec; });
  }
  std::optional<tcp::acceptor> acceptor;
  Socket peer{ioc.get_executor()};
  char byte = 0;
  std::optional<boost::system::error_code> read_result;
};

TEST_F(DeadlineTest, FiresOnlyWhenDue) {
  Deadline d(list);
  d.Arm(socket, t0 + milliseconds(100));
  EXPECT_EQ(list.size(), 1u);
  EXPECT_EQ(list.Sweep(t0 + milliseconds(99)), 0u);
  EXPECT_FALSE(d.expired());
  EXPECT_EQ(list.Sweep(t0 + milliseconds(100)), 1u);
  EXPECT_TRUE(d.expired());
  EXPECT_FALSE(d.armed());
  EXPECT_EQ(list.size(), 0u);
}

TEST_F(DeadlineTest, DisarmAndRearm) {
  Deadline d(list);
  d.Arm(socket, t0 + milliseconds(10));
  d.Disarm();
  EXPECT_EQ(list.Sweep(t0 + milliseconds(50)), 0u);
  EXPECT_FALSE(d.expired());
  d.Arm(socket, t0 + milliseconds(20));
  d.Arm(socket, t0 + milliseconds(80));  // re-arming moves the deadline, stays linked once
  EXPECT_EQ(list.size(), 1u);
  EXPECT_EQ(list.Sweep(t0 + milliseconds(50)), 0u);
  EXPECT_EQ(list.Sweep(t0 + milliseconds(80)), 1u);
  d.Arm(socket, t0 + milliseconds(200));
  EXPECT_FALSE(d.expired());  // arming clears the previous expiry
}

TEST_F(DeadlineTest, DestructionUnlinksAndManyNodesSweepIndependently) {
  std::vector<std::unique_ptr<Deadline>> nodes;
  for (int i = 0; i < 100; ++i) {
    nodes.push_back(std::make_unique<Deadline>(list));
    nodes.back()->Arm(socket, t0 + milliseconds(i));
  }
  nodes.erase(nodes.begin() + 10, nodes.begin() + 20);  // destroyed while armed
  EXPECT_EQ(list.size(), 90u);
  EXPECT_EQ(list.Sweep(t0 + milliseconds(49)), 40u);  // 0..49 minus the ten destroyed
  EXPECT_EQ(list.size(), 50u);
  EXPECT_EQ(list.Sweep(t0 + milliseconds(1000)), 50u);
  EXPECT_EQ(list.size(), 0u);
}

TEST_F(DeadlineTest, DueInALaterRevolutionOfTheWheelFiresOnlyThen) {
  Deadline far(list);
  Deadline near(list);
  far.Arm(socket, t0 + std::chrono::seconds(30));  // past one revolution (25.6 s): about the slot of t0 + 4.4 s
  near.Arm(socket, t0 + milliseconds(4400));
  EXPECT_EQ(list.Sweep(t0 + std::chrono::seconds(5)), 1u);
  EXPECT_TRUE(near.expired());
  EXPECT_FALSE(far.expired());
  EXPECT_EQ(list.Sweep(t0 + std::chrono::seconds(29)), 0u);
  EXPECT_EQ(list.Sweep(t0 + std::chrono::seconds(30)), 1u);
  EXPECT_TRUE(far.expired());
}

TEST_F(DeadlineTest, ArmedInThePastFiresAtTheNextSweep) {
  list.Sweep(t0 + std::chrono::seconds(1));
  Deadline d(list);
  d.Arm(socket, t0);  // its tick was swept already
  EXPECT_EQ(list.Sweep(t0 + std::chrono::seconds(1)), 1u);
  EXPECT_TRUE(d.expired());
}

TEST_F(DeadlineTest, RearmingAcrossSlotsMovesTheNode) {
  Deadline d(list);
  d.Arm(socket, t0 + milliseconds(10));
  d.Arm(socket, t0 + std::chrono::seconds(5));
  EXPECT_EQ(list.size(), 1u);
  EXPECT_EQ(list.Sweep(t0 + std::chrono::seconds(1)), 0u);
  EXPECT_EQ(list.Sweep(t0 + std::chrono::seconds(5)), 1u);
  EXPECT_EQ(list.size(), 0u);
}

TEST_F(DeadlineTest, ASweepAfterALongPauseFiresEverythingDue) {
  std::vector<std::unique_ptr<Deadline>> nodes;
  for (int i = 0; i < 200; ++i) {  // spread over 60 s: more than two revolutions
    nodes.push_back(std::make_unique<Deadline>(list));
    nodes.back()->Arm(socket, t0 + milliseconds(300 * i));
  }
  EXPECT_EQ(list.Sweep(t0 + milliseconds(300 * 99)), 100u);
  EXPECT_EQ(list.Sweep(t0 + std::chrono::seconds(120)), 100u);
  EXPECT_EQ(list.size(), 0u);
}

TEST_F(DeadlineTest, ExpiryCancelsThePendingOperation) {
  StartReadThatOnlyADeadlineEnds();
  Deadline d(list);
  d.Arm(socket, Clock::now());
  list.Sweep(Clock::now());
  ioc.run_for(std::chrono::seconds(2));
  EXPECT_EQ(read_result, net::error::operation_aborted);
  EXPECT_TRUE(d.expired());
}

struct CountingWaker final : SweepWaker {
  void WakeSweep() override { ++wakes; }
  int wakes = 0;
};

TEST_F(DeadlineTest, TheSweepSleepsUntilTheEarliestArmedTickAndNotAtAllWhenNothingIsArmed) {
  CountingWaker waker;
  list.Sweep(t0);
  EXPECT_EQ(list.NextSweepAt(&waker), Clock::time_point::max());
  Deadline late(list);
  late.Arm(socket, t0 + std::chrono::seconds(2));
  EXPECT_EQ(waker.wakes, 1) << "armed before a sweep that was never scheduled";
  Clock::time_point next = list.NextSweepAt(&waker);
  EXPECT_GE(next, t0 + std::chrono::seconds(2));
  EXPECT_LE(next, t0 + std::chrono::seconds(2) + kSweepInterval);

  Deadline early(list);
  early.Arm(socket, t0 + milliseconds(500));
  EXPECT_EQ(waker.wakes, 2) << "due before the scheduled sweep: the sweep is woken";
  Deadline between(list);
  between.Arm(socket, t0 + milliseconds(700));
  late.Arm(socket, t0 + std::chrono::seconds(3));
  EXPECT_EQ(waker.wakes, 2) << "the sweep already runs before these";
  next = list.NextSweepAt(&waker);
  EXPECT_GE(next, t0 + milliseconds(500));
  EXPECT_LE(next, t0 + milliseconds(500) + kSweepInterval);

  early.Disarm();
  between.Disarm();
  next = list.NextSweepAt(&waker);
  EXPECT_GE(next, t0 + std::chrono::seconds(3));
  EXPECT_LE(next, t0 + std::chrono::seconds(3) + kSweepInterval);
  late.Disarm();
  EXPECT_EQ(list.NextSweepAt(&waker), Clock::time_point::max());
  EXPECT_EQ(waker.wakes, 2);
}

TEST_F(DeadlineTest, ADeadlineInALaterRevolutionIsLookedAtNoLaterThanItIsDue) {
  list.Sweep(t0);
  Deadline d(list);
  d.Arm(socket, t0 + std::chrono::seconds(60));  // more than two revolutions of 25.6 s ahead
  Clock::time_point next = list.NextSweepAt(nullptr);
  EXPECT_LE(next, t0 + std::chrono::seconds(60));
  EXPECT_EQ(list.Sweep(next), 0u);
  while (next < t0 + std::chrono::seconds(60)) {
    next = list.NextSweepAt(nullptr);
    list.Sweep(next);
  }
  EXPECT_TRUE(d.expired());
  EXPECT_LE(next, t0 + std::chrono::seconds(60) + kSweepInterval);
}

TEST_F(DeadlineTest, TheSweepLoopAsleepWithNothingArmedWakesForANewDeadline) {
  StartReadThatOnlyADeadlineEnds();
  net::co_spawn(ioc, SweepDeadlines(ioc, list), net::detached);
  ioc.poll();  // the sweep schedules itself: nothing is armed, so it sleeps with no end
  Deadline d(list);
  d.Arm(socket, Clock::now() + milliseconds(50));
  for (auto limit = Clock::now() + std::chrono::seconds(5); !read_result && Clock::now() < limit;)
    ioc.run_one_for(milliseconds(100));
  EXPECT_EQ(read_result, net::error::operation_aborted);
  EXPECT_TRUE(d.expired());
}

}  // namespace
}  // namespace sluice::upstream
