#pragma once
// What an op's reference implementation sees, and how the executor finds it: each op supplies
// one (ops/op.h), reached through a ReferenceLookup so that nothing here knows the ops.
#include <functional>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "nnc/tensor.h"

namespace nnc {

// The layer, its input tensors and its parameters.
struct ReferenceContext {
  const Layer& layer;
  std::vector<const Tensor*> inputs;
  std::vector<const Tensor*> params;  // in the order of layer.params

  // The op's own attribute struct.
  template <typename T>
  const T& attrs() const {
    return attrs_of<T>(layer);
  }
  const Tensor& input(size_t i = 0) const { return *inputs[i]; }
  const Tensor* param(const std::string& key) const;
};

// The runtime's naive kernel applied to one layer: the oracle the compiled code is checked against.
using ReferenceKernel = Tensor (*)(const ReferenceContext&);

// The reference kernel of a layer's op.
using ReferenceLookup = std::function<ReferenceKernel(const Layer&)>;

}  // namespace nnc
