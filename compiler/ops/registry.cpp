#include "ops/registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "support/internal_error.h"

namespace nnc {
namespace {

// Filled while nnc_core loads, before anything asks for the registry.
std::vector<OpRegistry::Entry>& registered() {
  static std::vector<OpRegistry::Entry> entries;
  return entries;
}

}  // namespace

OpRegistration::OpRegistration(const OpDef& op, int order) { registered().push_back({&op, order}); }

OpRegistry::OpRegistry(std::vector<Entry> entries) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.order < b.order; });
  std::set<std::string_view> names;
  for (size_t i = 0; i < entries.size(); ++i) {
    const OpSchema& schema = entries[i].op->schema;
    if (i > 0 && entries[i - 1].order == entries[i].order)
      internal_error(fmt::format("ops '{}' and '{}' have the same order {}",
                                         entries[i - 1].op->schema.name, schema.name, entries[i].order));
    std::vector<std::string_view> own = {schema.name};
    own.insert(own.end(), schema.aliases.begin(), schema.aliases.end());
    for (std::string_view name : own)
      if (!names.insert(name).second)
        internal_error(fmt::format("op name or alias '{}' is used twice", name));
    ops_.push_back(entries[i].op);
    schemas_.push_back(&schema);
  }
}

const OpDef* OpRegistry::find(std::string_view name) const {
  const OpSchema* schema = find_schema(schemas_, name);
  if (!schema) return nullptr;
  return ops_[std::find(schemas_.begin(), schemas_.end(), schema) - schemas_.begin()];
}

const OpDef& OpRegistry::op_of(const Layer& layer) const {
  for (const OpDef* op : ops_)
    if (&op->schema == layer.schema) return *op;
  internal_error(fmt::format("layer '{}' has no op of this registry", layer.name));
}

const OpRegistry& op_registry() {
  static const OpRegistry registry(registered());
  return registry;
}

const LayerLowering& lowering_of(const Layer& layer) { return op_registry().op_of(layer).lowering; }

ReferenceKernel reference_of(const Layer& layer) { return op_registry().op_of(layer).reference; }

}  // namespace nnc
