#include <catch2/catch.hpp>

#include "support/suggest.h"

using nnc::closest_match;

TEST_CASE("did-you-mean finds PyTorch spellings, prefixes and typos", "[suggest]") {
  const std::vector<std::string> ops = {"conv2d", "maxpool2d", "adaptive_avgpool2d", "batchnorm2d", "relu", "leaky_relu"};
  CHECK(closest_match("Conv2d", ops) == "conv2d");
  CHECK(closest_match("AdaptiveAvgPool2d", ops) == "adaptive_avgpool2d");
  CHECK(closest_match("BatchNorm2d", ops) == "batchnorm2d");
  CHECK(closest_match("maxpool", ops) == "maxpool2d");
  CHECK(closest_match("rleu", ops) == "relu");
  CHECK(closest_match("LeakyReLU", ops) == "leaky_relu");
  CHECK_FALSE(closest_match("transformer", ops));
  CHECK_FALSE(closest_match("5", {"0", "1"}));
  CHECK_FALSE(closest_match(std::string(1000, 'a'), ops));
}
