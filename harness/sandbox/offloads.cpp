#include "harness/sandbox/offloads.hpp"

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "net/errno_text.hpp"
#include "net/fd.hpp"

namespace socklab::harness {

namespace {

struct Offload {
  const char* name;
  std::uint32_t set_command;
  std::uint32_t get_command;
};

// The legacy one-feature ethtool commands: one ioctl each, no string-set lookup as the
// ETHTOOL_SFEATURES bitmap would need. The kernel still maps them onto the feature flags.
constexpr Offload kOffloads[] = {
    {"TSO", ETHTOOL_STSO, ETHTOOL_GTSO},
    {"GSO", ETHTOOL_SGSO, ETHTOOL_GGSO},
    {"GRO", ETHTOOL_SGRO, ETHTOOL_GGRO},
};

// Returns 0 or the errno; `value` carries the flag both ways.
int ethtool_value_ioctl(int control, const std::string& interface, ethtool_value& value) {
  ifreq request{};
  std::strncpy(request.ifr_name, interface.c_str(), IFNAMSIZ - 1);
  request.ifr_data = reinterpret_cast<char*>(&value);
  for (;;) {
    if (::ioctl(control, SIOCETHTOOL, &request) == 0) return 0;
    if (errno != EINTR) return errno;
  }
}

}  // namespace

void disable_segmentation_offloads(const std::string& interface) {
  // Any socket will do as the ioctl's handle; it resolves `interface` in its own namespace.
  Fd control(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!control) throw_errno("socket for ethtool on " + interface, errno);
  for (const Offload& offload : kOffloads) {
    ethtool_value value{};
    value.cmd = offload.set_command;
    value.data = 0;
    int error = ethtool_value_ioctl(control.get(), interface, value);
    // EOPNOTSUPP: the device cannot toggle this feature; the read-back below tells whether that
    // is because it is never on (fine) or always on (not fine).
    if (error != 0 && error != EOPNOTSUPP) {
      throw_errno(std::string("turn ") + offload.name + " off on " + interface, error);
    }
    value = ethtool_value{};
    value.cmd = offload.get_command;
    if (int get_error = ethtool_value_ioctl(control.get(), interface, value)) {
      throw_errno(std::string("read ") + offload.name + " on " + interface, get_error);
    }
    if (value.data != 0) {
      throw std::runtime_error(std::string("turn ") + offload.name + " off on " + interface +
                               ": the device keeps it on");
    }
  }
}

}  // namespace socklab::harness
