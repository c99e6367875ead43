// lab-nbconnect: a client that connects to every TARGET at once, without blocking on any of them.
//
// A non-blocking connect() returns at once (EINPROGRESS) while the kernel does the handshake; one
// epoll instance waits for all the sockets, and SO_ERROR tells each one's outcome. Every attempt
// has its own deadline, so a host that drops SYNs costs one --timeout, not two minutes of retries.
// The command line, the target syntax and the output line are given; the connecting is yours:
// the TODO(step N) comments match the steps of README.md.
#include <netdb.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <CLI/CLI.hpp>
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
  std::size_t unfinished = 0;   // targets still without their output line
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

// The RESULT field of the output line for the errno that ended an attempt.
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

// The output line "TARGET RESULT ERRNO_NAME ELAPSED_MS", printed once per target. It also
// closes the target's socket: a finished attempt must not hold a descriptor, nor send SYNs.
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

// [[maybe_unused]]: the skeleton does not call the helpers below yet; your code will.
[[maybe_unused]] void report_errno(Client& client, Target& target, int error_number) {
  report(client, target, result_for(error_number), errno_field(error_number));
}

// "198.18.0.11", for messages on stderr about an address that failed.
[[maybe_unused]] std::string address_text(const addrinfo* address) {
  char host[NI_MAXHOST];
  int status = ::getnameinfo(address->ai_addr, address->ai_addrlen, host, sizeof host, nullptr, 0,
                             NI_NUMERICHOST);
  return status == 0 ? host : "(" + resolver_error_name(status) + ")";
}

// Adds (EPOLL_CTL_ADD) or changes (EPOLL_CTL_MOD) the events watched on a target's socket.
[[maybe_unused]] void watch(const Client& client, std::size_t index, int operation,
                            std::uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.u64 = index;
  if (::epoll_ctl(client.epoll.get(), operation, client.targets[index].socket.get(), &event) != 0) {
    throw_errno(operation == EPOLL_CTL_ADD ? "epoll_ctl(ADD)" : "epoll_ctl(MOD)", errno);
  }
}

// One attempt on target.address. Your functions for an attempt go around this one:
//   attempt_failed(client, index, error_number)   TODO(step 3, 4): close the socket at once;
//       try the next address with a fresh deadline, or print the line when there is none.
//   on_event(client, index)   TODO(step 2): what a wake-up means in each Phase: when
//       connecting, read SO_ERROR; then send the PING; then read the reply line.
void start_attempt(Client& client, std::size_t index) {
  Target& target = client.targets[index];
  // TODO(step 2): a non-blocking socket (SOCK_NONBLOCK) for target.address, then connect().
  // EINPROGRESS is not an error: the SYN is on its way; watch the socket for EPOLLOUT.
  // Any other errno is this attempt's final result (ENETUNREACH: no route, no SYN sent).
  // TODO(step 3): the attempt's deadline starts now.
  (void)target;
}

// The event loop. TODO(step 2): while client.unfinished > 0, epoll_wait and handle each event.
// TODO(step 3): wait no longer than the nearest deadline of a pending attempt, then end every
// attempt whose deadline has passed (ETIMEDOUT).
void run(Client& client) { (void)client; }

// getaddrinfo blocks (it may ask a DNS server), so every name is resolved here at start-up,
// before the first deadline starts to run.
void resolve(Target& target) {
  // TODO(step 2): getaddrinfo(target.host, target.port) for SOCK_STREAM, any family
  // (AF_UNSPEC), numeric port (AI_NUMERICSERV). Keep the list in target.addresses, its first
  // entry in target.address, and the return value in target.resolver_status.
  (void)target;
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
                   "lab-nbconnect: bad target '%s': expected HOST:PORT or [V6ADDR]:PORT "
                   "with a port from 1 to 65535\n",
                   texts[i].c_str());
      return 2;
    }
  }
  // TODO(step 2): delete this line once one target gets its line.
  std::fprintf(stderr,
               "lab-nbconnect: TODO(step 2): connect to each target and print its line "
               "(README.md, step 2)\n");
  try {
    raise_open_file_limit();
    Client client{Fd(::epoll_create1(EPOLL_CLOEXEC)), std::chrono::milliseconds(timeout_ms),
                  started, std::move(targets), texts.size()};
    if (!client.epoll) throw_errno("epoll_create1", errno);
    for (Target& target : client.targets) resolve(target);
    for (std::size_t i = 0; i < client.targets.size(); ++i) start_target(client, i);
    run(client);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "lab-nbconnect: %s\n", error.what());
    return 1;
  }
  return 0;  // every target has its line, and every socket has been closed
}
