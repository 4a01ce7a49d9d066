#pragma once
// The runtime functions generated code may call: C linkage, plain types, no exceptions across the boundary.
// NNC_RUNTIME_ABI is the one list of them; expand it with X(name, return type, parameter list) to declare them, to
// register their addresses with the JIT, or to print their declarations into emitted C++.
#include <stdint.h>

extern "C" {

// One piece of a parallel loop: the iterations [begin, end) with the caller's context.
typedef void (*nnc_task_fn)(void* context, int64_t begin, int64_t end);

}

#define NNC_RUNTIME_ABI(X) \
  X(nnc_parallel_for, void, (int64_t begin, int64_t end, int64_t grain, nnc_task_fn task, void* context))

#define NNC_DECLARE_RUNTIME_FUNCTION(name, ret, params) ret name params;
extern "C" {
// nnc_parallel_for: nnc::parallel_for over [begin, end) calling task(context, lo, hi) on each subrange.
NNC_RUNTIME_ABI(NNC_DECLARE_RUNTIME_FUNCTION)
}
#undef NNC_DECLARE_RUNTIME_FUNCTION
