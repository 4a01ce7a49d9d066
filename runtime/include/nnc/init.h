#pragma once
// PyTorch's default parameter initialisation, reproducibly: torch.nn's distributions, drawn from the per-tensor
// streams of random.h (so the numbers differ from torch's generator, the distributions do not).
//
//   conv2d, linear  weight and bias: init_uniform_fan_in(t, fan_in(weight shape), seed, key)
//                   (torch: kaiming_uniform_(a=sqrt(5)) for the weight, which is U(-b, b) with b = 1/sqrt(fan_in),
//                   and U(-b, b) for the bias with the weight's fan_in)
//   conv_transpose2d  the same; its weight is [in, out/groups, kh, kw], so fan_in (dim 1 on, as torch computes
//                   it) is out/groups*kh*kw
//   batchnorm2d     weight 1, bias 0, running_mean 0, running_var 1: fill(t, value)
//   multihead_attention in_proj_weight: init_xavier_uniform (torch: xavier_uniform_); out_proj.weight as linear's
//   parameter       init_normal (torch.randn)
#include <cstdint>
#include <string_view>

#include "nnc/random.h"
#include "nnc/tensor.h"

namespace nnc {

// fan_in as torch.nn.init computes it, shape[1] * shape[2] * ...: in/groups*kh*kw for a conv2d weight
// [out, in/groups, kh, kw], in for a linear weight [out, in]. The shape must have rank >= 2 (else invalid_argument).
int64_t fan_in(const Shape& weight_shape);

// Uniform in [-bound, bound): bound * (k - 2^23) / 2^23 with k the top 24 bits of each next(), computed exactly in
// double and rounded to float once, so the values are bit-identical on every machine.
void fill_uniform(Tensor& t, double bound, Pcg32& rng);

void fill(Tensor& t, float value);

// U(-1/sqrt(fan_in), 1/sqrt(fan_in)) from stream_for(seed, key), the key being the parameter's weights key
// ("conv1.weight"); all zeros when fan_in is 0, as torch does for the bias.
void init_uniform_fan_in(Tensor& t, int64_t fan_in, uint64_t seed, std::string_view key);

// U(-b, b) with b = sqrt(6 / (fan_in + fan_out)) for a weight [fan_out, fan_in], from stream_for(seed, key).
void init_xavier_uniform(Tensor& t, uint64_t seed, std::string_view key);

// Standard normal values from stream_for(seed, key): Box-Muller on pairs of 32-bit draws, computed in double and
// rounded to float once, so the values are the same on every machine with IEEE doubles and a correct libm.
void init_normal(Tensor& t, uint64_t seed, std::string_view key);

}  // namespace nnc
