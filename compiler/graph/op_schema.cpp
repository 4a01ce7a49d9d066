#include "graph/op_schema.h"

#include <algorithm>

namespace nnc {

const OpSchema* find_schema(OpSchemas ops, std::string_view name) {
  for (const OpSchema* op : ops)
    if (op->name == name || std::find(op->aliases.begin(), op->aliases.end(), name) != op->aliases.end()) return op;
  return nullptr;
}

}  // namespace nnc
