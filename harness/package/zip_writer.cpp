#include "harness/package/zip_writer.hpp"

#include <sys/stat.h>
#include <zip.h>

#include "harness/package/package.hpp"

namespace socklab::harness {

ZipWriter::ZipWriter(const std::filesystem::path& file) : file_(file) {
  int error_code = 0;
  archive_ = ::zip_open(file.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error_code);
  if (!archive_) {
    zip_error_t error;
    ::zip_error_init_with_code(&error, error_code);
    std::string why = ::zip_error_strerror(&error);
    ::zip_error_fini(&error);
    throw PackageError("cannot create " + file.string() + ": " + why);
  }
}

ZipWriter::~ZipWriter() {
  if (archive_) ::zip_discard(archive_);
}

void ZipWriter::fail(const std::string& attempt) {
  throw PackageError(attempt + ": " + ::zip_strerror(archive_));
}

// The high 16 bits of an entry's external attributes hold its st_mode when the "made by" system
// is Unix; S_IFREG says it is a plain file, the low bits who may read, write and run it.
void ZipWriter::set_mode(long long index, const std::string& name, unsigned mode) {
  zip_uint32_t attributes = static_cast<zip_uint32_t>(S_IFREG | mode) << 16;
  if (::zip_file_set_external_attributes(archive_, static_cast<zip_uint64_t>(index), 0,
                                         ZIP_OPSYS_UNIX, attributes) != 0) {
    fail("cannot set the permissions of " + name + " in " + file_.string());
  }
}

void ZipWriter::add_text(const std::string& name, const std::string& text, unsigned mode) {
  const std::string& kept = texts_.emplace_back(text);
  zip_source_t* source = ::zip_source_buffer(archive_, kept.data(), kept.size(), 0);
  if (!source) fail("cannot add " + name + " to " + file_.string());
  zip_int64_t index = ::zip_file_add(archive_, name.c_str(), source, ZIP_FL_OVERWRITE);
  if (index < 0) {
    ::zip_source_free(source);  // zip_file_add takes the source only when it succeeds
    fail("cannot add " + name + " to " + file_.string());
  }
  set_mode(index, name, mode);
}

void ZipWriter::add_copy(const std::string& name, const std::filesystem::path& source_file,
                         unsigned mode) {
  zip_source_t* source = ::zip_source_file(archive_, source_file.c_str(), 0, 0);
  if (!source) fail("cannot read " + source_file.string());
  zip_int64_t index = ::zip_file_add(archive_, name.c_str(), source, ZIP_FL_OVERWRITE);
  if (index < 0) {
    ::zip_source_free(source);
    fail("cannot add " + name + " to " + file_.string());
  }
  set_mode(index, name, mode);
}

void ZipWriter::finish() {
  if (::zip_close(archive_) != 0) {
    std::string why = ::zip_strerror(archive_);
    ::zip_discard(archive_);  // zip_close leaves the archive open when it fails
    archive_ = nullptr;
    throw PackageError("cannot write " + file_.string() + ": " + why);
  }
  archive_ = nullptr;
}

}  // namespace socklab::harness
