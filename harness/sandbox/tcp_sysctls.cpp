#include "harness/sandbox/tcp_sysctls.hpp"

#include <cerrno>
#include <sstream>

#include "harness/sandbox/proc_file.hpp"
#include "net/errno_text.hpp"

namespace socklab::harness {

namespace {

// Every key here exists in each network namespace of its own (checked on kernel 6.x): a key the
// kernel keeps global shows up only in the host's namespace and could not be pinned per scenario.
// The values are the kernel's defaults.
const std::map<std::string, std::string> kPinned = {
    // SYN retransmissions before connect() fails with ETIMEDOUT (about 127 s): nbconnect timeouts.
    {"net/ipv4/tcp_syn_retries", "6"},
    // SYN-ACK retransmissions for a half-open connection a client never completes.
    {"net/ipv4/tcp_synack_retries", "5"},
    // Data retransmissions before the kernel gives up on a silent peer (about 15 minutes).
    {"net/ipv4/tcp_retries2", "15"},
    // Retransmissions of a FIN on a socket the program has closed; 0 means the kernel's 8.
    {"net/ipv4/tcp_orphan_retries", "0"},
    // How long an orphaned FIN_WAIT_2 waits for the peer's FIN.
    {"net/ipv4/tcp_fin_timeout", "60"},
    // Keepalive defaults, in force unless a server sets TCP_KEEPIDLE/INTVL/CNT itself.
    {"net/ipv4/tcp_keepalive_time", "7200"},
    {"net/ipv4/tcp_keepalive_intvl", "75"},
    {"net/ipv4/tcp_keepalive_probes", "9"},
    // Options in the SYN change segment sizes, RTT samples and what a capture shows.
    {"net/ipv4/tcp_timestamps", "1"},
    {"net/ipv4/tcp_sack", "1"},
    {"net/ipv4/tcp_window_scaling", "1"},
    // 2: accept ECN when the peer asks, never ask: SYNs carry no ECE/CWR flags.
    {"net/ipv4/tcp_ecn", "2"},
    // A full SYN queue answers with cookies instead of dropping SYNs (backlog scenarios).
    {"net/ipv4/tcp_syncookies", "1"},
    // 0: a full accept queue drops the final ACK (client retries) instead of sending RST.
    {"net/ipv4/tcp_abort_on_overflow", "0"},
    {"net/ipv4/tcp_max_syn_backlog", "4096"},
    // listen(fd, n) is capped at somaxconn: the accept queue a server really gets.
    {"net/core/somaxconn", "4096"},
    // Socket buffer sizes (min, default, max) decide when a flooding peer meets a zero window.
    {"net/ipv4/tcp_rmem", "4096 131072 6291456"},
    {"net/ipv4/tcp_wmem", "4096 16384 4194304"},
    // A connection idle for one RTO restarts from the initial window: burst sizes after a pause.
    {"net/ipv4/tcp_slow_start_after_idle", "1"},
    // 1: no cached RTT or cwnd from an earlier connection to the same host leaks into the next.
    {"net/ipv4/tcp_no_metrics_save", "1"},
    {"net/ipv4/tcp_mtu_probing", "0"},
    // Small writes may be coalesced while a segment is queued: how many segments a capture shows.
    {"net/ipv4/tcp_autocorking", "1"},
    // 2: reuse TIME_WAIT ports for loopback connections only; clients here get fresh ports.
    {"net/ipv4/tcp_tw_reuse", "2"},
};

// The congestion control algorithm shapes bursts and recovery, so the kernel's default, cubic, is
// wanted. A namespace inherits the host's algorithm (bbr on some hosts), and the kernel lets a
// namespace other than the host's choose only among net.ipv4.tcp_allowed_congestion_control
// (EPERM otherwise): it is tried, and what is in force is reported by read_tcp_sysctls().
constexpr const char* kCongestionControlKey = "net/ipv4/tcp_congestion_control";
constexpr const char* kCongestionControl = "cubic";

std::string proc_path(const std::string& key) { return "/proc/sys/" + key; }

// Multi-value sysctls read back tab-separated ("4096\t131072\t6291456"); spaces compare equal.
std::string read_sysctl(const std::string& key) {
  std::string text;
  if (int error = read_proc_file(proc_path(key), text)) {
    throw_errno("read " + proc_path(key), error);
  }
  std::istringstream words(text);
  std::string word, normalized;
  while (words >> word) normalized += (normalized.empty() ? "" : " ") + word;
  return normalized;
}

}  // namespace

const std::map<std::string, std::string>& pinned_tcp_sysctls() { return kPinned; }

void pin_tcp_sysctls() {
  for (const auto& [key, value] : kPinned) {
    if (int error = write_proc_file(proc_path(key), value)) {
      throw_errno("write " + proc_path(key) + " = " + value, error);
    }
  }
  int error = write_proc_file(proc_path(kCongestionControlKey), kCongestionControl);
  // EPERM: cubic is not in the host's allowed list; ENOENT: this kernel lacks cubic. Either way
  // the inherited algorithm stays, and the report names it.
  if (error != 0 && error != EPERM && error != ENOENT) {
    throw_errno(
        std::string("write ") + proc_path(kCongestionControlKey) + " = " + kCongestionControl,
        error);
  }
}

std::map<std::string, std::string> read_tcp_sysctls() {
  std::map<std::string, std::string> in_force;
  for (const auto& entry : kPinned) in_force[entry.first] = read_sysctl(entry.first);
  in_force[kCongestionControlKey] = read_sysctl(kCongestionControlKey);
  return in_force;
}

}  // namespace socklab::harness
