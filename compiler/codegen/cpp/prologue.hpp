// The helpers code emitted by `nnc emit --emit cpp` uses: a fixed-size vector type for the Loop IR's
// vectors, floor division, and math functions over scalars and vectors. Pasted at the top of each
// emitted .cpp, so it must stay standard C++17 and warning-free.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace nnc_rt {

template <typename T, int N>
struct vec {
  T lane[N];
};

template <typename T, int N, typename F>
inline auto map(const vec<T, N>& a, F f) {
  vec<decltype(f(a.lane[0])), N> r{};
  for (int i = 0; i < N; ++i) r.lane[i] = f(a.lane[i]);
  return r;
}
template <typename T, int N, typename F>
inline auto zip(const vec<T, N>& a, const vec<T, N>& b, F f) {
  vec<decltype(f(a.lane[0], b.lane[0])), N> r{};
  for (int i = 0; i < N; ++i) r.lane[i] = f(a.lane[i], b.lane[i]);
  return r;
}

#define NNC_RT_BINARY(op)                                                               \
  template <typename T, int N>                                                          \
  inline auto operator op(const vec<T, N>& a, const vec<T, N>& b) {                     \
    return zip(a, b, [](T x, T y) { return x op y; });                                  \
  }
NNC_RT_BINARY(+)
NNC_RT_BINARY(-)
NNC_RT_BINARY(*)
NNC_RT_BINARY(/)
NNC_RT_BINARY(==)
NNC_RT_BINARY(!=)
NNC_RT_BINARY(<)
NNC_RT_BINARY(<=)
NNC_RT_BINARY(>)
NNC_RT_BINARY(>=)
NNC_RT_BINARY(&&)
NNC_RT_BINARY(||)
#undef NNC_RT_BINARY

template <int N>
inline vec<bool, N> operator!(const vec<bool, N>& a) {
  return map(a, [](bool x) { return !x; });
}

template <int N>
inline vec<std::int64_t, N> ramp(std::int64_t base, std::int64_t stride) {
  vec<std::int64_t, N> r{};
  for (int i = 0; i < N; ++i) r.lane[i] = base + stride * i;
  return r;
}
template <int N, typename T>
inline vec<T, N> broadcast(T value) {
  vec<T, N> r{};
  for (int i = 0; i < N; ++i) r.lane[i] = value;
  return r;
}

template <int N>
inline vec<float, N> load(const float* buffer, const vec<std::int64_t, N>& index) {
  vec<float, N> r{};
  for (int i = 0; i < N; ++i) r.lane[i] = buffer[index.lane[i]];
  return r;
}
template <int N>
inline void store(float* buffer, const vec<std::int64_t, N>& index, const vec<float, N>& value) {
  for (int i = 0; i < N; ++i) buffer[index.lane[i]] = value.lane[i];
}

// The same for the common case of consecutive elements, which compilers turn into vector moves.
template <int N>
inline vec<float, N> load_dense(const float* p) {
  vec<float, N> r{};
  for (int i = 0; i < N; ++i) r.lane[i] = p[i];
  return r;
}
template <int N>
inline void store_dense(float* p, const vec<float, N>& value) {
  for (int i = 0; i < N; ++i) p[i] = value.lane[i];
}

template <int N>
inline float reduce_add(const vec<float, N>& a) {
  float sum = 0.0f;
  for (int i = 0; i < N; ++i) sum += a.lane[i];
  return sum;
}

template <typename T, int N>
inline vec<T, N> select(const vec<bool, N>& c, const vec<T, N>& a, const vec<T, N>& b) {
  vec<T, N> r{};
  for (int i = 0; i < N; ++i) r.lane[i] = c.lane[i] ? a.lane[i] : b.lane[i];
  return r;
}
// As the LLVM backend: compare and select, so a NaN `a` gives `b`.
inline float min(float a, float b) { return a < b ? a : b; }
inline float max(float a, float b) { return b < a ? a : b; }
inline std::int64_t min(std::int64_t a, std::int64_t b) { return a < b ? a : b; }
inline std::int64_t max(std::int64_t a, std::int64_t b) { return b < a ? a : b; }
template <typename T, int N>
inline vec<T, N> min(const vec<T, N>& a, const vec<T, N>& b) {
  return select(a < b, a, b);
}
template <typename T, int N>
inline vec<T, N> max(const vec<T, N>& a, const vec<T, N>& b) {
  return select(b < a, a, b);
}

// Integer division and remainder rounding toward negative infinity.
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b, r = a % b;
  return (r != 0 && (r < 0) != (b < 0)) ? q - 1 : q;
}
inline std::int64_t floor_mod(std::int64_t a, std::int64_t b) {
  std::int64_t r = a % b;
  return (r != 0 && (r < 0) != (b < 0)) ? r + b : r;
}
template <int N>
inline vec<std::int64_t, N> floor_div(const vec<std::int64_t, N>& a, const vec<std::int64_t, N>& b) {
  return zip(a, b, [](std::int64_t x, std::int64_t y) { return floor_div(x, y); });
}
template <int N>
inline vec<std::int64_t, N> floor_mod(const vec<std::int64_t, N>& a, const vec<std::int64_t, N>& b) {
  return zip(a, b, [](std::int64_t x, std::int64_t y) { return floor_mod(x, y); });
}

template <typename To, typename T, int N>
inline vec<To, N> cast(const vec<T, N>& a) {
  return map(a, [](T x) { return static_cast<To>(x); });
}

#define NNC_RT_MATH(name, fn)                                  \
  inline float name(float x) { return fn(x); }                 \
  template <int N>                                             \
  inline vec<float, N> name(const vec<float, N>& a) {          \
    return map(a, [](float x) { return fn(x); });              \
  }
NNC_RT_MATH(exp, std::exp)
NNC_RT_MATH(log, std::log)
NNC_RT_MATH(sqrt, std::sqrt)
NNC_RT_MATH(erf, std::erf)
NNC_RT_MATH(tanh, std::tanh)
NNC_RT_MATH(abs, std::fabs)
#undef NNC_RT_MATH

inline float fma(float a, float b, float c) { return std::fma(a, b, c); }
template <int N>
inline vec<float, N> fma(const vec<float, N>& a, const vec<float, N>& b, const vec<float, N>& c) {
  vec<float, N> r{};
  for (int i = 0; i < N; ++i) r.lane[i] = std::fma(a.lane[i], b.lane[i], c.lane[i]);
  return r;
}

}  // namespace nnc_rt
