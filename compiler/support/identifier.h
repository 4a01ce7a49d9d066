#pragma once
// Names from a model file as identifiers in generated code: C++ namespaces, functions and variables, and LLVM
// symbols. The emitted code must compile whatever a model calls its layers, and models must link into one
// program whatever they are called.
#include <set>
#include <string>
#include <string_view>

namespace nnc {

// `name` as a piece of an identifier: ASCII letters and digits as they are, each run of anything else (the bytes
// of non-ASCII characters too) one '_', no '_' at either end (so that pieces joined by '_' never hold the reserved
// "__"), at most 80 characters. "layer1.0.conv1" -> "layer1_0_conv1", "-x-" -> "x". Empty when `name` has no
// letter or digit; it may start with a digit ("0"), so it goes after a prefix.
std::string identifier_piece(std::string_view name);

// Whether `word` must not name a namespace of the emitted C++: a keyword or alternative token (`class`, `and`),
// a name the C library headers that the emitted code includes declare or define (`exp`, `size_t`, `NAN`), or a
// namespace of its own (`nnc_rt`).
bool reserved_identifier(std::string_view word);

// A model's name as the identifier of its C++ namespace, file names and symbols: `name` itself when it is
// already a piece that starts with a letter, is not reserved and does not end like a hash suffix; otherwise its
// piece ("model_" before one that would start with a digit or be empty), '_' and eight hex digits of a hash of
// `name`: "a-b" -> "a_b_4f3ac1d2", "class" -> "class_0c4e79b5". That is what lets two models whose names differ
// link into one program: a name kept as it is never ends in a hash suffix, and two changed names share an
// identifier only when their pieces and their 32-bit hashes both agree (odds of 2^-32 for a pair of names).
std::string model_identifier(std::string_view name);

// Identifiers distinct within one scope, such as the kernels of a model or the parameters of a kernel.
class IdentifierScope {
 public:
  // `candidate` when it is free, else the first free one of `candidate_2`, `candidate_3`, ...; now taken.
  std::string claim(const std::string& candidate);

 private:
  std::set<std::string> taken_;
};

}  // namespace nnc
