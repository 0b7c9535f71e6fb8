#include "upstream/read_drained.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/ioctl.h>

#include <array>
#include <functional>
#include <utility>
#include <optional>
#include <string_view>

namespace sluice::upstream {
namespace {

using std::chrono::milliseconds;

// A connected pair on one io_context: `socket` is read the way the gateway reads, `peer` writes and closes.
class ReadDrainedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!kReadDrainedHint) GTEST_SKIP() << "read_drained.h is pinned to Boost 1.81's epoll reactor";
    tcp::acceptor acceptor(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    acceptor.async_accept(peer, [](boost::system::error_code) {});
    socket.connect(acceptor.local_endpoint());
    ioc.run_one();
    ioc.restart();
    ASSERT_TRUE(WatchPeerClose(socket));
    socket.non_blocking(true);
  }

  void PeerWrites(std::string_view bytes) { net::write(peer, net::buffer(bytes)); }
  void PeerCloses() { peer.shutdown(tcp::socket::shutdown_send); }

  // Starts an async read of `want` bytes; `read` holds (error, bytes) once it completes, and `after` runs
  // inside the completion handler, before anything else runs on the thread.
  void StartRead(size_t want, std::function<void(size_t)> after = {}) {
    read.reset();
    socket.async_read_some(net::buffer(buffer.data(), want),
                           [this, after](boost::system::error_code ec, size_t n) {
                             if (after) after(n);
                             read.emplace(ec, n);
                           });
  }
  bool RunUntilRead(milliseconds limit = milliseconds(1000)) {
    ioc.restart();  // a context that ran out of work stays stopped
    for (auto end = Deadline::Clock::now() + limit; !read && Deadline::Clock::now() < end;)
      ioc.run_one_for(milliseconds(20));
    return read.has_value();
  }
  // Returns once the peer's FIN has reached `socket` (poll(2) without consuming anything).
  void WaitForPeerFin() {
    pollfd p{socket.native_handle(), POLLRDHUP, 0};
    ASSERT_EQ(::poll(&p, 1, 5000), 1);
  }
  // Returns once `n` bytes wait in `socket`'s receive queue.
  void WaitForBytes(int n) {
    int queued = 0;
    for (auto end = Deadline::Clock::now() + std::chrono::seconds(5); queued < n && Deadline::Clock::now() < end;)
      ::ioctl(socket.native_handle(), FIONREAD, &queued);
    ASSERT_EQ(queued, n);
  }

  net::io_context ioc;
  Socket socket{ioc.get_executor()};
  Socket peer{ioc.get_executor()};
  std::array<char, 1024> buffer{};
  std::optional<std::pair<boost::system::error_code, size_t>> read;
};

TEST_F(ReadDrainedTest, AShortReadFromADataEdgeMarksTheSocketAndTheNextEdgeUnmarksIt) {
  MarkReadDrained(socket);  // an empty queue: true
  StartRead(buffer.size(), [this](size_t n) { MarkIfDrained(socket, true, n, buffer.size()); });
  PeerWrites("abc");
  ASSERT_TRUE(RunUntilRead());
  EXPECT_EQ(read->second, 3u);
  EXPECT_FALSE(ReadTriesFirst(socket)) << "a short read from an edge without RDHUP leaves the socket empty";
  StartRead(buffer.size());
  PeerWrites("defg");
  ASSERT_TRUE(RunUntilRead());
  EXPECT_EQ(read->second, 4u) << "the next bytes raise an edge that completes the waiting read";
}

TEST_F(ReadDrainedTest, AShortReadWhoseEdgeShowedTheFinLeavesTheEndOfFileToBeRead) {
  MarkReadDrained(socket);
  PeerWrites("abc");
  PeerCloses();
  WaitForPeerFin();
  // The recv that returns the last bytes also takes the FIN: no edge will come for it again.
  StartRead(buffer.size(), [this](size_t n) { MarkIfDrained(socket, true, n, buffer.size()); });
  ASSERT_TRUE(RunUntilRead());
  EXPECT_EQ(read->second, 3u);
  EXPECT_TRUE(PeerClosedAtLastEdge(socket));
  StartRead(buffer.size());
  ASSERT_TRUE(RunUntilRead()) << "a read after the bytes must still see the end of the stream";
  EXPECT_EQ(read->first, net::error::eof);
}

TEST_F(ReadDrainedTest, ASynchronousShortRecvAfterAnEdgeThatShowedTheFinDoesNotMark) {
  MarkReadDrained(socket);
  PeerWrites("abcdef");
  PeerCloses();
  WaitForPeerFin();
  StartRead(1);  // the edge (EPOLLIN | EPOLLRDHUP) is handled here, one byte read
  ASSERT_TRUE(RunUntilRead());
  ASSERT_EQ(read->second, 1u);
  boost::system::error_code ec;
  const size_t n = socket.read_some(net::buffer(buffer), ec);  // the rest, and the FIN
  ASSERT_FALSE(ec);
  EXPECT_EQ(n, 5u);
  MarkAfterShortRecv(socket);
  EXPECT_TRUE(ReadTriesFirst(socket));
  StartRead(buffer.size());
  ASSERT_TRUE(RunUntilRead());
  EXPECT_EQ(read->first, net::error::eof);
}

TEST_F(ReadDrainedTest, ASynchronousShortRecvAfterADataEdgeMarksAndALaterFinStillEndsTheRead) {
  MarkReadDrained(socket);
  PeerWrites("abcdef");
  WaitForBytes(6);
  StartRead(1);
  ASSERT_TRUE(RunUntilRead());
  boost::system::error_code ec;
  EXPECT_EQ(socket.read_some(net::buffer(buffer), ec), 5u);
  MarkAfterShortRecv(socket);
  EXPECT_FALSE(ReadTriesFirst(socket)) << "the queue is empty and no FIN was seen";
  StartRead(buffer.size());
  PeerCloses();
  ASSERT_TRUE(RunUntilRead()) << "the FIN raises an edge of its own";
  EXPECT_EQ(read->first, net::error::eof);
}

TEST_F(ReadDrainedTest, PeekBeforeWatchMarksAnEmptySocketAndAPeekLeavesTheBytesForTheRead) {
  PeekBeforeWatch(socket);
  EXPECT_FALSE(ReadTriesFirst(socket));
  std::optional<std::pair<boost::system::error_code, size_t>> peeked;
  char byte = 0;
  socket.async_receive(net::buffer(&byte, 1), tcp::socket::message_peek,
                       [&](boost::system::error_code ec, size_t n) { peeked.emplace(ec, n); });
  ioc.poll();
  EXPECT_FALSE(peeked) << "nothing to peek at: the watch waits for an edge";
  PeerWrites("next request");
  ioc.restart();
  for (auto end = Deadline::Clock::now() + milliseconds(1000); !peeked && Deadline::Clock::now() < end;)
    ioc.run_one_for(milliseconds(20));
  ASSERT_TRUE(peeked);
  EXPECT_EQ(peeked->second, 1u);
  EXPECT_EQ(byte, 'n');
  boost::system::error_code ec;
  const size_t n = socket.read_some(net::buffer(buffer), ec);
  EXPECT_EQ(std::string_view(buffer.data(), n), "next request") << "the peek took nothing";
}

}  // namespace
}  // namespace sluice::upstream
