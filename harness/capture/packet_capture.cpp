#include "harness/capture/packet_capture.hpp"

#include <pcap/pcap.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "net/errno_text.hpp"
#include "net/fd.hpp"

namespace socklab::harness {
namespace {

using SteadyClock = std::chrono::steady_clock;

// A kernel ring this large holds tens of thousands of 256-byte frames: enough for a burst
// while the capture thread is not scheduled, so packets_dropped stays 0.
constexpr int kBufferBytes = 16 << 20;

struct PcapCloser {
  void operator()(pcap_t* handle) const { pcap_close(handle); }
};
struct DumperCloser {
  void operator()(pcap_dumper_t* dumper) const { pcap_dump_close(dumper); }
};

// "lo in network namespace net:[4026532301]", as /proc/PID/ns/net names namespaces.
std::string describe_place(const NetNamespace& netns, const std::string& interface) {
  struct stat status {};
  std::string name = ::fstat(netns.fd(), &status) == 0
                         ? "net:[" + std::to_string(status.st_ino) + "]"
                         : "(fd " + std::to_string(netns.fd()) + ")";
  return interface + " in network namespace " + name;
}

// Everything one capture holds. The capture thread uses `handle` and `dumper` between start()
// and the join in stop(); the caller's thread uses them only before and after that.
struct CaptureState {
  std::string place;  // for messages: which interface, in which namespace
  std::filesystem::path file;
  std::unique_ptr<pcap_t, PcapCloser> handle;
  std::unique_ptr<pcap_dumper_t, DumperCloser> dumper;
  Fd stop_event;  // an eventfd: written once, by stop(), to end the capture thread
  std::thread thread;
  std::atomic<std::uint64_t> packets_written{0};
  std::atomic<SteadyClock::rep> last_packet{0};  // steady-clock ticks of the last packet
  std::string failure;  // written by the capture thread before it ends, read after join
  std::optional<CaptureSummary> summary;
  // The TCP headers seen so far, for checks made while the scenario runs (a forged RST takes
  // its sequence number from here). Appended by the capture thread, copied by segments().
  mutable std::mutex segments_mutex;
  std::vector<TcpSegment> segments;  // guarded by segments_mutex

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("capture on " + place + ": " + what);
  }
  void note_packet_time() {
    last_packet.store(SteadyClock::now().time_since_epoch().count(), std::memory_order_relaxed);
  }
  SteadyClock::time_point last_packet_time() const {
    return SteadyClock::time_point(
        SteadyClock::duration(last_packet.load(std::memory_order_relaxed)));
  }
};

void write_packet(u_char* user, const pcap_pkthdr* header, const u_char* bytes) {
  auto& state = *reinterpret_cast<CaptureState*>(user);
  pcap_dump(reinterpret_cast<u_char*>(state.dumper.get()), header, bytes);
  double time = static_cast<double>(header->ts.tv_sec) + header->ts.tv_usec / 1e6;
  std::uint64_t frame = state.packets_written.fetch_add(1, std::memory_order_relaxed) + 1;
  if (auto segment = parse_ethernet_tcp(bytes, header->caplen, time)) {
    segment->frame = static_cast<std::uint32_t>(frame);
    std::lock_guard lock(state.segments_mutex);
    state.segments.push_back(*segment);
  }
  state.note_packet_time();
}

// Non-blocking: writes every packet the ring holds now and returns how many; -1 after an error.
int dispatch(CaptureState& state) {
  int result =
      pcap_dispatch(state.handle.get(), -1, write_packet, reinterpret_cast<u_char*>(&state));
  if (result >= 0) return result;
  state.failure = pcap_geterr(state.handle.get());  // "The interface went down", ...
  return -1;
}

// The capture thread: sleeps in poll until packets or the stop event arrive.
void capture_loop(CaptureState& state) {
  std::array<pollfd, 2> events{{{pcap_get_selectable_fd(state.handle.get()), POLLIN, 0},
                                {state.stop_event.get(), POLLIN, 0}}};
  for (;;) {
    if (::poll(events.data(), events.size(), -1) < 0) {
      if (errno == EINTR) continue;
      state.failure = "poll: " + errno_text(errno);
      return;
    }
    // On the stop event, one last pass: packets that arrived with it are still written.
    if (events[1].revents != 0) {
      dispatch(state);
      return;
    }
    int written = dispatch(state);
    if (written < 0) return;
    // libpcap reports a socket error (the interface went down) from pcap_dispatch; should it
    // not, poll would report it again at once, forever: end the capture rather than spin.
    if (written == 0 && (events[0].revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) {
      state.failure = "the packet socket reported an error that libpcap did not explain";
      return;
    }
  }
}

// Before activation: each setting fails only if the handle is already active, which it is not.
void configure(CaptureState& state) {
  pcap_t* handle = state.handle.get();
  if (pcap_set_snaplen(handle, PacketCapture::kSnapLength) != 0 ||
      // Immediate mode: each packet is handed over at once, so the file is complete as soon as
      // the wire is quiet, not when a buffer fills or a timeout expires.
      pcap_set_immediate_mode(handle, 1) != 0 || pcap_set_buffer_size(handle, kBufferBytes) != 0) {
    state.fail("setting snaplen, immediate mode or buffer size: " +
               std::string(pcap_geterr(handle)));
  }
}

// The packet socket belongs to the namespace of the thread that creates it in pcap_activate,
// and stays there: the capture thread itself need not enter the namespace.
void activate_inside(CaptureState& state, const NetNamespace& netns) {
  EnterNetNamespace inside(netns);
  int status = pcap_activate(state.handle.get());
  if (status >= 0) return;  // > 0 is a warning (promiscuous mode unsupported): capture works
  std::string detail = pcap_geterr(state.handle.get());
  state.fail(std::string(pcap_statustostr(status)) + (detail.empty() ? "" : " (" + detail + ")"));
}

}  // namespace

struct PacketCapture::State : CaptureState {};

PacketCapture PacketCapture::start(const NetNamespace& netns, const std::string& interface,
                                   const std::filesystem::path& pcap_file) {
  auto state = std::make_unique<State>();
  state->place = describe_place(netns, interface);
  state->file = pcap_file;
  char error[PCAP_ERRBUF_SIZE] = "";
  state->handle.reset(pcap_create(interface.c_str(), error));
  if (!state->handle) state->fail(error);
  configure(*state);
  activate_inside(*state, netns);
  if (pcap_setnonblock(state->handle.get(), 1, error) != 0) state->fail(error);
  state->dumper.reset(pcap_dump_open(state->handle.get(), pcap_file.c_str()));
  if (!state->dumper) state->fail(pcap_geterr(state->handle.get()));
  state->stop_event = Fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!state->stop_event) state->fail("eventfd: " + errno_text(errno));
  state->note_packet_time();  // the quiet period counts from the start when nothing arrives
  // The socket is bound and its ring receives from here on: a packet sent once we return is
  // queued for the thread, even if the thread has not reached poll() yet.
  state->thread = std::thread(capture_loop, std::ref(*state));
  return PacketCapture(std::move(state));
}

PacketCapture::PacketCapture(std::unique_ptr<State> state) : state_(std::move(state)) {}

std::vector<TcpSegment> PacketCapture::segments() const {
  std::lock_guard lock(state_->segments_mutex);
  return state_->segments;
}
PacketCapture::PacketCapture(PacketCapture&&) noexcept = default;

PacketCapture::~PacketCapture() {
  if (!state_ || state_->summary) return;
  try {
    stop(std::chrono::milliseconds(0), std::chrono::milliseconds(0));
  } catch (...) {
    // A destructor must not throw; the file is closed either way, only the error is lost.
  }
}

void PacketCapture::wait_until_quiet(std::chrono::milliseconds quiet,
                                     std::chrono::milliseconds limit) const {
  const auto deadline = SteadyClock::now() + limit;
  // Quiet means no packet for `quiet`; nothing can announce that ahead, so sleep until the
  // moment it would be true and look again.
  for (auto now = SteadyClock::now(); now < deadline; now = SteadyClock::now()) {
    auto quiet_at = state_->last_packet_time() + quiet;
    if (now >= quiet_at) break;
    std::this_thread::sleep_for(std::min(quiet_at, deadline) - now);
  }
}

CaptureSummary PacketCapture::stop(std::chrono::milliseconds quiet,
                                   std::chrono::milliseconds limit) {
  State& state = *state_;
  if (state.summary) return *state.summary;
  wait_until_quiet(quiet, limit);
  std::uint64_t one = 1;
  if (::write(state.stop_event.get(), &one, sizeof one) != sizeof one) {
    // Cannot happen on a fresh eventfd (the counter is far from overflowing); without the
    // event the thread would never end, so this is a harness bug worth stopping for.
    std::terminate();
  }
  state.thread.join();
  CaptureSummary summary;
  summary.file = state.file;
  summary.packets_written = state.packets_written.load();
  pcap_stat statistics{};
  // ps_drop: no room in the socket's ring. ps_ifdrop is left out: libpcap reads it from
  // /proc/net/dev of the *calling thread's* namespace, which is not the captured one.
  if (pcap_stats(state.handle.get(), &statistics) == 0) {
    summary.packets_dropped = statistics.ps_drop;
  } else if (state.failure.empty()) {
    state.failure = "pcap_stats: " + std::string(pcap_geterr(state.handle.get()));
  }
  bool flushed = pcap_dump_flush(state.dumper.get()) == 0;
  int flush_error = errno;
  state.dumper.reset();
  state.handle.reset();
  state.summary = summary;
  if (!flushed) state.fail("writing " + state.file.string() + ": " + errno_text(flush_error));
  if (!state.failure.empty()) state.fail(state.failure);
  return summary;
}

}  // namespace socklab::harness
