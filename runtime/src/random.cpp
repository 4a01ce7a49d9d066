#include "nnc/random.h"

namespace nnc {

Pcg32::Pcg32(uint64_t initstate, uint64_t initseq) : inc_(initseq << 1u | 1u) {
  next();
  state_ += initstate;
  next();
}

uint32_t Pcg32::next() {
  const uint64_t old = state_;
  state_ = old * 6364136223846793005ULL + inc_;
  const auto xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
  const auto rot = static_cast<uint32_t>(old >> 59u);
  return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
}

uint64_t SplitMix64::next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t fnv1a64(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

Pcg32 stream_for(uint64_t seed, std::string_view key) {
  SplitMix64 mix(seed ^ fnv1a64(key));
  const uint64_t initstate = mix.next();
  return Pcg32(initstate, mix.next());
}

}  // namespace nnc
