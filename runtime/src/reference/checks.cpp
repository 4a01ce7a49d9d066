#include "checks.h"

#include <stdexcept>

#include <fmt/format.h>

namespace nnc::ref {

void require(bool ok, const char* op, const std::string& message) {
  if (!ok) throw std::invalid_argument(fmt::format("{}: {}", op, message));
}

int64_t normalize_dim(int64_t dim, int64_t rank, const char* op) {
  require(dim >= -rank && dim < rank, op, fmt::format("dim {} is out of range for rank {}", dim, rank));
  return dim < 0 ? dim + rank : dim;
}

Nchw nchw(const Tensor& input, const char* op) {
  require(input.rank() == 4, op, fmt::format("expected an input [N, C, H, W], got {}", to_string(input.shape())));
  return {input.dim(0), input.dim(1), input.dim(2), input.dim(3)};
}

int64_t extent(const Shape& shape, int64_t from, int64_t to) {
  auto n = element_count(Shape(shape.begin() + from, shape.begin() + to));
  require(n.has_value(), "shape", fmt::format("the extent of {} overflows", to_string(shape)));
  return *n;
}

std::optional<int64_t> padded_source(int64_t i, int64_t size, PaddingMode mode) {
  if (i >= 0 && i < size) return i;
  switch (mode) {
    case PaddingMode::zeros: return std::nullopt;
    case PaddingMode::reflect: return i < 0 ? -i : 2 * (size - 1) - i;
    case PaddingMode::replicate: return i < 0 ? 0 : size - 1;
    case PaddingMode::circular: return checked::floor_mod(i, size);
  }
  return std::nullopt;
}

}  // namespace nnc::ref
