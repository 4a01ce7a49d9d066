#pragma once
// The scalar and vector types of the Loop IR: i64 indices, f32 data, i1 conditions, each with a
// lane count (1 for scalars, 16 for a 512-bit f32 vector).
#include <cstdint>
#include <string>

namespace nnc::ir {

struct Type {
  enum Code : uint8_t { Int, Float, Bool };
  Code code = Int;
  uint8_t bits = 64;
  uint16_t lanes = 1;

  static Type i64(int lanes = 1) { return {Int, 64, static_cast<uint16_t>(lanes)}; }
  static Type f32(int lanes = 1) { return {Float, 32, static_cast<uint16_t>(lanes)}; }
  static Type boolean(int lanes = 1) { return {Bool, 1, static_cast<uint16_t>(lanes)}; }

  bool is_int() const { return code == Int; }
  bool is_float() const { return code == Float; }
  bool is_bool() const { return code == Bool; }
  bool is_scalar() const { return lanes == 1; }
  bool is_vector() const { return lanes > 1; }
  Type with_lanes(int n) const { return {code, bits, static_cast<uint16_t>(n)}; }
  Type element_of() const { return with_lanes(1); }

  bool operator==(const Type&) const = default;
};

// "i64", "f32x16", "bool".
std::string to_string(Type t);

}  // namespace nnc::ir
