#pragma once
// Reading a NodeProto's attributes with ONNX's defaults, and the label a message gives the node.
#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace nnc::onnx_import {

const onnx::AttributeProto* find_attr(const onnx::NodeProto& node, const std::string& name);
int64_t attr_int(const onnx::NodeProto& node, const std::string& name, int64_t fallback);
float attr_float(const onnx::NodeProto& node, const std::string& name, float fallback);
std::string attr_string(const onnx::NodeProto& node, const std::string& name, const std::string& fallback);
std::vector<int64_t> attr_ints(const onnx::NodeProto& node, const std::string& name, std::vector<int64_t> fallback = {});

// The node's name, or its first output when it has no name (exporters often leave names empty).
std::string node_label(const onnx::NodeProto& node);

}  // namespace nnc::onnx_import
