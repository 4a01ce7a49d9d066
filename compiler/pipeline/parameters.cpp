#include "pipeline/parameters.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "nnc/init.h"

namespace nnc {

Result<ParameterSet> load_parameters(const Graph& graph, const SafetensorsFile& file, std::vector<std::string>& warnings) {
  const std::string& path = file.name();
  ParameterSet params;
  std::vector<std::string> problems;
  for (const Layer& layer : graph.layers) {
    for (const ParamSpec& p : layer.params) {
      const std::string key = weights_key(layer, p);
      auto entry = file.entries().find(key);
      if (entry == file.entries().end()) {
        problems.push_back(fmt::format("'{}' is missing (expected shape {})", key, to_string(p.shape)));
        continue;
      }
      if (entry->second.shape != p.shape || entry->second.dtype != "F32") {
        problems.push_back(fmt::format("'{}' has shape {} and dtype {}, but {} layer '{}' needs shape {} and dtype F32", key,
                                       to_string(entry->second.shape), entry->second.dtype, layer.op, layer.name, to_string(p.shape)));
        continue;
      }
      auto tensor = file.tensor(key);
      if (!tensor) {
        problems.push_back(tensor.error().message);
        continue;
      }
      params.emplace(key, std::move(*tensor));
    }
  }
  if (!problems.empty()) {
    std::string message = fmt::format("{}: {} problem{} with the weights:", path, problems.size(), problems.size() == 1 ? "" : "s");
    for (const std::string& p : problems) message += "\n  " + p;
    return Error{message};
  }
  for (const auto& [key, entry] : file.entries())
    if (!params.count(key)) warnings.push_back(fmt::format("{}: '{}' is not used by the model", path, key));
  return params;
}

ParameterSet init_parameters(const Graph& graph, uint64_t seed) {
  ParameterSet params;
  for (const Layer& layer : graph.layers) {
    // PyTorch draws a weight with its own fan_in and a bias with the fan_in of its layer's weight.
    int64_t weight_fan_in = 0;
    for (const ParamSpec& p : layer.params)
      if (p.key == "weight" && p.shape.size() >= 2) weight_fan_in = fan_in(p.shape);
    for (const ParamSpec& p : layer.params) {
      const std::string key = weights_key(layer, p);
      Tensor t(p.shape);
      if (p.fill) {
        fill(t, *p.fill);
      } else if (p.init == ParamInit::Normal) {
        init_normal(t, seed, key);
      } else if (p.init == ParamInit::XavierUniform) {
        init_xavier_uniform(t, seed, key);
      } else {
        init_uniform_fan_in(t, p.shape.size() >= 2 ? fan_in(p.shape) : weight_fan_in, seed, key);
      }
      params.emplace(key, std::move(t));
    }
  }
  return params;
}

Tensor pack_parameters(const ParamLayout& layout, const ParameterSet& params) {
  Tensor block(Shape{std::max<int64_t>(layout.total, 1)});
  for (const ParamSlot& slot : layout.slots) {
    const Tensor& t = params.at(slot.key);
    if (slot.row_block > 0) {
      const int64_t rows = slot.shape[0];
      pack_rows(t.data(), rows, t.numel() / rows, slot.row_block, block.data() + slot.offset);
    } else {
      std::memcpy(block.data() + slot.offset, t.data(), static_cast<size_t>(slot.size) * sizeof(float));
    }
  }
  return block;
}

Tensor random_input(const Shape& shape, uint64_t seed) {
  Tensor t(shape);
  Pcg32 rng = stream_for(seed, "input");
  fill_uniform(t, 1.0, rng);
  return t;
}

}  // namespace nnc
