#pragma once
// Every diagnostic code nnc reports, declared once: its name (short and stable: scripts and CI
// annotations match on it), its severity and what it means. `nnc codes` prints the table and the
// docs embed it; a code written as a literal at a call site is checked against it when compiling.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "support/internal_error.h"

namespace nnc {

enum class Severity { Error, Warning };

struct DiagCodeInfo {
  std::string_view name;
  Severity severity;
  std::string_view meaning;  // one line, for `nnc codes` and the docs
};

inline constexpr auto kDiagCodes = std::to_array<DiagCodeInfo>({
    // Reading the file as YAML.
    {"io-error", Severity::Error, "the model file cannot be read"},
    {"empty-file", Severity::Error, "the file holds no model, only blank lines or comments"},
    {"yaml-syntax", Severity::Error, "the file is not valid YAML (a quoted string left open included)"},
    {"nesting-too-deep", Severity::Error, "brackets or indentation nest deeper than the YAML reader can follow"},
    {"multiple-documents", Severity::Error, "a second YAML document follows the first"},
    {"recursive-alias", Severity::Error, "an alias refers to the node that contains it"},
    {"alias-expansion", Severity::Error, "through aliases of large nodes, the file expands to far more than it holds"},
    {"duplicate-key", Severity::Error, "a key is given twice in one mapping"},
    // The model's structure.
    {"not-a-mapping", Severity::Error, "the file, or a layer, is not a mapping"},
    {"unknown-key", Severity::Error, "a key nnc does not know: a misspelt attribute, or a merge key"},
    {"missing-key", Severity::Error, "a required key is missing: input, its shape, layers, a layer's op or a required attribute"},
    {"wrong-type", Severity::Error, "a value of the wrong type, such as a string where an integer belongs"},
    {"bad-value", Severity::Error, "a value of the right type outside what it may be, such as a size below 1"},
    {"empty-layers", Severity::Error, "`layers:` is an empty list"},
    {"unknown-op", Severity::Error, "`op:` names no op nnc has"},
    {"duplicate-name", Severity::Error, "two layers, or a layer and the model input, have the same name"},
    {"unknown-layer", Severity::Error, "`input:` or `inputs:` names neither a layer nor the model input"},
    {"later-layer", Severity::Error, "a layer reads a layer defined after it"},
    {"self-reference", Severity::Error, "a layer reads its own output"},
    // Blocks and arguments.
    {"unknown-block", Severity::Error, "a layer's `block:` names no block of the model's `blocks:`"},
    {"unknown-arg", Severity::Error, "an argument the block or the model does not declare: an instance's key, a `$name` or a `--set`"},
    {"missing-arg", Severity::Error, "a required argument (declared with null) is not given: by the instance, or by `--set` for the model"},
    {"bad-expression", Severity::Error, "a `${...}` expression is malformed, or computes with what is not an integer"},
    {"division-by-zero", Severity::Error, "a `${...}` expression divides by zero"},
    {"block-recursion", Severity::Error, "a block uses itself, directly or through other blocks"},
    {"block-nesting-too-deep", Severity::Error, "block instances nest more than 64 deep"},
    {"input-outside-block", Severity::Error, "`$input` is written in a layer that is not in a block"},
    // Limits.
    {"too-many-layers", Severity::Error, "the model has more than 100,000 layers, written or made by block instances"},
    {"too-many-inputs", Severity::Error, "an add or concat joins more than 256 tensors"},
    {"size-overflow", Severity::Error, "a tensor has more than 2^56 elements, or a size or count overflows 64-bit integers"},
    {"model-too-large", Severity::Error, "the model's parameters and layer outputs take more than 1 TiB"},
    // Shapes, with PyTorch's rules.
    {"rank-mismatch", Severity::Error, "a layer's input has the wrong number of dimensions"},
    {"in-channels-mismatch", Severity::Error, "conv2d's or conv_transpose2d's in_channels differs from its input's channels"},
    {"num-features-mismatch", Severity::Error, "batchnorm2d's or instancenorm2d's num_features differs from its input's channels"},
    {"in-features-mismatch", Severity::Error, "linear's in_features differs from its input's features"},
    {"groups-mismatch", Severity::Error, "conv2d's or conv_transpose2d's groups does not divide its input's channels and out_channels"},
    {"same-padding-stride", Severity::Error, "`padding: same` with a stride other than 1"},
    {"pool-padding-too-large", Severity::Error, "a pool's padding is more than half its kernel size"},
    {"reflect-padding-too-large", Severity::Error, "reflect padding is not smaller than the size of the dim it pads"},
    {"circular-padding-too-large", Severity::Error, "circular padding would wrap around the dim it pads more than once"},
    {"output-padding-too-large", Severity::Error, "conv_transpose2d's output_padding is not smaller than its stride or its dilation"},
    {"output-too-small", Severity::Error, "a layer's padding or scale leaves an output dimension with no elements"},
    {"pad-length", Severity::Error, "pad has an odd number of entries, or more pairs than its input has dims"},
    {"attr-not-applicable", Severity::Error, "an attribute the layer's mode does not take: pad's value with an edge mode, upsample's align_corners with nearest"},
    {"upsample-size", Severity::Error, "an upsample has both or neither of size and scale_factor"},
    {"kernel-too-large", Severity::Error, "the window is larger than the padded input, so the output would be empty"},
    {"shape-mismatch", Severity::Error, "the inputs of an add, sub, mul or div, or the batch dims of a matmul's, do not broadcast"},
    {"concat-mismatch", Severity::Error, "the inputs of a concat differ in rank or in a dimension other than dim"},
    {"bad-dim", Severity::Error, "a dimension index is out of range or given twice, or flatten's start_dim comes after end_dim"},
    {"num-parameters-mismatch", Severity::Error, "prelu's num_parameters is neither 1 nor its input's channels"},
    {"normalized-shape-mismatch", Severity::Error, "layernorm's normalized_shape is not the last dims of its input"},
    {"num-groups-mismatch", Severity::Error, "groupnorm's num_groups does not divide its input's channels"},
    {"num-channels-mismatch", Severity::Error, "groupnorm's num_channels differs from its input's channels"},
    {"single-value-norm", Severity::Error, "a groupnorm or instancenorm2d would take its statistics from single values"},
    {"inner-dim-mismatch", Severity::Error, "matmul's inputs differ in the dim they are multiplied along"},
    {"embed-dim-mismatch", Severity::Error, "multihead_attention's embed_dim differs from its query's last dim"},
    {"num-heads-mismatch", Severity::Error, "multihead_attention's num_heads does not divide embed_dim"},
    {"attention-mismatch", Severity::Error, "multihead_attention's query, key and value disagree in batch, length or embed_dim"},
    {"element-count-mismatch", Severity::Error, "a reshape's shape holds another number of elements than its input"},
    {"bad-permutation", Severity::Error, "permute's dims are not a permutation of its input's dims"},
    {"index-out-of-range", Severity::Error, "select's index is outside its input's dim"},
    {"empty-slice", Severity::Error, "a slice selects no elements (nnc tensors are never empty)"},
    {"shuffle-channels-mismatch", Severity::Error, "channel_shuffle's groups, or pixel_shuffle's upscale_factor squared, does not divide the channels"},
    // Allowed, but probably not meant.
    {"inexact-window", Severity::Warning, "a window op never reads the last rows or columns of its input"},
    {"unused-layer", Severity::Warning, "a layer does not contribute to the model's output"},
    {"squeeze-not-one", Severity::Warning, "a squeeze of a dim whose size is not 1, which does nothing"},
});

// Where `name` is in kDiagCodes, or kDiagCodes.size() when it is not there.
constexpr size_t diag_code_index(std::string_view name) {
  size_t i = 0;
  while (i < kDiagCodes.size() && kDiagCodes[i].name != name) ++i;
  return i;
}

namespace diag_code_check {
// Deliberately not constexpr: reaching one while a literal code is checked makes the call site fail to
// compile, with the reason in the function's name.
void code_not_declared_in_kDiagCodes();
void code_declared_with_the_other_severity();
}  // namespace diag_code_check

// A code from kDiagCodes with severity S. `diags.error("groups-mismatch", ...)` compiles only if
// "groups-mismatch" is declared there as an error.
template <Severity S>
class DiagCode {
 public:
  consteval DiagCode(const char* name) : index_(diag_code_index(name)) {  // NOLINT: implicit, for literals
    if (index_ == kDiagCodes.size()) diag_code_check::code_not_declared_in_kDiagCodes();
    if (kDiagCodes[index_].severity != S) diag_code_check::code_declared_with_the_other_severity();
  }

  // A code built at run time: one not declared with severity S is a bug in nnc.
  static DiagCode named(std::string_view name) {
    const size_t index = diag_code_index(name);
    if (index == kDiagCodes.size() || kDiagCodes[index].severity != S)
      internal_error("diagnostic code '" + std::string(name) + "' is not declared in kDiagCodes with this severity");
    return DiagCode(index);
  }

  const DiagCodeInfo& info() const { return kDiagCodes[index_]; }
  std::string_view name() const { return info().name; }

 private:
  explicit DiagCode(size_t index) : index_(index) {}

  size_t index_;
};

using ErrorCode = DiagCode<Severity::Error>;
using WarningCode = DiagCode<Severity::Warning>;

}  // namespace nnc
