// The middle of the pipeline on small models: the schedule (which layers fuse), the memory plan
// (offsets, reuse, alignment) and the lowered kernels' structure.
#include <catch2/catch.hpp>

#include <sstream>

#include "codegen/cpp/code_printer.h"
#include "lower/lower.h"
#include "lower/memory_plan.h"
#include "lower/schedule.h"
#include "model_helpers.h"
#include "ops/registry.h"
#include "pipeline/compile_model.h"

using namespace nnc;
using nnc::testing::check_yaml;
using nnc::testing::model;

namespace {

LoadedModel valid_model(const std::string& shape, const std::string& layers) {
  LoadedModel m = check_yaml(model(shape, layers));
  REQUIRE_FALSE(m.diags.has_errors());
  return m;
}

std::string loops(const Graph& graph) {
  std::ostringstream out;
  codegen::CodePrinter(out).print_module(compile_model(graph, {}).module);
  return out.str();
}

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("elementwise layers fuse into their producer", "[schedule]") {
  LoadedModel m = valid_model("[1, 3, 8, 8]",
                          "  - {op: conv2d, out_channels: 4, kernel_size: 3, padding: 1}\n"
                          "  - {op: batchnorm2d}\n"
                          "  - {op: relu}\n"
                          "  - {op: maxpool2d, kernel_size: 2}\n"
                          "  - {op: sigmoid}\n");
  std::vector<Step> steps = schedule_graph(m.graph, lowering_of);
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].producer == 0);
  CHECK(steps[0].epilogues == std::vector<int>{1, 2});
  CHECK(steps[1].producer == 3);
  CHECK(steps[1].epilogues == std::vector<int>{4});
}

TEST_CASE("a tensor read twice is not fused away", "[schedule]") {
  LoadedModel m = valid_model("[1, 4]",
                          "  - {op: relu, name: a}\n"
                          "  - {op: sigmoid, name: b, input: a}\n"
                          "  - {op: tanh, name: c, input: a}\n"
                          "  - {op: add, inputs: [b, c]}\n");
  std::vector<Step> steps = schedule_graph(m.graph, lowering_of);
  // `a` has two readers, so it is stored and b and c each run as a kernel of their own; the add
  // fuses into c's kernel, which runs after b's.
  REQUIRE(steps.size() == 3);
  CHECK(steps[0].layers() == std::vector<int>{0});
  CHECK(steps[1].layers() == std::vector<int>{1});
  CHECK(steps[2].layers() == std::vector<int>{2, 3});
}

TEST_CASE("a broadcasting op fuses only into the producer of its full-size input", "[schedule]") {
  LoadedModel m = valid_model("[1, 4, 6, 6]",
                              "  - {op: adaptive_avgpool2d, name: pool, output_size: 1}\n"
                              "  - {op: sigmoid, name: gate}\n"
                              "  - {op: adaptive_avgpool2d, name: small, input: input, output_size: 1}\n"
                              "  - {op: conv2d, name: features, input: input, out_channels: 4, kernel_size: 1}\n"
                              "  - {op: mul, name: se, inputs: [gate, features]}\n"
                              "  - {op: sub, inputs: [small, se]}\n");
  std::vector<Step> steps = schedule_graph(m.graph, lowering_of);
  // The [1, 4, 1, 1] gate and `small` are each their reader's only use, but a kernel over four
  // elements cannot compute a [1, 4, 6, 6] result: the mul and the sub join the conv's kernel.
  REQUIRE(steps.size() == 3);
  CHECK(steps[0].layers() == std::vector<int>{0, 1});
  CHECK(steps[1].layers() == std::vector<int>{2});
  CHECK(steps[2].layers() == std::vector<int>{3, 4, 5});
  CHECK(steps[2].chain_input == std::vector<size_t>{1, 1});
}

TEST_CASE("a long chain is split into kernels of bounded length", "[schedule]") {
  std::string layers;
  for (int i = 0; i < 200; ++i) layers += "  - {op: relu}\n";
  LoadedModel m = valid_model("[1, 4]", layers);
  std::vector<Step> steps = schedule_graph(m.graph, lowering_of);
  CHECK(steps.size() == 4);  // 1 + 64 layers per kernel: 65 + 65 + 65 + 5
  for (const Step& s : steps) CHECK(s.epilogues.size() <= 64);
}

TEST_CASE("layers the output does not depend on are not scheduled", "[schedule]") {
  LoadedModel m = valid_model("[1, 4]",
                          "  - {op: relu, name: a}\n"
                          "  - {op: sigmoid, name: unused}\n"
                          "  - {op: tanh, input: a}\n");
  for (const Step& s : schedule_graph(m.graph, lowering_of))
    for (int l : s.layers()) CHECK(l != 1);
}

TEST_CASE("the memory plan reuses dead tensors and aligns every offset", "[memory]") {
  LoadedModel m = valid_model("[1, 1, 16, 16]",
                          "  - {op: conv2d, out_channels: 8, kernel_size: 3}\n"
                          "  - {op: maxpool2d, kernel_size: 2}\n"
                          "  - {op: conv2d, out_channels: 8, kernel_size: 3}\n"
                          "  - {op: maxpool2d, kernel_size: 2}\n"
                          "  - {op: flatten}\n"
                          "  - {op: linear, out_features: 3}\n");
  ModelPlan plan = plan_model(m.graph, lowering_of);
  const MemoryPlan& mem = plan.memory;
  int64_t largest_pair = 0;
  for (size_t s = 0; s < plan.steps.size(); ++s) {
    const TensorSlot& out = mem.outputs[plan.steps[s].output()];
    if (out.home != TensorHome::Arena) continue;
    CHECK(out.offset % kTensorAlignFloats == 0);
    CHECK(out.offset + out.size <= mem.arena);
    if (s > 0) {
      const TensorSlot& in = mem.outputs[plan.steps[s - 1].output()];
      // A step's input and output are live together: they never overlap.
      if (in.home == TensorHome::Arena)
        CHECK((out.offset >= in.offset + in.size || in.offset >= out.offset + out.size));
      largest_pair = std::max(largest_pair, in.size + out.size);
    }
  }
  CHECK(mem.outputs[5].home == TensorHome::ModelOutput);
  // 8x14x14 + 8x7x7 floats live at once at most (conv 1's output while the pool reads it), so
  // reuse keeps the arena far below the sum of all activations.
  CHECK(mem.arena < 8 * 14 * 14 + 8 * 7 * 7 + 8 * 5 * 5 + 8 * 2 * 2 + 64);
}

TEST_CASE("parameters are laid out once, aligned, under their weights keys", "[memory]") {
  LoadedModel m = valid_model("[1, 3, 8, 8]",
                          "  - {op: conv2d, name: c, out_channels: 5, kernel_size: 3}\n"
                          "  - {op: batchnorm2d, name: bn}\n");
  ParamLayout layout = layout_params(m.graph, lowering_of);
  REQUIRE(layout.find("c.weight"));
  REQUIRE(layout.find("bn.running_var"));
  CHECK(layout.find("c.weight")->size == 5 * 3 * 3 * 3);
  CHECK(layout.find("nowhere") == nullptr);
  for (const ParamSlot& s : layout.slots) CHECK(s.offset % kTensorAlignFloats == 0);
  CHECK(layout.slots.size() == 6);
}

TEST_CASE("weights read as vectors of outputs are packed by 16 rows, the last block padded with zeros", "[memory]") {
  LoadedModel m = valid_model("[1, 40, 8, 8]",
                              "  - {op: conv2d, name: c, out_channels: 32, kernel_size: 3}\n"
                              "  - {op: flatten, name: f}\n"
                              "  - {op: linear, name: l, out_features: 48}\n"
                              "  - {op: linear, name: head, out_features: 10}\n");
  ParamLayout layout = layout_params(m.graph, lowering_of);
  CHECK(layout.find("c.weight")->row_block == 16);
  CHECK(layout.find("c.bias")->row_block == 0);
  CHECK(layout.find("l.weight")->row_block == 16);
  CHECK(layout.find("head.weight")->row_block == 0);  // 10 outputs fill no vector

  CHECK(packed_size({20, 3}, 16) == 32 * 3);
  CHECK(packed_size({20, 3}, 0) == 20 * 3);
  std::vector<float> matrix(20 * 3), packed(32 * 3, -1.0f);
  for (size_t i = 0; i < matrix.size(); ++i) matrix[i] = static_cast<float>(i);
  pack_rows(matrix.data(), 20, 3, 16, packed.data());
  CHECK(packed[(0 * 3 + 2) * 16 + 5] == matrix[5 * 3 + 2]);   // row 5, column 2
  CHECK(packed[(1 * 3 + 1) * 16 + 3] == matrix[19 * 3 + 1]);  // row 19, column 1
  CHECK(packed[(1 * 3 + 1) * 16 + 4] == 0.0f);                // row 20 does not exist
}

TEST_CASE("a fused chain binds each value once", "[lower]") {
  LoadedModel m = valid_model("[1, 4]", "  - {op: relu}\n  - {op: relu}\n  - {op: relu}\n  - {op: leaky_relu}\n");
  std::string text = loops(m.graph);
  CHECK(occurrences(text, "x[i]") == 2);
  CHECK(occurrences(text, "const float e") == 3);
}

TEST_CASE("a broadcast input is read at the index of the dims it has; equal shapes at the same index", "[lower]") {
  LoadedModel m = valid_model("[1, 4, 6, 6]",
                              "  - {op: relu, name: r}\n"
                              "  - {op: adaptive_avgpool2d, name: pool, output_size: 1}\n"
                              "  - {op: adaptive_avgpool2d, name: rows, input: r, output_size: [1, 6]}\n"
                              "  - {op: mul, name: gate, inputs: [r, pool]}\n"
                              "  - {op: div, name: ratio, inputs: [rows, gate]}\n"
                              "  - {op: add, inputs: [ratio, r]}\n");
  std::string text = loops(m.graph);
  const std::string i = "ramp<16>((v * 16), 1)";
  // pool [1, 4, 1, 1] has c (n is 1): i / 36.
  CHECK(occurrences(text, "x1[nnc_floor_div(" + i + ", broadcast<16>(36))]") == 1);
  // rows [1, 4, 1, 6] has w and c: i % 6 + i / 36 * 6.
  CHECK(occurrences(text, "ratio_x0[(nnc_floor_mod(" + i + ", broadcast<16>(6)) + (nnc_floor_div(" + i +
                              ", broadcast<16>(36)) * broadcast<16>(6)))]") == 1);
  // r has the result's shape: i itself.
  CHECK(occurrences(text, "l5_x1[" + i + "]") == 1);
}

TEST_CASE("an add of many inputs keeps its expression shallow", "[lower]") {
  std::string inputs = "r";
  for (int i = 1; i < 40; ++i) inputs += ", r";
  LoadedModel m = valid_model("[1, 4]", "  - {op: relu, name: r}\n  - {op: add, inputs: [" + inputs + "]}\n");
  std::string text = loops(m.graph);
  CHECK(occurrences(text, "const float sum") == 2);  // partial sums after 16 and 32 terms
}

TEST_CASE("identical kernels are compiled once and called from every step", "[schedule]") {
  LoadedModel m = valid_model("[1, 8, 6, 6]",
                              "  - {op: conv2d, out_channels: 8, kernel_size: 3, padding: 1}\n"
                              "  - {op: batchnorm2d, name: bn1}\n"
                              "  - {op: conv2d, out_channels: 8, kernel_size: 3, padding: 1}\n"
                              "  - {op: batchnorm2d, name: bn2}\n"
                              "  - {op: conv2d, out_channels: 8, kernel_size: 3, padding: 1}\n"
                              "  - {op: batchnorm2d, name: bn3}\n"
                              "  - {op: conv2d, out_channels: 8, kernel_size: 3, padding: 1}\n"
                              "  - {op: sigmoid}\n");
  ir::Module module = compile_model(m.graph, {}).module;
  REQUIRE(module.entry.size() == 4);
  // The second and third read and write the arena, with their own parameters; the first reads the
  // model's input, of unknown alignment, and the last applies a sigmoid.
  CHECK(module.functions.size() == 3);
  CHECK(module.entry[1].function == module.entry[2].function);
  CHECK(module.entry[0].function != module.entry[1].function);
  CHECK(module.entry[3].function != module.entry[1].function);
  CHECK(module.entry[1].args[2]->offset != module.entry[2].args[2]->offset);
}
