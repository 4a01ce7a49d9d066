#pragma once
// The nnc model an import produces: layers with YAML attribute values, and its YAML text.
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace nnc::onnx_import {

struct Layer {
  std::string name, op;
  std::vector<std::string> inputs;  // one: `input:` (left out when it is the previous layer); a list: `inputs:`
  bool inputs_list = false;
  std::vector<std::pair<std::string, std::string>> attrs;  // key, value as YAML text
};

// Layer names from ONNX names: `/layer1/layer1.0/Conv` becomes `layer1.0.Conv`, anything but letters, digits, `_`, `-` and
// `.` becomes `_`, and a name already taken gets `_2`, `_3`, ...: the same model gives the same names every run.
class LayerNames {
 public:
  explicit LayerNames(std::string input) { used_.insert(std::move(input)); }
  std::string make(const std::string& wanted);

 private:
  std::set<std::string> used_;
};

std::string yaml_string(const std::string& s);
std::string yaml_float(float v);
std::string yaml_ints(const std::vector<int64_t>& v);

struct ModelText {
  std::string origin;  // the ONNX file, for the first comment
  std::string input_name;
  std::vector<int64_t> input_shape;
  std::string weights_file;  // relative to the YAML file
  std::string output;        // the output layer
};

std::string model_yaml(const ModelText& model, const std::vector<Layer>& layers);

}  // namespace nnc::onnx_import
