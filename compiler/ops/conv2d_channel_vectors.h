#pragma once
// The lowering of a conv2d whose register tile holds vectors of 16 output channels by a few output pixels:
// each step of the reduction loads one packed weight vector per channel block and broadcasts one input value
// per pixel. No lane is wasted on narrow outputs (7x7, 14x14) and a stride costs nothing, since inputs are
// read one at a time; the price is that each result vector is stored to 16 channel planes, which a long
// enough reduction pays for.
#include <cstdint>

#include "lower/lower_context.h"
#include "ops/typed_attrs.h"

namespace nnc {

// What the choice of kernel depends on: one group, padding already applied to `src`.
struct ChannelVectorConv {
  Pair kernel, stride, dilation;
  bool bias = true;
};

// The output channels of one weight vector: the weight is packed with this row block.
constexpr int64_t kChannelVectorLanes = 16;

// Whether a convolution with groups = 1 reading `in_channels` x kernel values per output, into
// `out_channels` planes, runs faster on channel vectors than on the pixel rows of lower_conv2d.
bool prefers_channel_vectors(int64_t in_channels, const Pair& kernel, int64_t out_channels);

// The convolution of `src` (padded already) into the layer's output, its weight packed by
// kChannelVectorLanes rows.
ir::Stmt lower_conv2d_channel_vectors(LowerContext& ctx, const TensorRef& src, const ChannelVectorConv& conv);

}  // namespace nnc
