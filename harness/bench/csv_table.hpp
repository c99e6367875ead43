// CsvTable: the bench results files (bench/results/*.csv), one header row of column names and
// one row per measurement. Fields never hold commas or quotes of their own except notes, which
// are quoted as RFC 4180 says, so that a spreadsheet and gnuplot read them alike.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace socklab::bench {

struct CsvTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // each as long as `columns`

  // The field of `row` under `column`; "" when there is no such column.
  const std::string& field(std::size_t row, const std::string& column) const;
  // Rows as column -> value maps, for readers that look fields up by name.
  std::vector<std::map<std::string, std::string>> records() const;
};

// Quotes a field when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& value);
std::string csv_text(const CsvTable& table);
// Throws BenchError naming the line when a row's field count differs from the header's.
CsvTable parse_csv(const std::string& text);

void write_csv(const std::filesystem::path& path, const CsvTable& table);
CsvTable read_csv(const std::filesystem::path& path);

}  // namespace socklab::bench
