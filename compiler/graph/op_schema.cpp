#include "graph/op_schema.h"

#include <algorithm>

namespace nnc {

bool reads_list(InputForm form) { return form == InputForm::List || form == InputForm::OneOrList; }
bool reads_one(InputForm form) { return form == InputForm::One || form == InputForm::OneOrList; }

const OpSchema* find_schema(OpSchemas ops, std::string_view name) {
  for (const OpSchema* op : ops)
    if (op->name == name || std::find(op->aliases.begin(), op->aliases.end(), name) != op->aliases.end()) return op;
  return nullptr;
}

}  // namespace nnc
