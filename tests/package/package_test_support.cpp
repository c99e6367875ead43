#include "tests/package/package_test_support.hpp"

#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace socklab::package_tests {

std::string bin(const std::string& program) { return std::string(SOCKLAB_BIN_DIR) + "/" + program; }

std::string shell_quoted(const fs::path& path) {
  std::string text = "'";
  for (char c : path.string()) text += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return text + "'";
}

fs::path fresh_folder(const std::string& tag) {
  fs::path folder =
      fs::temp_directory_path() / ("socklab-package-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder);
  fs::permissions(folder, fs::perms(0755));
  return folder;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json read_json(const fs::path& file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
}

void write_text(const fs::path& file, const std::string& text, fs::perms perms) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
  fs::permissions(file, perms);
}

CommandRun package_lab(const std::string& platform, const std::string& lab,
                       const fs::path& output) {
  return run_command(bin("socklab") + " package " + platform + " " + lab + " -o " +
                     shell_quoted(output));
}

std::map<std::string, ZipEntry> read_zip(const fs::path& zip_file) {
  std::map<std::string, ZipEntry> entries;
  int error = 0;
  zip_t* archive = ::zip_open(zip_file.c_str(), ZIP_RDONLY, &error);
  if (!archive) return entries;
  zip_int64_t count = ::zip_get_num_entries(archive, 0);
  for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(count); ++i) {
    const char* name = ::zip_get_name(archive, i, 0);
    zip_uint8_t system = 0;
    zip_uint32_t attributes = 0;
    ::zip_file_get_external_attributes(archive, i, 0, &system, &attributes);
    ZipEntry entry;
    entry.mode = system == ZIP_OPSYS_UNIX ? (attributes >> 16) & 07777 : 0;
    if (zip_file_t* file = ::zip_fopen_index(archive, i, 0)) {
      char buffer[16384];
      zip_int64_t n = 0;
      while ((n = ::zip_fread(file, buffer, sizeof buffer)) > 0) {
        entry.text.append(buffer, static_cast<std::size_t>(n));
      }
      ::zip_fclose(file);
    }
    entries[name] = std::move(entry);
  }
  ::zip_discard(archive);
  return entries;
}

void unpack(const std::map<std::string, ZipEntry>& entries, const fs::path& folder) {
  for (const auto& [name, entry] : entries) {
    write_text(folder / name, entry.text, fs::perms(entry.mode ? entry.mode : 0644));
  }
}

std::string reference_close_server() {
  return read_text(fs::path(SOCKLAB_SOURCE_DIR) / "reference" / "close.cpp");
}

std::string broken_server() {
  return "// A student's server.cpp that does not compile.\n"
         "int main() {\n  return 0  // the semicolon is missing\n}\n";
}

}  // namespace socklab::package_tests
