#pragma once
// A float32 tensor: a shape and 64-byte-aligned, zero-initialised, C-order storage that it owns.
// Move-only; clone() copies.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "nnc/result.h"
#include "nnc/shape.h"

namespace nnc {

class Tensor {
 public:
  static constexpr std::size_t alignment = 64;

  // Shape [0]: no elements, no storage.
  Tensor();
  // Zeros of the given shape; throws std::invalid_argument for a negative extent or an element count whose
  // byte size overflows, std::bad_alloc when memory runs out. For shapes from untrusted input use create().
  explicit Tensor(Shape shape);
  // Zeros of the given shape, or an error saying why the shape cannot be allocated.
  static Result<Tensor> create(Shape shape);
  // A tensor holding `values`, which must have exactly as many elements as the shape (else invalid_argument).
  static Tensor of(Shape shape, std::span<const float> values);

  Tensor(Tensor&& other) noexcept;
  Tensor& operator=(Tensor&& other) noexcept;
  Tensor(const Tensor&) = delete;
  Tensor& operator=(const Tensor&) = delete;
  ~Tensor() = default;

  Tensor clone() const;

  const Shape& shape() const { return shape_; }
  int64_t rank() const { return static_cast<int64_t>(shape_.size()); }
  int64_t dim(int64_t axis) const { return shape_.at(static_cast<std::size_t>(axis)); }
  int64_t numel() const { return numel_; }

  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }
  std::span<float> values() { return {data_.get(), static_cast<std::size_t>(numel_)}; }
  std::span<const float> values() const { return {data_.get(), static_cast<std::size_t>(numel_)}; }
  // The elements as stored: numel() * 4 bytes of little-endian float32, as .npy and safetensors hold them.
  std::string_view bytes() const {
    return {reinterpret_cast<const char*>(data_.get()), static_cast<std::size_t>(numel_) * sizeof(float)};
  }

 private:
  struct AlignedDelete {
    void operator()(float* p) const;
  };

  Shape shape_;
  int64_t numel_ = 0;
  std::unique_ptr<float[], AlignedDelete> data_;
};

}  // namespace nnc
