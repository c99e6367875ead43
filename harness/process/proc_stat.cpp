#include "harness/process/proc_stat.hpp"

#include <charconv>
#include <string>
#include <vector>

#include "harness/process/bounded_read.hpp"

namespace socklab::harness::detail {
namespace {

template <typename Number>
bool parse_number(std::string_view text, Number& value) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  // "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so the fields start
  // after the *last* ')'.
  std::size_t open = text.find(" (");
  std::size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return std::nullopt;
  }
  std::vector<std::string_view> fields;  // fields[0] is field 3 of proc(5), the state
  for (std::size_t at = close + 1; at < text.size();) {
    std::size_t start = text.find_first_not_of(" \n", at);
    if (start == std::string_view::npos) break;
    std::size_t end = text.find_first_of(" \n", start);
    if (end == std::string_view::npos) end = text.size();
    fields.push_back(text.substr(start, end - start));
    at = end;
  }
  ProcStat stat;
  if (fields.size() < 20 || fields[0].size() != 1) return std::nullopt;
  stat.state = fields[0][0];
  bool parsed = parse_number(text.substr(0, open), stat.pid) &&
                parse_number(fields[1], stat.ppid) && parse_number(fields[2], stat.pgid) &&
                parse_number(fields[3], stat.sid) && parse_number(fields[11], stat.user_ticks) &&
                parse_number(fields[12], stat.system_ticks) &&
                parse_number(fields[17], stat.threads) && parse_number(fields[19], stat.start_time);
  if (!parsed) return std::nullopt;
  return stat;
}

std::optional<ProcStat> read_proc_stat(pid_t pid) {
  auto text = read_head("/proc/" + std::to_string(pid) + "/stat", 4096);
  if (!text) return std::nullopt;
  return parse_proc_stat(*text);
}

}  // namespace socklab::harness::detail
