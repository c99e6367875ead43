// A gzip-compressed file seen as a stdio FILE*, which is what libpcap's pcap_fopen_offline and
// pcap_dump_fopen take: golden traces are stored compressed (Wireshark opens them as they are).
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>

namespace socklab::harness {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

// True when the file starts with the gzip magic bytes 1f 8b.
bool is_gzip_file(const std::filesystem::path& path);

// zlib underneath; closing the FILE* closes the gzip stream. Throw std::runtime_error with
// the path and the reason when the file cannot be opened.
FilePtr open_gzip_for_reading(const std::filesystem::path& path);
// Written with zlib's defaults: no name and no time in the gzip header, so the same packets
// always give the same bytes and git sees no change.
FilePtr open_gzip_for_writing(const std::filesystem::path& path);

}  // namespace socklab::harness
