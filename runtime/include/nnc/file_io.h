#pragma once
// Reading regular files only, in pieces whose claimed sizes are checked first, and writing that never leaves a
// half-written file behind.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nnc/result.h"

namespace nnc {

// A regular file open for reading from its start. Formats read their header first and check the sizes it claims
// against size() before reading (and allocating for) the rest.
class InputFile {
 public:
  // Refuses anything but a regular file (a FIFO, a device, a directory, a socket), without blocking on it.
  static Result<InputFile> open(const std::string& path);

  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&&) = delete;
  ~InputFile();

  const std::string& path() const { return path_; }
  // The size when the file was opened; nothing past it is ever read.
  uint64_t size() const { return size_; }
  uint64_t position() const { return position_; }

  // The next `count` bytes; an error when that goes past size() or the file ends before.
  Result<std::string> read(uint64_t count);

 private:
  InputFile(std::string path, int fd, uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}

  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  uint64_t position_ = 0;
};

// The bytes of a regular file, as InputFile reads them; errors name the file and the system's reason.
Result<std::string> read_file(const std::string& path);

// One file to write: its path and its bytes, in pieces.
struct OutputFile {
  std::string path;
  std::vector<std::string_view> pieces;
};

// Writes every file, or changes none of them. A regular file (also one reached through symlinks, which stay as
// they are) is replaced by renaming a complete new file over it, which keeps the old one's mode and, where
// allowed, its owner; all the new files are written before the first rename, and on any failure every temporary
// file is removed. A character device or a FIFO is written to, never replaced: after the regular files are
// written, before they are renamed. Anything else (a directory, a block device, a socket) is refused.
Status write_files_atomically(const std::vector<OutputFile>& files);

// The same for one file.
Status write_file_atomically(const std::string& path, const std::vector<std::string_view>& pieces);

}  // namespace nnc
