#include "nnc/tensor.h"

#include <cstring>
#include <new>
#include <stdexcept>

#include <fmt/format.h>

namespace nnc {
namespace {

// Storage is rounded up to whole 64-byte lines so vector code may read the last line entirely.
std::optional<int64_t> storage_bytes(int64_t numel) {
  auto bytes = checked::mul(numel, int64_t{sizeof(float)});
  if (!bytes) return std::nullopt;
  auto padded = checked::add(*bytes, Tensor::alignment - 1);
  if (!padded) return std::nullopt;
  return *padded / int64_t{Tensor::alignment} * int64_t{Tensor::alignment};
}

std::optional<std::string> shape_problem(const Shape& shape) {
  for (int64_t d : shape)
    if (d < 0) return fmt::format("shape {} has a negative extent", to_string(shape));
  auto numel = element_count(shape);
  if (!numel || !storage_bytes(*numel))
    return fmt::format("shape {} has too many elements to address in bytes", to_string(shape));
  return std::nullopt;
}

}  // namespace

void Tensor::AlignedDelete::operator()(float* p) const { ::operator delete(p, std::align_val_t{alignment}); }

Tensor::Tensor() : shape_{0} {}

Tensor::Tensor(Shape shape) {
  if (auto problem = shape_problem(shape)) throw std::invalid_argument(*problem);
  auto created = create(std::move(shape));
  if (!created) throw std::bad_alloc();
  *this = std::move(created).value();
}

Result<Tensor> Tensor::create(Shape shape) {
  if (auto problem = shape_problem(shape)) return Error{*problem};
  Tensor t;
  t.numel_ = *element_count(shape);
  const int64_t bytes = *storage_bytes(t.numel_);
  if (bytes > 0) {
    void* p = ::operator new(static_cast<std::size_t>(bytes), std::align_val_t{alignment}, std::nothrow);
    if (!p) return Error{fmt::format("out of memory allocating {} bytes for a tensor of shape {}", bytes, to_string(shape))};
    std::memset(p, 0, static_cast<std::size_t>(bytes));
    t.data_.reset(static_cast<float*>(p));
  }
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::of(Shape shape, std::span<const float> values) {
  Tensor t(std::move(shape));
  if (static_cast<int64_t>(values.size()) != t.numel_)
    throw std::invalid_argument(
        fmt::format("shape {} has {} elements, but {} values were given", to_string(t.shape_), t.numel_, values.size()));
  if (!values.empty()) std::memcpy(t.data(), values.data(), values.size_bytes());
  return t;
}

Tensor::Tensor(Tensor&& other) noexcept
    : shape_(std::exchange(other.shape_, Shape{0})),
      numel_(std::exchange(other.numel_, 0)),
      data_(std::move(other.data_)) {}

Tensor& Tensor::operator=(Tensor&& other) noexcept {
  shape_ = std::exchange(other.shape_, Shape{0});
  numel_ = std::exchange(other.numel_, 0);
  data_ = std::move(other.data_);
  return *this;
}

Tensor Tensor::clone() const { return of(shape_, values()); }

}  // namespace nnc
