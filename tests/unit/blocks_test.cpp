// Blocks, repeat and arguments: expansion, names, references, `--set`, `${expr}` arithmetic and the notes that
// diagnostics inside instances carry.
#include <catch2/catch.hpp>

#include "frontend/arg_expr.h"
#include "frontend/flat_model.h"
#include "model_helpers.h"

using namespace nnc::testing;
using nnc::Shape;

namespace {

const char* kResidual = R"(args: {width: 8}
input: {shape: [1, 3, 16, 16]}
blocks:
  basic:
    args: {planes: null, stride: 1}
    layers:
      - {op: conv2d, name: conv1, out_channels: $planes, kernel_size: 3, stride: $stride, padding: 1, bias: false}
      - {op: relu, name: relu}
      - {op: add, name: add, inputs: [relu, $input]}
layers:
  - {op: conv2d, name: stem, out_channels: $width, kernel_size: 3, padding: 1}
  - {block: basic, name: layer1, repeat: 2, planes: $width}
  - {block: basic, name: last, start: 4, planes: '${width * 2 // 2}'}
  - {op: relu, name: head, input: layer1}
)";

int64_t eval(const std::string& expr) {
  auto result = nnc::evaluate_arg_expr(expr, [](std::string_view name) {
    if (name == "a") return nnc::ArgLookup{nnc::ArgLookup::Integer, 7, ""};
    if (name == "word") return nnc::ArgLookup{nnc::ArgLookup::NotInteger, 0, "'relu'"};
    return nnc::ArgLookup{};
  });
  return std::holds_alternative<int64_t>(result) ? std::get<int64_t>(result) : INT64_MIN;
}

std::string eval_error(const std::string& expr) {
  auto result = nnc::evaluate_arg_expr(expr, [](std::string_view name) {
    if (name == "word") return nnc::ArgLookup{nnc::ArgLookup::NotInteger, 0, "'relu'"};
    return nnc::ArgLookup{};
  });
  return std::holds_alternative<nnc::ExprError>(result) ? std::get<nnc::ExprError>(result).message : "";
}

}  // namespace

TEST_CASE("expressions compute as Python's integers do", "[blocks]") {
  CHECK(eval("1 + 2 * 3") == 7);
  CHECK(eval("(1 + 2) * 3") == 9);
  CHECK(eval("a * 4 // 3") == 9);
  CHECK(eval("$a - 10") == -3);
  CHECK(eval("-7 // 2") == -4);  // floor, not truncation
  CHECK(eval("-7 % 2") == 1);
  CHECK(eval("7 % -2") == -1);
  CHECK(eval("--a") == 7);
  CHECK(eval("max(3, a, 5)") == 7);
  CHECK(eval("8 * min(a // 2, 10) + max(1)") == 25);
  CHECK(eval_error("floor(a)").find("no function") != std::string::npos);
  CHECK(eval_error("max(1, 2").find("not closed") != std::string::npos);
  CHECK(eval_error("1 / 2").find("'/' is not integer division") != std::string::npos);
  CHECK(eval_error("(1 + 2").find("not closed") != std::string::npos);
  CHECK(eval_error("word + 1").find("not an integer") != std::string::npos);
  CHECK(eval_error("nothing").find("no argument") != std::string::npos);
  CHECK(eval_error("9223372036854775807 + 1").find("overflows") != std::string::npos);
  CHECK(eval_error("1.5").find("'1.5' is not an integer") != std::string::npos);
  CHECK(eval_error("").find("empty") != std::string::npos);
  CHECK(eval_error(std::string(200, '(') + "1" + std::string(200, ')')).find("nests deeper") != std::string::npos);
  auto zero = nnc::evaluate_arg_expr("4 // (2 - 2)", [](std::string_view) { return nnc::ArgLookup{}; });
  REQUIRE(std::holds_alternative<nnc::ExprError>(zero));
  CHECK(std::get<nnc::ExprError>(zero).division_by_zero);
}

TEST_CASE("instances expand into prefixed layers, chained, each reading its input", "[blocks]") {
  auto m = check_yaml(kResidual);
  REQUIRE_FALSE(m.diags.has_errors());
  std::vector<std::string> names;
  for (const auto& layer : m.graph.layers) names.push_back(layer.name);
  CHECK(names == std::vector<std::string>{"stem", "layer1.0.conv1", "layer1.0.relu", "layer1.0.add", "layer1.1.conv1", "layer1.1.relu",
                                          "layer1.1.add", "last.4.conv1", "last.4.relu", "last.4.add", "head"});
  const auto& g = m.graph;
  CHECK(g.layers[1].inputs[0].layer == 0);                                    // layer1.0 reads the stem
  CHECK(g.layers[3].inputs[1].layer == 0);                                    // its $input
  CHECK(g.layers[4].inputs[0].layer == 3);                                    // layer1.1 reads layer1.0's output
  CHECK(g.layers[6].inputs[1].layer == 3);
  CHECK(g.layers[7].inputs[0].layer == 6);                                    // last.4 reads the group layer1
  CHECK(g.layers[10].inputs[0].layer == 6);                                   // `input: layer1` is its last instance
  CHECK(g.layers[7].attrs.integer("out_channels") == 8);                      // ${width * 2 // 2}
  CHECK(g.layers[7].params[0].shape == Shape{8, 8, 3, 3});
  CHECK(g.layers[4].origin.size() == 1);
  CHECK(g.layers[4].origin[0].message == "in instance 'layer1.1' of block 'basic'");
  CHECK(g.layers[4].origin[0].loc.line == 12);
}

TEST_CASE("model arguments take --set values; unknown and missing ones are errors", "[blocks]") {
  auto wide = nnc::load_model_text("test.yaml", kResidual, {.set = {{"width", "16"}}});
  REQUIRE_FALSE(wide.diags.has_errors());
  CHECK(output_shape(wide) == Shape{1, 16, 16, 16});
  auto unknown = nnc::load_model_text("test.yaml", kResidual, {.set = {{"widht", "16"}}});
  REQUIRE(find_code(unknown, "unknown-arg"));
  CHECK(find_code(unknown, "unknown-arg")->message.find("did you mean 'width'") != std::string::npos);
  auto required = check_yaml(std::string(kResidual).replace(0, std::string("args: {width: 8}").size(), "args: {width: null}"));
  CHECK(has_code(required, "missing-arg"));
  auto given = nnc::load_model_text("test.yaml", std::string(kResidual).replace(0, 16, "args: {width: null}"), {.set = {{"width", "4"}}});
  CHECK_FALSE(given.diags.has_errors());
}

TEST_CASE("an error inside an instance carries one note per instance, innermost first", "[blocks]") {
  auto m = check_yaml(R"(input: {shape: [1, 4]}
blocks:
  inner:
    layers:
      - {op: linear, in_features: 5, out_features: 2}
  outer:
    layers:
      - {block: inner, name: a}
layers:
  - {block: outer, name: x}
)");
  const auto* d = find_code(m, "in-features-mismatch");
  REQUIRE(d);
  CHECK(d->loc.line == 5);
  REQUIRE(d->notes.size() == 2);
  CHECK(d->notes[0].message == "in instance 'x.a' of block 'inner'");
  CHECK(d->notes[0].loc.line == 8);
  CHECK(d->notes[1].message == "in instance 'x' of block 'outer'");
  CHECK(d->notes[1].loc.line == 10);
}

TEST_CASE("recursion between blocks is refused with its cycle named", "[blocks]") {
  auto m = check_yaml("input: {shape: [1, 4]}\nblocks:\n  a: {layers: [{block: b}]}\n  b: {layers: [{block: a}]}\nlayers:\n  - {block: a}\n");
  const auto* d = find_code(m, "block-recursion");
  REQUIRE(d);
  CHECK(d->message.find("a -> b -> a") != std::string::npos);
}

TEST_CASE("a repeat past the layer limit is refused before it is expanded", "[blocks]") {
  auto m = check_yaml("input: {shape: [1, 4]}\nblocks:\n  r: {layers: [{op: relu}]}\nlayers:\n  - {block: r, repeat: 9223372036854775807}\n");
  CHECK(has_code(m, "too-many-layers"));
  CHECK(m.graph.layers.empty());
  auto nested = check_yaml(
      "input: {shape: [1, 4]}\nblocks:\n  r: {layers: [{op: relu}, {op: relu}]}\n  s: {layers: [{block: r, repeat: 1000}]}\n"
      "layers:\n  - {block: s, repeat: 1000}\n");
  CHECK(has_code(nested, "too-many-layers"));
  CHECK(nested.graph.layers.size() <= nnc::kMaxLayers);
}

TEST_CASE("expand writes a flat model that reads back as the same graph", "[blocks]") {
  auto m = nnc::load_model_text("test.yaml", kResidual, {.keep_written = true});
  REQUIRE_FALSE(m.diags.has_errors());
  const std::string flat = nnc::flat_model_text(m.graph);
  CHECK(flat.find("$") == std::string::npos);
  CHECK(flat.find("{name: layer1.1.add, op: add, inputs: [layer1.1.relu, layer1.0.add]}") != std::string::npos);
  CHECK(flat.find("{name: head, op: relu, input: layer1.1.add}") != std::string::npos);
  auto again = check_yaml(flat);
  REQUIRE_FALSE(again.diags.has_errors());
  REQUIRE(again.graph.layers.size() == m.graph.layers.size());
  for (size_t i = 0; i < m.graph.layers.size(); ++i) {
    CHECK(again.graph.layers[i].name == m.graph.layers[i].name);
    CHECK(again.graph.layers[i].shape == m.graph.layers[i].shape);
    REQUIRE(again.graph.layers[i].inputs.size() == m.graph.layers[i].inputs.size());
    for (size_t k = 0; k < m.graph.layers[i].inputs.size(); ++k) CHECK(again.graph.layers[i].inputs[k].layer == m.graph.layers[i].inputs[k].layer);
  }
}

TEST_CASE("numbered groups may continue a name, and start: alone numbers one instance", "[blocks]") {
  auto m = check_yaml(R"(input: {shape: [1, 4]}
blocks:
  b: {layers: [{op: relu, name: r}]}
layers:
  - {block: b, name: features, start: 1, repeat: 2}
  - {block: b, name: features, start: 3}
  - {op: relu, name: after, input: features}
  - {block: b, name: s, start: 1}
  - {op: add, name: sum, inputs: [s, features.1]}
)");
  REQUIRE_FALSE(m.diags.has_errors());
  CHECK(m.graph.layers[2].name == "features.3.r");
  CHECK(m.graph.layers[3].inputs[0].layer == 2);  // `features` is the latest group's output
  CHECK(m.graph.layers[4].name == "s.1.r");
  CHECK(m.graph.layers[5].inputs[0].layer == 4);
  CHECK(m.graph.layers[5].inputs[1].layer == 0);
  auto clash = check_yaml("input: {shape: [1, 4]}\nblocks:\n  b: {layers: [{op: relu}]}\nlayers:\n  - {block: b, name: x}\n  - {block: b, name: x}\n");
  CHECK(has_code(clash, "duplicate-name"));
}
