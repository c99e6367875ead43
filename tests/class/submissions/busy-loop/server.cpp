// Hostile submission: listens, then spins on the CPU and never accepts.
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
  announce_listening(listener.get());
  volatile unsigned long spins = 0;
  for (;;) spins = spins + 1;
}