// The op registry and typed attributes: the order ops are listed in, names and aliases used once,
// a layer read through an alias, and attribute values decoded once into an op's own struct.
#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>
#include <stdexcept>

#include "frontend/model_reader.h"
#include "graph/shape_inference.h"
#include "ops/registry.h"

using namespace nnc;

namespace {

bool keep_shape(InferContext& ctx) {
  ctx.output = ctx.input();
  return true;
}

enum class Mode { low, high };

// Every kind of attribute, for the decoding tests.
struct ProbeAttrs {
  Attr<int64_t> count, limit;
  Attr<Pair> kernel_size, stride;
  Attr<Padding> padding;
  Attr<OutputSize> output_size;
  Attr<bool> flag;
  Attr<double> scale;
  Attr<Mode> mode;
};

using A = ProbeAttrs;

const OpDef probe_op{
    .schema = {.name = "probe",
               .aliases = {"probe_alias"},
               .summary = "a test-only op",
               .attrs = attr_schema<A>({bind(&A::count, int_attr("count", 3)), bind(&A::limit, optional_int("limit", 1)),
                                        bind(&A::kernel_size, size2_attr("kernel_size", 2, 1)),
                                        bind(&A::stride, size2_same_as("stride", "kernel_size", 1)),
                                        bind(&A::padding, padding_attr("padding")),
                                        bind(&A::output_size, required_output_size("output_size", "a size")),
                                        bind(&A::flag, bool_attr("flag", true)), bind(&A::scale, float_attr("scale", 0.5)),
                                        bind(&A::mode, choice_attr("mode", {"low", "high"}, "low"))}),
               .infer = keep_shape},
};

const OpDef plain_op{.schema = {.name = "plain", .summary = "another test-only op", .infer = keep_shape}};

Graph read(const OpRegistry& registry, const std::string& text, DiagnosticEngine& diags) {
  SourceFile file("test.yaml", text);
  Graph graph = read_model(file, "test", registry.schemas(), diags);
  infer_shapes(graph, diags);
  return graph;
}

}  // namespace

// The first ops, in their documented order; ops added since fit between them, so the list need not grow.
TEST_CASE("the registry lists nnc's ops in their documented order", "[registry]") {
  std::vector<std::string> names;
  for (const OpDef* op : op_registry().ops()) names.push_back(op->schema.name);
  const std::vector<std::string> first_ops{"conv2d", "maxpool2d", "avgpool2d", "adaptive_avgpool2d", "batchnorm2d", "linear",
                                           "flatten", "relu", "sigmoid", "tanh", "silu", "leaky_relu", "gelu", "softmax",
                                           "dropout", "add", "sub", "mul", "div", "concat"};
  std::vector<std::string> listed;
  std::copy_if(names.begin(), names.end(), std::back_inserter(listed),
               [&](const std::string& name) { return std::find(first_ops.begin(), first_ops.end(), name) != first_ops.end(); });
  CHECK(listed == first_ops);
  REQUIRE(op_registry().schemas().size() == names.size());
  for (size_t i = 0; i < names.size(); ++i) CHECK(op_registry().schemas()[i] == &op_registry().ops()[i]->schema);
}

TEST_CASE("every op has a shape rule, a lowering and a reference kernel", "[registry]") {
  for (const OpDef* op : op_registry().ops()) {
    INFO(op->schema.name);
    CHECK(op->schema.infer);
    CHECK(op->lowering.lower);
    CHECK(op->reference);
    CHECK(op_registry().find(op->schema.name) == op);
  }
}

TEST_CASE("a registry sorts by order and refuses a name, alias or order used twice", "[registry]") {
  OpRegistry registry({{&plain_op, 20}, {&probe_op, 10}});
  CHECK(registry.ops() == std::vector<const OpDef*>{&probe_op, &plain_op});
  CHECK(registry.find("probe_alias") == &probe_op);
  CHECK(registry.find("probe") == &probe_op);
  CHECK(registry.find("prob") == nullptr);

  const OpDef clash{.schema = {.name = "other", .aliases = {"probe"}}};
  CHECK_THROWS_AS(OpRegistry({{&probe_op, 10}, {&clash, 20}}), std::logic_error);
  const OpDef alias_clash{.schema = {.name = "other", .aliases = {"probe_alias"}}};
  CHECK_THROWS_AS(OpRegistry({{&probe_op, 10}, {&alias_clash, 20}}), std::logic_error);
  CHECK_THROWS_AS(OpRegistry({{&probe_op, 10}, {&plain_op, 10}}), std::logic_error);
  CHECK_THROWS_AS(OpRegistry({{&probe_op, 10}, {&probe_op, 20}}), std::logic_error);
}

TEST_CASE("a layer may name its op by an alias and reads as the op", "[registry]") {
  OpRegistry registry({{&probe_op, 10}, {&plain_op, 20}});
  DiagnosticEngine diags;
  Graph graph = read(registry, "input:\n  shape: [1, 2]\nlayers:\n  - {op: probe_alias, output_size: 1}\n  - {op: plain}\n", diags);
  REQUIRE_FALSE(diags.has_errors());
  REQUIRE(graph.layers.size() == 2);
  CHECK(graph.layers[0].op == "probe");
  CHECK(graph.layers[0].schema == &probe_op.schema);
  CHECK(registry.op_of(graph.layers[0]).schema.name == "probe");
  CHECK(graph.layers[1].schema == &plain_op.schema);
  CHECK(*graph.layers[1].shape == Shape{1, 2});
  CHECK_THROWS_AS(op_registry().op_of(graph.layers[0]), std::logic_error);
}

TEST_CASE("attributes left out decode to their defaults, same_as ones to the value they copy", "[registry][attrs]") {
  OpRegistry registry({{&probe_op, 10}});
  DiagnosticEngine diags;
  Graph graph = read(registry, "input:\n  shape: [1, 2]\nlayers:\n  - {op: probe, kernel_size: [3, 5], output_size: [null, 4]}\n", diags);
  REQUIRE_FALSE(diags.has_errors());
  const ProbeAttrs& a = attrs_of<ProbeAttrs>(graph.layers[0]);
  CHECK(a.count.name == "count");
  CHECK(a.count.value == 3);
  CHECK_FALSE(a.count.given);
  CHECK(a.count.loc.line == 0);
  CHECK_FALSE(a.limit.given);
  CHECK(a.stride.value == Pair{3, 5});
  CHECK_FALSE(a.stride.given);
  CHECK(a.stride.loc.line == 0);
  CHECK(a.padding.value.rule == Padding::Rule::Sizes);
  CHECK(a.padding.value.sizes == Pair{0, 0});
  CHECK(a.flag.value);
  CHECK(a.scale.value == 0.5);
  CHECK(a.mode.value == Mode::low);
  CHECK(a.output_size.value.keep == std::array<bool, 2>{true, false});
  CHECK(a.output_size.value.sizes[1] == 4);
}

TEST_CASE("given attributes decode with their values and where they are written", "[registry][attrs]") {
  OpRegistry registry({{&probe_op, 10}});
  DiagnosticEngine diags;
  Graph graph = read(registry,
                     "input:\n  shape: [1, 2]\nlayers:\n  - op: probe\n    count: 7\n    limit: 2\n    stride: [2, 1]\n"
                     "    padding: same\n    output_size: 6\n    flag: false\n    scale: 1.5\n    mode: high\n",
                     diags);
  REQUIRE_FALSE(diags.has_errors());
  const ProbeAttrs& a = attrs_of<ProbeAttrs>(graph.layers[0]);
  CHECK(a.count.value == 7);
  CHECK(a.count.given);
  CHECK(a.count.loc.line == 5);
  CHECK(a.count.loc.column == 5);
  CHECK(a.limit.value == 2);
  CHECK(a.limit.given);
  CHECK(a.stride.value == Pair{2, 1});
  CHECK(a.stride.loc.line == 7);
  CHECK(a.kernel_size.value == Pair{2, 2});
  CHECK(a.padding.value.rule == Padding::Rule::Same);
  CHECK(a.padding.loc.line == 8);
  CHECK(a.output_size.value.sizes == Pair{6, 6});
  CHECK(a.output_size.value.keep == std::array<bool, 2>{false, false});
  CHECK_FALSE(a.flag.value);
  CHECK(a.scale.value == 1.5);
  CHECK(a.mode.value == Mode::high);
  CHECK(a.mode.loc.line == 12);
}

TEST_CASE("a layer with a bad attribute value is not decoded", "[registry][attrs]") {
  OpRegistry registry({{&probe_op, 10}});
  DiagnosticEngine diags;
  Graph graph = read(registry, "input:\n  shape: [1, 2]\nlayers:\n  - {op: probe, output_size: 1, mode: middle}\n", diags);
  CHECK(diags.has_errors());
  CHECK_FALSE(graph.layers[0].valid);
  CHECK_FALSE(graph.layers[0].typed_attrs.has_value());
}

TEST_CASE("a field bound to an attribute of another type is a bug found when the op is defined", "[registry][attrs]") {
  CHECK_THROWS_AS(bind(&ProbeAttrs::flag, int_attr("flag", 1)), std::logic_error);
  CHECK_THROWS_AS(bind(&ProbeAttrs::kernel_size, padding_attr("kernel_size")), std::logic_error);
  CHECK_NOTHROW(bind(&ProbeAttrs::mode, choice_attr("mode", {"low", "high"}, "low")));
}
