#include "nnc/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace nnc {
namespace {
std::atomic<int> requested_threads{0};
}

void set_num_threads(int n) { requested_threads = std::max(n, 0); }

int num_threads() {
#ifdef _OPENMP
  const int n = requested_threads;
  return n > 0 ? n : omp_get_max_threads();
#else
  return 1;
#endif
}

void parallel_for(int64_t begin, int64_t end, [[maybe_unused]] int64_t grain,
                  const std::function<void(int64_t, int64_t)>& body) {
  if (end <= begin) return;
#ifdef _OPENMP
  const int64_t n = end - begin;
  const int64_t chunks = std::clamp<int64_t>(n / std::max<int64_t>(grain, 1), 1, num_threads());
  if (chunks > 1 && !omp_in_parallel()) {
    // Chunk i is [begin + i*q + min(i, r), ...): sizes differ by at most one, and nothing overflows.
    const int64_t q = n / chunks, r = n % chunks;
    std::exception_ptr error;
#pragma omp parallel for num_threads(static_cast<int>(chunks)) schedule(static, 1)
    for (int64_t i = 0; i < chunks; ++i) {
      const int64_t lo = begin + i * q + std::min(i, r);
      const int64_t hi = lo + q + (i < r ? 1 : 0);
      try {
        body(lo, hi);
      } catch (...) {
#pragma omp critical(nnc_parallel_for_error)
        if (!error) error = std::current_exception();
      }
    }
    if (error) std::rethrow_exception(error);
    return;
  }
#endif
  body(begin, end);
}

}  // namespace nnc
