#pragma once
// An on-disk cache of the JIT's machine code, so that a model compiled once loads in milliseconds the next time.
// An entry is keyed by the LLVM module before optimisation, the CPU (name and features), LLVM's version and this
// plugin's build, and holds a checksum of its object: a damaged entry is compiled again and replaced. The
// directory is NNC_CACHE_DIR when set (empty: no cache), else $XDG_CACHE_HOME/nnc, else $HOME/.cache/nnc; its
// entries are kept under NNC_CACHE_SIZE_MB (default 256), the least recently used removed first.
#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

#include <optional>
#include <string>

namespace nnc::codegen {

class ObjectCache {
 public:
  static ObjectCache from_environment();

  bool enabled() const { return !dir_.empty(); }
  // The key of `module` compiled for `target`: hex SHA-256.
  std::string key(const llvm::Module& module, const llvm::TargetMachine& target) const;
  // The object stored under `key`, if there is one and its checksum holds.
  std::optional<std::string> load(const std::string& key) const;
  // Stores `object` under `key` whole or not at all, then trims the cache to its size; a failure (a read-only
  // directory, a full disk) only means that the next run compiles again.
  void store(const std::string& key, const std::string& object) const;

 private:
  explicit ObjectCache(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

}  // namespace nnc::codegen
