#include "driver/memory_need.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "driver/commands.h"
#include "graph/summary.h"

namespace nnc {

void MemoryNeed::add(std::string what, double bytes) {
  if (bytes > 0) parts_.push_back({std::move(what), bytes});
}

double MemoryNeed::total() const {
  double sum = 0;
  for (const Part& p : parts_) sum += p.bytes;
  return sum;
}

std::optional<int> MemoryNeed::refuse_if_too_large(const std::string& doing) const {
  const double needed = total(), available = available_memory();
  if (needed <= available) return std::nullopt;
  std::string message = fmt::format("nnc: error: {} needs {} of memory, more than the {} this machine has for nnc:\n", doing,
                                    format_bytes(needed), format_bytes(available));
  for (const Part& p : parts_) message += fmt::format("  {:<48} {:>12}\n", p.what, format_bytes(p.bytes));
  std::cerr << message;
  return kExitModelError;
}

double available_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
  double memory = pages > 0 && page_size > 0 ? static_cast<double>(pages) * static_cast<double>(page_size) : HUGE_VAL;
  rlimit limit{};
  if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) memory = std::min(memory, static_cast<double>(limit.rlim_cur));
  return memory;
}

}  // namespace nnc
