#include "codegen/llvm/object_cache.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Bitcode/BitcodeWriter.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/Support/SHA256.h>
#include <llvm/Support/raw_ostream.h>

#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>
#include <string_view>
#include <system_error>

#include "nnc/file_io.h"

namespace nnc::codegen {

namespace {

constexpr std::string_view kMagic = "nnc object cache 1\n";
constexpr size_t kChecksumBytes = 32;
constexpr uintmax_t kDefaultLimitMiB = 256;

std::string sha256(std::string_view bytes) {
  llvm::SHA256 hash;
  hash.update(llvm::StringRef(bytes.data(), bytes.size()));
  auto digest = hash.final();
  return std::string(digest.begin(), digest.end());
}

std::string cache_directory() {
  if (const char* dir = std::getenv("NNC_CACHE_DIR")) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::string(xdg) + "/nnc";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.cache/nnc";
  return "";
}

// This plugin's file, by size and modification time: a rebuilt nnc may optimise the same module differently.
const std::string& plugin_build() {
  static const std::string build = [] {
    Dl_info info{};
    struct stat file {};
    if (!dladdr(reinterpret_cast<void*>(&cache_directory), &info) || !info.dli_fname || stat(info.dli_fname, &file) != 0) return std::string();
    return std::to_string(file.st_size) + ":" + std::to_string(file.st_mtim.tv_sec) + "." + std::to_string(file.st_mtim.tv_nsec);
  }();
  return build;
}

// NNC_CACHE_SIZE_MB, else 256 MiB: entries from older builds of nnc are never read again, so the cache is trimmed.
uintmax_t size_limit() {
  const char* text = std::getenv("NNC_CACHE_SIZE_MB");
  uintmax_t mib = kDefaultLimitMiB;
  if (text && *text) {
    auto [end, ec] = std::from_chars(text, text + std::strlen(text), mib);
    if (ec != std::errc() || *end) mib = kDefaultLimitMiB;
  }
  return mib > (UINTMAX_MAX >> 20) ? UINTMAX_MAX : mib << 20;
}

bool is_entry(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  return name.size() == 66 && name.ends_with(".o") && std::all_of(name.begin(), name.end() - 2, llvm::isHexDigit);
}

// Removes the least recently used entries (a hit refreshes an entry's time) while the entries take more than
// the limit; files that are not entries are left alone.
void trim(const std::string& dir) {
  struct Entry {
    std::filesystem::file_time_type used;
    uintmax_t size;
    std::filesystem::path path;
  };
  std::vector<Entry> entries;
  uintmax_t total = 0;
  std::error_code error;
  for (const auto& file : std::filesystem::directory_iterator(dir, error)) {
    if (!is_entry(file.path()) || !file.is_regular_file(error)) continue;
    const uintmax_t size = file.file_size(error);
    if (error) continue;
    entries.push_back({file.last_write_time(error), size, file.path()});
    total += size;
  }
  const uintmax_t limit = size_limit();
  if (total <= limit) return;
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.used < b.used; });
  for (const Entry& entry : entries) {
    if (total <= limit) break;
    if (std::filesystem::remove(entry.path, error)) total -= entry.size;
  }
}

}  // namespace

ObjectCache ObjectCache::from_environment() {
  // Without a way to tell builds apart, an entry could outlive the code that wrote it.
  return ObjectCache(plugin_build().empty() ? "" : cache_directory());
}

std::string ObjectCache::key(const llvm::Module& module, const llvm::TargetMachine& target) const {
  std::string described;
  llvm::raw_string_ostream stream(described);
  stream << kMagic << LLVM_VERSION_STRING << '\n' << plugin_build() << '\n' << target.getTargetTriple().str() << '\n'
         << target.getTargetCPU() << '\n' << target.getTargetFeatureString() << '\n';
  llvm::WriteBitcodeToFile(module, stream);  // a fifth of the time printing it as text takes
  return llvm::toHex(sha256(described), /*LowerCase=*/true);
}

std::optional<std::string> ObjectCache::load(const std::string& key) const {
  auto bytes = read_file(dir_ + "/" + key + ".o");
  if (!bytes) return std::nullopt;
  std::string_view entry = *bytes;
  if (!entry.starts_with(kMagic) || entry.size() < kMagic.size() + kChecksumBytes) return std::nullopt;
  std::string_view checksum = entry.substr(kMagic.size(), kChecksumBytes), object = entry.substr(kMagic.size() + kChecksumBytes);
  if (sha256(object) != checksum) return std::nullopt;
  std::error_code ignored;
  std::filesystem::last_write_time(dir_ + "/" + key + ".o", std::filesystem::file_time_type::clock::now(), ignored);
  return std::string(object);
}

void ObjectCache::store(const std::string& key, const std::string& object) const {
  std::error_code ignored;
  std::filesystem::create_directories(dir_, ignored);
  const std::string checksum = sha256(object);
  if (write_file_atomically(dir_ + "/" + key + ".o", {kMagic, checksum, object})) trim(dir_);
}

}  // namespace nnc::codegen
