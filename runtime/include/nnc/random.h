#pragma once
// Random numbers that are the same on every machine and standard library: everything here is integer arithmetic
// fixed by its published definition (std::uniform_real_distribution is not: libstdc++ and libc++ differ).
#include <cstdint>
#include <string_view>

namespace nnc {

// PCG32 (M. O'Neill, pcg-random.org, pcg32_random_r in pcg-c-basic): a 64-bit LCG with the XSH-RR output
// function. Seeded like pcg32_srandom_r(initstate, initseq), so Pcg32(42, 54) gives the reference demo's
// 0xa15c02b7, 0x7b47f409, ...
class Pcg32 {
 public:
  Pcg32(uint64_t initstate, uint64_t initseq);
  uint32_t next();

 private:
  uint64_t state_ = 0;
  uint64_t inc_ = 0;
};

// SplitMix64 (S. Vigna, prng.di.unimi.it/splitmix64.c), used to spread a seed into well-mixed state.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next();

 private:
  uint64_t state_;
};

// 64-bit FNV-1a of the bytes (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
uint64_t fnv1a64(std::string_view bytes);

// The stream for one named tensor: m = SplitMix64(seed ^ fnv1a64(key)); Pcg32(m.next(), m.next()).
// It depends only on the seed and the key, so adding or reordering other parameters leaves it unchanged.
Pcg32 stream_for(uint64_t seed, std::string_view key);

}  // namespace nnc
