// The YAML front end: structure, names, references and every "never crash" input.
#include <catch2/catch.hpp>

#include "model_helpers.h"

using namespace nnc::testing;
using nnc::Shape;

TEST_CASE("the seed's conv+pool model infers [1, 5, 12, 12]", "[frontend]") {
  auto m = check_yaml(model("[1, 1, 28, 28]", "  - op: conv2d\n    out_channels: 5\n    kernel_size: 5\n  - op: maxpool2d\n    kernel_size: 2\n"));
  REQUIRE_FALSE(m.diags.has_errors());
  CHECK(output_shape(m) == Shape{1, 5, 12, 12});
  CHECK(m.graph.layers[0].name == "0");
  CHECK(m.graph.layers[1].name == "1");
  CHECK(m.graph.name == "test");
  CHECK(m.graph.layers[0].params[0].shape == Shape{5, 1, 5, 5});
  CHECK(m.graph.layers[0].macs == 72000);
}

TEST_CASE("positions are 1-based and point at the key", "[frontend]") {
  auto m = check_yaml(model("[1, 720]", "  - op: linear\n    in_features: 500\n    out_features: 10\n"));
  const auto* d = find_code(m, "in-features-mismatch");
  REQUIRE(d);
  CHECK(d->loc.line == 5);
  CHECK(d->loc.column == 5);
  CHECK(d->loc.length == 16);
  CHECK(d->help == "write in_features: 720, or leave it out to have it inferred");
}

TEST_CASE("duplicate keys are rejected, not silently merged", "[frontend]") {
  auto m = check_yaml(model("[1, 4]", "  - op: linear\n    out_features: 3\n    out_features: 4\n"));
  const auto* d = find_code(m, "duplicate-key");
  REQUIRE(d);
  CHECK(d->loc.line == 6);
  CHECK(d->message.find("line 5") != std::string::npos);
}

TEST_CASE("unknown ops and keys get a suggestion", "[frontend]") {
  auto m = check_yaml(model("[1, 1, 8, 8]", "  - op: MaxPool2d\n    kernel_size: 2\n  - op: relu\n    inplace: true\n  - op: conv2d\n    out_channels: 2\n    kernal_size: 3\n"));
  CHECK(find_code(m, "unknown-op")->message.find("did you mean 'maxpool2d'") != std::string::npos);
  CHECK(find_code(m, "unknown-key")->message.find("'inplace'") != std::string::npos);
  bool kernel_suggested = false;
  for (const auto& d : m.diags.all()) kernel_suggested |= d.message.find("did you mean 'kernel_size'") != std::string::npos;
  CHECK(kernel_suggested);
  CHECK_FALSE(has_code(m, "missing-key"));  // the misspelt key already says what is missing
}

TEST_CASE("every problem of a file is reported, not only the first", "[frontend]") {
  auto m = check_yaml(model("[1, 3, 8, 8]",
                            "  - op: conv2d\n    in_channels: 4\n    out_channels: 2\n    kernel_size: 3\n"
                            "  - op: nosuchop\n"
                            "  - op: linear\n    input: '0'\n    out_features: -1\n"));
  CHECK(codes(m) == std::vector<std::string>{"in-channels-mismatch", "unknown-op", "bad-value"});
}

TEST_CASE("references must name the input or an earlier layer", "[frontend]") {
  auto m = check_yaml(model("[1, 4]",
                            "  - op: relu\n    name: a\n    input: b\n"
                            "  - op: relu\n    name: b\n    input: b\n"
                            "  - op: add\n    inputs: [a, inptu]\n"));
  CHECK(has_code(m, "later-layer"));
  CHECK(has_code(m, "self-reference"));
  const auto* unknown = find_code(m, "unknown-layer");
  REQUIRE(unknown);
  CHECK(unknown->message.find("did you mean 'input'") != std::string::npos);
}

TEST_CASE("a residual DAG with named layers", "[frontend]") {
  auto m = check_yaml(model("[1, 8, 16, 16]",
                            "  - {op: conv2d, name: c1, out_channels: 8, kernel_size: 3, padding: 1}\n"
                            "  - {op: relu, name: r1}\n"
                            "  - {op: add, name: sum, inputs: [input, r1]}\n"
                            "  - {op: concat, inputs: [sum, input, c1], dim: 1}\n"));
  REQUIRE_FALSE(m.diags.has_errors());
  CHECK(output_shape(m) == Shape{1, 24, 16, 16});
  CHECK(m.graph.layers[3].name == "3");
}

TEST_CASE("duplicate names, including a default index, are errors", "[frontend]") {
  auto m = check_yaml(model("[1, 4]", "  - {op: relu, name: '1'}\n  - {op: relu}\n"));
  const auto* d = find_code(m, "duplicate-name");
  REQUIRE(d);
  CHECK(d->help.find("after its index") != std::string::npos);
  CHECK(has_code(check_yaml(model("[1, 4]", "  - {op: relu, name: input}\n")), "duplicate-name"));
}

TEST_CASE("output picks a layer; layers after it are reported unused", "[frontend]") {
  auto m = check_yaml("input: {shape: [1, 4]}\nlayers:\n  - {op: relu, name: a}\n  - {op: tanh, name: b}\noutput: a\n");
  CHECK(output_shape(m) == Shape{1, 4});
  CHECK(m.graph.output == 0);
  CHECK(has_code(m, "unused-layer"));
  CHECK_FALSE(m.diags.has_errors());
  CHECK(has_code(check_yaml("input: {shape: [1, 4]}\nlayers:\n  - {op: relu}\noutput: nope\n"), "unknown-layer"));
}

TEST_CASE("malformed files give diagnostics, never exceptions", "[frontend][robustness]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "empty-file"},
      {"- just\n- a list\n", "not-a-mapping"},
      {"input: {shape: [1, 2}\n", "yaml-syntax"},
      {"layers: &l [*l]\ninput: {shape: [1, 2]}\n", "recursive-alias"},
      {"input: " + std::string(3000, '[') + std::string(3000, ']') + "\n", "nesting-too-deep"},
      {"input: {shape: [1, 99999999999999999999]}\nlayers: [{op: relu}]\n", "bad-value"},
      {"input: {shape: [3037000500, 3037000500, 2]}\nlayers: [{op: relu}]\n", "size-overflow"},
      {"input: {shape: [1, 0]}\nlayers: [{op: relu}]\n", "bad-value"},
      {"input: {shape: [1, '4']}\nlayers: [{op: relu}]\n", "wrong-type"},
      {"input: {shape: [1, 4.5]}\nlayers: [{op: relu}]\n", "wrong-type"},
      {"input: {shape: [4]}\nlayers: [{op: relu}]\n", "wrong-type"},
      {"input: {shape: [1, 4]}\nlayers: []\n", "empty-layers"},
      {"input: {shape: [1, 4]}\nlayers: [[1, 2]]\n", "not-a-mapping"},
      {"input: {shape: [1, 4]}\nlayers: [{name: x}]\n", "missing-key"},
      {"input: {shape: [1, 4]}\nlayers: [{op: [relu]}]\n", "wrong-type"},
      {"input: {shape: [1, 4]}\nlayers: [{op: dropout, p: nan}]\n", "wrong-type"},
      {"input: {shape: [1, 4]}\nlayers: [{op: dropout, p: 1.5}]\n", "bad-value"},
      {"input: {shape: [1, 4]}\nlayers: [{op: linear, out_features: 2, bias: maybe}]\n", "wrong-type"},
      {"input: {shape: [1, 4]}\nlayers: [{op: gelu, approximate: tahn}]\n", "bad-value"},
      {"input: {shape: [1, 4]}\nlayers: [{op: add, input: x}]\n", "unknown-key"},
      {"input: {shape: [1, 4]}\nlayers: [{op: relu, inputs: [input]}]\n", "unknown-key"},
      {"input: {shape: [1, 4]}\nlayers: [{op: add, inputs: [input]}]\n", "bad-value"},
      {"input: {shape: [1, 4]}\nlayers: [{op: add}]\n", "missing-key"},
      {"{? [a]: b}\n", "wrong-type"},
      {"input: &x {shape: [1, 4], name: *x}\nlayers: [{op: relu}]\n", "recursive-alias"},
      {"input: {shape: [1, 4]}\nlayers: [{op: relu}]\n---\n", "multiple-documents"},
      {"input: {shape: [1, 4]}\nlayers: [{op: relu}]\n...\nname: x\n", "multiple-documents"},
      {"input: {shape: [1, 4]}\nlayers: [{op: relu}]\nname: \"x\n", "yaml-syntax"},
      {"input: {shape: [1, 4]}\nlayers: [{op: relu}]\nname: 'x\n", "yaml-syntax"},
  };
  for (const auto& [text, code] : cases) {
    INFO(text.substr(0, 80));
    nnc::LoadedModel m;
    REQUIRE_NOTHROW(m = check_yaml(text));
    CHECK(m.diags.has_errors());
    CHECK(has_code(m, code));
  }
}
