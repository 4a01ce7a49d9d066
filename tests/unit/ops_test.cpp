// Each op's shape rule and its PyTorch checks, as diagnostics.
#include <catch2/catch.hpp>

#include "model_helpers.h"

using namespace nnc::testing;
using nnc::Shape;

namespace {

// The output shape of one layer (a YAML flow mapping) applied to `shape`; {} on error.
Shape one(const std::string& shape, const std::string& layer) {
  auto m = check_yaml(model(shape, "  - " + layer + "\n"));
  return m.diags.has_errors() ? Shape{} : output_shape(m);
}

std::vector<std::string> one_codes(const std::string& shape, const std::string& layer) {
  return codes(check_yaml(model(shape, "  - " + layer + "\n")));
}

bool fails_with(const std::string& shape, const std::string& layer, const std::string& code) {
  auto m = check_yaml(model(shape, "  - " + layer + "\n"));
  return m.diags.has_errors() && has_code(m, code);
}

}  // namespace

TEST_CASE("conv2d: stride, padding, dilation, groups, pairs", "[ops][conv2d]") {
  CHECK(one("[2, 3, 32, 32]", "{op: conv2d, out_channels: 8, kernel_size: 3}") == Shape{2, 8, 30, 30});
  CHECK(one("[1, 3, 32, 32]", "{op: conv2d, out_channels: 8, kernel_size: [3, 5], stride: [1, 2], padding: [1, 2]}") == Shape{1, 8, 32, 16});
  CHECK(one("[1, 4, 32, 32]", "{op: conv2d, out_channels: 4, kernel_size: 3, dilation: 2}") == Shape{1, 4, 28, 28});
  CHECK(one("[1, 4, 9, 9]", "{op: conv2d, out_channels: 4, kernel_size: 3, padding: valid}") == Shape{1, 4, 7, 7});
  CHECK(one("[1, 32, 8, 8]", "{op: conv2d, out_channels: 32, kernel_size: 3, groups: 32, padding: 1}") == Shape{1, 32, 8, 8});
}

TEST_CASE("conv2d: padding same splits an even kernel like PyTorch", "[ops][conv2d]") {
  auto m = check_yaml(model("[1, 1, 10, 10]", "  - {op: conv2d, out_channels: 1, kernel_size: 4, padding: same, dilation: 3}\n"));
  REQUIRE_FALSE(m.diags.has_errors());
  CHECK(output_shape(m) == Shape{1, 1, 10, 10});
  // D*(K-1) = 9: 4 before, 5 after.
  CHECK(m.graph.layers[0].formulas.at(0) == "OH = OW = (10 + 4+5 - 3*(4-1) - 1)/1 + 1 = 10");
  CHECK(fails_with("[1, 1, 10, 10]", "{op: conv2d, out_channels: 1, kernel_size: 3, padding: same, stride: 2}", "same-padding-stride"));
}

TEST_CASE("conv2d: channel and group checks", "[ops][conv2d]") {
  CHECK(fails_with("[1, 3, 8, 8]", "{op: conv2d, in_channels: 4, out_channels: 2, kernel_size: 3}", "in-channels-mismatch"));
  CHECK(fails_with("[1, 6, 8, 8]", "{op: conv2d, out_channels: 4, kernel_size: 3, groups: 4}", "groups-mismatch"));
  CHECK(fails_with("[1, 4, 8, 8]", "{op: conv2d, out_channels: 6, kernel_size: 3, groups: 4}", "groups-mismatch"));
  CHECK(fails_with("[1, 4, 8, 8]", "{op: conv2d, out_channels: 0, kernel_size: 3}", "bad-value"));
  CHECK(fails_with("[1, 64]", "{op: conv2d, out_channels: 4, kernel_size: 3}", "rank-mismatch"));
}

TEST_CASE("conv2d: padding modes and their limits", "[ops][conv2d]") {
  CHECK(one("[1, 1, 10, 10]", "{op: conv2d, out_channels: 1, kernel_size: 3, padding: 9, padding_mode: reflect}") == Shape{1, 1, 26, 26});
  CHECK(fails_with("[1, 1, 10, 10]", "{op: conv2d, out_channels: 1, kernel_size: 3, padding: 10, padding_mode: reflect}", "reflect-padding-too-large"));
  CHECK(one("[1, 1, 10, 10]", "{op: conv2d, out_channels: 1, kernel_size: 3, padding: 10, padding_mode: circular}") == Shape{1, 1, 28, 28});
  CHECK(fails_with("[1, 1, 10, 10]", "{op: conv2d, out_channels: 1, kernel_size: 3, padding: 11, padding_mode: circular}", "circular-padding-too-large"));
  CHECK(one("[1, 1, 10, 10]", "{op: conv2d, out_channels: 1, kernel_size: 3, padding: 20, padding_mode: replicate}") == Shape{1, 1, 48, 48});
  CHECK(fails_with("[1, 1, 10, 10]", "{op: conv2d, out_channels: 1, kernel_size: 3, padding_mode: mirror}", "bad-value"));
}

TEST_CASE("conv2d: kernel larger than the padded input", "[ops][conv2d]") {
  auto m = check_yaml(model("[1, 1, 10, 10]", "  - {op: conv2d, out_channels: 1, kernel_size: 12}\n"));
  const auto* d = find_code(m, "kernel-too-large");
  REQUIRE(d);
  CHECK(d->help.find("padding: 1") != std::string::npos);
  CHECK(fails_with("[1, 1, 10, 10]", "{op: conv2d, out_channels: 1, kernel_size: 4611686018427387904, dilation: 4}", "size-overflow"));
}

TEST_CASE("inexact windows warn with the rows lost and an exact alternative", "[ops][window]") {
  auto m = check_yaml(model("[1, 1, 64, 64]", "  - {op: conv2d, out_channels: 1, kernel_size: 7, stride: 2}\n"));
  CHECK_FALSE(m.diags.has_errors());
  const auto* d = find_code(m, "inexact-window");
  REQUIRE(d);
  CHECK(d->severity == nnc::Severity::Warning);
  CHECK(d->message.find("57 is not a multiple of the stride 2") != std::string::npos);
  CHECK(d->message.find("the last row and column") != std::string::npos);
  CHECK(d->help.find("stride 3 (output 20)") != std::string::npos);
  CHECK(d->help.find("kernel_size 8 (output 29)") != std::string::npos);
  CHECK(d->help.find("no padding makes it exact") != std::string::npos);
  // Only one axis loses rows: the warning names it.
  auto rect = check_yaml(model("[1, 1, 65, 64]", "  - {op: maxpool2d, kernel_size: 2}\n"));
  const auto* w = find_code(rect, "inexact-window");
  REQUIRE(w);
  CHECK(w->message.find("the last row of the input is never read") != std::string::npos);
  CHECK(w->help.find("padding 1") == std::string::npos);  // 65 + 2 - 1 - 1 = 65 stays odd
  // Padding that absorbs the leftover loses no input: no warning (ResNet's 3x3 stride-2 convs).
  CHECK(one_codes("[1, 1, 56, 56]", "{op: conv2d, out_channels: 1, kernel_size: 3, stride: 2, padding: 1}").empty());
  CHECK(one_codes("[1, 1, 227, 227]", "{op: conv2d, out_channels: 1, kernel_size: 11, stride: 4}").empty());
}

TEST_CASE("pools: default stride, padding limit, ceil_mode", "[ops][pool]") {
  CHECK(one("[1, 3, 24, 24]", "{op: maxpool2d, kernel_size: 2}") == Shape{1, 3, 12, 12});
  CHECK(one("[1, 3, 112, 112]", "{op: maxpool2d, kernel_size: 3, stride: 2, padding: 1}") == Shape{1, 3, 56, 56});
  CHECK(one("[1, 3, 10, 10]", "{op: maxpool2d, kernel_size: 3, padding: 1, dilation: 3}") == Shape{1, 3, 2, 2});
  CHECK(one("[1, 3, 5, 5]", "{op: avgpool2d, kernel_size: 2, ceil_mode: true}") == Shape{1, 3, 3, 3});
  CHECK(one("[1, 3, 5, 5]", "{op: maxpool2d, kernel_size: 2, padding: 1, ceil_mode: true}") == Shape{1, 3, 3, 3});
  CHECK(fails_with("[1, 3, 10, 10]", "{op: maxpool2d, kernel_size: 3, padding: 2}", "pool-padding-too-large"));
  CHECK(fails_with("[1, 3, 10, 10]", "{op: avgpool2d, kernel_size: 3, padding: 2}", "pool-padding-too-large"));
  CHECK(fails_with("[1, 3, 2, 2]", "{op: maxpool2d, kernel_size: 3}", "kernel-too-large"));
  CHECK(fails_with("[1, 3, 8, 8]", "{op: avgpool2d, kernel_size: 2, dilation: 2}", "unknown-key"));
}

TEST_CASE("adaptive_avgpool2d: int, pair and null entries", "[ops][pool]") {
  CHECK(one("[1, 8, 13, 9]", "{op: adaptive_avgpool2d, output_size: 1}") == Shape{1, 8, 1, 1});
  CHECK(one("[1, 8, 13, 9]", "{op: adaptive_avgpool2d, output_size: [6, 20]}") == Shape{1, 8, 6, 20});
  CHECK(one("[1, 8, 13, 9]", "{op: adaptive_avgpool2d, output_size: [null, 3]}") == Shape{1, 8, 13, 3});
  CHECK(fails_with("[1, 8, 13, 9]", "{op: adaptive_avgpool2d, output_size: 0}", "bad-value"));
}

TEST_CASE("batchnorm2d: num_features and eps", "[ops][batchnorm2d]") {
  auto m = check_yaml(model("[1, 16, 4, 4]", "  - {op: batchnorm2d}\n"));
  REQUIRE(output_shape(m) == Shape{1, 16, 4, 4});
  CHECK(m.graph.layers[0].params.size() == 4);
  CHECK(nnc::param_count(m.graph.layers[0]) == 32);
  CHECK(fails_with("[1, 16, 4, 4]", "{op: batchnorm2d, num_features: 8}", "num-features-mismatch"));
  CHECK(fails_with("[1, 16, 4, 4]", "{op: batchnorm2d, eps: 0}", "bad-value"));
  CHECK(fails_with("[1, 16]", "{op: batchnorm2d}", "rank-mismatch"));
}

TEST_CASE("linear acts on the last dimension of any rank", "[ops][linear]") {
  CHECK(one("[4, 10]", "{op: linear, out_features: 3}") == Shape{4, 3});
  CHECK(one("[2, 5, 10]", "{op: linear, in_features: 10, out_features: 3}") == Shape{2, 5, 3});
  auto m = check_yaml(model("[2, 5, 10]", "  - {op: linear, out_features: 3, bias: false}\n"));
  CHECK(nnc::param_count(m.graph.layers[0]) == 30);
  CHECK(m.graph.layers[0].macs == 2 * 5 * 10 * 3);
  auto bad = check_yaml(model("[1, 16, 5, 5]", "  - {op: linear, in_features: 400, out_features: 3}\n"));
  const auto* d = find_code(bad, "in-features-mismatch");
  REQUIRE(d);
  CHECK(d->help.find("flatten") != std::string::npos);
}

TEST_CASE("flatten and softmax take PyTorch's dims", "[ops]") {
  CHECK(one("[2, 3, 4, 5]", "{op: flatten}") == Shape{2, 60});
  CHECK(one("[2, 3, 4, 5]", "{op: flatten, start_dim: 0}") == Shape{120});
  CHECK(one("[2, 3, 4, 5]", "{op: flatten, start_dim: -3, end_dim: -2}") == Shape{2, 12, 5});
  CHECK(fails_with("[2, 3, 4, 5]", "{op: flatten, start_dim: 3, end_dim: 1}", "bad-dim"));
  CHECK(fails_with("[2, 3, 4, 5]", "{op: flatten, start_dim: 4}", "bad-dim"));
  CHECK(one("[2, 3]", "{op: softmax, dim: -1}") == Shape{2, 3});
  CHECK(fails_with("[2, 3]", "{op: softmax, dim: 2}", "bad-dim"));
  CHECK(fails_with("[2, 3]", "{op: softmax, dim: -3}", "bad-dim"));
}

TEST_CASE("elementwise ops keep the shape", "[ops]") {
  for (const char* op : {"relu", "sigmoid", "tanh", "silu", "leaky_relu", "gelu", "dropout"})
    CHECK(one("[2, 3, 4]", std::string("{op: ") + op + "}") == Shape{2, 3, 4});
  CHECK(one("[2, 3]", "{op: leaky_relu, negative_slope: 0.2}") == Shape{2, 3});
  CHECK(one("[2, 3]", "{op: gelu, approximate: tanh}") == Shape{2, 3});
}

TEST_CASE("add, sub, mul and div broadcast; concat agrees outside dim", "[ops]") {
  const std::string base = "  - {op: conv2d, name: a, out_channels: 4, kernel_size: 1}\n  - {op: conv2d, name: b, input: input, out_channels: 6, kernel_size: 1}\n";
  auto cat = check_yaml(model("[1, 2, 5, 5]", base + "  - {op: concat, inputs: [a, b, input]}\n"));
  CHECK(output_shape(cat) == Shape{1, 12, 5, 5});
  auto cat_neg = check_yaml(model("[1, 2, 5, 5]", base + "  - {op: concat, inputs: [a, a], dim: -1}\n"));
  CHECK(output_shape(cat_neg) == Shape{1, 4, 5, 10});
  CHECK(has_code(check_yaml(model("[1, 2, 5, 5]", base + "  - {op: concat, inputs: [a, b], dim: 2}\n")), "concat-mismatch"));
  CHECK(has_code(check_yaml(model("[1, 2, 5, 5]", base + "  - {op: add, inputs: [a, b]}\n")), "shape-mismatch"));
  CHECK(output_shape(check_yaml(model("[1, 2, 5, 5]", base + "  - {op: add, inputs: [a, a, a]}\n"))) == Shape{1, 4, 5, 5});
  const std::string gate = base + "  - {op: adaptive_avgpool2d, name: g, input: a, output_size: 1}\n";
  CHECK(output_shape(check_yaml(model("[1, 2, 5, 5]", gate + "  - {op: mul, inputs: [g, a]}\n"))) == Shape{1, 4, 5, 5});
  CHECK(output_shape(check_yaml(model("[1, 2, 5, 5]", gate + "  - {op: add, inputs: [a, g, a]}\n"))) == Shape{1, 4, 5, 5});
  CHECK(has_code(check_yaml(model("[1, 2, 5, 5]", gate + "  - {op: div, inputs: [b, g]}\n")), "shape-mismatch"));
  CHECK(has_code(check_yaml(model("[1, 2, 5, 5]", base + "  - {op: sub, inputs: [a, a, a]}\n")), "bad-value"));
  CHECK(has_code(check_yaml(model("[1, 2, 5, 5]", base + "  - {op: mul, inputs: [a]}\n")), "bad-value"));
}

TEST_CASE("a model whose sizes overflow int64 is an error, not a wrap", "[ops][robustness]") {
  CHECK(fails_with("[1, 1000000, 1000000]", "{op: linear, out_features: 100000000000}", "size-overflow"));
  CHECK(fails_with("[1, 4]", "{op: linear, out_features: 9223372036854775807}", "size-overflow"));
}
