// HostsFile: an /etc/hosts of a scenario's own, for one program: a name that resolves to
// several addresses (the nbconnect lab tries them one by one) without a DNS server and without
// touching the machine's /etc. The file lives in a temporary folder while this object does;
// bind_mounts() are what LaunchSpec needs to show it to the program at /etc/hosts.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/process/supervised_process.hpp"

namespace socklab::harness {

class HostsFile {
 public:
  // `lines`: "198.18.0.11 two-homed" ...; "127.0.0.1 localhost" comes first. `etc`: the
  // folder whose hosts file the program sees replaced (another than /etc only in tests).
  explicit HostsFile(const std::vector<std::string>& lines,
                     const std::filesystem::path& etc = "/etc");
  ~HostsFile();
  HostsFile(const HostsFile&) = delete;
  HostsFile& operator=(const HostsFile&) = delete;

  // Where /etc/hosts exists, the new file is bound over it. Where it does not (a bare chroot:
  // a mount point must exist), a copy of /etc is made of empty stand-ins with each original
  // bound onto its stand-in, plus the new hosts file, and that copy is bound over /etc.
  const std::vector<BindMount>& bind_mounts() const { return bind_mounts_; }

 private:
  std::filesystem::path folder_;
  std::vector<BindMount> bind_mounts_;
};

}  // namespace socklab::harness
