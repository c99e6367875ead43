// What the package tests share: running socklab and the packages' scripts as a shell would,
// fresh folders, reading files back, and a zip read back with libzip, permission bits included.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/command_run.hpp"

namespace socklab::package_tests {

namespace fs = std::filesystem;

using socklab::testing::CommandRun;
using socklab::testing::run_command;

std::string bin(const std::string& program);     // build/bin/<program>
std::string shell_quoted(const fs::path& path);  // for a shell command line: '...'

// A new empty folder under the temporary folder, named after `tag` and this process; readable
// by everybody, as socklab (run as root) builds and runs students' programs as nobody.
fs::path fresh_folder(const std::string& tag);

std::string read_text(const fs::path& file);
nlohmann::json read_json(const fs::path& file);  // a discarded value when it does not parse
void write_text(const fs::path& file, const std::string& text, fs::perms perms = fs::perms(0644));

// `socklab package PLATFORM close -o OUTPUT`, which the tests expect to succeed.
CommandRun package_lab(const std::string& platform, const std::string& lab, const fs::path& output);

struct ZipEntry {
  unsigned mode = 0;  // the Unix permission bits in the entry's external attributes
  std::string text;
};

// Every entry of a zip, read with libzip; empty when it cannot be opened.
std::map<std::string, ZipEntry> read_zip(const fs::path& zip_file);

// Writes each entry below `folder` with its permission bits, as unzip would.
void unpack(const std::map<std::string, ZipEntry>& entries, const fs::path& folder);

// The student's file of the close lab: the reference, which passes every scenario.
std::string reference_close_server();
// A server.cpp the compiler rejects.
std::string broken_server();

}  // namespace socklab::package_tests
