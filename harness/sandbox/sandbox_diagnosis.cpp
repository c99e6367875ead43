#include "harness/sandbox/sandbox_diagnosis.hpp"

#include <linux/capability.h>

#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "harness/sandbox/proc_file.hpp"
#include "net/errno_text.hpp"

namespace socklab::harness {

namespace {

// A kernel switch that can forbid namespaces, and the value with which it does.
struct Switch {
  const char* name;  // as sysctl spells it
  const char* path;
  const char* blocking_value;
  const char* meaning;
  const char* fix;
};

const Switch kSwitches[] = {
    {"kernel.unprivileged_userns_clone", "/proc/sys/kernel/unprivileged_userns_clone", "0",
     "Debian's switch: user namespaces are for root only",
     "sudo sysctl -w kernel.unprivileged_userns_clone=1"},
    {"kernel.apparmor_restrict_unprivileged_userns",
     "/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1",
     "Ubuntu 23.10+/24.04: AppArmor gives an ordinary user's user namespace no capabilities",
     "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 (or an AppArmor profile for "
     "socklab with the `userns,` rule)"},
    {"user.max_user_namespaces", "/proc/sys/user/max_user_namespaces", "0",
     "no user namespace may be created", "sudo sysctl -w user.max_user_namespaces=15000"},
    {"user.max_net_namespaces", "/proc/sys/user/max_net_namespaces", "0",
     "no network namespace may be created", "sudo sysctl -w user.max_net_namespaces=15000"},
};

// The sysctl's value without its newline, or "absent" where this kernel has no such file.
std::string switch_value(const Switch& knob) {
  std::string text;
  if (int error = read_proc_file(knob.path, text)) {
    return error == ENOENT ? "absent" : "unreadable: " + errno_name(error);
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// A field of /proc/self/status ("Seccomp", "CapEff", "Threads"), or "" if missing.
std::string status_field(const std::string& field) {
  std::string status;
  if (read_proc_file("/proc/self/status", status) != 0) return "";
  std::istringstream lines(status);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(field + ":", 0) != 0) continue;
    std::string value = line.substr(field.size() + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    return value;
  }
  return "";
}

bool has_cap_sys_admin() {
  std::string effective = status_field("CapEff");
  if (effective.empty()) return false;
  unsigned long long mask = std::strtoull(effective.c_str(), nullptr, 16);
  return (mask >> CAP_SYS_ADMIN) & 1ULL;
}

std::string meaning(const SandboxFailure& failure) {
  bool user = failure.step.find("CLONE_NEWUSER") != std::string::npos;
  bool map = failure.step.find("/proc/self/") != std::string::npos;
  switch (failure.error) {
    case EPERM:
      if (user) return "the kernel refuses this process a user namespace";
      if (map) return "the user namespace was made, but without the right to map the user into it";
      return "this process lacks CAP_SYS_ADMIN over its user namespace";
    case ENOSPC:
    case EUSERS:
      return "a limit on the number (or nesting depth, 32) of namespaces is reached, here or in "
             "an enclosing user namespace such as a container's";
    case EINVAL:
      if (user) return "the process already runs threads, or the kernel lacks user namespaces";
      return "the kernel lacks network namespaces (CONFIG_NET_NS)";
    default:
      return "unexpected for this step";
  }
}

}  // namespace

std::string describe_failure(const SandboxFailure& failure) {
  return failure.step + " failed: " + errno_text(failure.error) + ": " + meaning(failure) + ".";
}

std::string suggest_remedy(const SandboxFailure& failure, bool root) {
  std::vector<std::string> causes;
  std::vector<std::string> ruled_out;
  for (const Switch& knob : kSwitches) {
    std::string value = switch_value(knob);
    if (value == knob.blocking_value) {
      causes.push_back(std::string(knob.name) + " = " + value + " (" + knob.meaning +
                       "). Fix: " + knob.fix);
    } else {
      ruled_out.push_back(std::string(knob.name) + " = " + value);
    }
  }
  // Seccomp mode 2 is a filter, the form Docker's default profile takes; that profile refuses
  // unshare() and setns() to containers without CAP_SYS_ADMIN.
  std::string seccomp = status_field("Seccomp");
  if (seccomp == "2") {
    causes.push_back(
        "a seccomp filter is active (Seccomp: 2 in /proc/self/status), as Docker's default "
        "profile installs; it refuses unshare(). Fix: run the container with --security-opt "
        "seccomp=unconfined, or --privileged");
  } else {
    ruled_out.push_back("seccomp filter: " + (seccomp.empty() ? std::string("unknown") : "none"));
  }
  if (root && !has_cap_sys_admin()) {
    causes.push_back(
        "running as root without CAP_SYS_ADMIN, as in a container's default capability set. Fix: "
        "run the container with --cap-add SYS_ADMIN --cap-add NET_ADMIN, or --privileged");
  }
  if (failure.error == EINVAL && failure.step.find("CLONE_NEWUSER") != std::string::npos) {
    causes.push_back("this process has " + status_field("Threads") +
                     " threads; enter_sandbox() must be the first call in main()");
  }

  std::string remedy;
  for (const std::string& cause : causes) remedy += "Likely cause: " + cause + ".\n";
  if (causes.empty()) {
    remedy +=
        "No known switch is off here; a chroot, a security module (SELinux, AppArmor) or the "
        "container runtime can refuse namespaces too.\n";
  }
  remedy += "Checked:";
  for (std::size_t i = 0; i < ruled_out.size(); ++i) {
    remedy += (i == 0 ? " " : "; ") + ruled_out[i];
  }
  remedy +=
      ".\nWithout namespaces, run with --no-netns (loopback-only mode): scenarios that need the "
      "topology are then reported as not gradable here.";
  return remedy;
}

}  // namespace socklab::harness
