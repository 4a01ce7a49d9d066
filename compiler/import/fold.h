#pragma once
// Constant folding: the shape arithmetic exporters write (Shape -> Gather -> Unsqueeze -> Concat -> Reshape, Cast,
// ConstantOfShape, ...) evaluated at import, since every shape is static.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "import/constant.h"

namespace nnc::onnx_import {

using ShapeMap = std::map<std::string, std::vector<int64_t>>;

// The node's outputs when it can be computed now: every input it reads is in `constants` (for Shape: its input's
// shape is in `shapes`) and it is an op folding knows; nullopt otherwise; an error for a malformed constant op.
std::optional<Result<std::vector<Constant>>> fold_node(const onnx::NodeProto& node, const std::map<std::string, Constant>& constants,
                                                      const ShapeMap& shapes);

// NumPy broadcasting of two shapes; nullopt when they do not broadcast.
std::optional<std::vector<int64_t>> broadcast_shape(const std::vector<int64_t>& a, const std::vector<int64_t>& b);

// An axis in [-rank, rank) made non-negative; nullopt when out of range.
std::optional<int64_t> normalize_axis(int64_t axis, int64_t rank);

}  // namespace nnc::onnx_import
