#include "net/server_cli.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace socklab {
namespace {

KeepaliveSettings parse_keepalive(const std::string& text) {
  KeepaliveSettings settings;
  char comma1 = 0;
  char comma2 = 0;
  std::istringstream in(text);
  in >> settings.idle_seconds >> comma1 >> settings.interval_seconds >> comma2 >>
      settings.probe_count;
  if (!in || comma1 != ',' || comma2 != ',' || !in.eof() || settings.idle_seconds <= 0 ||
      settings.interval_seconds <= 0 || settings.probe_count <= 0) {
    throw CLI::ValidationError("--keepalive",
                               "expected IDLE,INTVL,CNT as three positive integers (seconds, "
                               "seconds, probes), e.g. 5,1,3; got '" + text + "'");
  }
  return settings;
}

}  // namespace

ServerOptions parse_server_options(int argc, char** argv, const std::string& description,
                                   const std::vector<LabOption>& lab_options) {
  ServerOptions options;
  std::string protocol = "echo";
  long long idle_timeout_ms = 0;
  std::string keepalive;

  CLI::App app(description);
  // The lab's own flags first: they are what sets this server apart from the others.
  for (const LabOption& lab_option : lab_options) {
    app.add_option(lab_option.flag, *lab_option.value, lab_option.help)
        ->check(CLI::Validator(lab_option.check, ""))
        ->capture_default_str();
  }
  app.add_option("--host", options.host, "IPv4 address to listen on")->capture_default_str();
  app.add_option("--port", options.port, "TCP port; 0 lets the kernel pick a free one")
      ->capture_default_str();
  app.add_option("--proto", protocol, "echo: send every byte back; resp: PING/ECHO/QUIT for redis-cli")
      ->check(CLI::IsMember({"echo", "resp"}))
      ->capture_default_str();
  app.add_option("--idle-timeout", idle_timeout_ms,
                 "close a connection silent for this many milliseconds (0: never)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--keepalive", keepalive,
                 "TCP keepalive per connection: IDLE,INTVL,CNT (seconds, seconds, probes)");
  app.add_option("--max-conns", options.max_connections,
                 "connections served at once; more are accepted and closed at once")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--high-water", options.high_water,
                 "stop reading from a peer whose unsent output exceeds this many bytes")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  try {
    app.parse(argc, argv);
    if (app.count("--keepalive") > 0) options.keepalive = parse_keepalive(keepalive);
  } catch (const CLI::ParseError& error) {
    std::exit(app.exit(error) == 0 ? 0 : 2);
  }
  options.protocol = parse_protocol(protocol);
  options.idle_timeout = std::chrono::milliseconds(idle_timeout_ms);
  return options;
}

void announce_listening(int listener_fd) {
  std::printf("listening on %s\n", address_text(local_address(listener_fd)).c_str());
  std::fflush(stdout);
}

void prepare_connection(int fd, const ServerOptions& options) {
  set_nodelay(fd);
  if (options.keepalive) set_keepalive(fd, *options.keepalive);
}

}  // namespace socklab
