#include "harness/bench/csv_table.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "harness/bench/bench_error.hpp"

namespace socklab::bench {
namespace {

// One line of fields; a quoted field may hold commas and doubled quotes (no line breaks:
// socklab never writes them, and a reader of one line at a time stays simple).
std::vector<std::string> split_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

}  // namespace

const std::string& CsvTable::field(std::size_t row, const std::string& column) const {
  static const std::string none;
  auto found = std::find(columns.begin(), columns.end(), column);
  if (found == columns.end() || row >= rows.size()) return none;
  return rows[row][static_cast<std::size_t>(found - columns.begin())];
}

std::vector<std::map<std::string, std::string>> CsvTable::records() const {
  std::vector<std::map<std::string, std::string>> all;
  for (const auto& row : rows) {
    std::map<std::string, std::string> record;
    for (std::size_t i = 0; i < columns.size() && i < row.size(); ++i) record[columns[i]] = row[i];
    all.push_back(std::move(record));
  }
  return all;
}

std::string csv_field(const std::string& value) {
  if (value.find_first_of(",\"\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c == '\n' ? ' ' : c;
  }
  return quoted + "\"";
}

std::string csv_text(const CsvTable& table) {
  auto line = [](const std::vector<std::string>& fields) {
    std::string text;
    for (std::size_t i = 0; i < fields.size(); ++i) text += (i ? "," : "") + csv_field(fields[i]);
    return text + "\n";
  };
  std::string text = line(table.columns);
  for (const auto& row : table.rows) text += line(row);
  return text;
}

CsvTable parse_csv(const std::string& text) {
  CsvTable table;
  std::stringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (line.empty() || line == "\r") continue;
    std::vector<std::string> fields = split_line(line);
    if (table.columns.empty()) {
      table.columns = std::move(fields);
      continue;
    }
    if (fields.size() != table.columns.size())
      throw BenchError("CSV line " + std::to_string(number) + " has " +
                       std::to_string(fields.size()) + " fields; the header names " +
                       std::to_string(table.columns.size()) + " columns");
    table.rows.push_back(std::move(fields));
  }
  return table;
}

void write_csv(const std::filesystem::path& path, const CsvTable& table) {
  std::ofstream out(path, std::ios::trunc);
  out << csv_text(table);
  if (!out) throw BenchError("cannot write " + path.string());
}

CsvTable read_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw BenchError("cannot read " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  return parse_csv(text.str());
}

}  // namespace socklab::bench
