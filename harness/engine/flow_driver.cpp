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

// Returns true when the flow now wants an event it did not want before (its reading delay or a
// send pause has ended): a new chance for progress, from which a stall is timed.
bool update_interest(int epoll_fd, int fd, Watched& entry, SteadyClock::time_point now) {
  std::uint32_t wanted = entry.flow->wanted_events(now);
  if (wanted == entry.interest) return false;
  epoll_event event{};
  event.events = wanted;
  event.data.fd = fd;
  if (::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, fd, &event) != 0) throw_errno("epoll_ctl(MOD)", errno);
  bool gained = (wanted & ~entry.interest) != 0;
  entry.interest = wanted;
  return gained;
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

  // A stall is silence while progress was possible: timed from the last byte moved, or from
  // the last moment a flow could act again (its reading began), whichever is later. So a flow
  // that holds back its reads on purpose is not "stalled" by its own schedule.
  auto quiet_since = start;
  epoll_event events[256];
  while (!watched.empty()) {
    if (interrupted()) throw Interrupted();
    auto now = SteadyClock::now();
    for (auto& [fd, entry] : watched) {
      if (update_interest(epoll.get(), fd, entry, now)) quiet_since = now;
    }
    // Out of time: one last look without waiting before giving up. If this process was not
    // scheduled for a while (a loaded machine), the server's bytes may be waiting in our
    // sockets already, and a verdict must not blame the server for our own pause.
    const bool past_deadline = now - start >= limits.deadline;
    const bool quiet_too_long = now - quiet_since >= limits.stall;
    const bool last_look = past_deadline || quiet_too_long;

    int ready = ::epoll_wait(epoll.get(), events, 256, last_look ? 0 : wait_ms(watched, now));
    if (ready < 0) {
      if (errno == EINTR) continue;
      throw_errno("epoll_wait", errno);
    }
    now = SteadyClock::now();
    bool progressed = false;
    for (int i = 0; i < ready; ++i) {
      auto found = watched.find(events[i].data.fd);
      if (found == watched.end()) continue;
      if (found->second.flow->on_events(events[i].events, now)) progressed = true;
    }
    if (progressed) quiet_since = now;
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
    if (watched.empty()) break;
    if (past_deadline) return DriveEnd::deadline;
    if (quiet_too_long && !progressed) return DriveEnd::stalled;
  }
  return DriveEnd::settled;
}

}  // namespace socklab::harness
