#pragma once
// parallel_for over OpenMP threads; without OpenMP it runs the whole range on the calling thread.
#include <cstdint>
#include <functional>

namespace nnc {

// The number of threads parallel_for uses; n <= 0 restores the default (OpenMP's, usually one per core).
void set_num_threads(int n);
int num_threads();

// Calls body(lo, hi) on disjoint subranges that together cover [begin, end), each at least `grain` long (but one
// shorter range when the whole is shorter), at most num_threads() of them at once. Runs serially when there is
// only one subrange or when called from inside another parallel_for. An exception thrown by a body is rethrown
// here after all subranges have finished.
void parallel_for(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& body);

}  // namespace nnc
