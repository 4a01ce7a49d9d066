#pragma once
// An ONNX file read with libonnx: parsed, checked (onnx::checker), given the static input shape, shape-inferred
// (onnx::shape_inference) and constant-folded, ready for conversion.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "import/constant.h"
#include "import/fold.h"
#include "import/onnx_import.h"

namespace nnc::onnx_import {

struct OnnxModel {
  std::unique_ptr<onnx::ModelProto> proto;
  int64_t opset = 0;                            // of the default domain
  std::string input;                            // the graph's one input that is not an initializer
  std::string output;                           // the graph's one output
  std::map<std::string, Constant> constants;    // initializers, Constant nodes and folded values
  ShapeMap shapes;                              // every tensor whose shape is fully known
  std::vector<const onnx::NodeProto*> nodes;    // in graph order, without the folded ones
};

// The file parsed as a ModelProto with a graph, or `outcome` filled with the status and the error.
std::unique_ptr<onnx::ModelProto> parse_onnx(const std::string& path, ImportOutcome& outcome);
// The same for a file's bytes; `name` is the file in messages.
std::unique_ptr<onnx::ModelProto> parse_onnx_bytes(const std::string& bytes, const std::string& name, ImportOutcome& outcome);
// The parsed model checked, shaped and folded, or `outcome` filled with the status and every error.
std::unique_ptr<OnnxModel> prepare_onnx(std::unique_ptr<onnx::ModelProto> proto, const ImportRequest& request, ImportOutcome& outcome);

}  // namespace nnc::onnx_import
