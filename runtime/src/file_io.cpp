#include "nnc/file_io.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace nnc {
namespace {

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
  std::filesystem::path p(path);
  std::string file = "." + p.filename().string() + fmt::format(".tmp-{}-{}-{}", ::getpid(), counter++, attempt);
  return (p.parent_path() / file).string();
}

}  // namespace

Result<std::string> read_file(const std::string& path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return system_error("open", path);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return system_error("read", path);
  if (S_ISDIR(st.st_mode)) return Error{fmt::format("cannot read '{}': it is a directory", path)};
  std::string bytes;
  if (S_ISREG(st.st_mode)) bytes.reserve(static_cast<std::size_t>(st.st_size));
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(f.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return system_error("read", path);
    if (n == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  return bytes;
}

Status write_file_atomically(const std::string& path, const std::vector<std::string_view>& pieces) {
  std::string temp;
  Fd f;
  for (int attempt = 0; f.fd < 0; ++attempt) {
    temp = temporary_name(path, attempt);
    // 0666 so the umask decides the permissions, as for any new file.
    f.fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (f.fd < 0 && (errno != EEXIST || attempt == 100)) return system_error("write", path);
  }
  auto fail = [&](std::string_view what) {
    Error e = system_error(what, path);
    ::close(f.fd);
    f.fd = -1;
    ::unlink(temp.c_str());
    return e;
  };
  for (std::string_view piece : pieces)
    if (!write_all(f.fd, piece)) return fail("write");
  if (::fsync(f.fd) != 0) return fail("write");
  if (::close(std::exchange(f.fd, -1)) != 0) {
    Error e = system_error("write", path);
    ::unlink(temp.c_str());
    return e;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    Error e = system_error("replace", path);
    ::unlink(temp.c_str());
    return e;
  }
  return {};
}

}  // namespace nnc
