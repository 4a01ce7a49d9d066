#pragma once
// Reading a NodeProto's attributes with ONNX's defaults.
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

}  // namespace nnc::onnx_import
