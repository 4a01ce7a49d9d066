// The shape ops: each output element read from the input at an index computed from its own.
#include <algorithm>
#include <functional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checks.h"

namespace nnc::ref {

namespace {

// An output of `shape` whose element at index `out` is the input's at `source(out)`.
Tensor gather(const Tensor& input, const Shape& shape, const std::function<Shape(const Shape&)>& source) {
  Tensor output(shape);
  const Shape& in = input.shape();
  Shape out(shape.size(), 0);
  for (int64_t i = 0; i < output.numel(); ++i) {
    const Shape at = source(out);
    int64_t offset = 0;
    for (size_t d = 0; d < in.size(); ++d) offset = offset * in[d] + at[d];
    output.data()[i] = input.data()[offset];
    for (size_t d = shape.size(); d-- > 0;) {  // the next index, row-major
      if (++out[d] < shape[d]) break;
      out[d] = 0;
    }
  }
  return output;
}

}  // namespace

Tensor reshape(const Tensor& input, const Shape& shape) {
  Shape resolved = shape;
  int64_t known = 1;
  auto inferred = resolved.end();
  for (auto it = resolved.begin(); it != resolved.end(); ++it) {
    if (*it != -1) {
      require(*it >= 0, "reshape", fmt::format("size {} in shape {}", *it, to_string(shape)));
      known *= *it;
      continue;
    }
    require(inferred == resolved.end(), "reshape", fmt::format("more than one -1 in shape {}", to_string(shape)));
    inferred = it;
  }
  if (inferred != resolved.end()) {
    require(known > 0 && input.numel() % known == 0, "reshape", fmt::format("no size for -1 in {} fits {} elements", to_string(shape), input.numel()));
    *inferred = input.numel() / known;
  }
  require(element_count(resolved) == input.numel(), "reshape",
          fmt::format("shape {} does not hold the {} elements of {}", to_string(shape), input.numel(), to_string(input.shape())));
  return Tensor::of(resolved, input.values());
}

Tensor squeeze(const Tensor& input, int64_t dim) {
  const int64_t d = normalize_dim(dim, input.rank(), "squeeze");
  Shape shape = input.shape();
  if (shape[d] == 1) shape.erase(shape.begin() + d);
  return Tensor::of(shape, input.values());
}

Tensor unsqueeze(const Tensor& input, int64_t dim) {
  const int64_t d = normalize_dim(dim, input.rank() + 1, "unsqueeze");
  Shape shape = input.shape();
  shape.insert(shape.begin() + d, 1);
  return Tensor::of(shape, input.values());
}

Tensor permute(const Tensor& input, const std::vector<int64_t>& dims) {
  const int64_t rank = input.rank();
  require(static_cast<int64_t>(dims.size()) == rank, "permute", fmt::format("dims {} for rank {}", dims, rank));
  std::vector<int64_t> from(dims.size());
  std::vector<bool> seen(dims.size(), false);
  Shape shape(dims.size());
  for (size_t d = 0; d < dims.size(); ++d) {
    from[d] = normalize_dim(dims[d], rank, "permute");
    require(!seen[from[d]], "permute", fmt::format("dims {} repeat a dim", dims));
    seen[from[d]] = true;
    shape[d] = input.dim(from[d]);
  }
  return gather(input, shape, [&](const Shape& out) {
    Shape at(out.size());
    for (size_t d = 0; d < out.size(); ++d) at[from[d]] = out[d];
    return at;
  });
}

Tensor transpose(const Tensor& input, int64_t dim0, int64_t dim1) {
  std::vector<int64_t> dims(input.shape().size());
  for (size_t d = 0; d < dims.size(); ++d) dims[d] = static_cast<int64_t>(d);
  std::swap(dims.at(normalize_dim(dim0, input.rank(), "transpose")), dims.at(normalize_dim(dim1, input.rank(), "transpose")));
  return permute(input, dims);
}

Tensor select(const Tensor& input, int64_t dim, int64_t index) {
  const int64_t d = normalize_dim(dim, input.rank(), "select");
  const int64_t size = input.dim(d);
  require(index >= -size && index < size, "select", fmt::format("index {} is out of range for size {}", index, size));
  const int64_t i = index < 0 ? index + size : index;
  Shape shape = input.shape();
  shape.erase(shape.begin() + d);
  return gather(input, shape, [&](const Shape& out) {
    Shape at = out;
    at.insert(at.begin() + d, i);
    return at;
  });
}

Tensor slice(const Tensor& input, int64_t dim, int64_t start, std::optional<int64_t> end, int64_t step) {
  const int64_t d = normalize_dim(dim, input.rank(), "slice");
  require(step >= 1, "slice", fmt::format("step {} is below 1", step));
  const int64_t size = input.dim(d);
  auto clamp = [&](int64_t x) { return std::clamp(x < 0 ? x + size : x, int64_t{0}, size); };
  const int64_t first = clamp(start), last = clamp(end.value_or(size));
  Shape shape = input.shape();
  shape[d] = last > first ? (last - first + step - 1) / step : 0;
  require(shape[d] > 0, "slice", "selects no elements");
  return gather(input, shape, [&](const Shape& out) {
    Shape at = out;
    at[d] = first + out[d] * step;
    return at;
  });
}

Tensor channel_shuffle(const Tensor& input, int64_t groups) {
  require(input.rank() >= 3 && groups >= 1 && input.dim(1) % groups == 0, "channel_shuffle",
          fmt::format("{} groups for input {}", groups, to_string(input.shape())));
  const int64_t per_group = input.dim(1) / groups;
  return gather(input, input.shape(), [&](const Shape& out) {
    Shape at = out;
    at[1] = out[1] % groups * per_group + out[1] / groups;  // output channel i * groups + g is group g's i-th
    return at;
  });
}

Tensor pixel_shuffle(const Tensor& input, int64_t upscale_factor) {
  const int64_t r = upscale_factor, rank = input.rank();
  require(rank >= 3 && r >= 1 && input.dim(rank - 3) % (r * r) == 0, "pixel_shuffle",
          fmt::format("upscale_factor {} for input {}", r, to_string(input.shape())));
  Shape shape = input.shape();
  shape[rank - 3] /= r * r;
  shape[rank - 2] *= r;
  shape[rank - 1] *= r;
  return gather(input, shape, [&](const Shape& out) {
    Shape at = out;
    const int64_t y = out[rank - 2], x = out[rank - 1];
    at[rank - 3] = out[rank - 3] * r * r + y % r * r + x % r;
    at[rank - 2] = y / r;
    at[rank - 1] = x / r;
    return at;
  });
}

}  // namespace nnc::ref
