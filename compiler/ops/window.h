#pragma once
// The window arithmetic shared by conv2d and the pools: PyTorch's output-size formula per spatial
// axis, ceil_mode's last-window rule, the worked formula for the summary, and the inexact-window
// warning with its suggested fixes; and the groups rule of both convolutions.
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "graph/infer_context.h"
#include "ir/ir.h"
#include "nnc/reference.h"

namespace nnc {

struct WindowAxis {
  int64_t input = 0;
  int64_t pad_lo = 0, pad_hi = 0;
  int64_t kernel = 1, stride = 1, dilation = 1;
  bool ceil_mode = false;
};

struct WindowResult {
  bool overflow = false;
  int64_t span = 0;    // input + pads - dilation*(kernel-1) - 1; negative when the kernel does not fit
  int64_t output = 0;  // may be < 1: the caller reports it
  int64_t unread = 0;  // trailing rows of the padded input no window reads (floor mode)
  bool last_window_dropped = false;  // ceil_mode: the extra window would start in the right padding
};

WindowResult window_output(const WindowAxis& axis);

// "(28 + 2*0 - 1*(5-1) - 1)/1 + 1 = 24", with ceil(...) under ceil_mode.
std::string window_formula(const WindowAxis& axis, const WindowResult& result);

// What a window op is, for the shared checks.
struct WindowOp {
  std::array<int64_t, 2> kernel{}, stride{}, dilation{1, 1};
  std::array<std::array<int64_t, 2>, 2> pads{};  // [axis][lo, hi]
  bool ceil_mode = false;
  bool is_pool = false;         // pools keep padding <= kernel/2
  bool symmetric_padding = true;  // false for `same` with an even dilated kernel
  SourceLoc kernel_loc;  // where kernel_size is written
  SourceLoc stride_loc;  // where stride is written; empty when it is a default
};

// Computes both spatial output sizes of a [N, C, H, W] input into out, records the worked
// formulas, reports a kernel larger than the padded input (error) and input rows or columns no
// window reads (warning with the nearest exact padding, stride or kernel size).
bool infer_window(InferContext& ctx, const WindowOp& op, int64_t in_h, int64_t in_w, std::array<int64_t, 2>& out);

// A grouped convolution's rule (conv2d, conv_transpose2d): `groups` divides both the input's
// `channels` and out_channels. Reports the first that it does not divide, with the nearest values
// that would.
bool check_groups(InferContext& ctx, int64_t channels, const Attr<int64_t>& out_channels, const Attr<int64_t>& groups);

// Sets ctx.macs to the product of `factors`; an error when it overflows.
bool count_macs(InferContext& ctx, std::initializer_list<int64_t> factors);

// Where position `i` of a padded axis (already shifted by the leading pad) reads in an axis of
// `size` under `mode` (conv2d's padding_mode, pad's mode); for zeros an in-bounds address that the
// caller masks.
ir::Expr padded_source(ref::PaddingMode mode, const ir::Expr& i, int64_t size);

}  // namespace nnc
