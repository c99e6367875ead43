// ref-nbconnect: a client that connects to every TARGET at once, without blocking on any of them.
//
// A non-blocking connect() returns at once (EINPROGRESS) while the kernel does the handshake; one
// epoll instance waits for all the sockets, and SO_ERROR tells each one's outcome. Every attempt
// has its own deadline, so a host that drops SYNs costs one --timeout, not two minutes of retries.
// In its capture, look for the SYNs to all targets leaving together, a SYN retransmitted after
// about 1 s to a host that stays silent, and nothing more sent to it after the deadline.
#include <netdb.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/errno_text.hpp"
#include "net/fd.hpp"
#include "net/socket.hpp"

using namespace socklab;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::string_view ping = "PING\r\n";
constexpr std::size_t longest_reply = 512;  // a reply line longer than this is not a PONG

struct FreeAddresses {
  void operator()(addrinfo* list) const { ::freeaddrinfo(list); }
};

// connecting: SYN sent, waiting for writability. sending_ping: connected, the kernel has not
// taken all of the PING yet. awaiting_pong: reading the reply line. done: the line is printed.
enum class Phase { not_started, connecting, sending_ping, awaiting_pong, done };

struct Target {
  std::string text;  // as given on the command line: the first field of the output line
  std::string host;
  std::string port;
  int resolver_status = 0;  // getaddrinfo's return value; 0 when the name resolved
  std::unique_ptr<addrinfo, FreeAddresses> addresses;
  const addrinfo* address = nullptr;  // the address of the current attempt
  Fd socket;
  Phase phase = Phase::not_started;
  Clock::time_point deadline;  // of the current attempt: its start plus --timeout
  std::size_t ping_bytes_sent = 0;
  std::string reply;
};

struct Client {
  Fd epoll;
  std::chrono::milliseconds timeout;
  Clock::time_point started;
  std::vector<Target> targets;  // epoll's data.u64 is an index into this
  std::size_t unfinished = 0;
};

// "host:port" or "[v6addr]:port". The port follows the last colon; an IPv6 literal has colons
// of its own, which is why it must be bracketed.
bool parse_target(const std::string& text, Target& target) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  target.text = text;
  target.host = text.substr(0, colon);
  target.port = text.substr(colon + 1);
  std::string& host = target.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.empty() || host.find_first_of("[]:") != std::string::npos) {
    return false;
  }
  unsigned number = 0;
  const char* end = target.port.data() + target.port.size();
  auto [stop, error] = std::from_chars(target.port.data(), end, number);
  return error == std::errc() && stop == end && number > 0 && number <= 65535;
}

// One word, always: errno_name()'s fallback "errno 123" would split the output line's field.
std::string errno_field(int error_number) {
  if (const char* name = ::strerrorname_np(error_number)) return name;
  return "E" + std::to_string(error_number);
}

// EAI_AGAIN: the DNS server did not answer (try later); EAI_NONAME: no such name; EAI_NODATA:
// the name exists but has no address; EAI_SYSTEM: errno says why.
std::string resolver_error_name(int status) {
  static constexpr std::pair<int, const char*> names[] = {
      {EAI_AGAIN, "EAI_AGAIN"},   {EAI_FAIL, "EAI_FAIL"},     {EAI_NONAME, "EAI_NONAME"},
      {EAI_NODATA, "EAI_NODATA"}, {EAI_FAMILY, "EAI_FAMILY"}, {EAI_ADDRFAMILY, "EAI_ADDRFAMILY"},
      {EAI_MEMORY, "EAI_MEMORY"}, {EAI_SYSTEM, "EAI_SYSTEM"}};
  for (auto [value, name] : names) {
    if (value == status) return name;
  }
  return "EAI_" + std::to_string(status);
}

const char* result_for(int error_number) {
  switch (error_number) {
    case ECONNREFUSED:
      return "refused";  // an RST answered the SYN: nothing listens there
    case ETIMEDOUT:
      return "timeout";
    case ENETUNREACH:  // no route to that network: connect() sent nothing
    case EHOSTUNREACH:
      return "unreachable";  // no answer to ARP, or an ICMP unreachable came back
    default:
      return "error";
  }
}

std::string address_text(const addrinfo* address) {
  char host[NI_MAXHOST];
  int status = ::getnameinfo(address->ai_addr, address->ai_addrlen, host, sizeof host, nullptr, 0,
                             NI_NUMERICHOST);
  return status == 0 ? host : "(" + resolver_error_name(status) + ")";
}

void report(Client& client, Target& target, const char* result, const std::string& name) {
  target.socket.reset();  // closing the socket also takes it off the epoll interest list
  target.phase = Phase::done;
  --client.unfinished;
  auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - client.started);
  std::printf("%s %s %s %lld\n", target.text.c_str(), result, name.c_str(),
              static_cast<long long>(elapsed.count()));
  std::fflush(stdout);  // a line is read when its result is known, not when the program exits
}

void report_errno(Client& client, Target& target, int error_number) {
  report(client, target, result_for(error_number), errno_field(error_number));
}

void watch(const Client& client, std::size_t index, int operation, std::uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.u64 = index;
  if (::epoll_ctl(client.epoll.get(), operation, client.targets[index].socket.get(), &event) != 0) {
    throw_errno(operation == EPOLL_CTL_ADD ? "epoll_ctl(ADD)" : "epoll_ctl(MOD)", errno);
  }
}

void start_attempt(Client& client, std::size_t index);

// A connect that failed, for any reason. Like the loop in Redis's anetTcpGenericConnect, try the
// next address getaddrinfo gave, with a fresh deadline; the target's result is the last attempt's.
void attempt_failed(Client& client, std::size_t index, int error_number) {
  Target& target = client.targets[index];
  target.socket.reset();  // closed now: a socket left in SYN-SENT would keep retransmitting its SYN
  const addrinfo* failed = target.address;
  target.address = failed->ai_next;
  if (target.address == nullptr) return report_errno(client, target, error_number);
  std::fprintf(stderr, "ref-nbconnect: %s: %s %s (%s), trying %s\n", target.text.c_str(),
               address_text(failed).c_str(), result_for(error_number),
               errno_field(error_number).c_str(), address_text(target.address).c_str());
  start_attempt(client, index);
}

void start_attempt(Client& client, std::size_t index) {
  Target& target = client.targets[index];
  const addrinfo* address = target.address;
  target.deadline = Clock::now() + client.timeout;
  target.phase = Phase::connecting;
  target.socket = Fd(::socket(address->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  // EAFNOSUPPORT (an IPv6 address on a host without IPv6) or EMFILE end this attempt only.
  if (!target.socket) return attempt_failed(client, index, errno);
  int status = ::connect(target.socket.get(), address->ai_addr, address->ai_addrlen);
  // EINPROGRESS is not an error: the SYN is on its way and writability will tell the end of the
  // handshake. EINTR means the same: the kernel goes on with the handshake after the signal, and
  // calling connect() again would only say EALREADY. A 0 (connected at once) finds the socket
  // writable already, so all three take the same path through SO_ERROR.
  if (status != 0 && errno != EINPROGRESS && errno != EINTR) {
    return attempt_failed(client, index, errno);  // e.g. ENETUNREACH: no route, no SYN sent
  }
  watch(client, index, EPOLL_CTL_ADD, EPOLLOUT);
}

// Connected: like Redis's syncWithMaster, check that the peer answers before calling it up.
void send_ping(Client& client, std::size_t index) {
  Target& target = client.targets[index];
  target.phase = Phase::sending_ping;
  while (target.ping_bytes_sent < ping.size()) {
    IoResult sent = send_some(target.socket.get(), ping.data() + target.ping_bytes_sent,
                              ping.size() - target.ping_bytes_sent);  // MSG_NOSIGNAL: no SIGPIPE
    if (sent.status == IoStatus::would_block) return;  // EPOLLOUT is still watched: wait for it
    if (sent.status == IoStatus::failed) return report_errno(client, target, sent.error_number);
    target.ping_bytes_sent += sent.bytes;
  }
  target.phase = Phase::awaiting_pong;
  watch(client, index, EPOLL_CTL_MOD, EPOLLIN);
}

// Level-triggered: one recv per wake-up; if more bytes are queued, epoll reports them again.
void read_reply(Client& client, Target& target) {
  char chunk[longest_reply];
  IoResult got = receive_some(target.socket.get(), chunk, sizeof chunk);
  if (got.status == IoStatus::would_block) return;
  if (got.status == IoStatus::end_of_stream) return report(client, target, "error", "EOF");
  if (got.status == IoStatus::failed) return report_errno(client, target, got.error_number);
  target.reply.append(chunk, got.bytes);
  if (target.reply.find("\r\n") != std::string::npos) {
    bool pong = target.reply.starts_with("+PONG");
    return report(client, target, pong ? "connected" : "error", pong ? "-" : "BADREPLY");
  }
  if (target.reply.size() > longest_reply) report(client, target, "error", "BADREPLY");
}

void on_event(Client& client, std::size_t index) {
  Target& target = client.targets[index];
  switch (target.phase) {
    case Phase::connecting: {
      // Writable means the handshake is over, not that it worked: a refused connect wakes us too
      // (with EPOLLERR). SO_ERROR holds the outcome, as connect() would have returned it.
      int error = 0;
      socklen_t length = sizeof error;
      if (::getsockopt(target.socket.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
        error = errno;
      }
      if (error != 0) return attempt_failed(client, index, error);
      return send_ping(client, index);
    }
    case Phase::sending_ping:
      return send_ping(client, index);
    case Phase::awaiting_pong:
      return read_reply(client, target);
    case Phase::not_started:
    case Phase::done:
      return;
  }
}

bool pending(const Target& target) {
  return target.phase != Phase::not_started && target.phase != Phase::done;
}

// The timers. A scan of every attempt, as Redis's ae does for its time events: cheap for a few
// hundred targets (nginx keeps its timers in a red-black tree for many more).
int wait_timeout_ms(const Client& client) {
  auto nearest = Clock::time_point::max();
  for (const Target& target : client.targets) {
    if (pending(target)) nearest = std::min(nearest, target.deadline);
  }
  if (nearest == Clock::time_point::max()) return -1;
  // Rounded up: waking a little before the deadline would find nothing due and spin.
  auto left = std::chrono::ceil<std::chrono::milliseconds>(nearest - Clock::now()).count();
  return static_cast<int>(std::max<decltype(left)>(left, 0));
}

void expire_deadlines(Client& client) {
  Clock::time_point now = Clock::now();
  for (std::size_t index = 0; index < client.targets.size(); ++index) {
    Target& target = client.targets[index];
    if (!pending(target) || now < target.deadline) continue;
    // Still in the handshake: close it (no more SYNs) and try the next address. Connected but
    // without a PONG in time: the target is a timeout; only connect failures move on.
    if (target.phase == Phase::connecting) {
      attempt_failed(client, index, ETIMEDOUT);
    } else {
      report_errno(client, target, ETIMEDOUT);
    }
  }
}

void run(Client& client) {
  epoll_event events[64];
  while (client.unfinished > 0) {
    int ready = ::epoll_wait(client.epoll.get(), events, 64, wait_timeout_ms(client));
    if (ready < 0) {
      if (errno == EINTR) continue;  // e.g. the process was stopped and continued
      throw_errno("epoll_wait", errno);
    }
    for (int i = 0; i < ready; ++i) on_event(client, events[i].data.u64);
    expire_deadlines(client);
  }
}

// getaddrinfo blocks (it may ask a DNS server), so every name is resolved here at start-up,
// before the first deadline starts to run. An event loop that resolves later needs an
// asynchronous resolver, as nginx has its own.
void resolve(Target& target) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;  // IPv4 and IPv6 addresses, in the order the resolver prefers
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  int status = ::getaddrinfo(target.host.c_str(), target.port.c_str(), &hints, &found);
  target.resolver_status = status;
  if (status == 0) target.addresses.reset(found);
  target.address = target.addresses.get();
  if (status != 0) {
    std::fprintf(stderr, "ref-nbconnect: %s: %s\n", target.text.c_str(),
                 status == EAI_SYSTEM ? errno_text(errno).c_str() : ::gai_strerror(status));
  }
}

void start_target(Client& client, std::size_t index) {
  Target& target = client.targets[index];
  if (target.resolver_status == 0) return start_attempt(client, index);
  report(client, target, "error", resolver_error_name(target.resolver_status));
}

}  // namespace

int main(int argc, char** argv) {
  Clock::time_point started = Clock::now();
  long long timeout_ms = 3000;
  std::vector<std::string> texts;
  CLI::App app("Non-blocking connect client: connects to every TARGET at once, then PING/+PONG");
  app.add_option("--timeout", timeout_ms, "milliseconds each attempt may take, connect to +PONG")
      ->check(CLI::Range(1LL, 86'400'000LL))  // a day at most
      ->capture_default_str();
  app.add_option("target", texts, "HOST:PORT or [V6ADDR]:PORT")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }
  std::vector<Target> targets(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (!parse_target(texts[i], targets[i])) {
      std::fprintf(stderr,
                   "ref-nbconnect: bad target '%s': expected HOST:PORT or [V6ADDR]:PORT "
                   "with a port from 1 to 65535\n",
                   texts[i].c_str());
      return 2;
    }
  }
  try {
    raise_open_file_limit();
    Client client{Fd(::epoll_create1(EPOLL_CLOEXEC)), std::chrono::milliseconds(timeout_ms),
                  started, std::move(targets), texts.size()};
    if (!client.epoll) throw_errno("epoll_create1", errno);
    for (Target& target : client.targets) resolve(target);
    for (std::size_t i = 0; i < client.targets.size(); ++i) start_target(client, i);
    run(client);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "ref-nbconnect: %s\n", error.what());
    return 1;
  }
  return 0;  // every target has its line, and every socket has been closed
}
