// The one list of ops nnc knows. Adding an op: its file, and one line in each list below.
#include "ops/op.h"

namespace nnc {

extern const OpDef conv2d_op, maxpool2d_op, avgpool2d_op, adaptive_avgpool2d_op, batchnorm2d_op, linear_op,
    flatten_op, relu_op, sigmoid_op, tanh_op, silu_op, leaky_relu_op, gelu_op, softmax_op, dropout_op, add_op,
    concat_op;

const std::vector<const OpDef*>& all_ops() {
  static const std::vector<const OpDef*> ops = {
      &conv2d_op,  &maxpool2d_op, &avgpool2d_op, &adaptive_avgpool2d_op, &batchnorm2d_op, &linear_op,
      &flatten_op, &relu_op,      &sigmoid_op,   &tanh_op,               &silu_op,        &leaky_relu_op,
      &gelu_op,    &softmax_op,   &dropout_op,   &add_op,                &concat_op,
  };
  return ops;
}

const OpDef* find_op(std::string_view name) {
  for (const OpDef* op : all_ops())
    if (op->name == name) return op;
  return nullptr;
}

std::vector<std::string> op_names() {
  std::vector<std::string> names;
  for (const OpDef* op : all_ops()) names.push_back(op->name);
  return names;
}

}  // namespace nnc
