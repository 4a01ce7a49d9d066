#include "import/constant.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace nnc::onnx_import {

int64_t Constant::numel() const {
  int64_t n = 1;
  for (int64_t d : shape)
    if (__builtin_mul_overflow(n, d, &n)) return std::numeric_limits<int64_t>::max();  // no data can match it
  return n;
}

int64_t saturated_int(double v) {
  if (std::isnan(v)) return 0;
  if (v >= 0x1p63) return std::numeric_limits<int64_t>::max();
  if (v < -0x1p63) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

std::vector<int64_t> Constant::as_ints() const {
  std::vector<int64_t> out;
  for (int64_t i = 0; i < numel(); ++i) out.push_back(int_at(i));
  return out;
}

std::vector<float> Constant::as_floats() const {
  std::vector<float> out;
  for (int64_t i = 0; i < numel(); ++i) out.push_back(static_cast<float>(at(i)));
  return out;
}

Constant int_constant(std::vector<int64_t> shape, std::vector<int64_t> values) {
  return Constant{.shape = std::move(shape), .is_float = false, .ints = std::move(values)};
}

Constant float_constant(std::vector<int64_t> shape, std::vector<double> values) {
  return Constant{.shape = std::move(shape), .is_float = true, .floats = std::move(values)};
}

namespace {

// The little-endian elements of raw_data, each converted to Out.
template <typename Stored, typename Out>
Result<std::vector<Out>> raw_values(const std::string& raw, int64_t count, const std::string& name) {
  if (raw.size() != static_cast<size_t>(count) * sizeof(Stored))
    return Error{fmt::format("initializer '{}' holds {} bytes of data for {} elements", name, raw.size(), count)};
  std::vector<Out> out(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    Stored v;
    std::memcpy(&v, raw.data() + i * static_cast<int64_t>(sizeof(Stored)), sizeof(Stored));
    out[static_cast<size_t>(i)] = static_cast<Out>(v);
  }
  return out;
}

template <typename Field, typename Out>
Result<std::vector<Out>> field_values(const Field& field, int64_t count, const std::string& name) {
  if (field.size() != count) return Error{fmt::format("initializer '{}' holds {} values for {} elements", name, field.size(), count)};
  return std::vector<Out>(field.begin(), field.end());
}

}  // namespace

Result<Constant> constant_from_proto(const onnx::TensorProto& t) {
  const std::string& name = t.name();
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    return Error{fmt::format("initializer '{}' keeps its data in an external file, which nnc import does not read", name)};
  Constant c;
  for (int64_t d : t.dims()) {
    if (d < 0 || d > (int64_t{1} << 40)) return Error{fmt::format("initializer '{}' has a dimension of {}", name, d)};
    c.shape.push_back(d);
  }
  const int64_t n = c.numel();
  const bool raw = t.has_raw_data();
  using TP = onnx::TensorProto;
  switch (t.data_type()) {
    case TP::FLOAT: {
      auto v = raw ? raw_values<float, double>(t.raw_data(), n, name) : field_values<decltype(t.float_data()), double>(t.float_data(), n, name);
      if (!v) return v.error();
      c.floats = std::move(*v);
      return c;
    }
    case TP::DOUBLE: {
      auto v = raw ? raw_values<double, double>(t.raw_data(), n, name) : field_values<decltype(t.double_data()), double>(t.double_data(), n, name);
      if (!v) return v.error();
      c.floats = std::move(*v);
      return c;
    }
    case TP::INT64: {
      c.is_float = false;
      auto v = raw ? raw_values<int64_t, int64_t>(t.raw_data(), n, name) : field_values<decltype(t.int64_data()), int64_t>(t.int64_data(), n, name);
      if (!v) return v.error();
      c.ints = std::move(*v);
      return c;
    }
    case TP::INT32: case TP::INT8: case TP::UINT8: case TP::BOOL: case TP::INT16: case TP::UINT16: {
      c.is_float = false;
      Result<std::vector<int64_t>> v = std::vector<int64_t>{};
      if (!raw) v = field_values<decltype(t.int32_data()), int64_t>(t.int32_data(), n, name);
      else if (t.data_type() == TP::INT32) v = raw_values<int32_t, int64_t>(t.raw_data(), n, name);
      else if (t.data_type() == TP::INT8) v = raw_values<int8_t, int64_t>(t.raw_data(), n, name);
      else if (t.data_type() == TP::INT16) v = raw_values<int16_t, int64_t>(t.raw_data(), n, name);
      else if (t.data_type() == TP::UINT16) v = raw_values<uint16_t, int64_t>(t.raw_data(), n, name);
      else v = raw_values<uint8_t, int64_t>(t.raw_data(), n, name);
      if (!v) return v.error();
      c.ints = std::move(*v);
      return c;
    }
    default:
      return Error{fmt::format("initializer '{}' has element type {}, which nnc cannot hold (float32, float64 and integers only)",
                               name, TP::DataType_Name(static_cast<TP::DataType>(t.data_type())))};
  }
}

onnx::TensorProto constant_to_proto(const Constant& c, const std::string& name) {
  onnx::TensorProto t;
  t.set_name(name);
  for (int64_t d : c.shape) t.add_dims(d);
  if (c.is_float) {
    t.set_data_type(onnx::TensorProto::FLOAT);
    for (double v : c.floats) t.add_float_data(static_cast<float>(v));
  } else {
    t.set_data_type(onnx::TensorProto::INT64);
    for (int64_t v : c.ints) t.add_int64_data(v);
  }
  return t;
}

}  // namespace nnc::onnx_import
