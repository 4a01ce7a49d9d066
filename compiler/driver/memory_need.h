#pragma once
// Refusing a model too large for this machine before anything is allocated for it: a command lists every copy of
// the model's tensors it will hold at once, and their total is compared with the memory nnc may use.
#include <optional>
#include <string>
#include <vector>

namespace nnc {

class MemoryNeed {
 public:
  void add(std::string what, double bytes);
  void add_floats(std::string what, double count) { add(std::move(what), count * sizeof(float)); }
  double total() const;

  // When the total is more than available_memory(): an error on stderr saying how much `doing` (e.g. "running
  // this model") needs, part by part, and how much there is; the exit status then.
  std::optional<int> refuse_if_too_large(const std::string& doing) const;

 private:
  struct Part {
    std::string what;
    double bytes;
  };
  std::vector<Part> parts_;
};

// The limit: the machine's physical memory, or the process's address-space limit (`ulimit -v`) when lower.
double available_memory();

}  // namespace nnc
