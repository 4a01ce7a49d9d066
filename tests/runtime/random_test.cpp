// The generators against their published reference values, and the per-tensor streams.
#include <catch2/catch.hpp>

#include <set>

#include "nnc/random.h"

TEST_CASE("Pcg32 matches the pcg32-demo reference output for initstate 42, initseq 54", "[random]") {
  // pcg-c-basic's pcg32-demo prints these as "Round 1".
  nnc::Pcg32 rng(42, 54);
  for (uint32_t expected : {0xa15c02b7u, 0x7b47f409u, 0xba1d3330u, 0x83d2f293u, 0xbfa4784bu, 0xcbed606eu})
    CHECK(rng.next() == expected);
}

TEST_CASE("SplitMix64 matches its reference first output for seed 1234567", "[random]") {
  CHECK(nnc::SplitMix64(1234567).next() == 6457827717110365317ULL);
}

TEST_CASE("FNV-1a 64 matches the published test vectors", "[random]") {
  CHECK(nnc::fnv1a64("") == 0xcbf29ce484222325ULL);
  CHECK(nnc::fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(nnc::fnv1a64("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("a tensor's stream depends on exactly the seed and its key", "[random]") {
  auto first = [](uint64_t seed, const char* key) { return nnc::stream_for(seed, key).next(); };
  CHECK(first(0, "conv1.weight") == first(0, "conv1.weight"));
  std::set<uint32_t> distinct = {first(0, "conv1.weight"), first(1, "conv1.weight"), first(0, "conv1.bias"),
                                 first(0, "conv2.weight"), first(0, "0.weight"), first(0, "1.weight")};
  CHECK(distinct.size() == 6);
}
