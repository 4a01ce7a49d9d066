#pragma once
// The Python dict literal in a .npy header, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }.
#include <string>
#include <string_view>

#include "nnc/result.h"
#include "nnc/shape.h"

namespace nnc {

struct NpyDict {
  std::string descr;
  bool fortran_order = false;
  Shape shape;
};

// Exactly the keys descr (a string), fortran_order (True or False) and shape (a tuple of non-negative ints that fit
// in int64), each once. Errors say what was expected where, without the file name.
Result<NpyDict> parse_npy_dict(std::string_view text);

}  // namespace nnc
