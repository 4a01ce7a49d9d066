#pragma once
// parallel_for over a pool of worker threads that sleep between calls (after a few microseconds of spinning).
#include <cstdint>
#include <functional>

namespace nnc {

// The number of threads parallel_for uses, the caller's included; n <= 0 restores the default (one per core).
void set_num_threads(int n);
int num_threads();

// Calls body(lo, hi) on disjoint subranges that together cover [begin, end), each at least `grain` long (but one
// shorter range when the whole is shorter), at most num_threads() of them at once. There are up to four subranges
// per thread, taken in turn by whichever thread is free, so a thread whose core is busy with another process
// delays the call by one subrange at most. Runs serially when there is only one subrange, when called from inside
// another parallel_for, or while another thread's parallel_for has the pool. An exception thrown by a body is
// rethrown here after all subranges have finished.
void parallel_for(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& body);

}  // namespace nnc
