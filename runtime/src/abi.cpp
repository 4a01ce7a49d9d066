#include "nnc/abi.h"

#include "nnc/parallel.h"

extern "C" void nnc_parallel_for(int64_t begin, int64_t end, int64_t grain, nnc_task_fn task, void* context) {
  nnc::parallel_for(begin, end, grain, [&](int64_t lo, int64_t hi) { task(context, lo, hi); });
}
