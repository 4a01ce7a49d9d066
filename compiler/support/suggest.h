#pragma once
// "Did you mean" for misspelt op names, keys and layer references.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnc {

// The candidate a user most plausibly meant by `word`, if any is close enough: the same word up to
// case and underscores (PyTorch's class names: BatchNorm2d, AdaptiveAvgPool2d), a prefix
// (maxpool -> maxpool2d), or a small edit distance.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace nnc
