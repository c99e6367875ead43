#include "harness/engine/flow_driver.hpp"

#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>
#include <unordered_map>

#include "harness/engine/interruption.hpp"
#include "net/errno_text.hpp"

namespace socklab::harness {
namespace {

struct Watched {
  EchoFlow* flow;
  std::uint32_t interest;
};

bool settled(const EchoFlow& flow) { return flow.complete() || flow.failed(); }

// How long epoll_wait may sleep: until the nearest flow timer (a pause ends, the read pace
// refills; the interest update then lets epoll report the socket), at most 50 ms so that
// Ctrl-C and the stall and deadline clocks are noticed promptly.
int wait_ms(const std::unordered_map<int, Watched>& watched, SteadyClock::time_point now) {
  auto nearest = now + std::chrono::milliseconds(50);
  for (const auto& [fd, entry] : watched) {
    if (auto timer = entry.flow->next_timer(); timer && *timer < nearest) nearest = *timer;
  }
  auto remaining = std::chrono::ceil<std::chrono::milliseconds>(nearest - now).count();
  return static_cast<int>(std::max<long long>(remaining, 0));
}

void update_interest(int epoll_fd, int fd, Watched& entry, SteadyClock::time_point now) {
  std::uint32_t wanted = entry.flow->wanted_events(now);
  if (wanted == entry.interest) return;
  epoll_event event{};
  event.events = wanted;
  event.data.fd = fd;
  if (::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, fd, &event) != 0) throw_errno("epoll_ctl(MOD)", errno);
  entry.interest = wanted;
}

}  // namespace

DriveEnd drive_flows(const std::vector<EchoFlow*>& flows, const Connector& connect,
                     DriveLimits limits) {
  Fd epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll) throw_errno("epoll_create1", errno);
  const auto start = SteadyClock::now();
  std::unordered_map<int, Watched> watched;
  std::uint64_t seed = 1;
  for (EchoFlow* flow : flows) {
    // A flow driven before continues where it stopped; a settled one has nothing left to do.
    if (!flow->attached()) {
      flow->attach(flow->has_own_connection() ? Fd() : connect(*flow), start, seed);
    }
    ++seed;
    if (settled(*flow) || flow->fd() < 0) continue;
    epoll_event event{};
    event.events = flow->wanted_events(start);
    event.data.fd = flow->fd();
    if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, flow->fd(), &event) != 0) {
      throw_errno("epoll_ctl(ADD)", errno);
    }
    watched.emplace(flow->fd(), Watched{flow, event.events});
  }

  auto last_progress = start;
  epoll_event events[256];
  while (!watched.empty()) {
    if (interrupted()) throw Interrupted();
    auto now = SteadyClock::now();
    if (now - start >= limits.deadline) return DriveEnd::deadline;
    if (now - last_progress >= limits.stall) return DriveEnd::stalled;
    for (auto& [fd, entry] : watched) update_interest(epoll.get(), fd, entry, now);

    int ready = ::epoll_wait(epoll.get(), events, 256, wait_ms(watched, now));
    if (ready < 0) {
      if (errno == EINTR) continue;
      throw_errno("epoll_wait", errno);
    }
    now = SteadyClock::now();
    for (int i = 0; i < ready; ++i) {
      auto found = watched.find(events[i].data.fd);
      if (found == watched.end()) continue;
      if (found->second.flow->on_events(events[i].events, now)) last_progress = now;
    }
    for (auto it = watched.begin(); it != watched.end();) {
      if (!settled(*it->second.flow)) {
        ++it;
        continue;
      }
      // A flow that reset has closed its socket already, which removed it from epoll.
      if (it->second.flow->fd() >= 0 &&
          ::epoll_ctl(epoll.get(), EPOLL_CTL_DEL, it->first, nullptr) != 0) {
        throw_errno("epoll_ctl(DEL)", errno);
      }
      it = watched.erase(it);
    }
  }
  return DriveEnd::settled;
}

}  // namespace socklab::harness
