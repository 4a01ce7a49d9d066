// Runs reference kernels on .npy files for check_kernels_against_torch.py.
//
//   ref_kernel_tool MANIFEST.json
//
// MANIFEST: {"cases": [{"id": "conv2d-7", "op": "conv2d", "inputs": ["x.npy"], "params": {"weight": "w.npy"},
//                       "attrs": {"stride": [1, 2], "padding": "same", ...}, "output": "y.npy"}, ...]}
// Attributes are the model format's (a pool's "output" is its output size, which the caller works out). Prints
// "ok ID" or "error ID: MESSAGE" per case; exits 2 when the manifest cannot be read.
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nnc/file_io.h"
#include "nnc/npy.h"
#include "nnc/reference.h"

namespace {

using json = nlohmann::json;
using nnc::Tensor;
namespace ref = nnc::ref;

Tensor load(const std::string& path) {
  auto t = nnc::read_npy(path);
  if (!t) throw std::runtime_error(t.error().message);
  return std::move(*t);
}

ref::Pair pair(const json& attrs, const char* key, int64_t fallback) {
  if (!attrs.contains(key)) return {fallback, fallback};
  const json& v = attrs.at(key);
  if (v.is_array()) return {v.at(0).get<int64_t>(), v.at(1).get<int64_t>()};
  return {v.get<int64_t>(), v.get<int64_t>()};
}

ref::PaddingMode padding_mode(const std::string& name) {
  static const std::map<std::string, ref::PaddingMode> modes = {{"zeros", ref::PaddingMode::zeros},
                                                                {"reflect", ref::PaddingMode::reflect},
                                                                {"replicate", ref::PaddingMode::replicate},
                                                                {"circular", ref::PaddingMode::circular}};
  return modes.at(name);
}

Tensor conv2d(const std::vector<Tensor>& in, const std::map<std::string, Tensor>& params, const json& a) {
  const Tensor& weight = params.at("weight");
  ref::Conv2dParams p{.stride = pair(a, "stride", 1), .dilation = pair(a, "dilation", 1),
                      .groups = a.value("groups", int64_t{1}), .padding_mode = padding_mode(a.value("padding_mode", "zeros"))};
  const json padding = a.value("padding", json(0));
  if (padding == "same") {
    for (int axis = 0; axis < 2; ++axis) {
      const int64_t total = p.dilation[axis] * (weight.dim(2 + axis) - 1);
      p.pad_lo[axis] = total / 2;
      p.pad_hi[axis] = total - total / 2;
    }
  } else if (padding != "valid") {
    p.pad_lo = p.pad_hi = pair(a, "padding", 0);
  }
  auto bias = params.find("bias");
  return ref::conv2d(in.at(0), weight, bias == params.end() ? nullptr : &bias->second, p);
}

Tensor conv_transpose2d(const std::vector<Tensor>& in, const std::map<std::string, Tensor>& params, const json& a) {
  ref::ConvTranspose2dParams p{.stride = pair(a, "stride", 1), .padding = pair(a, "padding", 0),
                               .output_padding = pair(a, "output_padding", 0), .dilation = pair(a, "dilation", 1),
                               .groups = a.value("groups", int64_t{1})};
  auto bias = params.find("bias");
  return ref::conv_transpose2d(in.at(0), params.at("weight"), bias == params.end() ? nullptr : &bias->second, p);
}

Tensor upsample(const std::vector<Tensor>& in, const json& a) {
  std::optional<ref::Scales> scales;
  if (a.contains("scale_factor")) {
    const json& s = a.at("scale_factor");
    scales = s.is_array() ? ref::Scales{s.at(0).get<double>(), s.at(1).get<double>()} : ref::Scales{s.get<double>(), s.get<double>()};
  }
  const ref::UpsampleMode mode = a.value("mode", "nearest") == "bilinear" ? ref::UpsampleMode::bilinear : ref::UpsampleMode::nearest;
  return ref::upsample(in.at(0), pair(a, "output", 1), mode, a.value("align_corners", false), scales);
}

Tensor pad(const std::vector<Tensor>& in, const json& a) {
  const json& sizes = a.at("pad");
  const std::vector<int64_t> pads = sizes.is_array() ? sizes.get<std::vector<int64_t>>() : std::vector<int64_t>{sizes.get<int64_t>()};
  const std::string mode = a.value("mode", "constant");
  return ref::pad(in.at(0), pads, padding_mode(mode == "constant" ? "zeros" : mode), a.value("value", 0.0));
}

std::vector<const Tensor*> pointers(const std::vector<Tensor>& in) {
  std::vector<const Tensor*> out;
  for (const Tensor& t : in) out.push_back(&t);
  return out;
}

Tensor run(const std::string& op, const std::vector<Tensor>& in, const std::map<std::string, Tensor>& params, const json& a) {
  auto optional = [&](const char* key) { auto it = params.find(key); return it == params.end() ? nullptr : &it->second; };
  if (op == "conv2d") return conv2d(in, params, a);
  if (op == "maxpool2d") {
    const ref::Pair kernel = pair(a, "kernel_size", 1);
    return ref::maxpool2d(in.at(0), {.kernel = kernel, .stride = a.contains("stride") ? pair(a, "stride", 1) : kernel,
                                     .padding = pair(a, "padding", 0), .dilation = pair(a, "dilation", 1),
                                     .output = pair(a, "output", 0)});
  }
  if (op == "avgpool2d") {
    const ref::Pair kernel = pair(a, "kernel_size", 1);
    return ref::avgpool2d(in.at(0), {.kernel = kernel, .stride = a.contains("stride") ? pair(a, "stride", 1) : kernel,
                                     .padding = pair(a, "padding", 0),
                                     .count_include_pad = a.value("count_include_pad", true),
                                     .output = pair(a, "output", 0)});
  }
  if (op == "adaptive_avgpool2d") return ref::adaptive_avgpool2d(in.at(0), pair(a, "output_size", 1));
  if (op == "adaptive_maxpool2d") return ref::adaptive_maxpool2d(in.at(0), pair(a, "output_size", 1));
  if (op == "conv_transpose2d") return conv_transpose2d(in, params, a);
  if (op == "upsample") return upsample(in, a);
  if (op == "pad") return pad(in, a);
  if (op == "batchnorm2d")
    return ref::batchnorm2d(in.at(0), params.at("weight"), params.at("bias"), params.at("running_mean"),
                            params.at("running_var"), a.value("eps", 1e-5));
  if (op == "linear") return ref::linear(in.at(0), params.at("weight"), optional("bias"));
  if (op == "flatten") return ref::flatten(in.at(0), a.value("start_dim", int64_t{1}), a.value("end_dim", int64_t{-1}));
  if (op == "relu") return ref::relu(in.at(0));
  if (op == "sigmoid") return ref::sigmoid(in.at(0));
  if (op == "tanh") return ref::tanh(in.at(0));
  if (op == "silu") return ref::silu(in.at(0));
  if (op == "leaky_relu") return ref::leaky_relu(in.at(0), a.value("negative_slope", 0.01));
  if (op == "gelu")
    return ref::gelu(in.at(0), a.value("approximate", "none") == "tanh" ? ref::GeluApproximation::tanh
                                                                        : ref::GeluApproximation::none);
  if (op == "softmax") return ref::softmax(in.at(0), a.value("dim", int64_t{1}));
  if (op == "dropout") return ref::dropout(in.at(0));
  if (op == "add") return ref::add(pointers(in));
  if (op == "concat") return ref::concat(pointers(in), a.value("dim", int64_t{1}));
  if (op == "layernorm") {
    const json normalized = a.at("normalized_shape");
    const nnc::Shape shape = normalized.is_array() ? normalized.get<nnc::Shape>() : nnc::Shape{normalized.get<int64_t>()};
    return ref::layernorm(in.at(0), shape, optional("weight"), optional("bias"), a.value("eps", 1e-5));
  }
  if (op == "groupnorm")
    return ref::groupnorm(in.at(0), a.at("num_groups").get<int64_t>(), optional("weight"), optional("bias"), a.value("eps", 1e-5));
  if (op == "instancenorm2d") return ref::instancenorm2d(in.at(0), optional("weight"), optional("bias"), a.value("eps", 1e-5));
  if (op == "reshape") {
    const json shape = a.at("shape");
    return ref::reshape(in.at(0), shape.is_array() ? shape.get<nnc::Shape>() : nnc::Shape{shape.get<int64_t>()});
  }
  if (op == "squeeze") return ref::squeeze(in.at(0), a.at("dim").get<int64_t>());
  if (op == "unsqueeze") return ref::unsqueeze(in.at(0), a.at("dim").get<int64_t>());
  if (op == "permute") return ref::permute(in.at(0), a.at("dims").get<std::vector<int64_t>>());
  if (op == "transpose") return ref::transpose(in.at(0), a.at("dim0").get<int64_t>(), a.at("dim1").get<int64_t>());
  if (op == "select") return ref::select(in.at(0), a.at("dim").get<int64_t>(), a.at("index").get<int64_t>());
  if (op == "slice") {
    const json end = a.value("end", json());
    return ref::slice(in.at(0), a.at("dim").get<int64_t>(), a.value("start", int64_t{0}),
                      end.is_null() ? std::nullopt : std::optional(end.get<int64_t>()), a.value("step", int64_t{1}));
  }
  if (op == "channel_shuffle") return ref::channel_shuffle(in.at(0), a.at("groups").get<int64_t>());
  if (op == "pixel_shuffle") return ref::pixel_shuffle(in.at(0), a.at("upscale_factor").get<int64_t>());
  if (op == "relu6") return ref::relu6(in.at(0));
  if (op == "hardswish") return ref::hardswish(in.at(0));
  if (op == "hardsigmoid") return ref::hardsigmoid(in.at(0));
  if (op == "selu") return ref::selu(in.at(0));
  if (op == "mish") return ref::mish(in.at(0));
  if (op == "identity") return ref::identity(in.at(0));
  if (op == "hardtanh") return ref::hardtanh(in.at(0), a.value("min_val", -1.0), a.value("max_val", 1.0));
  if (op == "elu") return ref::elu(in.at(0), a.value("alpha", 1.0));
  if (op == "softplus") return ref::softplus(in.at(0), a.value("beta", 1.0), a.value("threshold", 20.0));
  if (op == "log_softmax") return ref::log_softmax(in.at(0), a.value("dim", int64_t{1}));
  if (op == "prelu") return ref::prelu(in.at(0), params.at("weight"));
  if (op == "sub") return ref::sub(in.at(0), in.at(1));
  if (op == "mul") return ref::mul(in.at(0), in.at(1));
  if (op == "div") return ref::div(in.at(0), in.at(1));
  if (op == "mean") {
    const json dim = a.at("dim");
    return ref::mean(in.at(0), dim.is_array() ? dim.get<std::vector<int64_t>>() : std::vector<int64_t>{dim.get<int64_t>()},
                     a.value("keepdim", false));
  }
  if (op == "matmul") return ref::matmul(in.at(0), in.at(1));
  if (op == "multihead_attention") {
    const Tensor& query = in.at(0);
    return ref::multihead_attention(query, in.size() == 3 ? in.at(1) : query, in.size() == 3 ? in.at(2) : query,
                                    params.at("in_proj_weight"), optional("in_proj_bias"), params.at("out_proj.weight"),
                                    optional("out_proj.bias"), a.at("num_heads").get<int64_t>(), a.value("batch_first", true));
  }
  throw std::runtime_error("unknown op " + op);
}

void run_case(const json& c) {
  std::vector<Tensor> inputs;
  for (const json& path : c.at("inputs")) inputs.push_back(load(path.get<std::string>()));
  std::map<std::string, Tensor> params;
  const json files = c.value("params", json::object());
  for (const auto& [key, path] : files.items()) params.emplace(key, load(path.get<std::string>()));
  Tensor out = run(c.at("op").get<std::string>(), inputs, params, c.value("attrs", json::object()));
  if (auto written = nnc::write_npy(c.at("output").get<std::string>(), out); !written)
    throw std::runtime_error(written.error().message);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: ref_kernel_tool MANIFEST.json\n");
    return 2;
  }
  auto text = nnc::read_file(argv[1]);
  if (!text) {
    std::fprintf(stderr, "%s\n", text.error().message.c_str());
    return 2;
  }
  json manifest;
  try {
    manifest = json::parse(*text);
  } catch (const json::exception& e) {
    std::fprintf(stderr, "%s: %s\n", argv[1], e.what());
    return 2;
  }
  for (const json& c : manifest.value("cases", json::array())) {
    const std::string id = c.value("id", "?");
    try {
      run_case(c);
      fmt::print("ok {}\n", id);
    } catch (const std::exception& e) {
      fmt::print("error {}: {}\n", id, e.what());
    }
  }
  return 0;
}
