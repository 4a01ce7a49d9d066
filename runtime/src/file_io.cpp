#include "nnc/file_io.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace nnc {
namespace {

namespace fs = std::filesystem;

// Closes the descriptor when it goes out of scope.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Error system_error(std::string_view what, const std::string& path) {
  return Error{fmt::format("cannot {} '{}': {}", what, path, std::strerror(errno))};
}

// What a file that is not a regular file is, for messages.
std::string_view kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

Error not_regular(const std::string& path, mode_t mode) {
  return Error{fmt::format("cannot read '{}': it is {}, not a regular file", path, kind_of(mode))};
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// A name beside `path` that no other writer (thread or process) picks at the same time.
std::string temporary_name(const std::string& path, int attempt) {
  static std::atomic<unsigned> counter{0};
  fs::path p(path);
  std::string file = "." + p.filename().string() + fmt::format(".tmp-{}-{}-{}", ::getpid(), counter++, attempt);
  return (p.parent_path() / file).string();
}

// Where the bytes meant for a path go: a regular file to create or replace, or a device or FIFO to write to.
struct Destination {
  std::string path;                     // for a regular file, past every symlink
  std::optional<struct stat> existing;  // what is there now

  bool write_through() const { return existing && !S_ISREG(existing->st_mode); }
};

// A path that does not exist, or a dangling symlink: where a new file goes (the symlink's final target).
std::string new_file_path(std::string path) {
  for (int hop = 0; hop < 40; ++hop) {  // the kernel's own limit on symlinks in a path
    std::error_code error;
    fs::path target = fs::read_symlink(path, error);
    if (error) break;
    path = (fs::path(path).parent_path() / target).string();  // an absolute target replaces the whole path
  }
  return path;
}

Result<Destination> destination(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return system_error("write", path);
    return Destination{new_file_path(path), std::nullopt};
  }
  if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return Destination{path, st};
  if (!S_ISREG(st.st_mode))
    return Error{fmt::format("cannot write '{}': it is {}, not a regular file, a character device or a FIFO", path, kind_of(st.st_mode))};
  std::error_code error;
  fs::path real = fs::canonical(path, error);
  if (error) return Error{fmt::format("cannot write '{}': {}", path, error.message())};
  return Destination{real.string(), st};
}

// Writes to a character device or a FIFO as it is: no temporary file, no truncation, and no waiting for a reader
// to open a FIFO.
Status write_through(const std::string& path, const Destination& to, const std::vector<std::string_view>& pieces) {
  Fd f{::open(to.path.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)};
  if (f.fd < 0 && errno == ENXIO && S_ISFIFO(to.existing->st_mode))
    return Error{fmt::format("cannot write '{}': it is a FIFO that no process is reading", path)};
  if (f.fd < 0) return system_error("write", path);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return system_error("write", path);
  if (!S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode))
    return Error{fmt::format("cannot write '{}': it was replaced by {} while nnc wrote its output", path, kind_of(st.st_mode))};
  // Blocking again, so that a slow reader is waited for instead of taken for an error.
  if (::fcntl(f.fd, F_SETFL, ::fcntl(f.fd, F_GETFL) & ~O_NONBLOCK) != 0) return system_error("write", path);
  for (std::string_view piece : pieces)
    if (!write_all(f.fd, piece)) return system_error("write", path);
  if (::close(std::exchange(f.fd, -1)) != 0) return system_error("write", path);
  return {};
}

// New regular files written under temporary names beside their targets and renamed over them by commit();
// whatever is not committed is removed.
class Staging {
 public:
  Staging() = default;
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;
  ~Staging() {
    for (const Staged& s : staged_)
      if (!s.temp.empty()) ::unlink(s.temp.c_str());
  }

  // `path` is the name the user gave, for messages.
  Status add(const std::string& path, const Destination& to, const std::vector<std::string_view>& pieces) {
    Fd f;
    std::string temp;
    for (int attempt = 0; f.fd < 0; ++attempt) {
      temp = temporary_name(to.path, attempt);
      // 0666 so the umask decides the permissions, as for any new file.
      f.fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (f.fd < 0 && (errno != EEXIST || attempt == 100)) return system_error("write", path);
    }
    staged_.push_back({temp, to.path, path});
    if (to.existing) {
      // The replaced file's owner where allowed (only root may give a file away), then its mode, which chown may change.
      if (::fchown(f.fd, to.existing->st_uid, to.existing->st_gid) != 0 && errno != EPERM) return system_error("write", path);
      if (::fchmod(f.fd, to.existing->st_mode & 07777) != 0) return system_error("write", path);
    }
    for (std::string_view piece : pieces)
      if (!write_all(f.fd, piece)) return system_error("write", path);
    if (::fsync(f.fd) != 0) return system_error("write", path);
    if (::close(std::exchange(f.fd, -1)) != 0) return system_error("write", path);
    return {};
  }

  Status commit() {
    for (Staged& s : staged_) {
      if (::rename(s.temp.c_str(), s.target.c_str()) != 0) return system_error("replace", s.path);
      s.temp.clear();
    }
    return {};
  }

 private:
  struct Staged {
    std::string temp, target, path;
  };
  std::vector<Staged> staged_;
};

}  // namespace

Result<InputFile> InputFile::open(const std::string& path) {
  // stat before open: opening a FIFO waits for a writer, and opening a device can do things of its own.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return system_error("open", path);
  if (!S_ISREG(st.st_mode)) return not_regular(path, st.st_mode);
  // O_NONBLOCK in case the path has become a FIFO since.
  InputFile file(path, ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), 0);
  if (file.fd_ < 0) return system_error("open", path);
  if (::fstat(file.fd_, &st) != 0) return system_error("read", path);
  if (!S_ISREG(st.st_mode)) return not_regular(path, st.st_mode);
  file.size_ = static_cast<uint64_t>(st.st_size);
  return file;
}

InputFile::InputFile(InputFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)), size_(other.size_), position_(other.position_) {}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::string> InputFile::read(uint64_t count) {
  if (count > size_ - position_)
    return Error{fmt::format("cannot read '{}': {} bytes from byte {} go past its end at byte {}", path_, count, position_, size_)};
  std::string bytes(static_cast<std::size_t>(count), '\0');
  for (std::size_t done = 0; done < bytes.size();) {
    ssize_t n = ::read(fd_, bytes.data() + done, std::min<std::size_t>(bytes.size() - done, 1 << 30));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return system_error("read", path_);
    if (n == 0) return Error{fmt::format("cannot read '{}': it became shorter while nnc read it", path_)};
    done += static_cast<std::size_t>(n);
  }
  position_ += count;
  return bytes;
}

Result<std::string> read_file(const std::string& path) {
  auto file = InputFile::open(path);
  if (!file) return file.error();
  return file->read(file->size());
}

Status write_files_atomically(const std::vector<OutputFile>& files) {
  Staging staging;
  std::vector<std::pair<const OutputFile*, Destination>> devices;
  for (const OutputFile& file : files) {
    auto to = destination(file.path);
    if (!to) return to.error();
    if (to->write_through()) {
      devices.emplace_back(&file, std::move(*to));
    } else if (auto staged = staging.add(file.path, *to, file.pieces); !staged) {
      return staged;
    }
  }
  // A device cannot take back what it was given, so it gets its bytes only once every regular file is ready.
  for (const auto& [file, to] : devices)
    if (auto written = write_through(file->path, to, file->pieces); !written) return written;
  return staging.commit();
}

Status write_file_atomically(const std::string& path, const std::vector<std::string_view>& pieces) {
  return write_files_atomically({{path, pieces}});
}

}  // namespace nnc
