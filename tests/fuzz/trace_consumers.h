#pragma once
// What the trace fuzz targets do with a trace file: everything a tool does
// with a stranger's trace short of replaying it — `amdrr info`, one pass
// decoding every Kmd call and reading back every blob a record names, and a
// seek back to the middle.

#include <string>

namespace amdrr::fuzz {

/// Reads the trace at `path` every way a tool would. Never fails: a damaged
/// trace is an error message, which is what the fuzzer wants to see.
void consume_trace(const std::string& path);

/// A file descriptor-backed temporary file holding `size` bytes at `data`;
/// its path ("/proc/self/fd/N") opens like any file.
class MemFile {
 public:
  MemFile();
  ~MemFile();
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  /// Replaces the content with `size` bytes at `data`.
  void assign(const void* data, size_t size);
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace amdrr::fuzz
