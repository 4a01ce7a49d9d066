#pragma once
// The YAML model that puts one case of the shape table to nnc.
//
// An op that reads one input gets the case's input shape as the model input and is the model's
// only layer. The ops reading `inputs:` (add, concat, matmul, multihead_attention given several)
// need several inputs of chosen shapes, and a model has one input, so each of their inputs is
// built from a model input of shape [1, 2, 4, 4] by ops whose shapes are not in question here:
//
//   conv2d (kernel_size 1, out_channels a) -> [1, a, 4, 4]
//   adaptive_avgpool2d [b, c]              -> [1, a, b, c]     a rank-4 input [1, a, b, c]
//   flatten start_dim 0, end_dim 1         -> [a, b, c]        a rank-3 input
//   (or output_size [1, c], flatten 0..2)  -> [a, c]           a rank-2 input
//   (or a = 1, output_size [1, c], 0..3)   -> [c]              a rank-1 input
//
// So rank-4 built inputs must have a batch of 1; ranks 1 to 3 take any sizes. The test checks
// each built input's shape before it looks at the op under test. An op that reads nothing
// (parameter) is the only layer of a model whose input it leaves unread.
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "nnc/shape.h"

namespace nnc_shapes {

inline constexpr const char* kLayerUnderTest = "case";

struct CaseModel {
  std::string yaml;
  std::vector<std::pair<std::string, nnc::Shape>> built_inputs;  // layer name, the shape it must have
};

// Throws std::invalid_argument for an input the scheme above cannot build.
CaseModel case_model(const nlohmann::ordered_json& table_case);

// An attribute value as a model file writes it: 3, [3, 2], null, same, true, 0.001.
std::string yaml_value(const nlohmann::ordered_json& value);

}  // namespace nnc_shapes
