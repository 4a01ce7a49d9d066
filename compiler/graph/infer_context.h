#pragma once
// What shape inference hands an op's shape rule, and what the rule fills in.
#include <string>
#include <vector>

#include "graph/graph.h"

namespace nnc {

// "1, 2, 3, 4, 6, 12": the divisors of n (the first eight, then "..."), for a help line.
std::string divisors_text(int64_t n);

class InferContext {
 public:
  InferContext(const Layer& layer, std::vector<const Shape*> inputs, DiagnosticEngine& diags)
      : layer_(layer), inputs_(std::move(inputs)), diags_(diags) {}

  const Layer& layer() const { return layer_; }
  // The op's own attribute struct.
  template <typename T>
  const T& attrs() const {
    return attrs_of<T>(layer_);
  }
  size_t input_count() const { return inputs_.size(); }
  const Shape& input(size_t i = 0) const { return *inputs_[i]; }
  const std::string& input_name(size_t i = 0) const { return layer_.inputs[i].name; }
  // "conv2d 'conv1'": how messages name the layer.
  std::string what() const;

  // Reports and returns false. `loc` defaults to the layer's `op:` line.
  bool error(ErrorCode code, std::string message, std::string help = "", SourceLoc loc = {});
  void warning(WarningCode code, std::string message, std::string help = "", SourceLoc loc = {});

  // Checks the input rank; `layout` names the dimensions, e.g. "[N, C, H, W]".
  bool expect_rank(size_t rank, const char* layout);
  // A dimension index as PyTorch takes it (negative counts from the end) from `attr`; false if out of range.
  bool normalise_dim(const Attr<int64_t>& attr, int64_t rank, int64_t& dim);
  // Compares an optional given size (in_channels, ...) with the inferred one. A mismatch is an
  // error, but the output shape does not depend on the given size, so callers carry on.
  bool check_given(const Attr<int64_t>& attr, int64_t inferred, const std::string& what_it_is);

  // Results.
  Shape output;
  std::vector<ParamSpec> params;
  int64_t macs = 0;
  std::vector<std::string> formulas;

 private:
  const Layer& layer_;
  std::vector<const Shape*> inputs_;
  DiagnosticEngine& diags_;
};

}  // namespace nnc
