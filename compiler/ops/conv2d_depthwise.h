#pragma once
// The lowering of a conv2d whose groups each read one input channel (depthwise, with any channel
// multiplier), where a register tile over output channels has nothing to share.
#include "lower/lower_context.h"
#include "ops/typed_attrs.h"
#include "ops/zero_pad.h"

namespace nnc {

struct DepthwiseConv {
  Pair kernel, stride, dilation;
  bool bias = true;
  PlanePadding pad;  // zeros added around each plane as it is read (none: `src` is padded already)
};

// The convolution of `src` into the layer's output.
ir::Stmt lower_depthwise_conv2d(LowerContext& ctx, const TensorRef& src, const DepthwiseConv& conv);

}  // namespace nnc
