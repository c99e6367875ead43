// socklab-locked-down: runs a program as a locked-down grading container would, so that tests
// can show what socklab does there. Gradescope's containers have no CAP_NET_ADMIN, and Docker's
// default seccomp profile (moby profiles/seccomp/default.json) refuses unshare(), setns() and
// namespace-creating clone() to a container without CAP_SYS_ADMIN. This program takes both
// capabilities away, installs a filter that answers those calls as that profile does, and execs
// the program. Exit status: the program's own; 2 for bad usage; 125 when the lockdown could not
// be set up; 126 or 127 when the program could not be run (as env(1) does).
#include <cap-ng.h>
#include <linux/capability.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>

#include "net/errno_text.hpp"

namespace {

constexpr int kUsageError = 2;
constexpr int kLockdownFailed = 125;

const char kUsage[] =
    "usage: socklab-locked-down [--drop-net-raw] -- PROGRAM [ARGUMENTS...]\n"
    "Runs PROGRAM as in a locked-down grading container (Gradescope, Docker's defaults):\n"
    "  - CAP_NET_ADMIN and CAP_SYS_ADMIN dropped from every capability set and the bounding set;\n"
    "  - no_new_privs set, so no exec (setuid, file capabilities) can give them back;\n"
    "  - a seccomp filter as Docker's default profile: unshare() and setns() fail with EPERM,\n"
    "    clone() with any CLONE_NEW* flag fails with EPERM, clone3() fails with ENOSYS.\n"
    "  --drop-net-raw  also drop CAP_NET_RAW, as docker run --cap-drop NET_RAW and Kubernetes'\n"
    "                  restricted pods do; Docker itself keeps it by default.\n"
    "Exit status: PROGRAM's; 2 bad usage; 125 lockdown failed; 126/127 PROGRAM not runnable.\n";

int lockdown_failed(const std::string& attempt, int error_number) {
  std::fprintf(stderr, "socklab-locked-down: %s: %s\n", attempt.c_str(),
               socklab::errno_text(error_number).c_str());
  return kLockdownFailed;
}

// The call behind each of capng_apply()'s failure codes (see capng_apply(3)).
const char* capng_apply_step(int result) {
  switch (result) {
    case -2:
      return "capng_apply: prctl(PR_CAPBSET_DROP)";
    case -3:
      return "capng_apply: re-reading the bounding set";
    case -5:
      return "capng_apply: capset";
    case -6:
    case -7:
    case -8:
      return "capng_apply: prctl(PR_CAP_AMBIENT)";
    default:
      return "capng_apply";
  }
}

// Docker starts a container without CAP_SYS_ADMIN and CAP_NET_ADMIN: not effective, permitted,
// inheritable or ambient, and not in the bounding set, which caps what any later exec may gain
// (for root, exec grants the whole bounding set). Returns 0, or the exit status after reporting.
int drop_capabilities(bool drop_net_raw) {
  if (capng_get_caps_process() != 0) return lockdown_failed("capng_get_caps_process", errno);
  auto every_set = static_cast<capng_type_t>(CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE |
                                             CAPNG_AMBIENT | CAPNG_BOUNDING_SET);
  // The list ends at the first -1, so CAP_NET_RAW is named only when asked for. This fails only
  // for a capability number libcap-ng does not know: no system call is made yet.
  if (capng_updatev(CAPNG_DROP, every_set, CAP_NET_ADMIN, CAP_SYS_ADMIN,
                    drop_net_raw ? CAP_NET_RAW : -1, -1) != 0) {
    return lockdown_failed("capng_updatev(CAPNG_DROP)", EINVAL);
  }
  // Shrinking the bounding set takes CAP_SETPCAP, which an ordinary user lacks. Its bounding set
  // then keeps both capabilities, harmlessly: no_new_privs stops every exec from using it.
  bool can_shrink_bounds = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
  auto applied = static_cast<capng_select_t>(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT |
                                             (can_shrink_bounds ? CAPNG_SELECT_BOUNDS : 0));
  if (int result = capng_apply(applied); result != 0)
    return lockdown_failed(capng_apply_step(result), errno);
  return 0;
}

using SeccompFilter = std::unique_ptr<void, decltype(&seccomp_release)>;

// Docker's profile allows a list of calls and answers every other one with EPERM (its
// defaultErrnoRet is 1). This filter allows everything except the namespace calls, and answers
// those exactly as that profile answers a container without CAP_SYS_ADMIN. The capabilities alone
// are not enough: without CAP_SYS_ADMIN a process can still unshare(CLONE_NEWUSER) and hold every
// capability inside its new user namespace, which is how socklab runs rootless. libseccomp
// returns -errno on failure.
int install_namespace_filter() {
  SeccompFilter filter(seccomp_init(SCMP_ACT_ALLOW), &seccomp_release);
  if (!filter) return lockdown_failed("seccomp_init", ENOMEM);  // it fails only to allocate
  // unshare() and setns() are on the profile's list for CAP_SYS_ADMIN only.
  if (int result = seccomp_rule_add(filter.get(), SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 0);
      result < 0) {
    return lockdown_failed("seccomp_rule_add(unshare)", -result);
  }
  if (int result = seccomp_rule_add(filter.get(), SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setns), 0);
      result < 0) {
    return lockdown_failed("seccomp_rule_add(setns)", -result);
  }
  // clone() is allowed when (flags & 0x7E020000) == 0, a masked comparison with the CLONE_NEW*
  // flags below. A rule cannot say "masked value is not 0", so one rule per flag refuses the
  // clone() that sets it. s390 passes the flags second, which Docker's profile also handles.
#if defined(__s390__)
  constexpr unsigned flags_argument = 1;
#else
  constexpr unsigned flags_argument = 0;
#endif
  for (scmp_datum_t flag : {CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER,
                            CLONE_NEWPID, CLONE_NEWNET}) {
    // (flags & flag) == flag; libseccomp's SCMP_CMP() macro says the same as a C compound literal.
    scmp_arg_cmp flag_set{flags_argument, SCMP_CMP_MASKED_EQ, flag, flag};
    int result =
        seccomp_rule_add(filter.get(), SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1, flag_set);
    if (result < 0) return lockdown_failed("seccomp_rule_add(clone)", -result);
  }
  // clone3() takes its flags in a struct in memory, which seccomp cannot read. Docker answers
  // ENOSYS, "no such call", so that glibc falls back to clone(), whose flags it can check.
  if (int result = seccomp_rule_add(filter.get(), SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
      result < 0) {
    return lockdown_failed("seccomp_rule_add(clone3)", -result);
  }
  if (int result = seccomp_load(filter.get()); result < 0)
    return lockdown_failed("seccomp_load", -result);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool drop_net_raw = false;
  int program = 0;  // index of PROGRAM in argv
  for (int i = 1; i < argc && program == 0; ++i) {
    std::string argument = argv[i];
    if (argument == "--drop-net-raw") {
      drop_net_raw = true;
    } else if (argument == "--" && i + 1 < argc) {
      program = i + 1;
    } else if (argument == "-h" || argument == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      break;
    }
  }
  if (program == 0) {
    std::fputs(kUsage, stderr);
    return kUsageError;
  }
  if (int status = drop_capabilities(drop_net_raw)) return status;
  // Without CAP_SYS_ADMIN the kernel installs a seccomp filter only under no_new_privs: then no
  // setuid program can be made to run under a filter it did not expect.
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return lockdown_failed("prctl(PR_SET_NO_NEW_PRIVS)", errno);
  if (int status = install_namespace_filter()) return status;
  ::execvp(argv[program], argv + program);
  int error = errno;
  std::fprintf(stderr, "socklab-locked-down: cannot run %s: %s\n", argv[program],
               socklab::errno_text(error).c_str());
  return error == ENOENT ? 127 : 126;
}
