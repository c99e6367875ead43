// Hostile submission: listens on one port and announces the next one, as a server that
// hard-codes its port in the message but not in bind() does.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "net/server_cli.hpp"
#include "net/socket.hpp"

using namespace socklab;

// The lab's command line, every flag accepted, so that only the behaviour below is wrong.
static ServerOptions options_of(int argc, char** argv) {
  static std::string close_mode = "graceful";
  LabOption close_mode_option{"--close-mode", "accepted and ignored", &close_mode,
                              [](const std::string&) { return std::string(); }};
  return parse_server_options(argc, argv, "a hostile submission", {close_mode_option});
}

int main(int argc, char** argv) {
  ServerOptions options = options_of(argc, argv);
  Fd listener = listen_tcp(options.host, options.port, /*nonblocking=*/false);
  sockaddr_in bound{};
  socklen_t length = sizeof bound;
  if (::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&bound), &length) != 0) return 1;
  std::printf("listening on %s:%d\n", options.host.c_str(), ntohs(bound.sin_port) + 1);
  std::fflush(stdout);
  for (;;) ::pause();
}
