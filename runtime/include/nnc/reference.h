#pragma once
// Naive reference kernels for every op of the model format: the obviously correct oracle that compiled code is
// compared against. Written for clarity, not speed: plain loops over the output, sums in double, PyTorch's
// semantics (torch.nn in inference mode). They take tensors and plain parameter structs, never the Graph.
//
// Arguments that do not fit together (ranks, channel counts, parameter shapes, padding larger than a padding mode
// allows, ...) throw std::invalid_argument with a message: they are the caller's bug, never silently computed.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "nnc/tensor.h"

namespace nnc::ref {

using Pair = std::array<int64_t, 2>;  // [height, width]

enum class PaddingMode { zeros, reflect, replicate, circular };

struct Conv2dParams {
  Pair stride{1, 1};
  Pair pad_lo{0, 0}, pad_hi{0, 0};  // top/left and bottom/right; `same` pads one more at the end for an odd total
  Pair dilation{1, 1};
  int64_t groups = 1;
  PaddingMode padding_mode = PaddingMode::zeros;
};

// input [N, C, H, W], weight [OC, C/groups, KH, KW], bias [OC] or null. The output size is floor's.
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor* bias, const Conv2dParams& p);

struct ConvTranspose2dParams {
  Pair stride{1, 1}, padding{0, 0}, output_padding{0, 0}, dilation{1, 1};
  int64_t groups = 1;
};

// input [N, C, H, W], weight [C, OC/groups, KH, KW], bias [OC] or null. Output per axis
// (H-1)*S - 2P + D*(KH-1) + output_padding + 1.
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const Tensor* bias, const ConvTranspose2dParams& p);

struct MaxPool2dParams {
  Pair kernel{1, 1}, stride{1, 1}, padding{0, 0}, dilation{1, 1};
  Pair output{0, 0};  // OH, OW as the caller computed them (ceil_mode is decided there)
};

// Max over each window's positions inside the input (padding counts as -inf); NaN propagates as in PyTorch.
Tensor maxpool2d(const Tensor& input, const MaxPool2dParams& p);

struct AvgPool2dParams {
  Pair kernel{1, 1}, stride{1, 1}, padding{0, 0};
  bool count_include_pad = true;
  Pair output{0, 0};  // OH, OW as the caller computed them
};

// Mean over each window. The divisor is PyTorch's: with count_include_pad, the window clipped to the padded input
// (padding counts, positions beyond the right padding do not); without it, only the positions inside the input.
Tensor avgpool2d(const Tensor& input, const AvgPool2dParams& p);

// Output cell i along an axis of size `in` averages [floor(i*in/out), ceil((i+1)*in/out)).
Tensor adaptive_avgpool2d(const Tensor& input, Pair output);
// The same windows' maxima; NaN propagates as in PyTorch.
Tensor adaptive_maxpool2d(const Tensor& input, Pair output);

// (x - mean) / sqrt(var + eps) * weight + bias per channel (dim 1); all four parameters [C].
Tensor batchnorm2d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                   const Tensor& running_var, double eps);

// y = x W^T + b on the last dimension of an input of any rank >= 1; weight [out, in], bias [out] or null.
Tensor linear(const Tensor& input, const Tensor& weight, const Tensor* bias);

// The dimensions start_dim..end_dim (negative counts from the end) merged into one; the data copied.
Tensor flatten(const Tensor& input, int64_t start_dim, int64_t end_dim);

Tensor relu(const Tensor& input);
Tensor sigmoid(const Tensor& input);
Tensor tanh(const Tensor& input);
Tensor silu(const Tensor& input);
Tensor leaky_relu(const Tensor& input, double negative_slope);

enum class GeluApproximation { none, tanh };
// none: x/2 * (1 + erf(x/sqrt(2))); tanh: x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))).
Tensor gelu(const Tensor& input, GeluApproximation approximate);

// exp(x - max) / sum(exp(x - max)) along `dim` (negative counts from the end).
Tensor softmax(const Tensor& input, int64_t dim);

// Identity at inference; a copy.
Tensor dropout(const Tensor& input);

// The inputs joined along `dim` (negative counts from the end); their shapes must agree elsewhere.
Tensor concat(const std::vector<const Tensor*>& inputs, int64_t dim);

enum class UpsampleMode { nearest, bilinear };
using Scales = std::array<double, 2>;  // scale_factor per axis, [height, width]

// F.interpolate of an input [N, C, H, W] to output_size, with PyTorch's source positions: from the scale_factor
// when it was given (1/scale), else from the sizes; bilinear with or without align_corners.
Tensor upsample(const Tensor& input, Pair output_size, UpsampleMode mode, bool align_corners, std::optional<Scales> scales);

// F.pad: pad[2i] and pad[2i+1] before and after dim rank-1-i (negative sizes crop); outside the input, `value`
// (mode zeros, F.pad's constant) or the input's own edge elements (reflect, replicate, circular).
Tensor pad(const Tensor& input, const std::vector<int64_t>& pad, PaddingMode mode, double value);

// Norms with the input's own statistics: (x - mean) / sqrt(biased var + eps), then * weight + bias when both are
// given (else both null).
// layernorm: over the last dims, which must be normalized_shape; weight and bias [normalized_shape].
Tensor layernorm(const Tensor& input, const Shape& normalized_shape, const Tensor* weight, const Tensor* bias, double eps);
// groupnorm: over each group of C / num_groups channels of an input [N, C, ...]; weight and bias [C].
Tensor groupnorm(const Tensor& input, int64_t num_groups, const Tensor* weight, const Tensor* bias, double eps);
// instancenorm2d: over each channel of an input [N, C, H, W]; weight and bias [C].
Tensor instancenorm2d(const Tensor& input, const Tensor* weight, const Tensor* bias, double eps);
// torch.mean over `dims` (negatives count from the end; each once), kept as size 1 when keepdim.
Tensor mean(const Tensor& input, const std::vector<int64_t>& dims, bool keepdim);

// torch.matmul: a 1-D operand promoted to a matrix ([k] to [1, k] on the left, [k, 1] on the right) and the
// promoted dim removed from the result; the batch dims (all but the last two) broadcast. Not both 1-D.
Tensor matmul(const Tensor& a, const Tensor& b);

// torch.nn.MultiheadAttention(E, num_heads, bias, batch_first)(query, key, value, need_weights=False)[0]:
// query [N, L, E], key and value [N, S, E] ([L, N, E] and [S, N, E] when not batch_first); in_proj_weight
// [3E, E] and in_proj_bias [3E] (or null) hold the query's, key's and value's projections in that order;
// out_proj.weight [E, E], out_proj.bias [E] (or null).
Tensor multihead_attention(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& in_proj_weight,
                           const Tensor* in_proj_bias, const Tensor& out_proj_weight, const Tensor* out_proj_bias,
                           int64_t num_heads, bool batch_first);
// Shape ops: data moved, never computed, with PyTorch's semantics; negative dims count from the end.
// reshape: `shape` may hold one -1, inferred from the element count.
Tensor reshape(const Tensor& input, const Shape& shape);
// squeeze drops `dim` when its size is 1 (else a copy, as PyTorch); unsqueeze inserts a dim of size 1 at `dim`.
Tensor squeeze(const Tensor& input, int64_t dim);
Tensor unsqueeze(const Tensor& input, int64_t dim);
// Output dim d is input dim dims[d].
Tensor permute(const Tensor& input, const std::vector<int64_t>& dims);
Tensor transpose(const Tensor& input, int64_t dim0, int64_t dim1);
// x[..., index, ...] along `dim`, which the output drops; a negative index counts from the end.
Tensor select(const Tensor& input, int64_t dim, int64_t index);
// x[..., start:end:step, ...] along `dim` with Python's slice rules (negatives, clamping); no end: to the end.
Tensor slice(const Tensor& input, int64_t dim, int64_t start, std::optional<int64_t> end, int64_t step);
// Channels (dim 1) as [groups, C / groups], transposed.
Tensor channel_shuffle(const Tensor& input, int64_t groups);
// [*, C r^2, H, W] to [*, C, H r, W r]: channel c r^2 + i r + j gives the pixel (h r + i, w r + j).
Tensor pixel_shuffle(const Tensor& input, int64_t upscale_factor);

// Broadcasting binary ops (PyTorch's, NumPy's rules: shapes aligned from the last dim, each pair of sizes equal
// or one of them 1). add sums one or more tensors left to right; sub, mul and div take exactly two.
Shape broadcast_shape(const Shape& a, const Shape& b);
Tensor add(const std::vector<const Tensor*>& inputs);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);

// The model-zoo activations, elementwise like relu (runtime/src/reference/activations.cpp), and log_softmax.
inline constexpr double kSeluAlpha = 1.6732632423543772848170429916717;  // PyTorch's SELU constants
inline constexpr double kSeluScale = 1.0507009873554804934193349852946;
Tensor identity(const Tensor& input);
Tensor relu6(const Tensor& input);
Tensor hardswish(const Tensor& input);    // x * relu6(x + 3) / 6
Tensor hardsigmoid(const Tensor& input);  // relu6(x + 3) / 6
Tensor selu(const Tensor& input);         // scale * (x if x > 0 else alpha * (exp(x) - 1))
Tensor mish(const Tensor& input);         // x * tanh(log(1 + exp(x)))
// The clamps propagate NaN, as PyTorch's do.
Tensor hardtanh(const Tensor& input, double min_val, double max_val);
Tensor elu(const Tensor& input, double alpha);
// log(1 + exp(beta x)) / beta, and x where beta x > threshold.
Tensor softplus(const Tensor& input, double beta, double threshold);
// x - max - log(sum(exp(x - max))) along `dim` (negative counts from the end).
Tensor log_softmax(const Tensor& input, int64_t dim);
// x if x > 0 else weight[c] * x, c the channel (dim 1); weight [1] (one slope) or [C].
Tensor prelu(const Tensor& input, const Tensor& weight);

}  // namespace nnc::ref
