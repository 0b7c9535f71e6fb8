// load_client: the two clients bench/load/compare.sh needs that wrk cannot be:
//   paced  one keep-alive connection, one request every 1/rate seconds on an absolute schedule, each
//          request's latency (send → last body byte) measured; prints percentiles as one JSON line
//          (with --emit-latencies 1, every latency too, so that runs can be pooled).
//   hold   open N connections, each sending one streaming request, and keep them all open; prints
//          {"event":"held",...} once every stream has its first SSE event (or failed), holds for
//          --hold-s seconds, then prints {"event":"done",...} and exits (closing every connection).
//          With --measure-s S (paced streams): after "held" and --settle-s, counts the SSE events received and
//          the CPU time of --cpu-pids (utime+stime from /proc) over S seconds, prints
//          {"event":"measured",...} and exits: events per second and CPU per event of many streams at once.
// Standalone (POSIX sockets + epoll, no project libraries) so it builds with one compiler call:
//   c++ -O2 -std=c++20 -o load_client bench/load/load_client.cc
// Thread rule: single-threaded.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "http_response_reader.h"

namespace {

using sluice::bench::HttpResponseReader;

struct Options {
  std::string mode;
  std::string host = "127.0.0.1";
  int port = 0;
  std::string path = "/v1/chat/completions";
  std::string body_file;
  double rate = 100;         // paced: requests per second
  double duration_s = 10;    // paced: measured seconds
  int warmup = 50;           // paced: requests sent first and not measured
  bool emit_latencies = false;  // paced: every measured latency in the output, for pooling across runs
  int conns = 10000;         // hold: connections
  int open_parallel = 256;   // hold: connections still waiting for their first event, at most
  double hold_s = 8;         // hold: seconds to keep everything open after "held"
  double timeout_s = 120;    // hold: give up waiting for first events after this
  double measure_s = 0;      // hold: a measured window after "held" (0: none)
  double settle_s = 1;       // hold: seconds between "held" and the measured window
  std::vector<int> cpu_pids; // hold: processes whose CPU time the window reports
};

volatile sig_atomic_t g_stop = 0;

int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "load_client: %s\n", msg.c_str());
  std::exit(2);
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  if (argc < 2) Die("usage: load_client paced|hold --port P --body FILE [options]");
  o.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) Die("missing value for " + a);
    std::string v = argv[++i];
    if (a == "--host") o.host = v;
    else if (a == "--port") o.port = std::stoi(v);
    else if (a == "--path") o.path = v;
    else if (a == "--body") o.body_file = v;
    else if (a == "--rate") o.rate = std::stod(v);
    else if (a == "--duration") o.duration_s = std::stod(v);
    else if (a == "--warmup") o.warmup = std::stoi(v);
    else if (a == "--emit-latencies") o.emit_latencies = v == "1";
    else if (a == "--conns") o.conns = std::stoi(v);
    else if (a == "--open-parallel") o.open_parallel = std::stoi(v);
    else if (a == "--hold-s") o.hold_s = std::stod(v);
    else if (a == "--timeout-s") o.timeout_s = std::stod(v);
    else if (a == "--measure-s") o.measure_s = std::stod(v);
    else if (a == "--settle-s") o.settle_s = std::stod(v);
    else if (a == "--cpu-pids") {
      std::stringstream list(v);
      for (std::string pid; std::getline(list, pid, ',');)
        if (!pid.empty()) o.cpu_pids.push_back(std::stoi(pid));
    }
    else Die("unknown option " + a);
  }
  if (o.port <= 0 || o.body_file.empty()) Die("--port and --body are required");
  return o;
}

std::string BuildRequest(const Options& o) {
  std::ifstream in(o.body_file, std::ios::binary);
  if (!in) Die("cannot read " + o.body_file);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string body = ss.str();
  std::string req = "POST " + o.path + " HTTP/1.1\r\nHost: " + o.host + ":" + std::to_string(o.port) +
                    "\r\nContent-Type: application/json\r\nAuthorization: Bearer sk-bench-0000000000000000"
                    "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  return req + body;
}

sockaddr_in Address(const Options& o) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(o.port));
  if (inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1) Die("bad --host " + o.host);
  return addr;
}

void SetNoDelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// ---- paced ----

int ConnectBlocking(const sockaddr_in& addr) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) Die(std::string("socket: ") + std::strerror(errno));
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
    Die(std::string("connect: ") + std::strerror(errno));
  SetNoDelay(fd);
  return fd;
}

// Sends the request and reads one whole response; false if the connection broke.
bool Exchange(int fd, const std::string& req, HttpResponseReader& reader, char* buf, size_t cap) {
  size_t sent = 0;
  while (sent < req.size()) {
    ssize_t w = send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (w <= 0) return false;
    sent += static_cast<size_t>(w);
  }
  reader.Reset();
  while (!reader.done()) {
    ssize_t r = recv(fd, buf, cap, 0);
    if (r <= 0) return false;
    reader.Feed(buf, static_cast<size_t>(r));
    if (reader.failed()) return false;
  }
  return true;
}

double Percentile(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return static_cast<double>(sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1]) / 1000.0;
}

int RunPaced(const Options& o) {
  const std::string req = BuildRequest(o);
  const sockaddr_in addr = Address(o);
  int fd = ConnectBlocking(addr);
  const int64_t interval = static_cast<int64_t>(1e9 / o.rate);
  const int measured = static_cast<int>(o.rate * o.duration_s);
  std::vector<int64_t> lat;
  lat.reserve(static_cast<size_t>(measured));
  HttpResponseReader reader;
  std::vector<char> buf(256 * 1024);
  int errors = 0, reconnects = 0, late = 0;
  const int64_t t0 = NowNs();
  for (int i = 0; i < o.warmup + measured && !g_stop; ++i) {
    int64_t due = t0 + int64_t{i} * interval;
    int64_t now = NowNs();
    if (now < due) {
      timespec ts{static_cast<time_t>(due / 1'000'000'000), static_cast<long>(due % 1'000'000'000)};
      while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR && !g_stop) {}
    } else if (now - due > interval) {
      ++late;  // the previous answer took longer than the pacing interval
    }
    int64_t start = NowNs();
    bool ok = Exchange(fd, req, reader, buf.data(), buf.size());
    int64_t elapsed = NowNs() - start;
    if (!ok) {
      ++errors;
      ++reconnects;
      close(fd);
      fd = ConnectBlocking(addr);
      continue;
    }
    if (reader.status() != 200) ++errors;
    if (i >= o.warmup) lat.push_back(elapsed);
  }
  close(fd);
  std::sort(lat.begin(), lat.end());
  double mean = 0;
  for (int64_t v : lat) mean += static_cast<double>(v) / 1000.0;
  if (!lat.empty()) mean /= static_cast<double>(lat.size());
  std::printf(
      "{\"mode\":\"paced\",\"requests\":%zu,\"errors\":%d,\"reconnects\":%d,\"late\":%d,\"rate\":%.0f,"
      "\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f,\"mean_us\":%.1f",
      lat.size(), errors, reconnects, late, o.rate, Percentile(lat, 50), Percentile(lat, 90),
      Percentile(lat, 99), lat.empty() ? 0.0 : static_cast<double>(lat.back()) / 1000.0, mean);
  if (o.emit_latencies) {
    std::printf(",\"latencies_us\":[");
    for (size_t i = 0; i < lat.size(); ++i) std::printf("%s%.1f", i ? "," : "", static_cast<double>(lat[i]) / 1000.0);
    std::printf("]");
  }
  std::printf("}\n");
  return errors == 0 ? 0 : 1;
}

// ---- hold ----

struct Conn {
  int fd = -1;
  size_t sent = 0;
  bool connected = false;
  bool first_event = false;
  HttpResponseReader reader{true};
};

struct HoldStats {
  int launched = 0, settled = 0, first_events = 0, failed = 0, completed = 0, open = 0;
  uint64_t events = 0;
  std::map<std::string, int> failures;  // reason → count, so a failed run says why
};

void Fail(int epfd, Conn& c, HoldStats& s, const std::string& why) {
  if (!c.first_event) ++s.settled;
  else --s.open;
  ++s.failed;
  ++s.failures[why];
  epoll_ctl(epfd, EPOLL_CTL_DEL, c.fd, nullptr);
  close(c.fd);
  c.fd = -1;
}

void PrintHold(const char* event, const HoldStats& s, int64_t since_ns) {
  std::string reasons;
  for (const auto& [why, n] : s.failures)
    reasons += (reasons.empty() ? "" : ",") + ("\"" + why + "\":" + std::to_string(n));
  std::printf(
      "{\"event\":\"%s\",\"ms\":%lld,\"launched\":%d,\"first_events\":%d,\"open\":%d,\"completed\":%d,"
      "\"failed\":%d,\"events\":%llu,\"failures\":{%s}}\n",
      event, static_cast<long long>((NowNs() - since_ns) / 1'000'000), s.launched, s.first_events, s.open,
      s.completed, s.failed, static_cast<unsigned long long>(s.events), reasons.c_str());
  std::fflush(stdout);
}

// utime + stime of the processes, in clock ticks (/proc/<pid>/stat fields 14 and 15).
long long CpuTicks(const std::vector<int>& pids) {
  long long total = 0;
  for (int pid : pids) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t close_paren = stat.rfind(')');  // the command name may hold spaces
    if (close_paren == std::string::npos) Die("cannot read /proc/" + std::to_string(pid) + "/stat");
    std::istringstream fields(stat.substr(close_paren + 2));
    std::string field;
    long long utime = 0, stime = 0;
    for (int i = 3; fields >> field; ++i) {  // field 3 is the state
      if (i == 14) utime = std::stoll(field);
      if (i == 15) {
        stime = std::stoll(field);
        break;
      }
    }
    total += utime + stime;
  }
  return total;
}

// Drives one connection as far as its socket allows: finish connecting, send, read.
void Drive(int epfd, Conn& c, HoldStats& s, const std::string& req, char* buf, size_t cap) {
  if (!c.connected) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return Fail(epfd, c, s, std::string("connect: ") + std::strerror(err));
    c.connected = true;
  }
  while (c.sent < req.size()) {
    ssize_t w = send(c.fd, req.data() + c.sent, req.size() - c.sent, MSG_NOSIGNAL);
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (w <= 0) return Fail(epfd, c, s, std::string("send: ") + std::strerror(errno));
    c.sent += static_cast<size_t>(w);
    if (c.sent == req.size()) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.ptr = &c;
      epoll_ctl(epfd, EPOLL_CTL_MOD, c.fd, &ev);
    }
  }
  for (;;) {
    ssize_t r = recv(c.fd, buf, cap, 0);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (r < 0) return Fail(epfd, c, s, std::string("recv: ") + std::strerror(errno));
    if (r == 0) return Fail(epfd, c, s, "closed by peer");
    uint64_t before = c.reader.events();
    c.reader.Feed(buf, static_cast<size_t>(r));
    s.events += c.reader.events() - before;
    if (c.reader.failed()) return Fail(epfd, c, s, "bad response");
    if (c.reader.head_complete() && c.reader.status() != 200)
      return Fail(epfd, c, s, "status " + std::to_string(c.reader.status()));
    if (!c.first_event && c.reader.events() > 0) {
      c.first_event = true;
      ++s.first_events;
      ++s.settled;
      ++s.open;
    }
    if (c.reader.done()) {
      if (!c.first_event) ++s.settled;
      else --s.open;
      ++s.completed;
      epoll_ctl(epfd, EPOLL_CTL_DEL, c.fd, nullptr);
      close(c.fd);
      c.fd = -1;
      return;
    }
  }
}

int RunHold(const Options& o) {
  const std::string req = BuildRequest(o);
  const sockaddr_in addr = Address(o);
  int epfd = epoll_create1(EPOLL_CLOEXEC);
  std::vector<std::unique_ptr<Conn>> conns;
  conns.reserve(static_cast<size_t>(o.conns));
  HoldStats s;
  std::vector<epoll_event> events(1024);
  std::vector<char> buf(64 * 1024);
  const int64_t t0 = NowNs();
  int64_t held_at = 0;
  // The measured window: opened settle_s after "held", closed measure_s later.
  int64_t window_at = 0;
  uint64_t window_events = 0;
  long long window_ticks = 0;
  while (!g_stop) {
    while (s.launched < o.conns && s.launched - s.settled < o.open_parallel) {
      auto c = std::make_unique<Conn>();
      c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      ++s.launched;
      if (c->fd < 0) {
        ++s.settled;
        ++s.failed;
        ++s.failures[std::string("socket: ") + std::strerror(errno)];
        continue;
      }
      SetNoDelay(c->fd);
      int rc = connect(c->fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
      epoll_event ev{};
      ev.events = EPOLLOUT | EPOLLIN;
      ev.data.ptr = c.get();
      epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);
      Conn& ref = *c;
      conns.push_back(std::move(c));
      if (rc != 0 && errno != EINPROGRESS) Fail(epfd, ref, s, std::string("connect: ") + std::strerror(errno));
    }
    int n = epoll_wait(epfd, events.data(), static_cast<int>(events.size()), 50);
    for (int i = 0; i < n; ++i) {
      Conn& c = *static_cast<Conn*>(events[i].data.ptr);
      if (c.fd >= 0) Drive(epfd, c, s, req, buf.data(), buf.size());
    }
    int64_t now = NowNs();
    if (held_at == 0 && (s.settled == o.conns || now - t0 > static_cast<int64_t>(o.timeout_s * 1e9))) {
      held_at = now;
      PrintHold("held", s, t0);
    }
    if (o.measure_s > 0 && held_at != 0) {
      if (window_at == 0 && now - held_at >= static_cast<int64_t>(o.settle_s * 1e9)) {
        window_at = now;
        window_events = s.events;
        window_ticks = CpuTicks(o.cpu_pids);
      } else if (window_at != 0 && now - window_at >= static_cast<int64_t>(o.measure_s * 1e9)) {
        const double seconds = static_cast<double>(now - window_at) / 1e9;
        const uint64_t events = s.events - window_events;
        std::printf("{\"event\":\"measured\",\"seconds\":%.3f,\"streams_open\":%d,\"events\":%llu,"
                    "\"events_per_s\":%.1f,\"cpu_ticks\":%lld,\"clk_tck\":%ld,\"failed\":%d,\"completed\":%d}\n",
                    seconds, s.open, static_cast<unsigned long long>(events), static_cast<double>(events) / seconds,
                    CpuTicks(o.cpu_pids) - window_ticks, sysconf(_SC_CLK_TCK), s.failed, s.completed);
        std::fflush(stdout);
        break;
      }
      continue;
    }
    if (held_at != 0 && now - held_at > static_cast<int64_t>(o.hold_s * 1e9)) break;
  }
  PrintHold("done", s, t0);
  for (auto& c : conns)
    if (c->fd >= 0) close(c->fd);
  close(epfd);
  return s.first_events == o.conns ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = ParseArgs(argc, argv);
  struct sigaction sa{};
  sa.sa_handler = [](int) { g_stop = 1; };
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  if (o.mode == "paced") return RunPaced(o);
  if (o.mode == "hold") return RunHold(o);
  Die("unknown mode " + o.mode + " (paced|hold)");
}
