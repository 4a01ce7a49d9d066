// The helpers code emitted by `nnc emit --emit cpp` uses: a fixed-size vector type for the Loop IR's
// vectors, floor division, and math functions over scalars and vectors. Pasted at the top of each
// emitted .cpp, so it must stay standard C++17 and warning-free.
//
// With GCC or Clang a vector's lanes live in the compilers' vector extension type, so arithmetic on
// it becomes SIMD instructions; any other compiler (or -DNNC_RT_PORTABLE) gets plain arrays and the
// same results.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#if (defined(__GNUC__) || defined(__clang__)) && !defined(NNC_RT_PORTABLE)
#define NNC_RT_SIMD 1
// Vector values pass between these inlined helpers only, so how an ABI would pass them is moot.
#pragma GCC diagnostic ignored "-Wpsabi"
#else
#define NNC_RT_SIMD 0
#endif

namespace nnc_rt {

constexpr int power_of_two_at_least(int n) { return n <= 1 ? 1 : 2 * power_of_two_at_least((n + 1) / 2); }

#if NNC_RT_SIMD
// A vector register of the next power of two lanes; a vec<T, N> uses its first N.
template <typename T, int N>
struct simd {
  typedef T type __attribute__((vector_size(sizeof(T) * power_of_two_at_least(N))));
};
// Masks hold -1 (true) or 0 per lane, as the vector extension's comparisons produce them.
template <typename T>
using mask_lane = std::conditional_t<sizeof(T) == 8, std::int64_t, std::int32_t>;
template <typename T, int N>
struct vec {
  typename simd<T, N>::type v;
  T get(int i) const { return v[i]; }
  void set(int i, T x) { v[i] = x; }
};
template <int N>
struct vec<bool, N> {
  typename simd<std::int32_t, N>::type v;
  bool get(int i) const { return v[i] != 0; }
  void set(int i, bool x) { v[i] = x ? -1 : 0; }
};
#else
template <typename T, int N>
struct vec {
  T v[N];
  T get(int i) const { return v[i]; }
  void set(int i, T x) { v[i] = x; }
};
#endif

// Lane by lane, for what has no vector instruction (or with the portable arrays).
template <typename T, int N, typename F>
inline auto map(const vec<T, N>& a, F f) {
  vec<decltype(f(a.get(0))), N> r{};
  for (int i = 0; i < N; ++i) r.set(i, f(a.get(i)));
  return r;
}
template <typename T, int N, typename F>
inline auto zip(const vec<T, N>& a, const vec<T, N>& b, F f) {
  vec<decltype(f(a.get(0), b.get(0))), N> r{};
  for (int i = 0; i < N; ++i) r.set(i, f(a.get(i), b.get(i)));
  return r;
}

#if NNC_RT_SIMD
template <int N, typename M>
inline vec<bool, N> to_mask(const M& lanes) {
  return {__builtin_convertvector(lanes, typename simd<std::int32_t, N>::type)};
}
#define NNC_RT_ARITHMETIC(op)                                                  \
  template <typename T, int N>                                                 \
  inline vec<T, N> operator op(const vec<T, N>& a, const vec<T, N>& b) {       \
    return {a.v op b.v};                                                       \
  }
#define NNC_RT_COMPARISON(op)                                                  \
  template <typename T, int N>                                                 \
  inline vec<bool, N> operator op(const vec<T, N>& a, const vec<T, N>& b) {    \
    return to_mask<N>(a.v op b.v);                                             \
  }
NNC_RT_ARITHMETIC(+)
NNC_RT_ARITHMETIC(-)
NNC_RT_ARITHMETIC(*)
template <int N>
inline vec<float, N> operator/(const vec<float, N>& a, const vec<float, N>& b) {
  // Unused lanes may divide zero by zero: a quiet NaN nobody reads.
  return {a.v / b.v};
}
template <int N>
inline vec<bool, N> operator&&(const vec<bool, N>& a, const vec<bool, N>& b) {
  return {a.v & b.v};
}
template <int N>
inline vec<bool, N> operator||(const vec<bool, N>& a, const vec<bool, N>& b) {
  return {a.v | b.v};
}
template <int N>
inline vec<bool, N> operator!(const vec<bool, N>& a) {
  return {~a.v};
}
#else
#define NNC_RT_ARITHMETIC(op)                                                  \
  template <typename T, int N>                                                 \
  inline vec<T, N> operator op(const vec<T, N>& a, const vec<T, N>& b) {       \
    return zip(a, b, [](T x, T y) -> T { return x op y; });                    \
  }
#define NNC_RT_COMPARISON(op)                                                  \
  template <typename T, int N>                                                 \
  inline vec<bool, N> operator op(const vec<T, N>& a, const vec<T, N>& b) {    \
    return zip(a, b, [](T x, T y) { return x op y; });                         \
  }
NNC_RT_ARITHMETIC(+)
NNC_RT_ARITHMETIC(-)
NNC_RT_ARITHMETIC(*)
NNC_RT_ARITHMETIC(/)
NNC_RT_ARITHMETIC(&&)
NNC_RT_ARITHMETIC(||)
template <int N>
inline vec<bool, N> operator!(const vec<bool, N>& a) {
  return map(a, [](bool x) { return !x; });
}
#endif
NNC_RT_COMPARISON(==)
NNC_RT_COMPARISON(!=)
NNC_RT_COMPARISON(<)
NNC_RT_COMPARISON(<=)
NNC_RT_COMPARISON(>)
NNC_RT_COMPARISON(>=)
#undef NNC_RT_ARITHMETIC
#undef NNC_RT_COMPARISON

template <int N>
inline vec<std::int64_t, N> ramp(std::int64_t base, std::int64_t stride) {
  vec<std::int64_t, N> r{};
  for (int i = 0; i < N; ++i) r.set(i, base + stride * i);
  return r;
}
template <int N, typename T>
inline vec<T, N> broadcast(T value) {
  vec<T, N> r{};
#if NNC_RT_SIMD
  if constexpr (!std::is_same_v<T, bool>) {
    r.v = value - r.v;  // a splat (x - +0 is x, even for -0)
    return r;
  }
#endif
  for (int i = 0; i < N; ++i) r.set(i, value);
  return r;
}

template <int N>
inline vec<float, N> load(const float* buffer, const vec<std::int64_t, N>& index) {
  vec<float, N> r{};
  for (int i = 0; i < N; ++i) r.set(i, buffer[index.get(i)]);
  return r;
}
template <int N>
inline void store(float* buffer, const vec<std::int64_t, N>& index, const vec<float, N>& value) {
  for (int i = 0; i < N; ++i) buffer[index.get(i)] = value.get(i);
}

#if NNC_RT_SIMD
// Consecutive elements move as whole registers. A lane count that is not a power of two moves as
// power-of-two pieces joined in registers: a partial copy into a register would go through memory.
template <typename V>
constexpr int lanes_of = sizeof(V) / sizeof(float);
template <typename V, std::size_t... I>
inline auto shuffle(const V& a, const V& b, std::index_sequence<I...>) {
  return __builtin_shufflevector(a, b, static_cast<int>(I)...);
}
template <std::size_t Offset, std::size_t... I>
constexpr std::index_sequence<(Offset + I)...> shifted(std::index_sequence<I...>) {
  return {};
}
template <int Lanes, typename V>
inline auto widen(const V& v) {
  if constexpr (lanes_of<V> == Lanes) {
    return v;
  } else {
    return widen<Lanes>(shuffle(v, V{}, std::make_index_sequence<2 * lanes_of<V>>{}));
  }
}
template <int N>
inline typename simd<float, N>::type load_lanes(const float* p) {
  constexpr int P = power_of_two_at_least(N), H = P / 2;
  typename simd<float, N>::type r;
  if constexpr (N == P) {
    std::memcpy(&r, p, sizeof r);
  } else {
    r = shuffle(load_lanes<H>(p), widen<H>(load_lanes<N - H>(p + H)), std::make_index_sequence<P>{});
  }
  return r;
}
template <int N, typename V>
inline void store_lanes(float* p, const V& v) {
  constexpr int P = power_of_two_at_least(N), H = P / 2;
  if constexpr (N == P) {
    std::memcpy(p, &v, sizeof v);
  } else {
    store_lanes<H>(p, shuffle(v, v, std::make_index_sequence<H>{}));
    constexpr int rest = power_of_two_at_least(N - H);
    store_lanes<N - H>(p + H, shuffle(v, v, shifted<H>(std::make_index_sequence<rest>{})));
  }
}
template <int N>
inline vec<float, N> load_dense(const float* p) {
  return {load_lanes<N>(p)};
}
template <int N>
inline void store_dense(float* p, const vec<float, N>& value) {
  store_lanes<N>(p, value.v);
}
#else
template <int N>
inline vec<float, N> load_dense(const float* p) {
  vec<float, N> r{};
  std::memcpy(&r.v, p, sizeof(float) * N);
  return r;
}
template <int N>
inline void store_dense(float* p, const vec<float, N>& value) {
  std::memcpy(p, &value.v, sizeof(float) * N);
}
#endif

template <int N>
inline float reduce_add(const vec<float, N>& a) {
  float sum = 0.0f;
  for (int i = 0; i < N; ++i) sum += a.get(i);
  return sum;
}

template <typename T, int N>
inline vec<T, N> select(const vec<bool, N>& c, const vec<T, N>& a, const vec<T, N>& b) {
#if NNC_RT_SIMD
  return {__builtin_convertvector(c.v, typename simd<mask_lane<T>, N>::type) ? a.v : b.v};
#else
  vec<T, N> r{};
  for (int i = 0; i < N; ++i) r.set(i, c.get(i) ? a.get(i) : b.get(i));
  return r;
#endif
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
#if NNC_RT_SIMD
inline float exp(float x) { return std::exp(x); }
inline float tanh(float x) { return std::tanh(x); }

// exp over whole vectors, as Cephes' expf (within 2 ulp): e^x = 2^n * e^r with |r| <= ln2/2 and a
// degree-6 polynomial for e^r.
template <int N>
inline vec<float, N> exp(const vec<float, N>& a) {
  using F = typename simd<float, N>::type;
  using I = typename simd<std::int32_t, N>::type;
  const F zero{}, x = a.v;
  const F high = zero + 88.72283935546875f, low = zero - 103.97208404541015625f;  // beyond: inf and 0
  F t = x < low ? low : x;
  t = t > high ? high : t;
  t = t == t ? t : zero;  // NaN lanes are patched at the end
  F n = t * 1.44269504088896341f + 0.5f;
  F truncated = __builtin_convertvector(__builtin_convertvector(n, I), F);
  n = truncated > n ? truncated - 1.0f : truncated;  // floor
  F r = t - n * 0.693359375f + n * 2.12194440e-4f;
  F p = (((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) * r +
          1.6666665459e-1f) * r + 5.0000001201e-1f) * (r * r) + r + 1.0f;
  // 2^n as two factors, so that n from -150 to 128 stays within the exponent's range.
  I k = __builtin_convertvector(n, I), k1 = k >> 1, k2 = k - k1;
  F y = p * (F)((k1 + 127) << 23) * (F)((k2 + 127) << 23);
  y = x > high ? zero + HUGE_VALF : y;
  y = x < low ? zero : y;
  return {x == x ? y : x};
}

// tanh over whole vectors, as Cephes' tanhf: a polynomial below 0.625, 1 - 2 / (e^2|x| + 1) above.
template <int N>
inline vec<float, N> tanh(const vec<float, N>& a) {
  using F = typename simd<float, N>::type;
  const F x = a.v, magnitude = x < 0.0f ? -x : x, s = x * x;
  F small = ((((-5.70498872745e-3f * s + 2.06390887954e-2f) * s - 5.37397155531e-2f) * s + 1.33314422036e-1f) * s -
             3.33332819422e-1f) * s * x + x;
  F large = 1.0f - 2.0f / (exp(vec<float, N>{magnitude + magnitude}).v + 1.0f);
  large = x < 0.0f ? -large : large;
  return {magnitude < 0.625f ? small : large};
}
#else
NNC_RT_MATH(exp, std::exp)
NNC_RT_MATH(tanh, std::tanh)
#endif
NNC_RT_MATH(log, std::log)
NNC_RT_MATH(sqrt, std::sqrt)
NNC_RT_MATH(erf, std::erf)
NNC_RT_MATH(abs, std::fabs)
#undef NNC_RT_MATH

inline float fma(float a, float b, float c) { return std::fma(a, b, c); }
template <int N>
inline vec<float, N> fma(const vec<float, N>& a, const vec<float, N>& b, const vec<float, N>& c) {
  vec<float, N> r{};
  for (int i = 0; i < N; ++i) r.set(i, std::fma(a.get(i), b.get(i), c.get(i)));
  return r;
}

}  // namespace nnc_rt
