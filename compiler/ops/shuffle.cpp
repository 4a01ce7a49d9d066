// Channel rearrangements: channel_shuffle (torch.nn.ChannelShuffle, ShuffleNet's mixing of the
// groups) and pixel_shuffle (torch.nn.PixelShuffle, sub-pixel upsampling). Both are gathers over a
// finer split of the output's dims.
#include <fmt/format.h>

#include "lower/strided_gather.h"
#include "nnc/checked.h"
#include "nnc/reference.h"
#include "ops/op.h"

namespace nnc {
namespace {

struct ChannelShuffleAttrs {
  Attr<int64_t> groups;
};

struct PixelShuffleAttrs {
  Attr<int64_t> upscale_factor;
};

// PyTorch takes any rank from 3 up; the channels are dim `channel_dim` of the input.
bool expect_channels(InferContext& ctx, const char* layout) {
  if (ctx.input().size() >= 3) return true;
  return ctx.error("rank-mismatch",
                   fmt::format("{} expects an input {} of 3 or more dims, but its input '{}' has shape {}", ctx.what(), layout,
                               ctx.input_name(), to_string(ctx.input())),
                   "give it an image [N, C, H, W] (or [C, H, W])", ctx.layer().inputs[0].loc);
}

bool channels_not_divisible(InferContext& ctx, int64_t channels, int64_t divisor, const std::string& by, const Attr<int64_t>& attr) {
  return ctx.error("shuffle-channels-mismatch",
                   fmt::format("{}: {} does not divide the {} channels of its input '{}' {}", ctx.what(), by, channels,
                               ctx.input_name(), to_string(ctx.input())),
                   fmt::format("the channels must be a multiple of {}: change {}, or the channels of the layer before", divisor, attr.name),
                   attr.loc);
}

bool infer_channel_shuffle(InferContext& ctx) {
  if (!expect_channels(ctx, "[N, C, *]")) return false;
  const Attr<int64_t>& groups = ctx.attrs<ChannelShuffleAttrs>().groups;
  const int64_t channels = ctx.input()[1];
  if (channels % groups.value != 0)
    return channels_not_divisible(ctx, channels, groups.value, fmt::format("groups {}", groups.value), groups);
  ctx.output = ctx.input();
  return true;
}

bool infer_pixel_shuffle(InferContext& ctx) {
  if (!expect_channels(ctx, "[*, C*r*r, H, W]")) return false;
  const Attr<int64_t>& r = ctx.attrs<PixelShuffleAttrs>().upscale_factor;
  const Shape& in = ctx.input();
  const size_t c = in.size() - 3;
  const std::optional<int64_t> square = checked::mul(r.value, r.value);
  if (!square || in[c] % *square != 0)
    return channels_not_divisible(ctx, in[c], square.value_or(INT64_MAX),
                                  fmt::format("upscale_factor {} squared ({})", r.value, square ? fmt::to_string(*square) : "too large"), r);
  ctx.output = in;  // as many elements as the input: the sizes fit
  ctx.output[c] /= *square;
  ctx.output[c + 1] *= r.value;
  ctx.output[c + 2] *= r.value;
  return true;
}

int64_t product(const Shape& s, size_t from, size_t to) {
  int64_t n = 1;
  for (size_t d = from; d < to; ++d) n *= s[d];
  return n;
}

// Output channel i * groups + g is channel g * (C / groups) + i: the input read as [N, groups,
// C / groups, S] and written as [N, C / groups, groups, S].
ir::Stmt lower_channel_shuffle(LowerContext& ctx) {
  const Shape& in = ctx.input().shape;
  const int64_t groups = ctx.attrs<ChannelShuffleAttrs>().groups.value;
  const int64_t per_group = in[1] / groups, spatial = product(in, 2, in.size());
  return lower_gather(ctx, {.shape = {in[0], per_group, groups, spatial}, .strides = {in[1] * spatial, spatial, per_group * spatial, 1}});
}

// Output [B, C, H r, W r] read as [B, C, H, r(i), W, r(j)] from input [B, C r r, H, W] at channel
// c r r + i r + j, pixel (h, w).
ir::Stmt lower_pixel_shuffle(LowerContext& ctx) {
  const Shape& in = ctx.input().shape;
  const int64_t r = ctx.attrs<PixelShuffleAttrs>().upscale_factor.value;
  const size_t c = in.size() - 3;
  const int64_t h = in[c + 1], w = in[c + 2], channels = in[c] / (r * r);
  return lower_gather(ctx, {.shape = {product(in, 0, c), channels, h, r, w, r},
                            .strides = {in[c] * h * w, r * r * h * w, w, r * h * w, 1, h * w}});
}

Tensor reference_channel_shuffle(const ReferenceContext& ctx) {
  return ref::channel_shuffle(ctx.input(), ctx.attrs<ChannelShuffleAttrs>().groups.value);
}

Tensor reference_pixel_shuffle(const ReferenceContext& ctx) {
  return ref::pixel_shuffle(ctx.input(), ctx.attrs<PixelShuffleAttrs>().upscale_factor.value);
}

const OpDef channel_shuffle_op{
    .schema = {.name = "channel_shuffle",
               .suggested_for = {"ChannelShuffle", "shuffle"},
               .summary = "channels split into groups and interleaved (torch.nn.ChannelShuffle, ShuffleNet)",
               .attrs = attr_schema<ChannelShuffleAttrs>(
                   {bind(&ChannelShuffleAttrs::groups, required_int("groups", 1, "how many groups the channels are split into, e.g. 2"))}),
               .infer = infer_channel_shuffle},
    .lowering = {.lower = lower_channel_shuffle, .accepts_epilogue = true},
    .reference = reference_channel_shuffle,
    .torch = {.module = "torch.nn.ChannelShuffle"},
};

const OpDef pixel_shuffle_op{
    .schema = {.name = "pixel_shuffle",
               .suggested_for = {"PixelShuffle", "depth_to_space", "subpixel"},
               .summary = "[*, C r^2, H, W] to [*, C, H r, W r]: channels become pixels (torch.nn.PixelShuffle)",
               .attrs = attr_schema<PixelShuffleAttrs>({bind(&PixelShuffleAttrs::upscale_factor,
                                                             required_int("upscale_factor", 1, "how much larger the output's height and width are, e.g. 3"))}),
               .infer = infer_pixel_shuffle},
    .lowering = {.lower = lower_pixel_shuffle, .accepts_epilogue = true},
    .reference = reference_pixel_shuffle,
    .torch = {.module = "torch.nn.PixelShuffle"},
};

const OpRegistration registered[] = {{channel_shuffle_op, 580}, {pixel_shuffle_op, 590}};

}  // namespace

}  // namespace nnc
