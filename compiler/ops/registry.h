#pragma once
// Every op nnc knows, gathered from the definitions that register themselves (ops/op.h) and
// listed in their order. It provides the lookups the front end, lowering and the reference
// executor take, so that none of them knows the ops.
#include <string_view>
#include <vector>

#include "ops/op.h"

namespace nnc {

class OpRegistry {
 public:
  struct Entry {
    const OpDef* op;
    int order;
  };

  // An internal error (a bug in nnc) when two ops share a name, alias or order.
  explicit OpRegistry(std::vector<Entry> entries);

  const std::vector<const OpDef*>& ops() const { return ops_; }
  // The schemas of ops(), for the front end.
  OpSchemas schemas() const { return schemas_; }
  // By name or alias; null when there is none.
  const OpDef* find(std::string_view name) const;
  // The op of a layer read against schemas().
  const OpDef& op_of(const Layer& layer) const;

 private:
  std::vector<const OpDef*> ops_;
  std::vector<const OpSchema*> schemas_;
};

// The registry of the ops built into nnc_core.
const OpRegistry& op_registry();

// The lookups of op_registry(), for lower_graph, plan_model, schedule_graph and run_reference.
const LayerLowering& lowering_of(const Layer& layer);
ReferenceKernel reference_of(const Layer& layer);

}  // namespace nnc
