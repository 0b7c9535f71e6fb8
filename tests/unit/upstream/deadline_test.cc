#include "upstream/deadline.h"

#include <gtest/gtest.h>

namespace sluice::upstream {
namespace {

using Clock = Deadline::Clock;
using std::chrono::milliseconds;

class DeadlineTest : public ::testing::Test {
 protected:
  net::io_context ioc;
  Socket socket{ioc.get_executor()};
  DeadlineList list;
  Clock::time_point t0 = Clock::now();
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
  // A connected pair: the read on `socket` can only end through the deadline.
  tcp::acceptor acceptor(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  Socket peer(ioc.get_executor());
  acceptor.async_accept(peer, [](boost::system::error_code) {});
  socket.connect(acceptor.local_endpoint());
  ioc.run_one();
  Deadline d(list);
  char byte;
  boost::system::error_code result;
  bool done = false;
  socket.async_read_some(net::buffer(&byte, 1), [&](boost::system::error_code ec, size_t) {
    result = ec;
    done = true;
  });
  d.Arm(socket, Clock::now());
  list.Sweep(Clock::now());
  ioc.restart();  // run_one() above may have left the context stopped
  ioc.run_for(std::chrono::seconds(2));
  EXPECT_TRUE(done);
  EXPECT_EQ(result, net::error::operation_aborted);
  EXPECT_TRUE(d.expired());
}

}  // namespace
}  // namespace sluice::upstream
