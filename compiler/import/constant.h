#pragma once
// A constant tensor of an ONNX graph (an initializer, a Constant node, or a value folded at import): floats or
// integers, with its shape.
#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "nnc/result.h"

namespace nnc::onnx_import {

int64_t saturated_int(double v);

struct Constant {
  std::vector<int64_t> shape;
  bool is_float = true;
  std::vector<double> floats;   // when is_float
  std::vector<int64_t> ints;    // otherwise (also booleans)

  int64_t numel() const;
  double at(int64_t i) const { return is_float ? floats[static_cast<size_t>(i)] : static_cast<double>(ints[static_cast<size_t>(i)]); }
  // A float is truncated toward zero, saturated to int64's range, NaN read as 0: a graph that hands floats to an
  // integer input is malformed, but must not make the conversion undefined.
  int64_t int_at(int64_t i) const { return is_float ? saturated_int(floats[static_cast<size_t>(i)]) : ints[static_cast<size_t>(i)]; }
  std::vector<int64_t> as_ints() const;
  std::vector<float> as_floats() const;
};

Constant int_constant(std::vector<int64_t> shape, std::vector<int64_t> values);
Constant float_constant(std::vector<int64_t> shape, std::vector<double> values);

// The values of a TensorProto; an error for external data and element types nnc cannot hold.
Result<Constant> constant_from_proto(const onnx::TensorProto& tensor);
// As an initializer of that name (FLOAT or INT64), for ONNX's shape inference to read.
onnx::TensorProto constant_to_proto(const Constant& c, const std::string& name);

}  // namespace nnc::onnx_import
